"""Post-meeting surveys: a short link per meeting and participant, and what an answer does.

The link's token is an HMAC (SHA-256, under a secret kept in `<data_dir>/survey.secret`,
created on first use) of the event, the pair and the participant: it cannot be guessed, and
it is the only credential of the public survey page. An answer (held? usefulness 1–5,
intent, note) is stored once and fills the meeting's follow-up record through the outcome
rules (`matcher.outcomes.rules`, via `ServiceState.outcomes`): it sets the attendance
only when staff have not recorded one, and the stage 意向 only from 无进展 after a held
meeting; an update the rules refuse is left out (the answer is still kept). Answer and
outcome change commit together, with their audit entry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from matcher.errors import ConflictError, NotFoundError
from matcher.events.model import EventPlan, Meeting, Participant
from matcher.outcomes.fields import display, label, stored
from matcher.outcomes.model import meeting_outcome_id
from matcher.outcomes.store import OutcomeError, Recorded
from service.secret_files import secret_file
from storage.models import utc_now
from storage.surveys import Answers, Survey, SurveyStore

if TYPE_CHECKING:
    from service.state import ServiceState

SECRET_FILE = "survey.secret"
NOT_FOUND = "问卷链接无效或已失效"


def survey_secret(data_dir: Path) -> bytes:
    """The service's survey key (`<data_dir>/survey.secret`, created once)."""
    return secret_file(data_dir, SECRET_FILE)


def survey_token(secret: bytes, event_id: str, a: str, b: str, participant_id: str) -> str:
    """The link token of one participant's survey on one meeting (22 URL-safe characters)."""
    text = json.dumps([event_id, a, b, participant_id], ensure_ascii=False).encode()
    digest = hmac.new(secret, text, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_survey(state: ServiceState, event_id: str, meeting: Meeting, participant_id: str) -> str:
    """Keep the survey link of a participant on a meeting; returns its token."""
    token = survey_token(
        survey_secret(state.settings.data_dir), event_id, meeting.a, meeting.b, participant_id
    )
    SurveyStore(state.engine).issue(token, event_id, meeting.a, meeting.b, participant_id,
                                    utc_now())  # fmt: skip
    return token


@dataclass(frozen=True)
class SurveyView:
    """What the survey page shows: the survey, its event, the respondent and counterpart."""

    survey: Survey
    plan: EventPlan
    participant: Participant
    counterpart: str
    slot: str
    table: int | None


def open_survey(state: ServiceState, token: str) -> SurveyView:
    """The survey of a link token; `NotFoundError` for an unknown or forged one, or when its
    meeting is no longer in the plan."""
    survey = SurveyStore(state.engine).get(token) if len(token) <= 64 else None
    if survey is None:
        raise NotFoundError(NOT_FOUND)
    secret = survey_secret(state.settings.data_dir)
    expected = survey_token(secret, survey.event_id, survey.a, survey.b, survey.participant_id)
    if not hmac.compare_digest(expected, token) or not state.events.exists(survey.event_id):
        raise NotFoundError(NOT_FOUND)
    plan = state.events.load(survey.event_id)
    people = {p.id: p for p in plan.participants}
    meeting = next((m for m in plan.meetings if m.key == frozenset((survey.a, survey.b))), None)
    if meeting is None or survey.participant_id not in people:
        raise NotFoundError("该会谈已不在活动日程中，问卷已失效")
    other = survey.b if survey.participant_id == survey.a else survey.a
    slot = plan.event.slots[meeting.slot].label() if meeting.slot is not None else "未排入"
    name = people[other].name if other in people else other
    return SurveyView(survey, plan, people[survey.participant_id], name, slot, meeting.table)


def _changes(state: ServiceState, survey: Survey, answers: Answers) -> dict[str, Any]:
    """What the answer fills in the follow-up record, leaving staff entries alone."""
    current = state.outcomes.get(meeting_outcome_id(survey.event_id, survey.a, survey.b))
    attendance = getattr(current, "attendance", None)
    changes: dict[str, Any] = {}
    if attendance is None:
        attendance = "held" if answers.held else "no_show"
        changes["attendance"] = attendance
    stage = getattr(current, "stage", "none")
    if answers.held and answers.intent and attendance == "held" and stage == "none":
        changes["stage"] = "intent"
    return changes


def submit_survey(state: ServiceState, token: str, answers: Answers) -> Survey:
    """Store the answer of an open survey and fill the follow-up record; `ConflictError`
    when the survey was answered already."""
    view = open_survey(state, token)
    survey = view.survey
    if survey.answered_at is not None:
        raise ConflictError("此问卷已提交，感谢您的反馈")
    store, now = SurveyStore(state.engine), utc_now()
    changes = _changes(state, survey, answers)
    applied = "；".join(f"{label(f)}：{display(f, stored(v))}" for f, v in changes.items())

    def keep(connection: Connection, results: list[Recorded] | None = None) -> None:
        if not store.answer(token, answers, applied, now, connection):
            raise ConflictError("此问卷已提交，感谢您的反馈")
        detail = f"会后问卷：{view.participant.name}，{survey.a} ↔ {survey.b}"
        state.audit.record(None, "update", "outcome", None, detail, connection=connection)

    if changes:
        meeting = {"event_id": survey.event_id, "a": survey.a, "b": survey.b}
        who = f"会后问卷（{view.participant.name}）"
        try:
            state.outcomes.record_meetings([(meeting, changes)], who, within=keep)
            return store.get(token) or survey
        except OutcomeError:  # the rules refuse it: keep the answer alone
            applied = ""
    with state.engine.begin() as connection:
        keep(connection)
    return store.get(token) or survey


@dataclass(frozen=True)
class SurveyLine:
    """One answered survey as the follow-up page shows it, beside the staff's record."""

    survey: Survey
    a_name: str
    b_name: str
    respondent: str
    attendance: str | None
    stage: str


def survey_lines(state: ServiceState, plan: EventPlan) -> list[SurveyLine]:
    """The event's answered surveys with names and the meeting's current follow-up."""
    names = {p.id: p.name for p in plan.participants}
    outcomes = state.outcomes.meeting_outcomes(plan.event.id)
    lines = []
    for survey in SurveyStore(state.engine).answered(plan.event.id):
        outcome = outcomes.get(meeting_outcome_id(plan.event.id, survey.a, survey.b))
        lines.append(SurveyLine(
            survey, names.get(survey.a, survey.a), names.get(survey.b, survey.b),
            names.get(survey.participant_id, survey.participant_id),
            outcome.attendance if outcome else None, outcome.stage if outcome else "none",
        ))  # fmt: skip
    return lines
