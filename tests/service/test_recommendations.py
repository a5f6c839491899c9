"""Recommendations through the API, and writes that reach them at once (index consistency)."""

from __future__ import annotations

import time

from matcher.types import TechResult
from storage.records import SqlRecordStore
from tests.small_world import DESALINATION
from tests.small_world import DESALINATION_QUERY as QUERY


def ids(results: list[dict]) -> list[str]:
    return [r["id"] for r in results]


def test_need_recommendations_carry_scores_and_reasons(sqlite_service):
    response = sqlite_service.request("e1", "GET", "/api/needs/N1/recommendations?k=2")
    assert response.status_code == 200
    top = response.json()[0]
    assert (top["kind"], top["id"]) == ("tech_result", "T1")
    assert {"relevance", "semantic", "lexical", "chain"} <= set(top["parts"])
    assert any("TRL 6" in reason for reason in top["reasons"])


def test_finance_need_gets_only_products_it_qualifies_for(sqlite_service):
    results = sqlite_service.request("admin", "GET", "/api/needs/N3/recommendations").json()
    assert ids(results) == ["F2"]
    assert results[0]["checks"] and all(check["passed"] for check in results[0]["checks"])


def test_policies_of_an_enterprise(sqlite_service):
    eligible = sqlite_service.request("e1", "GET", "/api/enterprises/E1/policies").json()
    assert "P1" in ids(eligible) and "P2" not in ids(eligible)  # P2 has expired
    everything = sqlite_service.request(
        "e2", "GET", "/api/enterprises/E2/policies?include_ineligible=true"
    ).json()
    failed = [r for r in everything if not all(c["passed"] for c in r["checks"])]
    assert failed and all(any("不满足" in reason for reason in r["reasons"]) for r in failed)


def test_lead_lists(sqlite_service):
    leads = sqlite_service.request("university", "GET", "/api/tech-results/T2/leads").json()
    assert leads[0]["kind"] == "enterprise" and leads[0]["matched_id"] == "N5"


def test_created_updated_and_deleted_records_reach_recommendations_at_once(sqlite_service):
    service = sqlite_service
    created = service.request("admin", "POST", "/api/tech-results", json=DESALINATION).json()
    new_id = created["id"]
    results = service.request("organiser", "POST", "/api/recommendations", json=QUERY).json()
    assert ids(results)[0] == new_id

    changed = {"title": "冷链物流温控包装材料", "abstract": "相变蓄冷材料用于生鲜冷链包装。"}
    service.request("admin", "PUT", f"/api/tech-results/{new_id}", json=changed)
    results = service.request("organiser", "POST", "/api/recommendations", json=QUERY).json()
    assert results and ids(results)[0] != new_id

    service.request("admin", "DELETE", f"/api/tech-results/{new_id}")
    results = service.request("organiser", "POST", "/api/recommendations", json=QUERY).json()
    assert new_id not in ids(results)
    statuses = service.request("admin", "GET", "/api/indexes").json()
    assert {row["status"] for row in statuses} == {"fresh"}


def test_a_new_need_shows_up_in_lead_lists(sqlite_service):
    service = sqlite_service
    need = {"enterprise_id": "E3", "kind": "tech", "text": "检测设备需要深度学习缺陷识别算法"}
    created = service.request("e1", "POST", "/api/needs", json=need)
    assert created.status_code == 403  # E1 may not file a need for E3
    created = service.request("admin", "POST", "/api/needs", json=need).json()
    leads = service.request("admin", "GET", "/api/tech-results/T2/leads?k=10").json()
    assert created["id"] in {lead["matched_id"] for lead in leads}
    service.request("admin", "DELETE", f"/api/needs/{created['id']}")
    leads = service.request("admin", "GET", "/api/tech-results/T2/leads?k=10").json()
    assert created["id"] not in {lead["matched_id"] for lead in leads}


def test_a_new_policy_reaches_the_enterprise_at_once(sqlite_service):
    service = sqlite_service
    policy = {"issuer": "黄岛区科技局", "title": "黄岛储能产业专项扶持", "text": "支持储能电池企业。",
              "benefit": "最高补助100万元", "valid_from": "2025-01-01",
              "rules": [{"field": "district", "op": "in", "value": ["黄岛"]}]}  # fmt: skip
    created = service.request("organiser", "POST", "/api/policies", json=policy).json()
    assert created["id"] in ids(service.request("e1", "GET", "/api/enterprises/E1/policies").json())
    assert created["id"] not in ids(
        service.request("e2", "GET", "/api/enterprises/E2/policies").json()
    )  # E2 is in 莱西


