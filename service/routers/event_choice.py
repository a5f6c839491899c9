"""参会方意向: event phases, each participant's recommended counterparts with 必见 / 想见 /
不见 picks or meeting requests, and the provisional and final agendas.

A participant key reads and changes only its own choices (`participant_id` is its own id:
the enterprise id, B:银行 or U:高校); staff read everyone's and move the phase. Changes take
the version read (`If-Match`, see `service.versions`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service import event_choice
from service.deps import CurrentKey, StaffKey, State
from service.schemas.common import ERROR_RESPONSES
from service.schemas.event_choice import (
    AnswerBody,
    ChoicesOverview,
    ChoicesPublic,
    PhaseBody,
    PhasePublic,
    PicksBody,
    RequestBody,
)
from service.versions import IfMatch, expected_version, tagged

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)

EventId = Annotated[str, Path(min_length=1, max_length=64, description="活动编号")]
ParticipantId = Annotated[
    str, Path(min_length=1, max_length=200, description="参会方编号（企业编号、U:高校、B:银行）")
]


def _tagged(choices: ChoicesPublic, response: Response) -> ChoicesPublic:
    tagged(response, choices.version)
    return choices


@router.post("/{event_id}/phase", response_model=PhasePublic, summary="切换活动阶段")
def change_phase(
    event_id: EventId,
    body: PhaseBody,
    state: State,
    key: StaffKey,
    response: Response,
    if_match: IfMatch = None,
) -> PhasePublic:
    """报名 → 意向征集 → 日程预排 → 日程发布 → 活动当天 → 已结束，可前进或后退。日程预排、
    日程发布与活动当天须已排程（409）；进入日程发布及以后的阶段即发布日程，退回之前的阶段即撤回。
    可同时设置意向方式（choice_mode）与邀请有效期（request_expiry_hours，1–720 小时）。"""
    plan = event_choice.change_phase(
        state, event_id, body.phase, key.id, expected_version(if_match),
        body.choice_mode, body.request_expiry_hours,
    )  # fmt: skip
    tagged(response, plan.version)
    return event_choice.phase_public(plan)


@router.get("/{event_id}/choices", response_model=ChoicesOverview, summary="参会方意向统计")
def choices_overview(event_id: EventId, state: State, key: StaffKey) -> ChoicesOverview:
    """每个参会方的必见、想见、不见数与邀请数，尚未表达意向的参会方，双方必见与已接受的邀请。"""
    return event_choice.overview(state, event_id)


@router.get(
    "/{event_id}/choices/{participant_id}", response_model=ChoicesPublic, summary="参会方的意向"
)
def read_choices(
    event_id: EventId, participant_id: ParticipantId, state: State, key: CurrentKey,
    response: Response,
) -> ChoicesPublic:  # fmt: skip
    """阶段；意向征集阶段为本方推荐的对接方（双向匹配度与理由）及本方的意向；发出与收到的邀请
    （过期的标为已过期）；日程预排阶段起的预排或正式日程。参会方只能查看自己的，组织方可查看任何参会方。"""
    return _tagged(event_choice.read(state, key, event_id, participant_id), response)


@router.put(
    "/{event_id}/choices/{participant_id}/picks", response_model=ChoicesPublic,
    summary="保存意向（必见 / 想见 / 不见）",
)  # fmt: skip
def save_picks(
    event_id: EventId, participant_id: ParticipantId, body: PicksBody, state: State,
    key: CurrentKey, response: Response, if_match: IfMatch = None,
) -> ChoicesPublic:  # fmt: skip
    """以给出的意向替换本方全部意向；仅在意向征集阶段、意向方式为 picks 时可用（否则 409），
    必见最多 10 个（422）。只能修改自己的意向。"""
    choices = event_choice.pick(
        state, key, event_id, participant_id, body.picks, True, expected_version(if_match)
    )
    return _tagged(choices, response)


@router.post(
    "/{event_id}/choices/{participant_id}/requests", response_model=ChoicesPublic,
    summary="发出会谈邀请",
)  # fmt: skip
def send_request(
    event_id: EventId, participant_id: ParticipantId, body: RequestBody, state: State,
    key: CurrentKey, response: Response, if_match: IfMatch = None,
) -> ChoicesPublic:  # fmt: skip
    """仅在意向征集阶段、意向方式为 requests 时可用；邀请在活动设置的小时数内未答复即过期，
    过期的不妨碍再次邀请。最多同时 10 个待答复的邀请。"""
    choices = event_choice.request(
        state, key, event_id, participant_id, body.recipient, body.message,
        expected_version(if_match),
    )  # fmt: skip
    return _tagged(choices, response)


@router.post(
    "/{event_id}/choices/{participant_id}/requests/answer", response_model=ChoicesPublic,
    summary="答复或撤回会谈邀请",
)  # fmt: skip
def answer_request(
    event_id: EventId, participant_id: ParticipantId, body: AnswerBody, state: State,
    key: CurrentKey, response: Response, if_match: IfMatch = None,
) -> ChoicesPublic:  # fmt: skip
    """accept 接受 / decline 谢绝对方（other）发来的待答复邀请，withdraw 撤回发给对方的邀请；
    已过期的邀请不能再答复（409）。"""
    choices = event_choice.answer(
        state, key, event_id, participant_id, body.other, body.answer,
        expected_version(if_match),
    )  # fmt: skip
    return _tagged(choices, response)
