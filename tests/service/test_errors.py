"""Bad input never gives a 500: every error is JSON with a Chinese message naming the field."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.service.test_crud import BODIES, ENTERPRISE

JSON = {"Content-Type": "application/json"}


def assert_error(response, status: int, code: str, *fields: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert not body["message"].isascii()  # a Chinese message
    assert [d["field"] for d in body["details"]] == list(fields)
    return body


def test_malformed_json(service):
    response = service.request("admin", "POST", "/api/needs", content=b'{"text": ', headers=JSON)
    body = assert_error(response, 422, "validation_error", "")
    assert body["details"][0]["reason"].startswith("请求体不是合法的 JSON")


def test_body_that_is_not_an_object(service):
    response = service.request("admin", "POST", "/api/needs", json=["N1"])
    assert_error(response, 422, "validation_error", "")


def test_missing_body(service):
    response = service.request("admin", "POST", "/api/needs", headers=JSON)
    assert (
        assert_error(response, 422, "validation_error", "")["details"][0]["reason"] == "缺少请求体"
    )


def test_wrong_types_name_every_field(service):
    body = {**BODIES["needs"], "amount": "很多", "term_months": 1.5, "kind": "loan"}
    response = service.request("admin", "POST", "/api/needs", json=body)
    details = assert_error(response, 422, "validation_error", "kind", "amount", "term_months")[
        "details"
    ]
    reasons = {d["field"]: d["reason"] for d in details}
    assert reasons["amount"] == "应为数字，实际为「很多」"
    assert reasons["term_months"] == "应为整数，实际为「1.5」"
    assert reasons["kind"].startswith("应为 'tech', 'finance' or 'partner' 之一")


def test_unknown_field(service):
    response = service.request("admin", "POST", "/api/offers", json={**BODIES["offers"], "x": 1})
    assert (
        assert_error(response, 422, "validation_error", "x")["details"][0]["reason"] == "未知字段"
    )


def test_missing_required_field(service):
    response = service.request("admin", "POST", "/api/offers", json={"enterprise_id": "E1"})
    assert assert_error(response, 422, "validation_error", "text")["details"][0]["reason"] == (
        "缺少必填字段"
    )


def test_bad_credit_code(service):
    body = {**ENTERPRISE, "credit_code": ENTERPRISE["credit_code"][:17] + "0"}
    response = service.request("admin", "POST", "/api/enterprises", json=body)
    reason = assert_error(response, 422, "validation_error", "credit_code")["details"][0]["reason"]
    assert reason.startswith("统一社会信用代码校验位错误")


def test_unknown_district(service):
    response = service.request(
        "admin", "POST", "/api/enterprises", json={**ENTERPRISE, "district": "浦东"}
    )
    assert (
        "未知的区市「浦东」"
        in assert_error(response, 422, "validation_error", "district")["message"]
    )


@pytest.mark.parametrize("amount", [-5, 0])
def test_non_positive_amount(service, amount):
    response = service.request("admin", "POST", "/api/needs", json={**BODIES["needs"],
                                                                    "amount": amount})  # fmt: skip
    details = assert_error(response, 422, "validation_error", "amount")["details"]
    assert details[0]["reason"] == f"应大于0，实际为「{amount}」"


def test_need_for_a_missing_enterprise(service):
    body = {**BODIES["needs"], "enterprise_id": "E404"}
    response = service.request("admin", "POST", "/api/needs", json=body)
    assert assert_error(response, 422, "validation_error", "enterprise_id")["details"][0][
        "reason"
    ] == ("企业「E404」不存在")
    assert service.request("admin", "GET", "/api/needs?enterprise_id=E404").json()["total"] == 0


def test_bad_rule_in_a_product(service):
    body = {**BODIES["products"], "rules": [{"field": "tiers", "op": "in", "value": "专精特新"}]}
    response = service.request("admin", "POST", "/api/products", json=body)
    assert "需要列表值" in assert_error(response, 422, "validation_error", "rules.0")["message"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/needs?limit=100000", "limit"),
        ("/api/needs?limit=0", "limit"),
        ("/api/needs?offset=-1", "offset"),
        ("/api/needs?offset=99999999999999999999", "offset"),
        ("/api/needs?limit=abc", "limit"),
        ("/api/needs?kind=loan", "kind"),
        ("/api/needs/N1/recommendations?k=1000", "k"),
        ("/api/audit?limit=201", "limit"),
        (f"/api/needs/{'N' * 65}", "record_id"),
    ],
)
def test_bad_query_and_path_parameters(service, url, field):
    assert_error(service.request("admin", "GET", url), 422, "validation_error", field)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/needs/N404"),
        ("PUT", "/api/needs/N404"),
        ("DELETE", "/api/needs/N404"),
        ("GET", "/api/needs/N404/recommendations"),
        ("GET", "/api/enterprises/E404/policies"),
        ("GET", "/api/tech-results/T404/leads"),
        ("GET", "/api/products/F404/leads"),
        ("GET", "/api/offers/O404/leads"),
        ("DELETE", "/api/keys/999999"),
        ("GET", "/api/no-such-endpoint"),
    ],
)
def test_unknown_ids_are_404(service, method, url):
    body = {} if method == "PUT" else None
    response = service.request("admin", method, url, json=body)
    assert_error(response, 404, "not_found")


def test_wrong_method(service):
    assert_error(service.request("admin", "PATCH", "/api/needs"), 405, "bad_request")


def test_free_text_for_a_missing_enterprise(service):
    body = {"text": "贷款", "kind": "finance", "enterprise_id": "E404"}
    response = service.request("admin", "POST", "/api/recommendations", json=body)
    assert_error(response, 422, "validation_error", "enterprise_id")


def test_key_for_a_missing_enterprise(service):
    body = {"role": "enterprise", "scope_id": "E404", "name": "不存在的企业"}
    assert_error(service.request("admin", "POST", "/api/keys", json=body), 422,
                 "validation_error", "scope_id")  # fmt: skip
    body = {"role": "bank", "name": "没有银行名称"}
    assert_error(service.request("admin", "POST", "/api/keys", json=body), 422,
                 "validation_error", "scope_id")  # fmt: skip


def upload(service, name: str, content: bytes, **form):
    return service.request(
        "organiser", "POST", "/api/import?wait=true", files={"file": (name, content)}, data=form
    )


def needs_total(service) -> int:
    return service.request("admin", "GET", "/api/needs").json()["total"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("needs.pdf", b"%PDF-1.4 garbage"),
        ("needs.csv", bytes(range(256)) * 20),
        ("needs.xlsx", b"PK\x03\x04 not really a zip"),
        ("needs.jsonl", b'{"id": "N9", "enterprise_id": \n'),
        ("needs.csv", b""),
    ],
)
def test_garbage_uploads_are_422_and_store_nothing(service, name, content):
    before = needs_total(service)
    response = upload(service, name, content)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error" and f"「{name}」" in body["message"]
    assert body["details"] and {d["file"] for d in body["details"]} == {name}
    assert all(d["reason"] and not d["reason"].isascii() for d in body["details"])
    assert before == needs_total(service)


def test_upload_without_a_kind(service):
    response = upload(service, "data.csv", b"id,text\nX1,hello\n")
    assert (
        "无法从文件名「data.csv」判断数据类型"
        in assert_error(response, 422, "validation_error", "kind")["message"]
    )


def test_upload_with_an_unknown_kind(service):
    response = upload(service, "data.csv", b"id,text\nX1,hello\n", kind="客户")
    assert "未知的数据类型「客户」" in assert_error(response, 422, "validation_error")["message"]


def test_upload_with_bad_rows_reports_every_row_and_stores_nothing(service):
    csv = (
        "需求ID,企业ID,需求类型,需求描述,金额\n"
        "N90,E1,融资,扩产需要贷款,100\n"
        "N91,E1,融资,买设备,-5\n"
        "N92,E404,技术,需要焊接机器人,\n"
    ).encode()
    before = needs_total(service)
    response = upload(service, "企业需求.csv", csv)
    body = assert_error(response, 422, "validation_error", "amount", "enterprise_id")
    assert body["details"] == [
        {"file": "企业需求.csv", "row": 3, "field": "amount", "reason": "应大于0，实际为「-5」"},
        {
            "file": "企业需求.csv",
            "row": 4,
            "field": "enterprise_id",
            "reason": "企业「E404」不存在",
        },
    ]
    assert "未写入任何数据" in body["message"] and "企业需求.csv" in body["message"]
    assert "/tmp" not in body["message"]
    assert needs_total(service) == before


def test_upload_skipping_bad_rows_imports_the_good_ones(service):
    csv = "id,enterprise_id,text\nO90,E4,激光切割加工\nO91,E404,不存在的企业\n".encode()
    response = service.request(
        "organiser", "POST", "/api/import?wait=true",
        files={"file": ("offers.csv", csv)}, data={"skip_bad_rows": "true"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["file"], report["kind"], report["added"], report["skipped"]) == (
        "offers.csv", "offer", 1, 1,
    )  # fmt: skip
    assert report["problems"][0]["file"] == "offers.csv"
    assert service.request("admin", "GET", "/api/offers/O90").status_code == 200


def test_xlsx_upload(service):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["政策ID", "发布单位", "标题", "正文", "支持内容", "生效日期"])
    sheet.append(["P90", "青岛市商务局", "外贸企业出口信保补贴", "对出口信用保险保费给予补贴。",
                  "保费补贴50%", "2025-01-01"])  # fmt: skip
    data = io.BytesIO()
    book.save(data)
    response = upload(service, "policies.xlsx", data.getvalue())
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 1
    assert service.request("e1", "GET", "/api/policies/P90").json()["benefit"] == "保费补贴50%"
