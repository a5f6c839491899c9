"""对接活动 in a real browser: the organiser sets up an event, adds participants three ways,
generates, locks a meeting, removes one, regenerates, publishes; the enterprise sees 我的日程."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.service.web.conftest import PHONE, screenshot

pytestmark = pytest.mark.slow

SHIDA = "中国石油大学（华东）"
UNIVERSITIES_CSV = (
    "类型,编号或名称,角色,最多会谈\n高校,青岛大学,供给方,4\n高校,青岛农业大学,供给方,4\n"
)


def test_organiser_plans_an_event_and_the_enterprise_sees_its_agenda(login, web):
    page = login("organiser")
    page.goto("/")
    page.get_by_role("link", name="对接活动", exact=True).click()
    page.get_by_role("link", name="新建活动").click()
    page.get_by_label("活动名称").fill("智能装备产业链对接会")
    page.get_by_label("产业链").select_option("智能装备")
    page.get_by_label("活动日期").fill("2026-12-03")
    page.get_by_label("场次数").fill("4")
    page.get_by_label("洽谈桌数").fill("3")
    page.get_by_label("地点").fill("青岛国际会议中心")
    page.get_by_role("button", name="创建活动").click()
    expect(page).to_have_url(re.compile(r"/events/EV[0-9A-F]{12}$"))
    event_id = page.url.rsplit("/", 1)[1]
    notice = page.locator(".notice")

    page.locator("#p-refs").fill("E1\nE3\nE4")
    page.locator("form.by-list button").click()
    expect(notice).to_have_text("已添加 3 个参会方")
    page.locator("#p-file").set_input_files(
        files=[{"name": "高校.csv", "mimeType": "text/csv", "buffer": UNIVERSITIES_CSV.encode()}]
    )
    page.locator("form.by-file button").click()
    expect(notice).to_have_text("已从「高校.csv」添加 2 个参会方")
    page.locator("#p-limit").fill("10")
    page.locator("form.by-chain button").click()
    expect(notice).to_have_text("已按产业链添加 1 个参会方")  # 中国石油大学（华东）
    expect(page.locator("table.participants tbody tr")).to_have_count(6)

    page.get_by_role("button", name="生成配对与日程").click()
    expect(notice).to_contain_text("已生成 3 场会谈")
    meetings = page.locator("tr.meeting")
    expect(meetings).to_have_count(3)
    expect(page.locator("#shortfalls")).to_contain_text("没有相互匹配的候选对象")
    screenshot(page, "event-generated")

    meetings.filter(has_text=SHIDA).get_by_role("button", name="锁定").click()
    expect(notice).to_contain_text("已锁定：青岛海鑫新能源科技有限公司 ↔ 中国石油大学（华东）")
    locked = web.state.events.load(event_id).meetings
    place = next((m.slot, m.table) for m in locked if m.locked)
    page.once("dialog", lambda dialog: dialog.accept())  # 删除 asks for confirmation
    meetings.filter(has_text="青岛瑞视智能科技有限公司").get_by_role("button", name="删除").click()
    expect(notice).to_contain_text("该配对不会再被安排")
    expect(meetings).to_have_count(2)

    page.get_by_role("button", name="重新生成（保留锁定）").click()
    expect(notice).to_contain_text("保留锁定 1 场")
    kept = meetings.filter(has_text=SHIDA)
    expect(kept.locator(".badge.lock")).to_have_text("已锁定")
    expect(meetings.filter(has_text="青岛瑞视智能科技有限公司")).to_have_count(0)
    expect(page.locator("#removed")).to_contain_text(
        "青岛瑞视智能科技有限公司 ↔ 青岛海工精密机械有限公司"
    )
    plan = web.state.events.load(event_id)
    assert next((m.slot, m.table) for m in plan.meetings if m.locked) == place

    page.get_by_role("button", name="发布日程").click()
    expect(page.locator(".status")).to_have_text("已发布")
    expect(page.get_by_role("button", name="撤回发布")).to_be_visible()
    screenshot(page, "event-published")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "event-published-phone")

    phone = login("e1", PHONE)
    phone.get_by_role("link", name="我的日程").click()
    expect(phone.locator("h1")).to_have_text("我的日程")
    agenda = phone.locator(f"#agenda-{event_id}")
    expect(agenda.locator("h2")).to_have_text("智能装备产业链对接会")
    expect(agenda.locator(".agenda-table")).to_contain_text(SHIDA)
    expect(agenda.locator(".agenda-table")).to_contain_text(f"{place[1]}号桌")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "my-agenda-phone")
    ics = phone.request.get(
        agenda.get_by_role("link", name="下载日历文件（.ics）").get_attribute("href")
    )
    assert ics.status == 200 and "中国石油大学（华东）" in ics.text()
    printable = phone.request.get(agenda.get_by_role("link", name="打印日程").get_attribute("href"))
    assert printable.status == 200 and "青岛海鑫新能源科技有限公司 的会谈日程" in printable.text()
