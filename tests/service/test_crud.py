"""CRUD of the six record resources through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from matcher.credit_code import make_credit_code

ENTERPRISE = {
    "name": "青岛启航智能装备有限公司",
    "credit_code": make_credit_code("91370212MA3C00001"),
    "district": "城阳区",
    "chain": "智能装备",
    "tiers": ["创新型中小企业"],
    "size": "中型",
    "employees": 260,
    "revenue": 12000,
    "founded": "2012-03-08",
    "description": "工业机器人减速器与伺服系统研发制造",
}
# One valid body per resource; needs and offers belong to E1.
BODIES = {
    "enterprises": ENTERPRISE,
    "needs": {"enterprise_id": "E1", "kind": "finance", "text": "采购检测设备需要贷款",
              "amount": 50, "term_months": 6},
    "tech-results": {"university": "青岛科技大学", "team": "李强教授团队",
                     "title": "高分子材料老化快速检测方法",
                     "abstract": "基于红外光谱的高分子材料老化检测，十分钟出结果。",
                     "field": "新材料", "trl": 5, "transfer_modes": ["许可"]},
    "products": {"bank": "青岛银行", "name": "科创积分贷", "type": "信用贷", "amount_min": 10,
                 "amount_max": 300, "term_min": 3, "term_max": 12, "rate": 3.8,
                 "description": "按科创积分授信的纯信用贷款",
                 "rules": [{"field": "employees", "op": "le", "value": 300}]},
    "policies": {"issuer": "青岛市科技局", "title": "首台套装备保险补偿",
                 "text": "对首台套重大技术装备投保给予保费补贴。", "benefit": "保费补贴80%",
                 "valid_from": "2025-01-01"},
    "offers": {"enterprise_id": "E1", "text": "提供储能电池包定制与电池管理系统集成"},
}  # fmt: skip
# A change per resource: (field, new value).
CHANGES = {
    "enterprises": ("employees", 300),
    "needs": ("amount", 80.0),
    "tech-results": ("trl", 6),
    "products": ("rate", 3.5),
    "policies": ("benefit", "保费补贴60%"),
    "offers": ("text", "提供储能电池包定制"),
}


@pytest.mark.parametrize("resource", list(BODIES))
def test_create_read_update_delete(service, resource):
    body = BODIES[resource]
    created = service.request("admin", "POST", f"/api/{resource}", json=body)
    assert created.status_code == 201, created.text
    record = created.json()
    record_id = record["id"]
    assert record_id[0] in "ENTFPO" and len(record_id) == 13  # generated: prefix + 12 hex
    for name, value in body.items():
        if name not in ("district",):
            assert record[name] == value, name
    url = f"/api/{resource}/{record_id}"
    assert service.request("organiser", "GET", url).json() == record

    field, value = CHANGES[resource]
    updated = service.request("organiser", "PUT", url, json={field: value})
    assert updated.status_code == 200, updated.text
    assert updated.json()[field] == value
    assert (record["version"], updated.json()["version"]) == (1, 2)
    assert {k: v for k, v in updated.json().items() if k not in (field, "version")} == {
        k: v for k, v in record.items() if k not in (field, "version")
    }  # a partial update keeps every other field
    assert service.request("admin", "GET", url).json()[field] == value

    assert service.request("admin", "DELETE", url).status_code == 204
    gone = service.request("admin", "GET", url)
    assert gone.status_code == 404
    assert gone.json()["code"] == "not_found"
    assert service.request("admin", "DELETE", url).status_code == 404


def test_district_suffix_is_normalised(service):
    record = service.request("admin", "POST", "/api/enterprises", json=ENTERPRISE).json()
    assert record["district"] == "城阳"
    service.request("admin", "DELETE", f"/api/enterprises/{record['id']}")


def test_create_with_an_existing_id_is_a_conflict(service):
    body = {**BODIES["offers"], "id": "O1"}
    response = service.request("admin", "POST", "/api/offers", json=body)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "O1" in response.json()["message"]
    assert service.request("admin", "GET", "/api/offers/O1").json()["enterprise_id"] == "E4"


def test_create_with_a_chosen_id(service):
    body = {**BODIES["policies"], "id": "P-chosen"}
    assert service.request("admin", "POST", "/api/policies", json=body).json()["id"] == "P-chosen"
    assert service.request("admin", "DELETE", "/api/policies/P-chosen").status_code == 204


def test_list_pages_in_id_order(service):
    first = service.request("admin", "GET", "/api/enterprises?limit=2").json()
    second = service.request("admin", "GET", "/api/enterprises?limit=2&offset=2").json()
    assert (first["total"], first["offset"], first["limit"]) == (4, 0, 2)
    assert [e["id"] for e in first["items"] + second["items"]] == ["E1", "E2", "E3", "E4"]
    past = service.request("admin", "GET", "/api/enterprises?offset=100").json()
    assert past["items"] == [] and past["total"] == 4


@pytest.mark.parametrize(
    ("url", "ids"),
    [
        ("/api/enterprises?district=黄岛", ["E1", "E4"]),
        ("/api/enterprises?chain=智能装备&tier=专精特新", ["E1"]),
        ("/api/enterprises?q=食品", ["E2"]),
        ("/api/needs?kind=finance", ["N2", "N3"]),
        ("/api/needs?enterprise_id=E1", ["N1", "N2"]),
        ("/api/needs?q=机床", ["N5"]),
        ("/api/offers?enterprise_id=E4", ["O1"]),
        ("/api/tech-results?university=青岛大学", ["T2"]),
        ("/api/products?bank=齐鲁银行", ["F3"]),
        ("/api/policies?q=专精特新", ["P1"]),
    ],
)
def test_filters_and_search(service, url, ids):
    response = service.request("organiser", "GET", url)
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == ids
    assert response.json()["total"] == len(ids)


def test_unknown_filter_value_is_rejected(service):
    response = service.request("admin", "GET", "/api/enterprises?district=北京")
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "district"


def test_enterprise_with_needs_cannot_be_deleted(service):
    response = service.request("admin", "DELETE", "/api/enterprises/E1")
    assert response.status_code == 409
    assert "2 条需求" in response.json()["message"]
    assert service.request("admin", "GET", "/api/enterprises/E1").status_code == 200


def test_update_cannot_break_a_record(service):
    response = service.request("admin", "PUT", "/api/products/F1", json={"amount_min": 5000})
    assert response.status_code == 422
    assert "amount_min 不能大于 amount_max" in response.json()["message"]
    assert service.request("admin", "GET", "/api/products/F1").json()["amount_min"] == 100


def test_need_cannot_move_to_a_missing_enterprise(service):
    response = service.request("admin", "PUT", "/api/needs/N5", json={"enterprise_id": "E404"})
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"location": "body", "field": "enterprise_id", "reason": "企业「E404」不存在"}
    ]


def test_export_gives_importable_jsonl(service):
    response = service.request("organiser", "GET", "/api/export/need")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert {row["id"] for row in rows} >= {"N1", "N2", "N3", "N4", "N5"}
    assert service.request("e1", "GET", "/api/export/need").status_code == 403
