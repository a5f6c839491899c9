"""Post-meeting surveys: links sent after each meeting, the public page (no login), answers
that fill the follow-up record through the outcome rules, and staff seeing them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from matcher.outcomes.model import meeting_outcome_id
from service import outbox
from service.notify_texts import BEIJING
from service.surveys import survey_token
from storage.outbox import OutboxStore
from tests.service.conftest import Service, running_service
from tests.service.notify_helpers import published_event, smtp_server

LINK = re.compile(r"https://match\.example\.cn(/s/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[Service]:
    with smtp_server() as (_, port):
        notify = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": "none",
                  "smtp_from": "noreply@example.cn", "dispatch_interval_seconds": 0,
                  "public_url": "https://match.example.cn"}  # fmt: skip
        with running_service("sqlite", tmp_path_factory.mktemp("survey"), notify=notify) as s:
            published_event(s, "EV-S")
            published_event(s, "EV-R")
            yield s


def _links(service: Service, event_id: str = "EV-S") -> dict[tuple[str, str, str], str]:
    """Survey link path by (participant, a, b), after dispatching past the last slot."""
    plan = service.state.events.load(event_id)
    last = max(m.slot for m in plan.meetings if m.slot is not None)
    end = datetime.combine(plan.event.date, plan.event.slots[last].end, BEIJING)
    outbox.dispatch(service.state, end + timedelta(minutes=1), event_id)
    links = {}
    meetings = {outbox.pair_key(m): m for m in plan.meetings}
    for message in OutboxStore(service.state.engine).messages(event_id, ["survey"]):
        meeting = meetings[message.scope]
        found = LINK.search(message.body)
        assert found, message.body
        links[(message.participant_id, meeting.a, meeting.b)] = found[1]
    return links


def test_each_side_of_each_meeting_gets_one_link(service):
    links = _links(service)
    plan = service.state.events.load("EV-S")
    placed = [m for m in plan.meetings if m.slot is not None]
    assert {(p, m.a, m.b) for m in placed for p in (m.a, m.b)} == set(links)
    again = _links(service)
    assert again == links
    assert len(OutboxStore(service.state.engine).messages("EV-S", ["survey"])) == sum(
        1 for (p, _, _) in links for _ in ("email", "phone") if p != "B:青岛银行"
    ) + sum(1 for (p, _, _) in links if p == "B:青岛银行")


def test_an_answer_fills_the_follow_up_once(service):
    (_, a, b), path = next(iter(_links(service).items()))
    page = service.client.get(path)  # no key, no cookie
    assert page.status_code == 200 and "会谈是否举行" in page.text and "<form" in page.text
    answer = {"held": "yes", "usefulness": "4", "intent": "yes", "note": "很有收获\r\n下周再谈"}
    done = service.client.post(path, data=answer)
    assert done.status_code == 200 and "已提交，感谢您的反馈" in done.text
    outcome = service.state.outcomes.get(meeting_outcome_id("EV-S", a, b))
    assert outcome is not None
    assert (outcome.attendance, outcome.stage) == ("held", "intent")
    assert outcome.updated_by.startswith("会后问卷（")
    again = service.client.post(path, data={"held": "no"})
    assert again.status_code == 409 and "已提交" in again.text
    assert service.state.outcomes.get(outcome.id).attendance == "held"
    staff = service.client.get("/events/EV-S/outcomes", headers=service.browser("organiser"))
    assert staff.status_code == 200 and "会后问卷反馈（1）" in staff.text
    assert "很有收获 下周再谈" in staff.text and "到场情况：已举行" in staff.text


def test_survey_never_overrides_staff_or_breaks_the_rules(service):
    links = _links(service, "EV-R")
    [meeting] = [m for m in service.state.events.load("EV-R").meetings if m.slot is not None]
    signed = {"a": meeting.a, "b": meeting.b, "stage": "signed", "signed_amount": 50}
    recorded = service.request("organiser", "PUT", "/api/events/EV-R/meetings/outcome", json=signed)
    assert recorded.status_code == 200, recorded.text
    outcome_id = meeting_outcome_id("EV-R", meeting.a, meeting.b)
    # 未到场 with 签约 breaks a rule: the answer is kept, the record left alone
    done = service.client.post(links[(meeting.a, meeting.a, meeting.b)],
                               data={"held": "no", "note": "对方没来"})  # fmt: skip
    assert done.status_code == 200 and "已提交" in done.text
    outcome = service.state.outcomes.get(outcome_id)
    assert (outcome.attendance, outcome.stage, outcome.signed_amount) == (None, "signed", 50)
    # the other side says it was held: attendance is filled in, the stage stays 签约
    other = service.client.post(links[(meeting.b, meeting.a, meeting.b)],
                                data={"held": "yes", "usefulness": "5", "intent": "no"})  # fmt: skip
    assert other.status_code == 200
    outcome = service.state.outcomes.get(outcome_id)
    assert (outcome.attendance, outcome.stage, outcome.signed_amount) == ("held", "signed", 50)
    staff = service.client.get("/events/EV-R/outcomes", headers=service.browser("organiser"))
    assert "会后问卷反馈（2）" in staff.text and "对方没来" in staff.text


def test_bad_tokens_and_answers(service):
    assert service.client.get("/s/forged-token-0000000000").status_code == 404
    secret = b"not the service secret" * 2
    forged = survey_token(secret, "EV-S", "E1", "E2", "E1")
    assert service.client.get(f"/s/{forged}").status_code == 404
    unanswered = [p for p in _links(service).values()
                  if "<form" in service.client.get(p).text]  # fmt: skip
    path = unanswered[0]
    assert service.client.post(path, data={}).status_code == 422
    assert service.client.post(path, data={"held": "yes", "usefulness": "9"}).status_code == 422
    cross = service.client.post(path, data={"held": "yes"},
                                headers={"Origin": "https://evil.example"})  # fmt: skip
    assert cross.status_code == 403
    assert "<form" in service.client.get(path).text  # nothing was stored
