"""Notifications end to end: notices from the organiser, email through a real SMTP server
(aiosmtpd) and a webhook to a local HTTP receiver, each message sent once; reminders,
change notices, failures and resending; headers safe against injection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from matcher.events.model import EventPlan
from service import outbox
from service.mail import DeliveryError, build_email, plain_address
from service.notify_texts import BEIJING
from storage.outbox import OutboxMessage, OutboxStore
from tests.service.conftest import Service, running_service
from tests.service.notify_helpers import (
    CONTACTS,
    Receiver,
    published_event,
    smtp_server,
    webhook_receiver,
)


@dataclass
class World:
    service: Service
    inbox: object
    receiver: Receiver


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    with smtp_server() as (inbox, port), webhook_receiver() as receiver:
        notify = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": "none",
                  "smtp_from": "对接平台 <noreply@example.cn>", "webhook_url": receiver.url,
                  "dispatch_interval_seconds": 0, "public_url": "https://match.example.cn"}  # fmt: skip
        root = tmp_path_factory.mktemp("outbox")
        with running_service("sqlite", root, notify=notify) as service:
            yield World(service, inbox, receiver)


def _post(world: World, url: str, **kwargs):
    return world.service.request("organiser", "POST", url, **kwargs)


def _plan(world: World, event_id: str) -> EventPlan:
    return world.service.state.events.load(event_id)


def test_no_dispatcher_thread_without_an_interval(world):
    assert world.service.state.dispatcher is None


def test_final_agenda_needs_publication_and_notices_go_out_once(world):
    published_event(world.service, "EV-N1", publish=False)
    refused = _post(world, "/api/events/EV-N1/notifications/final_agenda")
    assert refused.status_code == 409 and "尚未发布" in refused.json()["message"]
    provisional = _post(world, "/api/events/EV-N1/notifications/provisional_agenda").json()
    plan = _plan(world, "EV-N1")
    channels = sum(bool(CONTACTS[p.id][1]) + bool(CONTACTS[p.id][2]) for p in plan.participants)
    assert provisional["added"] == channels and provisional["without_contact"] == []
    assert _post(world, "/api/events/EV-N1/notifications/provisional_agenda").json()["added"] == 0
    assert _post(world, "/api/events/EV-N1/publish").status_code == 200
    assert _post(world, "/api/events/EV-N1/notifications/final_agenda").json()["added"] == channels
    before_mail, before_hooks = len(world.inbox.messages), len(world.receiver.requests)
    done = _post(world, "/api/events/EV-N1/notifications/dispatch").json()
    assert done["sent"] == 2 * channels and done["failed"] == 0
    assert len(world.inbox.messages) - before_mail == 2 * (channels - 3)  # emails: 4 each
    assert len(world.receiver.requests) - before_hooks == 2 * 3  # phones: 3 each
    again = _post(world, "/api/events/EV-N1/notifications/dispatch").json()
    assert again["sent"] == 0  # nothing is sent twice
    listed = world.service.request("organiser", "GET", "/api/events/EV-N1/notifications").json()
    assert {m["status"] for m in listed} == {"sent"} and len(listed) == 2 * channels

    mails = world.inbox.messages[before_mail:]
    by_kind = {}
    for mail in mails:
        by_kind.setdefault(str(mail["Subject"]).split("：")[-1], []).append(mail)
    provisional_mail = by_kind["预排日程"][0]
    final_mail = next(m for m in by_kind["正式日程"] if m["To"] == provisional_mail["To"])
    assert str(provisional_mail["Subject"]) == "通知测试对接会：预排日程"
    assert "@matcher.notify>" in provisional_mail["Message-ID"]
    provisional_text = provisional_mail.get_content()
    final_text = final_mail.get_content()
    # counterparts' contacts only after publication
    assert not any(phone in provisional_text for _, phone, _ in CONTACTS.values() if phone)
    assert any(phone in final_text for _, phone, _ in CONTACTS.values() if phone)
    headers, body = world.receiver.requests[before_hooks]
    message = next(m for m in listed if m["channel"] == "webhook" and m["address"] == body["phone"]
                   and m["kind"] == body["kind"])  # fmt: skip
    stored = next(m for m in OutboxStore(world.service.state.engine).messages("EV-N1")
                  if m.id == message["id"])  # fmt: skip
    assert headers["Idempotency-Key"] == stored.dedupe_key == body["id"]
    assert body["text"] == stored.body and "通知测试对接会" in body["text"]


def _slot_start(plan: EventPlan, slot: int) -> datetime:
    return datetime.combine(plan.event.date, plan.event.slots[slot].start, BEIJING)


def test_reminders_before_each_meeting_once(world):
    published_event(world.service, "EV-N2")
    plan = _plan(world, "EV-N2")
    first = min(m.slot for m in plan.meetings if m.slot is not None)
    in_first = [m for m in plan.meetings if m.slot == first]
    start = _slot_start(plan, first)
    state = world.service.state
    early = outbox.dispatch(state, start - timedelta(minutes=16), "EV-N2")
    assert early.reminders == 0
    due = outbox.dispatch(state, start - timedelta(minutes=10), "EV-N2")
    contacts = sum(bool(CONTACTS[s][1]) + bool(CONTACTS[s][2]) for m in in_first
                   for s in (m.a, m.b))  # fmt: skip
    assert due.reminders == contacts and due.sent == contacts
    assert outbox.dispatch(state, start - timedelta(minutes=5), "EV-N2").reminders == 0
    reminders = OutboxStore(state.engine).messages("EV-N2", ["reminder"])
    assert all("会谈提醒" in m.subject and m.status == "sent" for m in reminders)
    assert outbox.dispatch(state, start + timedelta(minutes=1), "EV-N2").reminders == 0


def test_a_moved_meeting_sends_a_change_notice_once(world):
    published_event(world.service, "EV-N3")
    assert _post(world, "/api/events/EV-N3/notifications/final_agenda").json()["added"] > 0
    state = world.service.state
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert outbox.dispatch(state, now, "EV-N3").changes == 0
    plan = _plan(world, "EV-N3")
    moved = next(m for m in plan.meetings if m.slot is not None)
    free = next(s for s in range(len(plan.event.slots))
                if not any(m.slot == s and {m.a, m.b} & {moved.a, moved.b}
                           for m in plan.meetings))  # fmt: skip

    def move(plan: EventPlan) -> str:
        for meeting in plan.meetings:
            if meeting.key == moved.key:
                meeting.slot = free
        return "调整时段"

    state.event_change("EV-N3", move, None)
    changed = outbox.dispatch(state, now, "EV-N3")
    sides = sum(bool(CONTACTS[s][1]) + bool(CONTACTS[s][2]) for s in (moved.a, moved.b))
    assert changed.changes == sides
    notices = OutboxStore(state.engine).messages("EV-N3", ["changed_meeting"])
    slot = plan.event.slots[free].label()
    assert all(slot in m.body for m in notices)
    assert outbox.dispatch(state, now, "EV-N3").changes == 0


def test_failed_webhook_is_resent_by_hand(world):
    published_event(world.service, "EV-N4")
    world.receiver.status = 503
    try:
        _post(world, "/api/events/EV-N4/notifications/invitation")
        done = _post(world, "/api/events/EV-N4/notifications/dispatch").json()
    finally:
        world.receiver.status = 200
    assert done["failed"] == 3  # the three phones
    failed = [m for m in world.service.request("organiser", "GET",
              "/api/events/EV-N4/notifications").json() if m["status"] == "failed"]  # fmt: skip
    assert len(failed) == 3 and all("网关返回 503" in m["error"] for m in failed)
    assert _post(world, "/api/events/EV-N4/notifications/dispatch").json()["sent"] == 0
    resent = _post(world, "/api/events/EV-N4/notifications/resend", json={"ids": [failed[0]["id"]]})
    assert resent.json() == {"resent": 1}
    assert _post(world, "/api/events/EV-N4/notifications/dispatch").json()["sent"] == 1
    assert _post(world, "/api/events/EV-N4/notifications/resend", json={}).json()["resent"] == 2


def test_unknown_event_and_kind(world):
    assert _post(world, "/api/events/EV-none/notifications/invitation").status_code == 404
    assert _post(world, "/api/events/EV-none/notifications/dispatch").status_code == 404
    assert _post(world, "/api/events/EV-N1/notifications/reminder").status_code == 422
    denied = world.service.request("e1", "POST", "/api/events/EV-N1/notifications/invitation")
    assert denied.status_code == 403


def test_headers_cannot_be_injected():
    now = datetime(2026, 12, 3, tzinfo=UTC)
    message = OutboxMessage(
        id=1, dedupe_key="k" * 64, event_id="EV", kind="invitation", participant_id="E1",
        scope="", channel="email", address="e1@example.cn",
        subject="邀请\r\nBcc: spy@evil.example\r\n", body="正文\r\nBcc: x@y", payload={},
        status="sending", attempts=1, error=None, created_at=now, claimed_at=now, sent_at=None,
    )  # fmt: skip
    email = build_email(message, "平台 <noreply@example.cn>\nBcc: spy@evil.example")
    assert email["Bcc"] is None
    raw = email.as_string()
    assert "\nBcc:" not in raw and "\rBcc:" not in raw
    assert str(email["Subject"]) == "邀请 Bcc: spy@evil.example"
    for bad in ("a@b.cn\r\nBcc: spy@evil.example", "a@b.cn, spy@evil.example",
                "李 <a@b.cn>", "no-at-sign", "a@@b"):  # fmt: skip
        with pytest.raises(DeliveryError, match="邮箱地址"):
            plain_address(bad)
    assert plain_address(" e1@example.cn ") == "e1@example.cn"


def test_outbox_page_is_for_staff_and_resends_one_message(world):
    published_event(world.service, "EV-N5")
    _post(world, "/api/events/EV-N5/notifications/invitation")
    world.receiver.status = 500
    try:
        _post(world, "/api/events/EV-N5/notifications/dispatch")
    finally:
        world.receiver.status = 200
    assert world.service.client.get("/events/EV-N5/notifications",
                                    headers=world.service.browser("e1")).status_code == 403  # fmt: skip
    staff = world.service.browser("organiser")
    page = world.service.client.get("/events/EV-N5/notifications", headers=staff)
    assert page.status_code == 200 and "发送失败 3" in page.text and "网关返回 500" in page.text
    failed = [m for m in OutboxStore(world.service.state.engine).messages("EV-N5")
              if m.status == "failed"]  # fmt: skip
    resent = world.service.client.post("/events/EV-N5/notifications/resend",
                                       data={"id": str(failed[0].id)}, headers=staff)  # fmt: skip
    assert resent.status_code == 200 and "已重新加入队列 1 条" in resent.text
    sent = world.service.client.post("/events/EV-N5/notifications/dispatch", headers=staff)
    assert "已发送 1 条" in sent.text and "发送失败 2" in sent.text
    bad = world.service.client.post("/events/EV-N5/notifications/send", data={"kind": "x"},
                                    headers=staff)  # fmt: skip
    assert bad.status_code == 422 and "未知的通知类型" in bad.text


def _mails_since(world: World, before: int, subject: str) -> dict[str, str]:
    """Email address → body of the mails with `subject` that arrived after `before`."""
    return {
        str(mail["To"]): mail.get_content()
        for mail in world.inbox.messages[before:]
        if str(mail["Subject"]).endswith(subject)
    }


def _told_final(world: World, event_id: str) -> None:
    _post(world, f"/api/events/{event_id}/notifications/final_agenda")
    _post(world, f"/api/events/{event_id}/notifications/dispatch")


def test_a_no_show_tells_the_other_side_at_once_and_once(world):
    published_event(world.service, "EV-N6")
    state = world.service.state
    plan = _plan(world, "EV-N6")
    meeting = next(m for m in plan.meetings if m.slot is not None)
    _told_final(world, "EV-N6")
    before = len(world.inbox.messages)
    absent = _post(world, "/api/events/EV-N6/day/absent?now=2026-12-03T08:00:00",
                   json={"participant_id": meeting.a})  # fmt: skip
    assert absent.status_code == 200, absent.text
    queued = OutboxStore(state.engine).messages("EV-N6", ["changed_meeting"])
    assert {m.participant_id for m in queued} == {meeting.b}  # the absentee is not told
    done = _post(world, "/api/events/EV-N6/notifications/dispatch").json()
    assert done["changes"] == 0 and done["sent"] == len(queued)  # queued by the mark already
    mails = _mails_since(world, before, "会谈变更")
    slot = plan.event.slots[meeting.slot].label()
    name = plan.participant(meeting.a).name
    assert f"「{name}」未能到场，您与其在 {slot} 的会谈取消" in mails[CONTACTS[meeting.b][2]]
    again = _post(world, "/api/events/EV-N6/notifications/dispatch").json()
    assert again["sent"] == 0 and again["changes"] == 0  # nothing is sent twice


def test_day_meetings_are_announced_to_both_sides_once(world):
    published_event(world.service, "EV-N7")
    state = world.service.state
    left_out = next(m for m in _plan(world, "EV-N7").meetings if m.slot is not None)

    def forget(stored: EventPlan) -> str:  # a candidate pair the pairing left out
        stored.meetings = [m for m in stored.meetings if m.key != left_out.key]
        return "测试：去掉一场会谈"

    state.event_change("EV-N7", forget, None)
    _told_final(world, "EV-N7")
    for side in (left_out.a, left_out.b):
        _post(world, "/api/events/EV-N7/checkin", json={"participant_id": side})
    before = len(world.inbox.messages)
    shown = world.service.request("organiser", "GET", "/api/events/EV-N7/day/repair").json()
    confirmed = _post(world, "/api/events/EV-N7/day/repair", json={"from_slot": shown["from_slot"]},
                      headers={"If-Match": f'"{shown["version"]}"'})  # fmt: skip
    assert confirmed.status_code == 200, confirmed.text
    (day,) = confirmed.json()["meetings"]
    assert {day["a"], day["b"]} == {left_out.a, left_out.b}
    done = _post(world, "/api/events/EV-N7/notifications/dispatch").json()
    assert done["changes"] == 0 and done["sent"] > 0  # queued by the confirmation already
    mails = _mails_since(world, before, "会谈变更")
    for side, other in ((day["a"], day["b_name"]), (day["b"], day["a_name"])):
        body = mails[CONTACTS[side][2]]
        assert "活动当天为您新增一场会谈" in body and f"与「{other}」" in body
        assert f"{day['slot_label']}  {day['table']}号桌" in body
    again = _post(world, "/api/events/EV-N7/notifications/dispatch").json()
    assert again["sent"] == 0 and again["changes"] == 0
