"""Participant choice in a real browser: the enterprise logs in, opens 我的活动, marks 必见 on
a recommended counterpart; the organiser sees the count on the event page's panel."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.service.test_events_api import INDUSTRY
from tests.service.web.conftest import screenshot

pytestmark = pytest.mark.slow


def _api(web, method: str, path: str, **kwargs) -> dict:
    headers = {"X-API-Key": web.keys["organiser"]}
    response = httpx.request(method, web.url + path, headers=headers, timeout=60, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def test_enterprise_marks_must_and_organiser_sees_the_count(login, web):
    _api(web, "POST", "/api/events", json={"id": "EV-pick", "name": "智能装备意向征集",
                                           "date": "2026-12-03", "slots": 4, "tables": 3})  # fmt: skip
    _api(web, "POST", "/api/events/EV-pick/participants", json={"participants": INDUSTRY})
    _api(web, "POST", "/api/events/EV-pick/phase", json={"phase": "preferences"})

    page = login("e1")
    page.get_by_role("link", name="我的活动").click()
    expect(page.locator("table.my-events")).to_contain_text("意向征集")
    page.get_by_role("link", name="意向与日程").click()
    expect(page.locator(".phase-label")).to_have_text("意向征集")
    row = page.locator("tr.counterpart", has_text="中国石油大学（华东）")
    row.get_by_role("button", name="必见").click()
    expect(row.locator(".badge.pick")).to_have_text("必见")
    screenshot(page, "event-choice-picks")

    staff = login("organiser")
    staff.goto("/events/EV-pick")
    counts = staff.locator("#choice-panel tr.choice-row[data-id='E1']")
    expect(counts.locator("td.must")).to_have_text("1")
    expect(counts).to_contain_text("已表达意向")
    expect(staff.locator("#choice-panel .phase-label")).to_have_text("意向征集")
    screenshot(staff, "event-choice-organiser-panel")
