"""Who may do what: every operation of the OpenAPI document × every role × its own and another
tenant's resource, checked against one declared policy (`POLICY`).

Anonymous requests are a 401; denied ones a 403 (another tenant's resource is a 403 too,
never its data); allowed ones neither (they may still be a 404, 409 or 422). The probes
change nothing that matters: updates and deletes carry a stale `If-Match`, event changes name
an event that does not exist, creations only add. A listing a tenant may see holds only its
own records, even when it asks for another tenant's. An operation without a policy entry (or
an entry for an operation that is gone) fails `test_every_operation_has_a_policy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.service.conftest import Service
from tests.service.job_helpers import finished

STAFF = frozenset({"admin", "organiser"})
SCOPED = frozenset({"enterprise", "bank", "university"})
EVERY_KEY = STAFF | SCOPED
# The key each role uses (see tests.service.conftest.PEOPLE); anonymous sends none.
KEY_OF = {"admin": "admin", "organiser": "organiser", "enterprise": "e1", "bank": "bank",
          "university": "university"}  # fmt: skip
ROLES = (*KEY_OF, "anonymous")
TENANTS = ("own", "other")
STALE = '"999999"'  # an If-Match no record has: an allowed change is a 409 and changes nothing


@dataclass(frozen=True)
class Rule:
    """The roles allowed on the role's own resource and on another tenant's."""

    own: frozenset[str]
    other: frozenset[str]
    public: bool = False  # no key needed at all

    def allows(self, role: str, tenant: str) -> bool:
        return role in (self.own if tenant == "own" else self.other)


def anyone() -> Rule:
    return Rule(EVERY_KEY | {"anonymous"}, EVERY_KEY | {"anonymous"}, public=True)


def roles(*allowed: str) -> Rule:
    return Rule(frozenset(allowed), frozenset(allowed))


def owner(*owners: str) -> Rule:
    """Staff on everything, `owners` on their own only."""
    return Rule(STAFF | set(owners), STAFF)


def catalogue(owner_role: str, *readers: str) -> Rule:
    """Staff and `readers` on everything, `owner_role` on its own only."""
    return Rule(STAFF | {owner_role, *readers}, STAFF | set(readers))


ADMIN, STAFF_ONLY, KEYS = roles("admin"), roles(*STAFF), roles(*EVERY_KEY)
ENTERPRISE_OWNS = owner("enterprise")

POLICY: dict[str, Rule] = {
    "GET /healthz": anyone(),
    "GET /readyz": anyone(),
    # records: an owner reads and changes its own; catalogues are read by the roles they serve
    "GET /api/enterprises": roles(*STAFF, "enterprise"),
    "POST /api/enterprises": STAFF_ONLY,
    "GET /api/enterprises/{record_id}": ENTERPRISE_OWNS,
    "PUT /api/enterprises/{record_id}": ENTERPRISE_OWNS,
    "DELETE /api/enterprises/{record_id}": STAFF_ONLY,
    "GET /api/needs": roles(*STAFF, "enterprise"),
    "POST /api/needs": ENTERPRISE_OWNS,
    "GET /api/needs/{record_id}": ENTERPRISE_OWNS,
    "PUT /api/needs/{record_id}": ENTERPRISE_OWNS,
    "DELETE /api/needs/{record_id}": ENTERPRISE_OWNS,
    "GET /api/offers": roles(*STAFF, "enterprise"),
    "POST /api/offers": ENTERPRISE_OWNS,
    "GET /api/offers/{record_id}": ENTERPRISE_OWNS,
    "PUT /api/offers/{record_id}": ENTERPRISE_OWNS,
    "DELETE /api/offers/{record_id}": ENTERPRISE_OWNS,
    "GET /api/tech-results": roles(*STAFF, "enterprise", "university"),
    "POST /api/tech-results": STAFF_ONLY,
    "GET /api/tech-results/{record_id}": catalogue("university", "enterprise"),
    "PUT /api/tech-results/{record_id}": owner("university"),
    "DELETE /api/tech-results/{record_id}": STAFF_ONLY,
    "GET /api/products": roles(*STAFF, "enterprise", "bank"),
    "POST /api/products": STAFF_ONLY,
    "GET /api/products/{record_id}": catalogue("bank", "enterprise"),
    "PUT /api/products/{record_id}": owner("bank"),
    "DELETE /api/products/{record_id}": STAFF_ONLY,
    "GET /api/policies": KEYS,
    "POST /api/policies": STAFF_ONLY,
    "GET /api/policies/{record_id}": KEYS,
    "PUT /api/policies/{record_id}": STAFF_ONLY,
    "DELETE /api/policies/{record_id}": STAFF_ONLY,
    # recommendations and lead lists: the owner of what they are about
    "GET /api/needs/{need_id}/recommendations": ENTERPRISE_OWNS,
    "POST /api/recommendations": ENTERPRISE_OWNS,
    "GET /api/enterprises/{enterprise_id}/policies": ENTERPRISE_OWNS,
    "GET /api/tech-results/{result_id}/leads": owner("university"),
    "GET /api/products/{product_id}/leads": owner("bank"),
    "GET /api/offers/{offer_id}/leads": ENTERPRISE_OWNS,
    # events: staff run them; participants see their own agenda of a published event
    "GET /api/events": KEYS,
    "POST /api/events": STAFF_ONLY,
    "GET /api/events/{event_id}": STAFF_ONLY,
    "DELETE /api/events/{event_id}": STAFF_ONLY,
    "POST /api/events/{event_id}/participants": STAFF_ONLY,
    "POST /api/events/{event_id}/participants/upload": STAFF_ONLY,
    "POST /api/events/{event_id}/pair": STAFF_ONLY,
    "POST /api/events/{event_id}/schedule": STAFF_ONLY,
    "POST /api/events/{event_id}/regenerate": STAFF_ONLY,
    "POST /api/events/{event_id}/meetings/{action}": STAFF_ONLY,
    "POST /api/events/{event_id}/publish": STAFF_ONLY,
    "GET /api/events/{event_id}/restore": STAFF_ONLY,
    "POST /api/events/{event_id}/restore/{index}": STAFF_ONLY,
    "DELETE /api/events/{event_id}/participants/{participant_id}": STAFF_ONLY,
    "POST /api/events/{event_id}/removals": STAFF_ONLY,
    "PUT /api/events/{event_id}/settings": STAFF_ONLY,
    "GET /api/events/{event_id}/export/{name}": STAFF_ONLY,
    "GET /api/events/templates/participants.xlsx": STAFF_ONLY,
    "GET /api/events/{event_id}/agenda/{participant_id}.html": owner(*SCOPED),
    "GET /api/events/{event_id}/agenda/{participant_id}.ics": owner(*SCOPED),
    "GET /api/events/{event_id}/my-agenda": roles(*SCOPED),  # staff take part in no event
    "GET /api/events/{event_id}/my-agenda.ics": roles(*SCOPED),
    # participant choice: staff move the phase and read everyone's; a participant its own
    "POST /api/events/{event_id}/phase": STAFF_ONLY,
    "GET /api/events/{event_id}/choices": STAFF_ONLY,
    "GET /api/events/{event_id}/choices/{participant_id}": owner(*SCOPED),
    "PUT /api/events/{event_id}/choices/{participant_id}/picks": Rule(SCOPED, frozenset()),
    "POST /api/events/{event_id}/choices/{participant_id}/requests": Rule(SCOPED, frozenset()),
    "POST /api/events/{event_id}/choices/{participant_id}/requests/answer": Rule(
        SCOPED, frozenset()
    ),
    # the event day: staff only
    "POST /api/events/{event_id}/checkin": STAFF_ONLY,
    "POST /api/events/{event_id}/day/mark": STAFF_ONLY,
    "POST /api/events/{event_id}/day/absent": STAFF_ONLY,
    "GET /api/events/{event_id}/day/repair": STAFF_ONLY,
    "POST /api/events/{event_id}/day/repair": STAFF_ONLY,
    "GET /api/events/{event_id}/board": STAFF_ONLY,
    # data files, indexes, jobs, keys, audit
    "POST /api/import": STAFF_ONLY,
    "GET /api/export/{kind}": STAFF_ONLY,
    "GET /api/indexes": STAFF_ONLY,
    "POST /api/indexes/rebuild": STAFF_ONLY,
    "GET /api/jobs": STAFF_ONLY,
    "GET /api/jobs/{job_id}": Rule(STAFF, frozenset({"admin"})),  # its creator, or an admin
    "GET /api/me": KEYS,
    "GET /api/keys": ADMIN,
    "POST /api/keys": ADMIN,
    "DELETE /api/keys/{key_id}": ADMIN,
    "GET /api/audit": ADMIN,
    # outcomes and reports
    "PUT /api/events/{event_id}/meetings/outcome": STAFF_ONLY,
    "POST /api/finance-outcomes": owner("bank"),
    "GET /api/outcomes/overdue": STAFF_ONLY,
    # E1|F1: e1's financing match, of a 青岛银行 product
    "GET /api/outcomes/{outcome_id}/history": owner("enterprise", "bank"),
    "GET /api/events/{event_id}/followup.xlsx": STAFF_ONLY,
    "POST /api/events/{event_id}/followup": STAFF_ONLY,
    "GET /api/reports/funnel": STAFF_ONLY,
    "GET /api/reports/funnel.{fmt}": STAFF_ONLY,
    # notifications: staff send, list, dispatch and resend an event's messages
    "GET /api/events/{event_id}/notifications": STAFF_ONLY,
    "POST /api/events/{event_id}/notifications/dispatch": STAFF_ONLY,
    "POST /api/events/{event_id}/notifications/resend": STAFF_ONLY,
    "POST /api/events/{event_id}/notifications/{kind}": STAFF_ONLY,
}

# Each role's own resources and another tenant's (staff own nothing; they get e1's and e2's).
RESOURCES: dict[str, dict[str, str]] = {
    "own": {"enterprise": "E1", "need": "N1", "offer": "O-E1", "tech_result": "T2",
            "product": "F1", "outcome": "E1|F1", "university": "青岛大学", "bank": "青岛银行"},
    "other": {"enterprise": "E2", "need": "N3", "offer": "O3", "tech_result": "T1",
              "product": "F2", "outcome": "E2|F2", "university": "中国石油大学（华东）",
              "bank": "青岛农商银行"},
}  # fmt: skip
PARTICIPANT = {  # the agenda a role asks for: its own participant, or another one
    "own": {"enterprise": "E1", "bank": "B:青岛银行", "university": "U:青岛大学"},
    "other": {"enterprise": "E2", "bank": "B:青岛农商银行", "university": "U:中国石油大学（华东）"},
}
EVENT, NO_EVENT = "EV-matrix", "EV-none"  # a published event; a missing one for changes
RECORD_PATHS = {"enterprises": "enterprise", "needs": "need", "offers": "offer",
                "tech-results": "tech_result", "products": "product"}  # fmt: skip


@dataclass
class Probe:
    """One request of the matrix (placeholders like `{need}` filled per role and tenant)."""

    json: Any = None
    params: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] | None = None
    stale: bool = False  # send the stale If-Match
    event: str = EVENT


ENTERPRISE = {"name": "矩阵测试有限公司", "credit_code": "91370200163562839F", "district": "崂山",
              "chain": "人工智能", "size": "小型", "employees": 10, "revenue": 100,
              "founded": "2020-01-01", "description": "矩阵测试"}  # fmt: skip
TECH_RESULT = {"university": "青岛大学", "team": "矩阵", "title": "矩阵测试成果", "abstract": "矩阵测试",
               "field": "人工智能", "trl": 5}  # fmt: skip
PRODUCT = {"bank": "青岛银行", "name": "矩阵贷", "type": "信用贷", "amount_min": 10, "amount_max": 100,
           "term_min": 6, "term_max": 12, "rate": 4.0, "description": "矩阵测试"}  # fmt: skip
POLICY_BODY = {"issuer": "矩阵", "title": "矩阵政策", "text": "矩阵测试", "benefit": "无",
               "valid_from": "2025-01-01"}  # fmt: skip
UPLOAD = {"file": ("participants.csv", b"")}
PROBES: dict[str, Probe] = {
    "POST /api/enterprises": Probe(ENTERPRISE),
    "PUT /api/enterprises/{record_id}": Probe({"description": "矩阵测试"}, stale=True),
    "DELETE /api/enterprises/{record_id}": Probe(stale=True),
    "GET /api/needs": Probe(params={"enterprise_id": "{enterprise}"}),
    "POST /api/needs": Probe({"enterprise_id": "{enterprise}", "kind": "tech", "text": "矩阵测试"}),
    "PUT /api/needs/{record_id}": Probe({"text": "矩阵测试"}, stale=True),
    "DELETE /api/needs/{record_id}": Probe(stale=True),
    "GET /api/offers": Probe(params={"enterprise_id": "{enterprise}"}),
    "POST /api/offers": Probe({"enterprise_id": "{enterprise}", "text": "矩阵测试"}),
    "PUT /api/offers/{record_id}": Probe({"text": "矩阵测试"}, stale=True),
    "DELETE /api/offers/{record_id}": Probe(stale=True),
    "GET /api/tech-results": Probe(params={"university": "{university}"}),
    "POST /api/tech-results": Probe(TECH_RESULT),
    "PUT /api/tech-results/{record_id}": Probe({"team": "矩阵"}, stale=True),
    "DELETE /api/tech-results/{record_id}": Probe(stale=True),
    "GET /api/products": Probe(params={"bank": "{bank}"}),
    "POST /api/products": Probe(PRODUCT),
    "PUT /api/products/{record_id}": Probe({"name": "矩阵贷"}, stale=True),
    "DELETE /api/products/{record_id}": Probe(stale=True),
    "POST /api/policies": Probe(POLICY_BODY),
    "PUT /api/policies/{record_id}": Probe({"benefit": "无"}, stale=True),
    "DELETE /api/policies/{record_id}": Probe(stale=True),
    "POST /api/recommendations": Probe(
        {"text": "锂电池热管理", "kind": "tech", "enterprise_id": "{enterprise}"}
    ),
    "POST /api/events": Probe({"name": "矩阵活动", "date": "2026-12-04"}),
    "DELETE /api/events/{event_id}": Probe(stale=True),
    "POST /api/events/{event_id}/participants": Probe({"by_chain": 1}, event=NO_EVENT),
    "POST /api/events/{event_id}/participants/upload": Probe(files=UPLOAD, event=NO_EVENT),
    "POST /api/events/{event_id}/pair": Probe(event=NO_EVENT),
    "POST /api/events/{event_id}/schedule": Probe(event=NO_EVENT),
    "POST /api/events/{event_id}/regenerate": Probe(event=NO_EVENT),
    "POST /api/events/{event_id}/meetings/{action}": Probe({"a": "E1", "b": "E2"}, event=NO_EVENT),
    "POST /api/events/{event_id}/publish": Probe({"published": True}, event=NO_EVENT),
    "POST /api/events/{event_id}/restore/{index}": Probe(stale=True),
    "DELETE /api/events/{event_id}/participants/{participant_id}": Probe(stale=True),
    "POST /api/events/{event_id}/removals": Probe({"a": "E1", "b": "E2"}, stale=True),
    "PUT /api/events/{event_id}/settings": Probe(
        {"name": "矩阵活动", "date": "2026-12-04"}, stale=True
    ),
    "POST /api/events/{event_id}/phase": Probe({"phase": "preferences"}, event=NO_EVENT),
    "PUT /api/events/{event_id}/choices/{participant_id}/picks": Probe({"picks": {}}, stale=True),
    "POST /api/events/{event_id}/choices/{participant_id}/requests": Probe(
        {"recipient": "E2"}, stale=True
    ),
    "POST /api/events/{event_id}/choices/{participant_id}/requests/answer": Probe(
        {"other": "E2", "answer": "accept"}, stale=True
    ),
    "POST /api/events/{event_id}/checkin": Probe({"participant_id": "E1"}, event=NO_EVENT),
    "POST /api/events/{event_id}/day/mark": Probe(
        {"a": "E1", "b": "E2", "status": "held"}, event=NO_EVENT
    ),
    "POST /api/events/{event_id}/day/absent": Probe({"participant_id": "E1"}, event=NO_EVENT),
    "POST /api/events/{event_id}/day/repair": Probe({"from_slot": 0}, stale=True),
    "POST /api/import": Probe(files={"file": ("needs.csv", b"")}, params={"wait": "true"}),
    "POST /api/indexes/rebuild": Probe({"kinds": ["policy"]}, params={"wait": "true"}),
    "POST /api/keys": Probe({"role": "organiser", "name": "矩阵"}),
    "PUT /api/events/{event_id}/meetings/outcome": Probe(
        {"a": "E1", "b": "E2", "stage": "intent"}, event=NO_EVENT
    ),
    "POST /api/finance-outcomes": Probe(
        {"enterprise_id": "E1", "product_id": "{product}", "status": "applied"}, stale=True
    ),
    "POST /api/events/{event_id}/followup": Probe(
        files={"file": ("跟踪表.xlsx", b"")}, event=NO_EVENT
    ),
    "POST /api/events/{event_id}/notifications/dispatch": Probe(event=NO_EVENT),
    "POST /api/events/{event_id}/notifications/resend": Probe({"ids": [1]}, event=NO_EVENT),
    "POST /api/events/{event_id}/notifications/{kind}": Probe(event=NO_EVENT),
}
# A listing a scoped role may see holds only its own records: the field and the value.
LISTS_OWN = {
    ("GET /api/enterprises", "enterprise"): ("id", "E1"),
    ("GET /api/needs", "enterprise"): ("enterprise_id", "E1"),
    ("GET /api/offers", "enterprise"): ("enterprise_id", "E1"),
    ("GET /api/tech-results", "university"): ("university", "青岛大学"),
    ("GET /api/products", "bank"): ("bank", "青岛银行"),
}


def path_values(path: str, tenant: str, role: str, probe: Probe, jobs: dict[str, str]) -> dict:
    """Every path parameter of `path`, for `role`'s own or another tenant's resource."""
    own = RESOURCES[tenant]
    collection = path.split("/")[2] if path.startswith("/api/") else ""
    participant = PARTICIPANT[tenant].get(role, "E1" if tenant == "own" else "E2")
    return {
        "record_id": own.get(RECORD_PATHS.get(collection, ""), "P1"),
        "need_id": own["need"], "enterprise_id": own["enterprise"],
        "result_id": own["tech_result"], "product_id": own["product"], "offer_id": own["offer"],
        "event_id": probe.event, "action": "lock", "name": "pairing.csv",
        "participant_id": participant, "kind": "need", "key_id": "999999",
        "job_id": jobs[tenant], "outcome_id": own["outcome"], "fmt": "html", "index": "0",
    }  # fmt: skip


def fill(value: Any, values: dict[str, str]) -> Any:
    """`value` with its `{placeholders}` filled in (through dicts and lists)."""
    if isinstance(value, str):
        return value.format(**values) if "{" in value else value
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    return value


def request_for(operation: str, role: str, tenant: str, jobs: dict[str, str]) -> dict:
    """The request (method, URL, body, headers) of one cell of the matrix."""
    method, path = operation.split(" ", 1)
    probe = PROBES.get(operation, Probe())
    values = {**RESOURCES[tenant], **path_values(path, tenant, role, probe, jobs)}
    request: dict[str, Any] = {"method": method, "url": path.format(**values)}
    if probe.json is not None:
        request["json"] = fill(probe.json, values)
    if probe.params:
        request["params"] = fill(probe.params, values)
    if probe.files:
        request["files"] = probe.files
    if probe.stale:
        request["headers"] = {"If-Match": STALE}
    return request


@pytest.fixture(scope="module")
def world(sqlite_service: Service) -> dict[str, str]:
    """What the matrix needs besides the small world: an offer of E1's, a published event with
    every role's participant, two financing outcomes, a job of the organiser's and one of the
    admin's. Returns the job ids by tenant."""
    service = sqlite_service

    def ok(who: str, method: str, url: str, **kwargs: Any) -> dict:
        response = service.request(who, method, url, **kwargs)
        assert response.status_code < 300, (url, response.text)
        return response.json() if response.content else {}

    ok("admin", "POST", "/api/offers", json={"id": "O-E1", "enterprise_id": "E1",
                                              "text": "承接电池包检测"})  # fmt: skip
    ok("organiser", "POST", "/api/events", json={"id": EVENT, "name": "授权矩阵",
                                                  "date": "2026-12-03"})  # fmt: skip
    participants = [{"kind": "enterprise", "ref": ref} for ref in ("E1", "E2")] + [
        {"kind": kind, "ref": ref.split(":", 1)[1]}
        for tenant in TENANTS
        for kind, ref in (("bank", PARTICIPANT[tenant]["bank"]),
                          ("university", PARTICIPANT[tenant]["university"]))
    ]  # fmt: skip
    ok(
        "organiser",
        "POST",
        f"/api/events/{EVENT}/participants",
        json={"participants": participants},
    )
    ok("organiser", "POST", f"/api/events/{EVENT}/regenerate", params={"wait": "true"})
    ok("organiser", "POST", f"/api/events/{EVENT}/publish")
    for enterprise, product in (("E1", "F1"), ("E2", "F2")):
        body = {"enterprise_id": enterprise, "product_id": product, "status": "applied"}
        ok("admin", "POST", "/api/finance-outcomes", json=body)
    jobs = {}
    for tenant, who in (("own", "organiser"), ("other", "admin")):  # one rebuild at a time
        jobs[tenant] = ok(who, "POST", "/api/indexes/rebuild", json={"kinds": ["policy"]})["job_id"]
        finished(service.state, jobs[tenant])
    return jobs


