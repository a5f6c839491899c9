"""签到 in a real browser at phone width (390 px): staff type a participant's code and see it
checked in and counted."""

from __future__ import annotations

from datetime import date
from datetime import time as clock

import pytest
from playwright.sync_api import expect

from matcher.events.model import Event, Participant, make_slots
from matcher.events.qr import checkin_code
from service.event_day import checkin_secret
from service.event_plans import create_event
from tests.service.web.conftest import PHONE, screenshot

pytestmark = pytest.mark.slow


def test_staff_check_in_by_typed_code_at_phone_width(login, web):
    event = Event(id="EV-day-browser", name="智能装备产业链对接会", date=date(2026, 12, 3),
                  tables=2, slots=make_slots(clock(9), 20, 2))  # fmt: skip
    create_event(web.state, event, None)
    people = [
        Participant(id="E1", kind="enterprise", ref="E1", name="海鑫新能源", role="demand"),
        Participant(id="U:青岛大学", kind="university", ref="青岛大学", name="青岛大学",
                    role="supply"),
    ]  # fmt: skip

    def add(plan):
        plan.participants = people
        return "添加参会方"

    web.state.event_change(event.id, add, None)
    code = checkin_code(checkin_secret(web.state.settings.data_dir), event.id, "U:青岛大学")
    page = login("organiser", PHONE)
    page.goto(f"/events/{event.id}/checkin")
    expect(page.locator("#checkin-count")).to_have_text("已签到 0 / 应到 2")
    field = page.get_by_label("签到码（扫码枪扫描或手动输入）")
    expect(field).to_be_focused()
    field.fill(code)
    field.press("Enter")
    expect(page.locator(".checkin-result")).to_have_text("已签到：青岛大学")
    expect(page.locator("#checkin-count")).to_have_text("已签到 1 / 应到 2")
    expect(page.locator(".checkin-list.arrived")).to_contain_text("青岛大学")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at 390 px ({width} px)"
    screenshot(page, "event-day-checkin-phone")
    assert "U:青岛大学" in web.state.events.load(event.id).checked_in
