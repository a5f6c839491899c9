"""Participant choice in the service, shared by the API router and the web pages.

The organiser moves the event through its phases; in the preferences phase each participant
(enterprise, bank or university key) sees its recommended counterparts, the reciprocal
candidates of `matcher.events.candidates` (computed once per event, participants and record
versions, then kept in memory), and marks 必见 / 想见 / 不见 or sends and answers meeting
requests. A participant reads and changes only its own choices; staff read everyone's and
override with the organiser's controls (must-meet, remove). Changes go through
`ServiceState.event_change` with the version the caller read.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import datetime

from matcher.errors import NotFoundError
from matcher.events.candidates import candidate_meetings
from matcher.events.choosing import (
    Answer,
    answer_request,
    expire_requests,
    send_request,
    set_picks,
)
from matcher.events.model import (
    PARTICIPANT_KIND_LABELS,
    PHASE_LABELS,
    REQUEST_STATUS_LABELS,
    ChoiceMode,
    EventPlan,
    Meeting,
    MeetingRequest,
    Phase,
    Pick,
)
from matcher.events.phases import PHASE_HINTS, move_phase, phase_of
from matcher.events.printed import agenda_reasons
from service.auth import ROLE_LABELS, Principal, is_staff
from service.errors import forbidden
from service.event_plans import participant_id_of, takes_part
from service.schemas.event_choice import (
    ChoiceRow,
    ChoicesOverview,
    ChoicesPublic,
    CounterpartPublic,
    PhasePublic,
    RequestPublic,
)
from service.schemas.events import AgendaPublic
from service.state import ServiceState
from storage.keys import ApiKey
from storage.models import utc_now

_CACHE_SIZE = 32
_cache: dict[tuple[str, str], tuple[str, list[Meeting]]] = {}
_cache_guard = threading.Lock()


# access ---------------------------------------------------------------------------------------
def _who(key: Principal) -> str:
    scope = f"（{key.scope_id}）" if key.scope_id else ""
    return f"{ROLE_LABELS[key.role]}账号{scope}"


def ensure_own(key: Principal, participant_id: str, write: bool) -> None:
    """Before the event is read: a participant key acts only as itself; staff read anyone's
    choices but make none (they override with must-meet and remove) — else 403."""
    if is_staff(key):
        if write:
            raise forbidden("组织方不能代参会方表达意向，请在活动页用「指定必见」「删除」调整")
        return
    if participant_id_of(key) != participant_id:
        raise forbidden(f"{_who(key)}只能查看和修改本单位自己的意向，无权操作「{participant_id}」")


def ensure_taking_part(key: Principal, plan: EventPlan, participant_id: str) -> None:
    """403 for a participant key not in the event; 404 for an unknown participant (staff)."""
    if not is_staff(key) and not takes_part(plan, participant_id):
        raise forbidden(f"{_who(key)}未参加活动「{plan.event.name}」")
    if not takes_part(plan, participant_id):
        raise NotFoundError(f"活动「{plan.event.name}」没有参会方「{participant_id}」")


def my_events(state: ServiceState, key: Principal) -> list[EventPlan]:
    """Every event the key's participant takes part in, whatever its phase, latest first."""
    own = participant_id_of(key)
    return [plan for plan in state.events.list() if takes_part(plan, own)]


# phases ---------------------------------------------------------------------------------------
def phase_public(plan: EventPlan) -> PhasePublic:
    phase = phase_of(plan)
    return PhasePublic(
        event_id=plan.event.id, phase=phase, phase_label=PHASE_LABELS[phase],
        published=plan.published, choice_mode=plan.event.choice_mode,
        request_expiry_hours=plan.event.request_expiry_hours, version=plan.version,
    )  # fmt: skip


def change_phase(
    state: ServiceState,
    event_id: str,
    phase: Phase,
    actor: int | None,
    expected: int | None = None,
    choice_mode: ChoiceMode | None = None,
    expiry_hours: int | None = None,
) -> EventPlan:
    """Move the event to `phase` (and set its choice mode and request expiry, if given)."""

    def change(plan: EventPlan) -> str:
        details = []
        settings = {"choice_mode": choice_mode, "request_expiry_hours": expiry_hours}
        given = {k: v for k, v in settings.items() if v is not None}
        changed = {k: v for k, v in given.items() if getattr(plan.event, k) != v}
        if changed:
            plan.event = plan.event.model_copy(update=changed)
            details.append("意向设置：" + "、".join(f"{k}={v}" for k, v in changed.items()))
        if phase != phase_of(plan) or not changed:
            details.insert(0, move_phase(plan, phase))
        return "；".join(details)

    return state.event_change(event_id, change, actor, expected)


# a participant's view -------------------------------------------------------------------------
def _fingerprint(state: ServiceState, plan: EventPlan) -> str:
    people = [p.model_dump(mode="json", exclude={"picks"}) for p in plan.participants]
    return json.dumps([people, state.store.kind_versions()], sort_keys=True, ensure_ascii=False)


def candidates(state: ServiceState, plan: EventPlan) -> list[Meeting]:
    """The event's reciprocal candidate meetings, recomputed only when its participants or
    the records changed since the last call."""
    key = (str(state.settings.data_dir), plan.event.id)
    print_ = _fingerprint(state, plan)
    with _cache_guard:
        cached = _cache.get(key)
    if cached is not None and cached[0] == print_:
        return cached[1]
    found = candidate_meetings(plan, state.workspace, state.encoder)
    with _cache_guard:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (print_, found)
    return found