def test_an_uploaded_offer_is_recommended_at_once(sqlite_service):
    csv = "id,enterprise_id,text\nO70,E2,承接海水淡化设备不锈钢管道焊接加工\n".encode()
    response = sqlite_service.request(
        "organiser", "POST", "/api/import?wait=true", files={"file": ("offers.csv", csv)}
    )
    assert response.json()["added"] == 1
    body = {
        "text": "寻找海水淡化设备管道焊接加工合作伙伴",
        "kind": "partner",
        "enterprise_id": "E3",
    }
    results = sqlite_service.request("admin", "POST", "/api/recommendations", json=body).json()
    assert ids(results)[0] == "O70"


def test_a_change_behind_the_apps_back_makes_it_unready_until_healed(sqlite_service):
    service = sqlite_service
    other_process = SqlRecordStore(service.state.engine)
    other_process.upsert("tech_result", [TechResult(id="T-behind", **DESALINATION)])
    ready = service.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "not_ready"
    assert any(reason.startswith("科技成果索引已过期") for reason in ready.json()["reasons"])
    # The query answers at once from the published snapshot and starts a background sync;
    # the new record shows within seconds, without any query waiting for the sync.
    deadline = time.monotonic() + 30
    while True:
        results = service.request("organiser", "POST", "/api/recommendations", json=QUERY).json()
        if ids(results)[0] == "T-behind" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert ids(results)[0] == "T-behind"  # the stale index was synced, not refused
    assert service.client.get("/readyz").json() == {"status": "ready", "reasons": []}
    other_process.delete("tech_result", ["T-behind"])
    service.state.sync_indexes()


FINANCE_QUERY = {"text": "需要一笔流动资金贷款", "kind": "finance", "k": 10}


def checks_by_field(result: dict) -> dict[str, dict]:
    return {check["rule"]["field"]: check for check in result["checks"]}


def test_text_recommendations_check_the_given_amount_and_term(service):
    vague = service.request("admin", "POST", "/api/recommendations", json=FINANCE_QUERY).json()
    quick = checks_by_field(next(r for r in vague if r["id"] == "F3"))  # 白名单快贷: 50–500, 6–12
    assert {field: c["status"] for field, c in quick.items()} == {
        "whitelist": "unknown", "amount": "unknown", "term_months": "unknown",
    }  # fmt: skip
    assert not any(c["passed"] for c in quick.values())
    assert quick["amount"]["reason"] == "融资金额：未提供，待核实"

    body = {**FINANCE_QUERY, "amount": 300, "term_months": 24}
    given = service.request("admin", "POST", "/api/recommendations", json=body).json()
    assert "F2" not in ids(given) and "F3" not in ids(given)  # 200万 cap; 12 months at most
    checks = checks_by_field(next(r for r in given if r["id"] == "F1"))
    assert checks["amount"]["status"] == "passed"
    assert checks["amount"]["reason"].startswith("融资金额：300万元，符合")
    assert checks["term_months"]["reason"].startswith("融资期限：24个月，符合")

    as_e1 = service.request("e1", "POST", "/api/recommendations", json=body).json()
    f1 = next(r for r in as_e1 if r["id"] == "F1")
    assert all(c["status"] == "passed" for c in f1["checks"])
    assert "满足全部3项准入条件" in f1["reasons"]


def test_text_recommendations_read_amount_and_term_from_the_text(service):
    body = {"text": "需要500万元流动资金贷款，没有抵押，期限一年", "kind": "finance"}
    results = service.request("admin", "POST", "/api/recommendations", json=body).json()
    assert "F2" not in ids(results)  # its 200万 ceiling is below the 500万 asked for
    for result in results:
        checks = checks_by_field(result)
        assert checks["amount"]["status"] == "passed"
        assert checks["term_months"]["reason"].startswith("融资期限：12个月")
        assert ("满足全部3项准入条件" in result["reasons"]) is all(
            c["passed"] for c in result["checks"]
        )


def test_text_recommendations_refuse_bad_amount_and_term(service):
    body = {**FINANCE_QUERY, "amount": 0, "term_months": 1.5}
    response = service.request("admin", "POST", "/api/recommendations", json=body)
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["details"]] == ["amount", "term_months"]
