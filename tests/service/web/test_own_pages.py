"""Enterprise, bank and university keys in a real browser: only their own data, 403 otherwise."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.service.web.conftest import PHONE, screenshot

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("who", "home", "heading"),
    [
        ("e1", "/my/enterprise", "青岛海鑫新能源科技有限公司"),
        ("bank", "/my/products", "我的产品（1）"),
        ("university", "/my/tech-results", "我的成果（1）"),
    ],
)
def test_login_goes_to_the_roles_own_page(login, web, who, home, heading):
    page = login(who)
    expect(page).to_have_url(f"{web.url}{home}")
    expect(page.locator("h1")).to_have_text(heading)
    page.goto("/")
    expect(page).to_have_url(f"{web.url}{home}")


def test_enterprise_sees_only_its_own_needs_with_recommendations(login):
    page = login("e1", PHONE)
    page.goto("/my/enterprise")
    titles = page.locator("#needs h3.need-title")
    expect(titles.filter(has_text=re.compile("N1$"))).to_have_count(1)
    expect(titles.filter(has_text=re.compile("N2$"))).to_have_count(1)
    shown = {title.rsplit(" ", 1)[-1] for title in titles.all_inner_texts()}
    assert not shown & {"N3", "N4", "N5"}, shown  # other enterprises' needs
    first = page.locator("#need-N1 .result").first  # loaded by htmx after the page
    expect(first.locator(".result-title")).to_contain_text("基于相变材料的动力锂电池热管理系统")
    expect(page.locator("#need-N2 .result .checks .pass").first).to_contain_text("✓")
    expect(page.locator("#policies .policy.eligible").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "my-enterprise-phone")


def test_enterprise_adds_a_need_and_sees_recommendations_at_once(login, web):
    page = login("e1")
    page.goto("/my/enterprise")
    page.get_by_role("link", name="添加需求").first.click()
    page.get_by_label("需求类型").select_option("tech")
    page.get_by_label("需求描述").fill("<b>储能</b>电站电池散热不足，希望引进电池热管理技术")
    page.get_by_label("融资金额").fill("-5")
    page.get_by_role("button", name="保存并查看推荐").click()
    expect(page.locator(".field-error")).to_have_text("融资金额须为大于0的数字（万元）")
    page.get_by_label("融资金额").fill("")
    page.get_by_role("button", name="保存并查看推荐").click()
    expect(page).to_have_url(re.compile(r"/needs/N[0-9A-F]{12}$"))
    expect(page.locator(".need-text")).to_have_text(
        "<b>储能</b>电站电池散热不足，希望引进电池热管理技术"
    )
    expect(page.locator(".need-text b")).to_have_count(0)  # escaped, not markup
    first = page.locator("#recommendations .result").first
    expect(first.locator(".result-title")).to_contain_text("基于相变材料的动力锂电池热管理系统")
    expect(first.locator(".reasons")).to_contain_text("共同关键词")
    screenshot(page, "new-need-recommendations")
    need_id = page.url.rsplit("/", 1)[1]
    assert web.state.store.get("need", need_id).enterprise_id == "E1"
    page.goto("/my/enterprise")
    expect(page.locator("#needs article.need")).to_have_count(3)


def test_enterprise_gets_a_chinese_403_for_others_data(login):
    page = login("e1")
    for path in ("/needs/N3", "/needs/N3/edit", "/enterprises/E2", "/offers/O3", "/enterprises"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.locator("h1")).to_have_text("无权访问")
        expect(page.locator("main")).not_to_contain_text("采购冷链设备")  # N3's text
        if path == "/needs/N3":
            expect(page.locator("main")).to_contain_text("您只能查看本单位自己的数据")
            screenshot(page, "enterprise-403")
    response = page.request.post("/needs/N3/edit", form={"kind": "tech", "text": "改掉别人的需求"})
    assert response.status == 403


def test_bank_sees_the_leads_of_its_own_products_only(login):
    page = login("bank")
    page.goto("/my/products")
    items = page.locator("section.item")
    expect(items).to_have_count(1)
    expect(items.locator("h2")).to_have_text("青岛银行·专精特新贷")
    lead = items.locator(".result").first  # loaded by htmx
    expect(lead.locator(".result-title")).to_have_text("青岛海鑫新能源科技有限公司")
    expect(lead.locator(".reasons")).to_contain_text("企业需求（N2）")
    expect(lead.locator(".checks .pass").first).to_contain_text("✓ 企业梯度：专精特新，符合")
    screenshot(page, "bank-product-leads")
    assert page.goto("/products/F2").status == 403
    assert page.goto("/my/enterprise").status == 403


def test_university_sees_the_leads_of_its_own_tech_results(login):
    page = login("university", PHONE)
    page.goto("/my/tech-results")
    expect(page.locator("section.item h2")).to_have_text("深度学习表面缺陷视觉检测方法（青岛大学）")
    lead = page.locator("section.item .result").first
    expect(lead.locator(".result-title")).to_have_text("青岛海工精密机械有限公司")
    screenshot(page, "university-leads-phone")
    assert page.goto("/tech-results/T1").status == 403
