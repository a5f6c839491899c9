"""Organiser pages in a real browser: login, search, need and enterprise detail, logout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.service.web.conftest import PHONE, screenshot

pytestmark = pytest.mark.slow


def test_pages_need_a_login_and_a_valid_key(new_page):
    page = new_page()
    page.goto("/enterprises")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.fill("#key", "mk_not-a-real-key")
    page.click("form[action='/login'] button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("API 密钥无效或已被吊销")
    expect(page).to_have_url(re.compile(r"/login$"))
    screenshot(page, "login-error")


def test_organiser_home_shows_counts_and_logout_ends_the_session(login, web):
    page = login("organiser")
    expect(page).to_have_url(f"{web.url}/")
    counts = dict(
        zip(
            page.locator(".count-label").all_inner_texts(),
            page.locator(".count-number").all_inner_texts(),
            strict=True,
        )
    )
    assert counts == {
        "企业": "4",
        "需求": "5",
        "科技成果": "3",
        "金融产品": "3",
        "政策": "4",
        "供给": "3",
    }
    cookie = next(c for c in page.context.cookies() if c["name"] == "matcher_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] != web.keys["organiser"] and cookie["expires"] > 0
    screenshot(page, "organiser-home")
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    assert not [c for c in page.context.cookies() if c["name"] == "matcher_session"]
    page.context.add_cookies([{**cookie, "expires": -1}])  # the old cookie, put back
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_live_search_and_filters_narrow_the_enterprise_list(login):
    page = login("organiser")
    page.goto("/")
    page.get_by_role("link", name="企业", exact=True).click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(4)
    page.get_by_label("搜索").press_sequentially("瑞视")  # keyup → htmx, no submit
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("青岛瑞视智能科技有限公司")
    expect(page).to_have_url(re.compile(r"q=%E7%91%9E%E8%A7%86"))
    page.get_by_label("搜索").fill("")
    page.get_by_label("搜索").press("Backspace")
    expect(rows).to_have_count(4)
    page.get_by_label("区市").select_option("黄岛")
    expect(rows).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("青岛海鑫新能源科技有限公司")
    expect(page.locator("#results")).not_to_contain_text("青岛蓝湾食品有限公司")
    page.get_by_label("梯度").select_option("专精特新")
    expect(rows).to_have_count(1)
    screenshot(page, "enterprise-list-filtered")


def test_need_detail_shows_recommendations_with_reasons(login):
    page = login("organiser")
    page.goto("/needs")
    page.get_by_label("需求类型").select_option("tech")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    page.get_by_role("link", name=re.compile("电池包在高温环境下")).click()
    expect(page.locator("h1")).to_have_text("技术需求")
    first = page.locator("#recommendations .result").first
    expect(first.locator(".result-title")).to_contain_text("基于相变材料的动力锂电池热管理系统")
    expect(first.locator(".score")).to_have_text(re.compile(r"^[01]\.\d{2}$"))  # the confidence
    expect(first.locator(".verdict")).to_have_text(re.compile(r"^(匹配|弱相关)$"))
    expect(first.locator(".parts")).to_contain_text("匹配置信度")
    expect(first.locator(".parts")).to_contain_text("产业链一致")
    expect(first.locator(".reasons")).to_contain_text("共同关键词")
    expect(first.locator(".reasons")).to_contain_text("技术成熟度TRL 6")
    screenshot(page, "need-recommendations")


def test_finance_recommendations_show_passed_rule_checks(login):
    page = login("organiser")
    page.goto("/needs/N2")
    cards = page.locator("#recommendations .result")
    expect(cards.first).to_be_visible()
    titles = cards.locator(".result-title").all_inner_texts()
    assert "齐鲁银行·白名单快贷" in titles and "青岛银行·专精特新贷" in titles
    assert "青岛农商银行·首贷通" not in titles  # N2 asks 300万元, above its 200万元 ceiling
    expect(cards.locator(".checks .pass").first).to_contain_text("✓")
    expect(page.locator("#recommendations .checks .fail")).to_have_count(0)


def test_enterprise_detail_toggles_ineligible_policies(login):
    page = login("organiser")
    page.goto("/enterprises/E2")
    expect(page.locator("h1")).to_have_text("青岛蓝湾食品有限公司")
    policies = page.locator("#policies .policy")
    expect(policies.locator(".result-title")).to_have_text(["绿色健康食品产业扶持"])
    expect(policies.first.locator(".checks .pass")).to_have_count(2)
    page.get_by_role("link", name="显示不符合条件的政策").click()
    expect(page.locator("#policies .policy.ineligible")).to_have_count(2)
    failed = page.locator("#policies .policy.ineligible", has_text="专精特新中小企业奖励")
    expect(failed.locator(".checks .fail")).to_contain_text("✗")
    expect(failed.locator(".badge")).to_have_text("不符合")
    expect(page.locator("#policies")).not_to_contain_text("已过期")  # out of date: never shown
    screenshot(page, "enterprise-policies-all")
    page.get_by_role("link", name="只看符合条件的政策").click()
    expect(page.locator("#policies .policy.ineligible")).to_have_count(0)


def test_enterprise_page_on_a_phone(login):
    page = login("organiser", PHONE)
    page.goto("/enterprises/E1")
    expect(page.locator("#need-N1 .result").first).to_be_visible()  # loaded by htmx
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px phone"
    screenshot(page, "enterprise-phone")
    page.goto("/enterprises")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "enterprise-list-phone")
