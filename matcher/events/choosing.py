"""Participants' own choices, as recorded (the pairing weighs them, see `preferences`).

In the preferences phase a participant marks counterparts 必见 / 想见 / 不见
(`Participant.picks`, at most `MAX_MUST` 必见), or, in the requests mode, sends meeting
requests that the recipient accepts or declines before they expire
(`Event.request_expiry_hours`). Expiry is computed whenever requests are read or written
(`expire_requests`); an expired request blocks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Literal

from matcher.errors import ConflictError, InvalidValue, NotFoundError
from matcher.events.model import (
    CHOICE_MODE_LABELS,
    PHASE_LABELS,
    PICK_LABELS,
    ChoiceMode,
    EventPlan,
    MeetingRequest,
    Pick,
)
from matcher.events.phases import phase_of

MAX_MUST = 10
MAX_PENDING = 10  # requests one participant may have waiting for an answer
Answer = Literal["accept", "decline", "withdraw"]
ANSWER_LABELS = {"accept": "接受", "decline": "谢绝", "withdraw": "撤回"}


def ensure_choosing(plan: EventPlan, mode: ChoiceMode) -> None:
    """`ConflictError` unless the event collects choices now, in `mode`."""
    phase = phase_of(plan)
    if phase != "preferences":
        raise ConflictError(
            f"活动当前处于「{PHASE_LABELS[phase]}」阶段，只有在「意向征集」阶段才能表达意向"
        )
    if plan.event.choice_mode != mode:
        raise ConflictError(
            f"本活动的意向方式为「{CHOICE_MODE_LABELS[plan.event.choice_mode]}」，"
            f"不能{CHOICE_MODE_LABELS[mode].split('，')[0]}"
        )


def _other(plan: EventPlan, me: str, other: str, field: str) -> None:
    if other == me:
        raise InvalidValue([(field, "不能选择自己")])
    if not any(p.id == other for p in plan.participants):
        raise InvalidValue([(field, f"参会方「{other}」不在活动「{plan.event.name}」中")])


def set_picks(
    plan: EventPlan, participant_id: str, picks: Mapping[str, Pick | None], replace: bool
) -> str:
    """Mark (None: clear) picks of `participant_id`; `replace` drops the others first. The
    audit detail; `InvalidValue` for unknown counterparts or more than `MAX_MUST` 必见."""
    ensure_choosing(plan, "picks")
    me = plan.participant(participant_id)
    for other in picks:
        _other(plan, participant_id, other, f"picks.{other}")
    chosen = {} if replace else dict(me.picks)
    for other, pick in picks.items():
        if pick is None:
            chosen.pop(other, None)
        else:
            chosen[other] = pick
    must = sum(pick == "must" for pick in chosen.values())
    if must > MAX_MUST:
        reason = f"必见最多标记 {MAX_MUST} 个对接方，现为 {must} 个，请先取消部分必见"
        raise InvalidValue([("picks", reason)], message=f"必见（picks）：{reason}")
    me.picks = chosen
    counts = "、".join(
        f"{label} {sum(p == pick for p in chosen.values())}" for pick, label in PICK_LABELS.items()
    )
    return f"参会方意向：{me.name}：{counts}"


def expire_requests(plan: EventPlan, now: datetime) -> int:
    """Mark pending requests past their expiry as expired; how many."""
    expired = 0
    for request in plan.requests:
        if request.status == "pending" and request.expires <= now:
            request.status = "expired"
            expired += 1
    return expired


def _live(plan: EventPlan, a: str, b: str) -> MeetingRequest | None:
    pair = frozenset((a, b))
    for request in plan.requests:
        if request.key == pair and request.status in ("pending", "accepted"):
            return request
    return None


def send_request(plan: EventPlan, sender: str, recipient: str, message: str, now: datetime) -> str:
    """A new request from `sender` to `recipient`, expiring after the event's hours."""
    ensure_choosing(plan, "requests")
    _other(plan, sender, recipient, "recipient")
    expire_requests(plan, now)
    names = {p.id: p.name for p in plan.participants}
    live = _live(plan, sender, recipient)
    if live is not None:
        if live.status == "accepted":
            raise ConflictError(f"与「{names[recipient]}」的会谈邀请已被接受，无需再发")
        if live.sender == recipient:
            raise ConflictError(f"「{names[recipient]}」已向您发出邀请，请在「收到的邀请」中答复")
        raise ConflictError(f"已向「{names[recipient]}」发出邀请，请等待对方答复")
    waiting = sum(r.sender == sender and r.status == "pending" for r in plan.requests)
    if waiting >= MAX_PENDING:
        reason = f"最多同时有 {MAX_PENDING} 个待答复的邀请，请等待答复或撤回部分邀请"
        raise InvalidValue([("recipient", reason)], message=f"会谈邀请（recipient）：{reason}")
    expires = now + timedelta(hours=plan.event.request_expiry_hours)
    plan.requests.append(
        MeetingRequest(sender=sender, recipient=recipient, message=message, created=now,
                       expires=expires)
    )  # fmt: skip
    return f"会谈邀请：{names[sender]} → {names[recipient]}"


def answer_request(
    plan: EventPlan, participant_id: str, other: str, answer: Answer, now: datetime
) -> str:
    """Accept or decline the pending request `other` sent to `participant_id`, or withdraw
    the one `participant_id` sent to `other`."""
    ensure_choosing(plan, "requests")
    _other(plan, participant_id, other, "other")
    expire_requests(plan, now)
    names = {p.id: p.name for p in plan.participants}
    sender, recipient = (participant_id, other) if answer == "withdraw" else (other, participant_id)
    mine = [r for r in plan.requests if (r.sender, r.recipient) == (sender, recipient)]
    pending = next((r for r in mine if r.status == "pending"), None)
    if pending is None:
        if any(r.status == "expired" for r in mine):
            verb = ANSWER_LABELS[answer]
            raise ConflictError(f"与「{names[other]}」之间的邀请已过期，无法{verb}")
        direction = "您发给" if answer == "withdraw" else "来自"
        raise NotFoundError(f"没有{direction}「{names[other]}」的待答复邀请")
    pending.status = {"accept": "accepted", "decline": "declined"}.get(answer, "withdrawn")
    pending.answered = now
    return f"会谈邀请{ANSWER_LABELS[answer]}：{names[sender]} → {names[recipient]}"
