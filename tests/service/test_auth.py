"""Who may do what: every role against representative endpoints, and scope isolation."""

from __future__ import annotations

import pytest

from matcher.credit_code import make_credit_code
from tests.service.test_crud import BODIES

ROLES = ("admin", "organiser", "e1", "bank", "university")
TECH_QUERY = {"text": "锂电池散热", "kind": "tech"}
CSV = ("offers.csv", "id,enterprise_id,text\nO1,E4,承接数控精密机械加工\n".encode(), "text/csv")
# method, url, body, expected status for admin / organiser / e1 (E1) / bank (青岛银行) /
# university (青岛大学); "-" leaves a role out.
MATRIX = [
    ("GET", "/api/enterprises", None, "200 200 200 403 403"),
    ("GET", "/api/enterprises/E1", None, "200 200 200 403 403"),
    ("GET", "/api/enterprises/E2", None, "200 200 403 403 403"),
    ("PUT", "/api/enterprises/E1", {"employees": 120}, "200 200 200 403 403"),
    ("PUT", "/api/enterprises/E2", {"employees": 60}, "200 200 403 403 403"),
    ("POST", "/api/enterprises", BODIES["enterprises"], "201 201 403 403 403"),
    ("DELETE", "/api/enterprises/E1", None, "409 409 403 403 403"),
    ("GET", "/api/needs", None, "200 200 200 403 403"),
    ("GET", "/api/needs/N1", None, "200 200 200 403 403"),
    ("GET", "/api/needs/N3", None, "200 200 403 403 403"),
    ("POST", "/api/needs", BODIES["needs"], "201 201 201 403 403"),
    ("POST", "/api/needs", {**BODIES["needs"], "enterprise_id": "E2"}, "201 201 403 403 403"),
    ("PUT", "/api/needs/N3", {"term_months": 12}, "200 200 403 403 403"),
    ("DELETE", "/api/needs/N3", None, "- - 403 403 403"),
    ("GET", "/api/needs/N1/recommendations", None, "200 200 200 403 403"),
    ("GET", "/api/needs/N3/recommendations", None, "200 200 403 403 403"),
    ("POST", "/api/recommendations", TECH_QUERY, "200 200 200 403 403"),
    ("GET", "/api/enterprises/E1/policies", None, "200 200 200 403 403"),
    ("GET", "/api/enterprises/E2/policies", None, "200 200 403 403 403"),
    ("GET", "/api/tech-results", None, "200 200 200 403 200"),
    ("GET", "/api/tech-results/T1", None, "200 200 200 403 403"),
    ("PUT", "/api/tech-results/T2", {"trl": 7}, "200 200 403 403 200"),
    ("PUT", "/api/tech-results/T1", {"trl": 6}, "200 200 403 403 403"),
    ("POST", "/api/tech-results", BODIES["tech-results"], "201 201 403 403 403"),
    ("DELETE", "/api/tech-results/T3", None, "- - 403 403 403"),
    ("GET", "/api/tech-results/T2/leads", None, "200 200 403 403 200"),
    ("GET", "/api/tech-results/T1/leads", None, "200 200 403 403 403"),
    ("GET", "/api/products", None, "200 200 200 200 403"),
    ("GET", "/api/products/F1", None, "200 200 200 200 403"),
    ("GET", "/api/products/F2", None, "200 200 200 403 403"),
    ("PUT", "/api/products/F1", {"rate": 3.6}, "200 200 403 200 403"),
    ("PUT", "/api/products/F2", {"rate": 3.9}, "200 200 403 403 403"),
    ("POST", "/api/products", BODIES["products"], "201 201 403 403 403"),
    ("GET", "/api/products/F1/leads", None, "200 200 403 200 403"),
    ("GET", "/api/products/F3/leads", None, "200 200 403 403 403"),
    ("GET", "/api/policies", None, "200 200 200 200 200"),
    ("GET", "/api/policies/P1", None, "200 200 200 200 200"),
    ("POST", "/api/policies", BODIES["policies"], "201 201 403 403 403"),
    ("PUT", "/api/policies/P4", {"amount": 20}, "200 200 403 403 403"),
    ("DELETE", "/api/policies/P2", None, "- - 403 403 403"),
    ("GET", "/api/offers", None, "200 200 200 403 403"),
    ("GET", "/api/offers/O3", None, "200 200 403 403 403"),
    ("GET", "/api/offers/O1/leads", None, "200 200 403 403 403"),
    ("GET", "/api/export/need", None, "200 200 403 403 403"),
    ("GET", "/api/indexes", None, "200 200 403 403 403"),
    ("POST", "/api/indexes/rebuild?wait=true", {}, "200 200 403 403 403"),
    ("POST", "/api/import?wait=true", CSV, "200 200 403 403 403"),
    ("GET", "/api/jobs", None, "200 200 403 403 403"),
    ("GET", "/api/keys", None, "200 403 403 403 403"),
    ("POST", "/api/keys", {"role": "organiser", "name": "活动组"}, "201 403 403 403 403"),
    ("GET", "/api/audit", None, "200 403 403 403 403"),
    ("GET", "/api/me", None, "200 200 200 200 200"),
]
CASES = [
    pytest.param(method, url, body, role, int(status), id=f"{role}-{method}-{url}")
    for method, url, body, statuses in MATRIX
    for role, status in zip(ROLES, statuses.split(), strict=True)
    if status != "-"
]


