"""The CSP in a real browser: pages, htmx (live search, fragment posts with the CSRF header)
and the API docs work without a single CSP violation; no other page may frame the site."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

# Every CSP violation the page reports, kept on the page (registered before any page script).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber + " " + e.sample + " " + location.pathname);
});
"""


@pytest.fixture
def watched(login) -> Callable:
    """`watched(who)`: a logged-in page whose CSP violations and console errors are kept;
    `check(page)` asserts there were none."""
    seen: list[str] = []

    def open_page(who: str):
        page = login(who)
        page.add_init_script(WATCH)
        page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
        return page

    open_page.seen = seen
    return open_page


def no_violations(page, console: list[str]) -> None:
    assert page.evaluate("window.__violations") == []
    assert [m for m in console if "Content Security Policy" in m] == []


def test_pages_and_htmx_work_under_the_csp(watched):
    page = watched("organiser")
    page.goto("/enterprises")
    page.get_by_role("searchbox").fill("瑞视")  # htmx live search: a fragment swapped in
    expect(page.locator(".result-count")).to_contain_text("共 1 条")
    no_violations(page, watched.seen)

    page.goto("/events/new")
    page.get_by_label("活动名称").fill("内容安全策略检查会")
    page.get_by_label("活动日期").fill("2026-12-03")
    page.get_by_label("地点").fill("青岛国际会议中心")
    page.get_by_role("button", name="创建活动").click()  # a plain form post with its token
    expect(page).to_have_url(re.compile(r"/events/EV[0-9A-F]{12}$"))
    page.locator("#p-refs").fill("E1，E3")
    page.locator("form.by-list button").click()  # an htmx post: token in header and field
    expect(page.locator(".notice")).to_have_text("已添加 2 个参会方")
    no_violations(page, watched.seen)


def test_the_api_docs_render_under_their_own_csp(watched):
    page = watched("organiser")
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("产业对接智能匹配服务")
    page.locator(".opblock-summary").first.click()  # an operation opens, its schema renders
    expect(page.locator(".opblock-body").first).to_be_visible()
    page.locator(".authorize").first.click()
    expect(page.locator(".modal-ux")).to_be_visible()
    no_violations(page, watched.seen)


def test_no_other_page_may_frame_the_site(new_page, web):
    page = new_page()
    page.set_content(f'<iframe id="framed" src="{web.url}/login"></iframe>')
    page.wait_for_timeout(500)
    frame = page.frame_locator("#framed")
    expect(frame.locator("#key")).to_have_count(0)
