"""临时调整 in a real browser: 删除 a meeting asks first (dismissed: nothing happens), then
goes to 可恢复的删除, and 恢复 puts it back at its slot and table."""

from __future__ import annotations

from datetime import date, time

import pytest
from playwright.sync_api import expect

from matcher.events.model import Event, make_slots
from service import event_jobs, event_plans
from tests.service.web.conftest import screenshot

pytestmark = pytest.mark.slow

SHIDA = "中国石油大学（华东）"


def planned(web) -> str:
    event = Event(id="EV-restore", name="智能装备产业链对接会", chain="智能装备",
                  date=date(2026, 12, 3), slots=make_slots(time(9), 20, 4), tables=3)  # fmt: skip
    state = web.state
    event_plans.create_event(state, event, None)
    specs = [{"kind": "enterprise", "ref": "E1", "role": "demand"},
             {"kind": "university", "ref": SHIDA}]  # fmt: skip
    event_plans.add_to_event(state, event.id, event_plans.from_specs(specs), None)
    plan = event_jobs.generate(state, event.id, "regenerate", None)
    assert plan.meetings and plan.meetings[0].slot is not None
    return event.id


def test_remove_a_meeting_with_confirmation_then_restore_it(login, web):
    event_id = planned(web)
    before = web.state.events.load(event_id).meetings[0]
    page = login("organiser")
    page.goto(f"/events/{event_id}")
    meetings = page.locator("tr.meeting")
    expect(meetings).to_have_count(1)
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    meetings.get_by_role("button", name="删除").click()
    expect(meetings).to_have_count(1)
    assert asked and "确定删除" in asked[0] and SHIDA in asked[0]
    assert len(web.state.events.load(event_id).meetings) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    meetings.get_by_role("button", name="删除").click()
    expect(page.locator(".notice")).to_contain_text("可在「可恢复的删除」中恢复")
    expect(meetings).to_have_count(0)
    entry = page.locator(".restore-list li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(SHIDA)
    screenshot(page, "event-restore-list")

    entry.get_by_role("button", name="恢复").click()
    expect(page.locator(".notice")).to_contain_text("仍在原时段与桌号")
    expect(meetings).to_have_count(1)
    expect(page.locator(".restore-list li")).to_have_count(0)
    after = web.state.events.load(event_id).meetings[0]
    assert (after.slot, after.table) == (before.slot, before.table)