def test_every_operation_has_a_policy(sqlite_service: Service) -> None:
    document = sqlite_service.client.get("/openapi.json").json()
    operations = {f"{m.upper()} {path}" for path, ms in document["paths"].items() for m in ms}
    assert not operations - set(POLICY), "operations without a policy entry"
    assert not set(POLICY) - operations, "policy entries for operations that are gone"
    assert set(PROBES) <= operations
    public = {op for op, rule in POLICY.items() if rule.public}
    secured = {f"{m.upper()} {p}" for p, ms in document["paths"].items()
               for m, op in ms.items() if op.get("security")}  # fmt: skip
    assert secured == operations - public  # the document says which need a key


@pytest.mark.parametrize("operation", sorted(POLICY))
def test_each_role_may_do_what_the_policy_says(
    operation: str, sqlite_service: Service, world: dict[str, str]
) -> None:
    service, rule, wrong = sqlite_service, POLICY[operation], []
    for role in ROLES:
        for tenant in TENANTS:
            request = request_for(operation, role, tenant, world)
            same = request == request_for(operation, role, "own", world)
            if tenant == "other" and same and rule.allows(role, "own") == rule.allows(role, tenant):
                continue  # the same request twice
            response = service.request(KEY_OF.get(role), **request)
            status = response.status_code
            allowed = rule.allows(role, tenant)
            if role == "anonymous" and not rule.public:
                expected = "401"
                good = status == 401
            elif allowed:
                expected = "not 401/403"
                good = status not in (401, 403) and status < 500
            else:
                expected = "403"
                good = status == 403
            if good and allowed and (operation, role) in LISTS_OWN:
                name, value = LISTS_OWN[operation, role]
                good = all(item[name] == value for item in response.json()["items"])
                expected += f", only {name}={value}"
            if not good:
                wrong.append(f"{role} / {tenant}: {status} (expected {expected}) "
                             f"{request['method']} {request['url']} {response.text[:160]}")  # fmt: skip
    assert not wrong, "\n".join(wrong)
