"""Participant choice in the web pages (SQLite): 我的活动, marking picks at the page's version,
a stale page refused with the reason, the organiser's phase form and counts panel."""

from __future__ import annotations

import re

import pytest

from tests.service.conftest import csrf_token
from tests.service.test_events_api import INDUSTRY, create

SHIDA = "U:中国石油大学（华东）"


@pytest.fixture(scope="module")
def event(sqlite_service):
    create(sqlite_service, "EV-web", INDUSTRY)
    return "EV-web"


def version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page)[1]


def test_organiser_opens_preferences_and_enterprise_picks(sqlite_service, event):
    service = sqlite_service
    staff = service.browser("organiser")
    panel = service.client.get(f"/events/{event}/choices/panel", headers=staff)
    assert '当前阶段：<strong class="phase-label">报名' in panel.text
    moved = service.client.post(f"/events/{event}/phase", headers=staff, follow_redirects=False,
                                data={"phase": "preferences", "choice_mode": "picks",
                                      "request_expiry_hours": "48", "version": version(panel.text)})  # fmt: skip
    assert moved.status_code == 303 and moved.headers["location"] == f"/events/{event}"
    refused = service.client.post(f"/events/{event}/phase", headers=staff,
                                  data={"phase": "provisional", "version": ""})  # fmt: skip
    assert refused.status_code == 409 and "请先生成配对与日程" in refused.text

    me = service.browser("e1")
    mine = service.client.get("/my/events", headers=me)
    assert "意向征集" in mine.text and f"/my/events/{event}/choices" in mine.text
    page = service.client.get(f"/my/events/{event}/choices", headers=me)
    assert page.status_code == 200 and "中国石油大学（华东）" in page.text
    seen = version(page.text)
    data = {"csrf_token": csrf_token(page.text), "other": SHIDA, "pick": "must", "version": seen}
    done = service.client.post(f"/my/events/{event}/picks", headers=me, data=data,
                               follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert service.state.events.load(event).participant("E1").picks == {SHIDA: "must"}
    stale = service.client.post(f"/my/events/{event}/picks", headers=me,
                                data={**data, "pick": "no"})  # fmt: skip
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    counts = service.client.get(f"/events/{event}/choices/panel", headers=staff).text
    row = re.search(r'data-id="E1">(.*?)</tr>', counts, re.S)[1]
    assert '<td data-label="必见" class="must">1</td>' in row and "已表达意向" in row
    other = service.client.get(f"/events/{event}/choices", headers=me)
    assert other.status_code == 403


def test_a_key_outside_the_event_sees_no_choices(sqlite_service, event):
    service = sqlite_service
    page = service.client.get(f"/my/events/{event}/choices", headers=service.browser("e2"))
    assert page.status_code == 403 and "未参加" in page.text
    assert event not in service.client.get("/my/events", headers=service.browser("e2")).text