def call(service, who: str | None, method: str, url: str, body=None, **kwargs):
    if isinstance(body, tuple):
        return service.request(who, method, url, files={"file": body}, **kwargs)
    return service.request(who, method, url, json=body, **kwargs)


@pytest.mark.parametrize(("method", "url", "body", "role", "status"), CASES)
def test_role_matrix(service, method, url, body, role, status):
    response = call(service, role, method, url, body)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["code"] == "forbidden"
        assert "无权" in response.json()["message"]


@pytest.mark.parametrize(("method", "url", "body"), [row[:3] for row in MATRIX])
def test_every_api_endpoint_needs_a_key(service, method, url, body):
    response = call(service, None, method, url, body)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "API-Key"


@pytest.mark.parametrize("key", ["garbage", "mk_" + "A" * 43, ""])
def test_invalid_keys_are_401(service, key):
    response = service.client.get("/api/me", headers={"X-API-Key": key})
    assert response.status_code == 401
    assert response.json()["message"] in (
        "API 密钥无效或已被吊销",
        "缺少 API 密钥：请在请求头 X-API-Key 中提供密钥，或先登录",
    )


def test_revoked_key_is_401_at_once(service):
    key, plaintext = service.state.keys.create("enterprise", "E3", "瑞视")
    headers = {"X-API-Key": plaintext}
    assert service.client.get("/api/me", headers=headers).json()["scope_id"] == "E3"
    assert service.request("admin", "DELETE", f"/api/keys/{key.id}").status_code == 204
    response = service.client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] == "API 密钥无效或已被吊销"


def test_the_session_cookie_authenticates_like_the_header(service):
    me = service.client.get("/api/me", headers=service.browser("e1"))
    assert me.status_code == 200
    assert (me.json()["role"], me.json()["scope_id"]) == ("enterprise", "E1")
    as_cookie = service.client.get(
        "/api/me", headers={"Cookie": f"matcher_session={service.keys['e1']}"}
    )
    assert as_cookie.status_code == 401  # the key itself is no session


