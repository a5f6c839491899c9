"""The organiser sends the final agenda from the event page and dispatches it from the
outbox page (Chromium), the emails reach a real SMTP server; a participant answers the
post-meeting survey on a phone-width page without logging in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from service import outbox
from service.main import create_app
from service.notify_texts import BEIJING
from service.state import ServiceState
from storage.outbox import OutboxStore
from tests.service.conftest import PEOPLE, load_world, settings_for
from tests.service.notify_helpers import CONTACTS, smtp_server
from tests.service.web.conftest import (  # noqa: F401 (fixtures)
    PHONE,
    WebService,
    browser,
    login,
    new_page,
    screenshot,
    serving,
)

EVENT = "EV-B"


@pytest.fixture(scope="module")
def inbox_port() -> Iterator[tuple]:
    with smtp_server() as found:
        yield found


@pytest.fixture(scope="module")
def web(tmp_path_factory, inbox_port) -> Iterator[WebService]:
    root = tmp_path_factory.mktemp("notify-web")
    url = f"sqlite:///{root / 'matcher.db'}"
    load_world(url, None)
    notify = {"smtp_host": "127.0.0.1", "smtp_port": inbox_port[1], "smtp_tls": "none",
              "smtp_from": "noreply@example.cn", "dispatch_interval_seconds": 0}  # fmt: skip
    app = create_app(settings_for(url, None, root / "data", notify=notify), progress=False)
    state: ServiceState = app.state.service
    keys = {name: state.keys.create(role, scope, name)[1] for name, (role, scope) in PEOPLE.items()}
    with serving(app) as base_url:
        api = httpx.Client(base_url=base_url, headers={"X-API-Key": keys["organiser"]}, timeout=60)
        api.post("/api/events", json={"id": EVENT, "name": "浏览器通知测试", "date": "2026-12-10"})
        people = [{"kind": "enterprise", "ref": "E1"}, {"kind": "university", "ref": "青岛大学"}]
        api.post(f"/api/events/{EVENT}/participants", json={"participants": people})
        assert api.post(f"/api/events/{EVENT}/regenerate", params={"wait": "true"}).is_success

        def contacts(plan) -> str:
            for p in plan.participants:
                p.contact_name, p.phone, p.email = CONTACTS[p.id][0], "", CONTACTS[p.id][2]
            return "联系方式"

        state.event_change(EVENT, contacts, None)
        assert api.post(f"/api/events/{EVENT}/publish").is_success
        yield WebService(base_url, keys, state)


def test_final_agenda_and_a_phone_survey(login, new_page, web, inbox_port):  # noqa: F811
    from playwright.sync_api import expect

    inbox = inbox_port[0]
    page = login("organiser")
    page.goto(f"/events/{EVENT}")
    page.click("#notify-panel button.notify-final_agenda")
    expect(page.locator("p.notice")).to_contain_text("「正式日程」已加入发送队列：新增 2 条")
    page.click("button.dispatch")
    expect(page.locator("p.notice")).to_contain_text("已发送 2 条，失败 0 条")
    expect(page.locator("#outbox tr.status-sent")).to_have_count(2)
    screenshot(page, "notify-outbox")
    assert sorted(str(m["To"]) for m in inbox.messages) == ["e1@example.cn", "qdu@example.cn"]
    assert all("正式日程" in str(m["Subject"]) for m in inbox.messages)

    plan = web.state.events.load(EVENT)
    [meeting] = [m for m in plan.meetings if m.slot is not None]
    end = datetime.combine(plan.event.date, plan.event.slots[meeting.slot].end, BEIJING)
    outbox.dispatch(web.state, end + timedelta(minutes=5), EVENT)
    [survey] = [m for m in OutboxStore(web.state.engine).messages(EVENT, ["survey"])
                if m.participant_id == "E1"]  # fmt: skip
    path = re.search(r"/s/[A-Za-z0-9_-]+", survey.body)[0]
    phone = new_page(PHONE)
    phone.goto(path)
    expect(phone.locator("h1")).to_have_text("会后问卷")
    phone.check("input[name=held][value=yes]")
    phone.check("input[name=usefulness][value='4']")
    phone.check("input[name=intent][value=yes]")
    phone.fill("#note", "希望尽快安排实验室参观")
    phone.click("form button[type=submit]")
    expect(phone.locator("p.notice")).to_contain_text("已提交，感谢您的反馈")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "notify-survey-phone")
    outcome = web.state.outcomes.get(f"{EVENT}|{meeting.a}|{meeting.b}")
    assert (outcome.attendance, outcome.stage) == ("held", "intent")
    page.goto(f"/events/{EVENT}/outcomes")
    expect(page.locator("#survey-answers")).to_contain_text("希望尽快安排实验室参观")
