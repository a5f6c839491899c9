"""Browser security over HTTP on both backends: server-side sessions (the cookie is a random
id, logout and key revocation end it), CSRF (cross-site and token-less cookie writes are
refused and change nothing), security headers, throttling of failed logins and bad keys."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from service.deps import SESSION_COOKIE
from storage.keys import hash_key
from storage.models import WebSessionRow
from tests.service.conftest import csrf_token, web_login

SETUP = {"name": "安全测试对接会", "kind": "industry", "chain": "智能装备", "date": "2026-12-03",
         "start": "09:00", "minutes": "20", "gap": "5", "slots": "4", "tables": "3",
         "venue": "青岛国际会议中心", "min_meetings": "0", "fairness": "0"}  # fmt: skip
EVIL = "http://evil.example"
NEED = {"id": "N-csrf", "enterprise_id": "E1", "kind": "tech", "text": "需要焊接机器人视觉检测方案"}


def _names(service) -> set[str]:
    return {plan.event.name for plan in service.state.events.list()}


def _post(service, url: str, headers: dict[str, str], **kwargs):
    return service.client.post(url, headers=headers, follow_redirects=False, **kwargs)


def test_the_session_cookie_is_a_random_id_not_the_key(service):
    client = TestClient(service.app)
    login = client.post("/login", data={"key": service.keys["e2"]}, follow_redirects=False)
    assert login.status_code == 303
    value = login.cookies[SESSION_COOKIE]
    assert value != service.keys["e2"] and service.keys["e2"] not in login.headers["set-cookie"]
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "max-age=43200" in cookie and "secure" not in cookie  # 12 h; plain http here
    with service.state.engine.connect() as connection:
        stored = connection.execute(WebSessionRow.__table__.select()).all()
    assert hash_key(value) in {row.token_hash for row in stored}
    assert all(value not in repr(tuple(row)) for row in stored)
    secure = TestClient(service.app, base_url="https://testserver")
    over_https = secure.post("/login", data={"key": service.keys["e2"]}, follow_redirects=False)
    assert "; secure" in over_https.headers["set-cookie"].lower()


def test_logout_ends_the_session_on_the_server(service):
    browser = web_login(service.app, service.keys["organiser"])
    assert service.client.get("/", headers=browser, follow_redirects=False).status_code == 200
    out = _post(service, "/logout", browser, data={"csrf_token": browser["X-CSRF-Token"]})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    again = service.client.get("/", headers=browser, follow_redirects=False)  # the old cookie
    assert again.status_code == 303 and again.headers["location"] == "/login"
    api = service.client.get("/api/me", headers={"Cookie": browser["Cookie"]})
    assert api.status_code == 401 and api.json()["message"] == "登录已过期或已退出，请重新登录"


def test_revoking_a_key_ends_its_sessions(service):
    key, plaintext = service.state.keys.create("enterprise", "E3", "瑞视")
    browser = web_login(service.app, plaintext)
    assert service.client.get("/api/me", headers=browser).json()["scope_id"] == "E3"
    assert service.request("admin", "DELETE", f"/api/keys/{key.id}").status_code == 204
    page = service.client.get("/my/enterprise", headers=browser, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"


def test_cross_site_form_posts_are_refused_and_change_nothing(service):
    browser = service.browser("organiser")
    for evil in ({"Origin": EVIL}, {"Referer": f"{EVIL}/trap.html"}, {"Origin": "null"}):
        refused = _post(service, "/events/new", {**browser, **evil}, data=SETUP)
        assert refused.status_code == 403, refused.text
        assert "已拒绝来自其他网站" in refused.text
    no_token = {"Cookie": browser["Cookie"]}
    missing = _post(service, "/events/new", no_token, data=SETUP)
    assert missing.status_code == 403 and "安全令牌（CSRF）缺失或已失效" in missing.text
    wrong = _post(service, "/events/new", no_token, data={**SETUP, "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert SETUP["name"] not in _names(service)
    form = service.client.get("/events/new", headers=no_token).text
    own = {"Origin": "http://testserver", **no_token}
    created = _post(service, "/events/new", own, data={**SETUP, "csrf_token": csrf_token(form)})
    assert created.status_code == 303 and SETUP["name"] in _names(service)


def test_cross_site_cookie_api_writes_are_refused_and_header_keys_need_no_token(service):
    browser = service.browser("admin")
    upload = {"file": ("needs.jsonl", json.dumps(NEED, ensure_ascii=False).encode(), "text/plain")}
    evil = {**browser, "Origin": EVIL}
    refused = _post(service, "/api/import?wait=true", evil, files=upload)
    assert refused.status_code == 403 and "已拒绝来自其他网站" in refused.json()["message"]
    no_token = _post(service, "/api/import?wait=true", {"Cookie": browser["Cookie"]}, files=upload)
    assert no_token.status_code == 403 and "CSRF" in no_token.json()["message"]
    json_write = _post(service, "/api/needs", {"Cookie": browser["Cookie"]}, json=NEED)
    assert json_write.status_code == 403
    assert service.request("admin", "GET", "/api/needs/N-csrf").status_code == 404
    by_key = _post(service, "/api/needs", {**service.headers("admin"), "Origin": EVIL}, json=NEED)
    assert by_key.status_code == 201, by_key.text  # the header is not cookie-borne
    assert service.request("admin", "DELETE", "/api/needs/N-csrf").status_code == 204
    imported = _post(service, "/api/import?wait=true", browser, files=upload)
    assert imported.status_code == 200, imported.text
    assert service.request("admin", "DELETE", "/api/needs/N-csrf").status_code == 204


def test_cross_site_logins_are_refused(service):
    client = TestClient(service.app)
    refused = client.post("/login", data={"key": service.keys["e1"]}, headers={"Origin": EVIL},
                          follow_redirects=False)  # fmt: skip
    assert refused.status_code == 403 and SESSION_COOKIE not in client.cookies


def test_security_headers_on_pages_api_errors_and_static_files(service):
    browser = service.browser("organiser")
    for url, headers in (("/login", {}), ("/", browser), ("/api/me", browser),
                         ("/api/me", {}), ("/static/style.css", {}), ("/healthz", {})):  # fmt: skip
        response = service.client.get(url, headers=headers, follow_redirects=False)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp and "default-src 'self'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    page = service.client.get("/", headers=browser).text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and not re.search(r"\son\w+=", page)
    docs = service.client.get("/docs")
    csp = docs.headers["content-security-policy"]
    [script] = re.findall(r"script-src ([^;]+);", csp)
    assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/=]{44}'", script)
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_failed_logins_are_throttled_per_address_and_good_ones_still_pass(service):
    client = TestClient(service.app, client=("10.9.0.1", 40000))
    statuses = [client.post("/login", data={"key": f"mk_guess{i}"}).status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]
    throttled = client.post("/login", data={"key": "mk_guess-again"})
    assert throttled.status_code == 429 and "失败次数过多" in throttled.text
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    good = client.post("/login", data={"key": service.keys["bank"]}, follow_redirects=False)
    assert good.status_code == 303


def test_bad_keys_are_throttled_per_address_and_per_prefix(service):
    client = TestClient(service.app, client=("10.9.0.2", 40000))
    codes = [client.get("/api/me", headers={"X-API-Key": f"mk_{i:05d}x"}).status_code
             for i in range(11)]  # fmt: skip
    assert codes == [401] * 10 + [429]
    refused = client.get("/api/me", headers={"X-API-Key": "mk_other"})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_requests"
    assert "请" in refused.json()["message"] and int(refused.headers["retry-after"]) >= 1
    assert client.get("/api/me", headers=service.headers("e1")).status_code == 200
    prefix = "mk_PFX01"  # the same key prefix from ever new addresses
    answers = [TestClient(service.app, client=(f"10.9.1.{i}", 40000))
               .get("/api/me", headers={"X-API-Key": f"{prefix}{i}"}).status_code
               for i in range(11)]  # fmt: skip
    assert answers == [401] * 10 + [429]
