"""The web UI over HTTP without a browser: redirects, cookies, fragments, escaping, errors,
and writes that go through the service state (index and audit) like the API's."""

from __future__ import annotations

import pytest

HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def web_client(sqlite_service):
    return sqlite_service


def get(service, who, url, **headers):
    cookie = service.browser(who) if who else {}
    return service.client.get(url, headers={**cookie, **headers}, follow_redirects=False)


def post(service, who, url, **kwargs):
    cookie = service.browser(who) if who else {}
    return service.client.post(url, headers=cookie, follow_redirects=False, **kwargs)


def test_without_a_key_pages_redirect_to_login_and_fragments_ask_htmx_to(web_client):
    page = get(web_client, None, "/needs/N1")
    assert page.status_code == 303 and page.headers["location"] == "/login"
    fragment = get(web_client, None, "/needs/N1/recommendations", **HTMX)
    assert fragment.status_code == 200 and fragment.headers["HX-Redirect"] == "/login"
    assert get(web_client, None, "/login").status_code == 200


def test_login_sets_a_strict_httponly_cookie_and_goes_to_the_roles_page(web_client):
    response = post(web_client, None, "/login", data={"key": web_client.keys["bank"]})
    assert response.status_code == 303 and response.headers["location"] == "/my/products"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    refused = post(web_client, None, "/login", data={"key": "mk_wrong"})
    assert refused.status_code == 401 and "API 密钥无效或已被吊销" in refused.text


def test_live_search_answers_a_fragment_and_escapes_the_query(web_client):
    fragment = get(web_client, "organiser", "/enterprises?q=瑞视", **HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "青岛瑞视智能科技有限公司" in fragment.text and "青岛海鑫" not in fragment.text
    assert "共 1 条" in fragment.text
    page = get(web_client, "organiser", "/enterprises?q=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert '<meta name="viewport"' in page.text


def test_unknown_filter_values_are_ignored(web_client):
    page = get(web_client, "organiser", "/enterprises?district=火星&chain=智能装备")
    assert page.status_code == 200 and "共 2 条" in page.text
    assert 'value="智能装备" selected' in page.text


def test_error_pages_are_chinese_html(web_client):
    missing = get(web_client, "organiser", "/needs/N404")
    assert missing.status_code == 404 and "记录不存在" in missing.text
    assert "<html" in missing.text
    forbidden = get(web_client, "bank", "/needs/N2")
    assert forbidden.status_code == 403 and "无权访问" in forbidden.text
    fragment = get(web_client, "e1", "/needs/N3/recommendations", **HTMX)
    assert fragment.status_code == 403 and "<html" not in fragment.text
    assert get(web_client, "organiser", "/static/settings.py").status_code == 404
    assert (
        get(web_client, "organiser", "/static/style.css")
        .headers["content-type"]
        .startswith("text/css")
    )


def test_an_unsupported_upload_is_refused_with_a_message(web_client):
    files = {"file": ("notes.txt", b"hello", "text/plain")}
    response = post(web_client, "organiser", "/import", files=files)
    assert response.status_code == 400
    assert "请选择 .csv、.tsv、.jsonl 或 .xlsx 文件（收到「notes.txt」）" in response.text
    assert post(web_client, "e1", "/import", files=files).status_code == 403


def test_editing_a_need_writes_through_the_state_with_an_audit_entry(web_client):
    form = {"kind": "finance", "text": "采购冷链运输车，需要一笔设备贷款", "amount": "90"}
    response = post(web_client, "e2", "/needs/N3/edit", data=form)
    assert response.status_code == 303 and response.headers["location"] == "/needs/N3"
    need = web_client.state.store.get("need", "N3")
    assert (need.text, need.amount, need.term_months) == (form["text"], 90, None)
    entry = web_client.state.audit.list(limit=1)[0]
    assert (entry.action, entry.kind, entry.record_id) == ("update", "need", "N3")
    page = get(web_client, "e2", "/needs/N3")
    assert "采购冷链运输车" in page.text and "青岛农商银行·首贷通" in page.text
    bad = post(web_client, "e2", "/needs/N3/edit", data={**form, "term_months": "0"})
    assert bad.status_code == 422 and "融资期限须为大于0的整数（月）" in bad.text


def test_rule_checks_render_passed_and_to_be_verified_marks(web_client):
    body = {"enterprise_id": "E1", "kind": "finance", "text": "需要一笔流动资金贷款"}
    need = web_client.request("admin", "POST", "/api/needs", json=body).json()
    try:
        fragment = get(web_client, "organiser", f"/needs/{need['id']}/recommendations", **HTMX)
        assert fragment.status_code == 200
        assert (
            '<li class="pass"><span class="mark" aria-label="满足">✓</span> 企业梯度'
            in fragment.text
        )
        assert (
            '<li class="unknown"><span class="mark" aria-label="待核实">？</span> '
            "融资金额：未提供，待核实"
        ) in fragment.text
        assert "满足全部" not in fragment.text
    finally:
        web_client.request("admin", "DELETE", f"/api/needs/{need['id']}")