def _request(plan: EventPlan, request: MeetingRequest) -> RequestPublic:
    names = {p.id: p.name for p in plan.participants}
    return RequestPublic(
        sender=request.sender, sender_name=names.get(request.sender, request.sender),
        recipient=request.recipient, recipient_name=names.get(request.recipient, request.recipient),
        message=request.message, status=request.status,
        status_label=REQUEST_STATUS_LABELS[request.status], created=request.created,
        expires=request.expires, answered=request.answered,
    )  # fmt: skip


def view(
    state: ServiceState, plan: EventPlan, participant_id: str, now: datetime | None = None
) -> ChoicesPublic:
    """What `participant_id` sees of its choices now (requests past expiry shown expired)."""
    expire_requests(plan, now or utc_now())
    me = plan.participant(participant_id)
    phase = phase_of(plan)
    people = {p.id: p for p in plan.participants}
    counterparts = []
    if phase == "preferences":
        for m in candidates(state, plan):
            if participant_id in (m.a, m.b):
                other = people[m.b if m.a == participant_id else m.a]
                counterparts.append(CounterpartPublic(
                    id=other.id, name=other.name, kind_label=PARTICIPANT_KIND_LABELS[other.kind],
                    score=round(m.score, 3), reasons=agenda_reasons(m.reasons),
                    pick=me.picks.get(other.id),
                ))  # fmt: skip
    requests = [_request(plan, r) for r in plan.requests if participant_id in r.key]
    scheduled = phase in ("provisional", "published", "event_day", "closed")
    return ChoicesPublic(
        event_id=plan.event.id, event_name=plan.event.name, participant=participant_id,
        name=me.name, phase=phase, phase_label=PHASE_LABELS[phase], phase_hint=PHASE_HINTS[phase],
        choice_mode=plan.event.choice_mode, version=plan.version, counterparts=counterparts,
        picks=dict(me.picks), requests=requests,
        agenda=AgendaPublic.of(plan, participant_id) if scheduled else None,
        provisional=phase == "provisional",
    )  # fmt: skip


def read(state: ServiceState, key: Principal, event_id: str, participant_id: str) -> ChoicesPublic:
    ensure_own(key, participant_id, write=False)
    plan = state.events.load(event_id)
    ensure_taking_part(key, plan, participant_id)
    return view(state, plan, participant_id)


# a participant's changes ----------------------------------------------------------------------
def _choose(
    state: ServiceState,
    key: ApiKey,
    event_id: str,
    participant_id: str,
    expected: int | None,
    apply: Callable[[EventPlan], str],
) -> ChoicesPublic:
    ensure_own(key, participant_id, write=True)

    def change(plan: EventPlan) -> str:
        ensure_taking_part(key, plan, participant_id)
        return apply(plan)

    plan = state.event_change(event_id, change, key.id, expected)
    return view(state, plan, participant_id)


def pick(
    state: ServiceState, key: ApiKey, event_id: str, participant_id: str,
    picks: Mapping[str, Pick | None], replace: bool, expected: int | None,
) -> ChoicesPublic:  # fmt: skip
    """Mark (or clear) 必见 / 想见 / 不见; `replace`: these are all the picks."""
    return _choose(state, key, event_id, participant_id, expected,
                   lambda plan: set_picks(plan, participant_id, picks, replace))  # fmt: skip


def request(
    state: ServiceState, key: ApiKey, event_id: str, participant_id: str, recipient: str,
    message: str, expected: int | None,
) -> ChoicesPublic:  # fmt: skip
    """Send a meeting request to `recipient`."""
    return _choose(state, key, event_id, participant_id, expected,
                   lambda plan: send_request(plan, participant_id, recipient, message,
                                             utc_now()))  # fmt: skip


def answer(
    state: ServiceState, key: ApiKey, event_id: str, participant_id: str, other: str,
    reply: Answer, expected: int | None,
) -> ChoicesPublic:  # fmt: skip
    """Accept or decline `other`'s request, or withdraw the one sent to `other`."""
    return _choose(state, key, event_id, participant_id, expected,
                   lambda plan: answer_request(plan, participant_id, other, reply,
                                               utc_now()))  # fmt: skip


# the organiser's overview ---------------------------------------------------------------------
def overview(state: ServiceState, event_id: str, now: datetime | None = None) -> ChoicesOverview:
    """Per participant: picks and requests counted, and who has not chosen yet."""
    plan = state.events.load(event_id)
    expire_requests(plan, now or utc_now())
    rows = []
    for p in plan.participants:
        mine = [r for r in plan.requests if p.id in r.key]
        sent = [r for r in mine if r.sender == p.id]
        counts = {pick: sum(v == pick for v in p.picks.values()) for pick in ("must", "want", "no")}
        rows.append(ChoiceRow(
            participant=p.id, name=p.name, **counts, sent=len(sent),
            received=len(mine) - len(sent),
            accepted=sum(r.status == "accepted" for r in mine),
            pending=sum(r.status == "pending" and r.recipient == p.id for r in mine),
            chosen=bool(p.picks or sent or any(r.answered for r in mine)),
        ))  # fmt: skip
    mutual = {
        frozenset((p.id, other))
        for p in plan.participants for other, v in p.picks.items()
        if v == "must" and any(q.id == other and q.picks.get(p.id) == "must"
                               for q in plan.participants)
    }  # fmt: skip
    accepted = {r.key for r in plan.requests if r.status == "accepted"}
    return ChoicesOverview(
        phase=phase_public(plan), rows=rows, not_chosen=sum(not r.chosen for r in rows),
        mutual_must=sorted(sorted(k) for k in mutual),
        accepted=sorted(sorted(k) for k in accepted),
    )  # fmt: skip
