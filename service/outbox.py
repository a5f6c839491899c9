"""Notifications in the service: enqueue them into the outbox, and dispatch it.

The organiser sends invitations, the opening of preferences, and the provisional and final
agendas (`notify`): one message per participant and channel (email to `Participant.email`,
the SMS / WeChat webhook to `Participant.phone`). `dispatch` (run by the `Dispatcher`
thread every `notify.dispatch_interval_seconds`, and by staff from the event page or the
API) first turns claims that never finished into `unknown`, then enqueues what is due at
`now`: a reminder `Event.reminder_minutes` before each meeting (0: none), a survey after
each meeting ends (within `SURVEY_DAYS`), and a change notice for each meeting of a
published event that no longer matches what its participants were last told; then it sends
the pending messages one by one, each claimed in its own transaction first. Every message
has a dedupe key, so nothing is enqueued twice, and a crash between claim and send leaves
the message `unknown` (resent by hand), never sent twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from matcher.crash import crash_point
from matcher.errors import ConflictError, InvalidValue
from matcher.events.model import EventPlan, Meeting, Participant
from service.mail import DeliveryError, deliver
from service.notify_texts import KIND_LABELS, compose, own_meetings, slot_times
from service.surveys import issue_survey
from storage.models import utc_now
from storage.outbox import NewMessage, OutboxMessage, OutboxStore

if TYPE_CHECKING:
    from service.state import ServiceState

log = logging.getLogger("service.notify")
ORGANISER_KINDS: tuple[str, ...] = (
    "invitation", "preferences_open", "provisional_agenda", "final_agenda",
)  # fmt: skip
SURVEY_DAYS = 3  # surveys go out up to this many days after a meeting ended
UNKNOWN_REASON = "发送中断（服务在发送时停止），无法确定是否已送达：请核实后手动重发"
ANNOUNCED_KINDS = ("final_agenda", "changed_meeting")


def dedupe_key(event_id: str, kind: str, participant_id: str, channel: str, scope: str) -> str:
    """The message's identity: the same notice to the same recipient is enqueued once."""
    text = json.dumps([event_id, kind, participant_id, channel, scope], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def channels(participant: Participant) -> list[tuple[str, str]]:
    """(channel, address) for each contact the participant has: email, and phone (webhook)."""
    found = []
    if participant.email.strip():
        found.append(("email", participant.email.strip()))
    if participant.phone.strip():
        found.append(("webhook", participant.phone.strip()))
    return found


def pair_key(meeting: Meeting) -> str:
    return json.dumps([meeting.a, meeting.b], ensure_ascii=False)


def placed(meeting: Meeting | None) -> list[int | None] | None:
    """Where a meeting is, as announced (None: not taking place: cancelled, or a no-show)."""
    if meeting is None or meeting.slot is None or meeting.status in ("cancelled", "no_show"):
        return None
    return [meeting.slot, meeting.table]


def link(state: ServiceState, path: str = "/") -> str:
    """An absolute link into the service (`notify.public_url`, else its host and port)."""
    settings = state.settings
    base = settings.notify.public_url or f"http://{settings.host}:{settings.port}"
    return base.rstrip("/") + path


def _messages(
    plan: EventPlan,
    kind: str,
    participant: Participant,
    meeting: Meeting | None = None,
    scope: str = "",
    url: str = "",
    payload: dict | None = None,
) -> list[NewMessage]:
    text = compose(plan, kind, participant, meeting, url)
    messages = []
    for channel, address in channels(participant):
        key = dedupe_key(plan.event.id, kind, participant.id, channel, scope)
        messages.append(NewMessage(
            dedupe_key=key, event_id=plan.event.id, kind=kind, participant_id=participant.id,
            channel=channel, address=address, subject=text.subject, body=text.body, scope=scope,
            payload=payload or {},
        ))  # fmt: skip
    return messages


@dataclass(frozen=True)
class Enqueued:
    """What sending a notice did: messages added, already there, and who has no contact."""

    kind: str
    added: int
    recipients: int
    without_contact: list[str]

    def notice(self) -> str:
        """A one-line summary (Chinese)."""
        label = KIND_LABELS[self.kind]
        text = f"「{label}」已加入发送队列：新增 {self.added} 条（共 {self.recipients} 个参会方）"
        if self.without_contact:
            names = "、".join(self.without_contact[:5])
            more = f"等 {len(self.without_contact)} 个" if len(self.without_contact) > 5 else ""
            text += f"；{names}{more}没有邮箱或电话，未发送"
        return text


def notify(
    state: ServiceState, event_id: str, kind: str, actor: int | None, now: datetime | None = None
) -> Enqueued:
    """Enqueue an organiser's notice (`ORGANISER_KINDS`) for every participant of the event;
    a notice enqueued before is not enqueued again. The final agenda needs the event
    published, the provisional one scheduled meetings."""
    if kind not in ORGANISER_KINDS:
        raise InvalidValue([("kind", f"未知的通知类型「{kind}」")], location="path")
    plan = state.events.load(event_id)
    if kind == "final_agenda" and not plan.published:
        raise ConflictError("日程尚未发布：请先发布日程，再发送正式日程")
    if kind == "provisional_agenda" and not any(m.slot is not None for m in plan.meetings):
        raise ConflictError("还没有排入时段的会谈：请先生成配对与日程，再发送预排日程")
    messages: list[NewMessage] = []
    without: list[str] = []
    url = link(state)
    for participant in plan.participants:
        payload = None
        if kind == "final_agenda":
            announced = {pair_key(m): placed(m) for m in own_meetings(plan, participant.id)}
            payload = {"meetings": announced}
        made = _messages(plan, kind, participant, url=url, payload=payload)
        if not made:
            without.append(participant.name)
        messages.extend(made)
    added = OutboxStore(state.engine).enqueue(messages, now or utc_now())
    label = KIND_LABELS[kind]
    detail = f"发送通知「{label}」：新增 {added} 条"
    state.audit.record(actor, "update", "event", event_id, detail)
    return Enqueued(kind, added, len(plan.participants), without)


# what is due ----------------------------------------------------------------------------------
def _sides(plan: EventPlan, meeting: Meeting) -> Iterable[Participant]:
    people = {p.id: p for p in plan.participants}
    for side in (meeting.a, meeting.b):
        if side in people and side not in meeting.no_show:
            yield people[side]


def due_reminders(plan: EventPlan, now: datetime) -> list[NewMessage]:
    """Reminders of the meetings starting within `Event.reminder_minutes` of `now`."""
    minutes = plan.event.reminder_minutes
    if not plan.published or minutes == 0:
        return []
    messages = []
    for meeting in plan.meetings:
        if meeting.slot is None or meeting.status != "planned":
            continue
        start, _ = slot_times(plan.event, meeting.slot)
        if start - timedelta(minutes=minutes) <= now < start:
            scope = f"{pair_key(meeting)}@{meeting.slot}"
            for participant in _sides(plan, meeting):
                messages += _messages(plan, "reminder", participant, meeting, scope)
    return messages


def due_surveys(
    state: ServiceState, plan: EventPlan, now: datetime, known: set[str]
) -> list[NewMessage]:
    """Surveys of the meetings that ended before `now` (up to `SURVEY_DAYS` ago) not among
    the `known` dedupe keys; each new survey's link is issued here."""
    if not plan.published:
        return []
    messages = []
    for meeting in plan.meetings:
        if meeting.slot is None or meeting.status in ("cancelled", "no_show"):
            continue
        _, end = slot_times(plan.event, meeting.slot)
        if not end <= now <= end + timedelta(days=SURVEY_DAYS):
            continue
        for participant in _sides(plan, meeting):
            keys = {
                dedupe_key(plan.event.id, "survey", participant.id, channel, pair_key(meeting))
                for channel, _ in channels(participant)
            }
            if keys <= known:  # enqueued before, or no contact at all
                continue
            token = issue_survey(state, plan.event.id, meeting, participant.id)
            url = link(state, f"/s/{token}")
            messages += _messages(plan, "survey", participant, meeting, pair_key(meeting), url)
    return messages


def due_changes(
    plan: EventPlan, sent: list[OutboxMessage], now: datetime | None = None
) -> list[NewMessage]:
    """Change notices: for each participant told its final agenda, each of its meetings that
    is now somewhere else (moved, new on the event day, cancelled, or freed because the other
    side did not come) than it was last told. A participant is not told of its own no-show,
    and nobody of a meeting whose slot ended before `now`."""
    if not plan.published:
        return []
    announced: dict[str, dict[str, list | None]] = {}
    for message in sent:  # oldest first: later notices override
        told = announced.setdefault(message.participant_id, {})
        if message.kind == "final_agenda":
            told.update(message.payload.get("meetings", {}))
        else:
            told[message.payload["meeting"]] = message.payload["at"]
    meetings = {pair_key(m): m for m in plan.meetings}
    messages = []
    for participant in plan.participants:
        if participant.id not in announced:
            continue
        told = announced[participant.id]
        now_at = {pair_key(m): m for m in own_meetings(plan, participant.id)}
        for key in sorted(set(told) | set(now_at)):
            at = placed(now_at.get(key))
            if told.get(key) == at or key not in meetings:
                continue
            meeting = meetings[key]
            if participant.id in meeting.no_show or _over(plan, meeting, now):
                continue
            scope = f"{key}@{json.dumps(at)}"
            payload = {"meeting": key, "at": at}
            messages += _messages(
                plan, "changed_meeting", participant, meeting, scope, payload=payload
            )
    return messages


def _over(plan: EventPlan, meeting: Meeting, now: datetime | None) -> bool:
    if now is None or meeting.slot is None:
        return False
    return slot_times(plan.event, meeting.slot)[1] <= now


def enqueue_changes(state: ServiceState, event_id: str, now: datetime) -> int:
    """Enqueue the event's change notices due at `now` (the event day's changes send them at
    once rather than at the dispatcher's next round); returns how many were added."""
    store = OutboxStore(state.engine)
    plan = state.events.load(event_id)
    told = store.messages(event_id, ANNOUNCED_KINDS)
    return store.enqueue(due_changes(plan, told, now), utc_now())


# sending --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dispatched:
    """One dispatch: what it enqueued and what it sent."""

    reminders: int = 0
    surveys: int = 0
    changes: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0

    def notice(self) -> str:
        return (
            f"已发送 {self.sent} 条，失败 {self.failed} 条；新加入会前提醒 {self.reminders} 条、"
            f"会后问卷 {self.surveys} 条、会谈变更 {self.changes} 条"
            + (f"；{self.unknown} 条发送中断，状态未知" if self.unknown else "")
        )


def claim_timeout(state: ServiceState) -> timedelta:
    """How long a send may take at most: a claim older than this was interrupted."""
    notify_settings = state.settings.notify
    longest = max(notify_settings.smtp_timeout_seconds, notify_settings.webhook_timeout_seconds)
    return timedelta(seconds=6 * longest + 1)


def _active(plan: EventPlan, now: datetime) -> bool:
    """A published event whose day is near enough for reminders, changes or surveys."""
    day = now.date()
    return plan.published and day - timedelta(days=SURVEY_DAYS + 1) <= plan.event.date


def dispatch(state: ServiceState, now: datetime, event_id: str | None = None) -> Dispatched:
    """Enqueue what is due at `now` and send every pending message (of one event)."""
    store = OutboxStore(state.engine)
    unknown = store.expire_claims(utc_now() - claim_timeout(state), UNKNOWN_REASON)
    if event_id is not None:
        plans = [state.events.load(event_id)]
    else:
        plans = [plan for plan in state.events.list(published=True) if _active(plan, now)]
    reminders = surveys = changes = 0
    for plan in plans:
        reminders += store.enqueue(due_reminders(plan, now), utc_now())
        known = {m.dedupe_key for m in store.messages(plan.event.id, ["survey"])}
        surveys += store.enqueue(due_surveys(state, plan, now, known), utc_now())
        told = store.messages(plan.event.id, ANNOUNCED_KINDS)
        changes += store.enqueue(due_changes(plan, told, now), utc_now())
    sent = failed = 0
    while (message := store.claim(utc_now(), event_id)) is not None:
        crash_point("notify.claimed")
        try:
            deliver(message, state.settings.notify)
        except DeliveryError as error:
            store.mark_failed(message.id, str(error))
            failed += 1
            continue
        store.mark_sent(message.id, utc_now())
        sent += 1
    return Dispatched(reminders, surveys, changes, sent, failed, unknown)


class Dispatcher:
    """A background thread that runs `dispatch` every `notify.dispatch_interval_seconds`."""

    def __init__(self, state: ServiceState, interval: float) -> None:
        self.state = state
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notify-dispatcher", daemon=True)

    @classmethod
    def started(cls, state: ServiceState) -> Dispatcher | None:
        """A running dispatcher, or None when the interval is 0 or no channel is configured."""
        settings = state.settings.notify
        if not settings.dispatch_interval_seconds or not (
            settings.smtp_host or settings.webhook_url
        ):
            return None
        dispatcher = cls(state, settings.dispatch_interval_seconds)
        dispatcher._thread.start()
        return dispatcher

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                dispatch(self.state, utc_now())
            except Exception:  # logged; the next round tries again
                log.exception("发送通知失败")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 30)