def test_enterprise_never_reads_another_enterprises_needs(service):
    listed = service.request("e1", "GET", "/api/needs?enterprise_id=E2&limit=200").json()
    assert listed["items"] and {n["enterprise_id"] for n in listed["items"]} == {"E1"}
    searched = service.request("e1", "GET", "/api/needs?q=冷链").json()  # N3 is E2's
    assert searched["total"] == 0
    for method, url, body in [
        ("GET", "/api/needs/N3", None),
        ("PUT", "/api/needs/N3", {"text": "改写别人的需求"}),
        ("DELETE", "/api/needs/N3", None),
        ("GET", "/api/needs/N3/recommendations", None),
        ("GET", "/api/offers/O3", None),
        ("GET", "/api/offers/O3/leads", None),
        ("GET", "/api/enterprises/E2/policies", None),
        ("POST", "/api/recommendations", {**TECH_QUERY, "enterprise_id": "E2"}),
        ("PUT", "/api/needs/N1", {"enterprise_id": "E2"}),  # handing a need over
        ("POST", "/api/offers", {"enterprise_id": "E2", "text": "冒充别人发布供给"}),
    ]:
        response = call(service, "e1", method, url, body)
        assert response.status_code == 403, (method, url, response.text)
    assert service.request("admin", "GET", "/api/needs/N3").json()["text"] != "改写别人的需求"
    assert service.request("admin", "GET", "/api/needs/N1").json()["enterprise_id"] == "E1"


def test_scoped_lists_show_only_own_records(service):
    def items(who, url):
        return service.request(who, "GET", url).json()["items"]

    assert [e["id"] for e in items("e1", "/api/enterprises")] == ["E1"]
    assert items("e1", "/api/enterprises?offset=1") == []
    assert {o["enterprise_id"] for o in items("e2", "/api/offers")} == {"E2"}
    products = items("bank", "/api/products?bank=齐鲁银行&limit=200")  # the filter is overridden
    assert "F1" in {p["id"] for p in products} and {p["bank"] for p in products} == {"青岛银行"}
    results = items("university", "/api/tech-results")
    assert "T2" in {t["id"] for t in results} and {t["university"] for t in results} == {"青岛大学"}
    assert len(items("e1", "/api/tech-results")) >= 3  # the catalogue is open to enterprises


def test_enterprise_manages_its_own_needs_and_offers(service):
    created = service.request("e2", "POST", "/api/offers", json={"enterprise_id": "E2",
                                                                  "text": "冷链仓储"})  # fmt: skip
    assert created.status_code == 201
    url = f"/api/offers/{created.json()['id']}"
    assert service.request("e2", "PUT", url, json={"text": "冷链仓储与配送"}).status_code == 200
    assert service.request("e1", "DELETE", url).status_code == 403
    assert service.request("e2", "DELETE", url).status_code == 204


def test_free_text_recommendations_use_the_enterprise_of_the_key(service):
    # E2 supplies O3; as E2 it must not be recommended its own offer.
    body = {"text": "花生油团购", "kind": "partner", "k": 10}
    as_e2 = service.request("e2", "POST", "/api/recommendations", json=body).json()
    as_staff = service.request("organiser", "POST", "/api/recommendations", json=body).json()
    assert "O3" in [r["id"] for r in as_staff]
    assert "O3" not in [r["id"] for r in as_e2]


def test_bank_leads_are_enterprises(service):
    leads = service.request("bank", "GET", "/api/products/F1/leads").json()
    assert leads and all(lead["kind"] == "enterprise" for lead in leads)
    assert {lead["matched_id"] for lead in leads} <= {"N2"}  # E1's finance need fits F1


def test_enterprise_cannot_certify_itself(service):
    for change in ({"whitelist": True}, {"tiers": ["专精特新", "小巨人"]},
                   {"credit_code": make_credit_code("91370200163569999")}):  # fmt: skip
        response = service.request("e2", "PUT", "/api/enterprises/E2", json=change)
        assert response.status_code == 403, change
        assert "由主管部门认定" in response.json()["message"]
    stored = service.request("admin", "GET", "/api/enterprises/E2").json()
    assert (stored["whitelist"], stored["tiers"]) == (False, [])
    same = service.request("e2", "PUT", "/api/enterprises/E2", json={"tiers": [], "employees": 61})
    assert same.status_code == 200  # unchanged certified fields may be sent back as they are
    assert service.request("organiser", "PUT", "/api/enterprises/E2",
                           json={"whitelist": True}).status_code == 200  # fmt: skip
    service.request("organiser", "PUT", "/api/enterprises/E2", json={"whitelist": False})
