"""Uploaded file names made safe; control characters refused in query, path, form and JSON
parameters with a 422 naming the parameter, on SQLite and PostgreSQL (where a NUL used to
reach the database and give a 500), with nothing stored."""

from __future__ import annotations

import pytest

from matcher.types import RECORD_KINDS
from service.uploads import MAX_NAME_BYTES, safe_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("needs.csv", "needs.csv"),
        ("企业名录 2024.xlsx", "企业名录_2024.xlsx"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\windows\\needs.csv", "needs.csv"),
        ("/etc/needs.csv", "needs.csv"),
        ("needs\x00.csv", "needs.csv"),
        ("needs\r\nX-Evil: 1.csv", "needs_X-Evil_1.csv"),
        ('a"<script>.csv', "a_script.csv"),
        (".", "upload"),
        ("..", "upload"),
        ("", "upload"),
        (None, "upload"),
        (".bashrc", "bashrc"),
    ],
)
def test_upload_names_keep_a_safe_base_name(sent: str | None, kept: str) -> None:
    assert safe_name(sent) == kept


def test_long_names_are_cut_to_200_bytes_keeping_the_suffix() -> None:
    for long in ("n" * 300 + ".csv", "需" * 200 + ".xlsx", "需" * 100 + "n" + "需" * 100 + ".csv"):
        name = safe_name(long)
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
        assert name.endswith(long[-5:].lstrip("需n")) and name.startswith(long[:3])
    assert safe_name("needs." + "c" * 300) == ("needs." + "c" * 300)[:MAX_NAME_BYTES]
    assert safe_name("needs.csv", default="x") == "needs.csv" and safe_name("..", "x") == "x"


def stored(service) -> dict:
    return {kind: service.state.store.load(kind) for kind in RECORD_KINDS}


@pytest.mark.parametrize(
    ("method", "url", "location", "field"),
    [
        ("GET", "/api/needs?q=%00", "query", "q"),
        ("GET", "/api/needs?q=a%1Bb", "query", "q"),
        ("GET", "/api/needs?enterprise_id=E%00", "query", "enterprise_id"),
        ("GET", "/api/needs/N%00", "path", "record_id"),
        ("DELETE", "/api/needs/N1%00", "path", "record_id"),
        ("GET", "/api/enterprises?x%00=1", "query", "x\\x00"),
    ],
)
def test_control_characters_in_query_and_path_are_a_422_naming_them(
    service, method, url, location, field
):
    before = stored(service)
    response = service.request("admin", method, url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"] == [
        {"location": location, "field": field, "reason": body["details"][0]["reason"]}
    ]
    assert "控制字符" in body["details"][0]["reason"] and field in body["message"]
    assert stored(service) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"enterprise_id": "E1", "kind": "tech", "text": "电池\x00热管理"}, "text"),
        ({"enterprise_id": "E1", "kind": "tech", "text": "电池\u202e热管理"}, "text"),
        ({"enterprise_id": "E1", "kind": "finance", "text": "贷款", "purpose": "流动\x07资金"},
         "purpose"),
        ('{"enterprise_id": "E1", "kind": "finance", "text": "贷款", "amount": 1e999}', "amount"),
    ],
)  # fmt: skip
def test_control_characters_and_infinity_in_json_bodies_are_a_422(service, body, field):
    before = stored(service)
    raw = {"content": body, "headers": {"Content-Type": "application/json"}}
    sent = raw if isinstance(body, str) else {"json": body}  # a raw body: 1e999 is infinite
    response = service.request("admin", "POST", "/api/needs", **sent)
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["details"]] == [field]
    assert stored(service) == before


def test_line_breaks_in_parameters_are_left_to_the_fields_that_take_them(service):
    assert service.request("admin", "GET", "/api/needs?q=%E7%94%B5%0A%E6%B1%A0").status_code == 200


def test_a_line_break_is_kept_in_multi_line_text(service):
    body = {"enterprise_id": "E1", "kind": "tech", "text": "第一行\n第二行"}
    response = service.request("admin", "POST", "/api/needs", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["text"] == "第一行\n第二行"
    assert service.request("admin", "DELETE", f"/api/needs/{response.json()['id']}").is_success


def test_a_web_form_with_a_nul_is_a_chinese_422_page(service):
    before = stored(service)
    form = {"kind": "tech", "text": "电池\x00热管理"}
    response = service.client.post(
        "/needs/N1/edit", data=form, headers=service.browser("e1"), follow_redirects=False
    )
    assert response.status_code == 422 and "<html" in response.text
    assert "text" in response.text and "控制字符" in response.text
    search = service.client.get("/needs?q=%00", headers=service.browser("organiser"))
    assert search.status_code == 422 and "控制字符" in search.text
    assert stored(service) == before
