"""「暂无合适匹配」 in a real browser: an enterprise adds a need from an unrelated domain and
sees its closest results, every one marked 弱相关; a good need shows 匹配 on its first card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.service.web.conftest import PHONE, screenshot
from tests.small_world import TECH_RESULTS

pytestmark = pytest.mark.slow

WEDDING = "我想找人帮忙策划一场婚礼，预算三万元"


def test_an_unrelated_need_says_no_match_and_a_good_one_shows_its_match(login, web):
    page = login("e1")
    page.goto("/my/enterprise")
    page.get_by_role("link", name="添加需求").first.click()
    page.get_by_label("需求类型").select_option("tech")
    page.get_by_label("需求描述").fill(WEDDING)
    page.get_by_role("button", name="保存并查看推荐").click()
    expect(page).to_have_url(re.compile(r"/needs/N[0-9A-F]{12}$"))
    need_id = page.url.rsplit("/", 1)[1]

    notice = page.locator("#recommendations .notice.no-match")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("暂无合适匹配")
    results = page.locator("#recommendations .result")
    expect(results).to_have_count(len(TECH_RESULTS))  # the closest ones still come back
    expect(page.locator("#recommendations .result[data-match='false']")).to_have_count(
        len(TECH_RESULTS)
    )
    expect(page.locator("#recommendations .verdict.weak")).to_have_count(len(TECH_RESULTS))
    expect(page.locator("#recommendations .verdict.match")).to_have_count(0)
    expect(results.first.locator(".verdict")).to_have_text("弱相关")
    expect(results.first.locator(".score")).to_have_text(re.compile(r"^0\.\d{2}$"))
    screenshot(page, "no-match-need")

    page.set_viewport_size(PHONE)
    expect(notice).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "no-match-need-phone")

    # The enterprise page loads each need's top 3 by htmx: the same notice for the new need.
    page.goto("/my/enterprise")
    card = page.locator(f"#need-{need_id}")
    expect(card.locator(".notice.no-match")).to_be_visible()
    expect(card.locator(".result[data-match='false']")).to_have_count(3)
    good = page.locator("#need-N1")
    expect(good.locator(".result").first).to_have_attribute("data-match", "true")
    expect(good.locator(".notice.no-match")).to_have_count(0)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/needs/N1")
    first = page.locator("#recommendations .result").first
    expect(first).to_have_attribute("data-match", "true")
    expect(first.locator(".verdict.match")).to_have_text("匹配")
    expect(first.locator(".result-title")).to_contain_text("基于相变材料的动力锂电池热管理系统")
    expect(page.locator("#recommendations .notice.no-match")).to_have_count(0)
    rest = page.locator("#recommendations .result[data-match='false'] .verdict")
    expect(rest).to_have_count(len(TECH_RESULTS) - 1)
    expect(rest.first).to_have_text("弱相关")
    screenshot(page, "match-need")
    assert web.state.store.get("need", need_id).text == WEDDING
