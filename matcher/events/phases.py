"""Event phases: registration → preferences → provisional → published → event_day → closed.

The stored `EventPlan.phase` and the `published` flag (participants may read their final
agenda) move together: from 「日程发布」 on the agendas are published, earlier they are not.
The organiser may still publish or withdraw with the publish button; `phase_of` reads the
phase participants live in from both.
"""

from __future__ import annotations

from matcher.errors import ConflictError
from matcher.events.model import PHASE_LABELS, PHASES, EventPlan, Phase

PUBLISHED_AT = PHASES.index("published")
SCHEDULED_PHASES: tuple[str, ...] = ("provisional", "published", "event_day")
PHASE_HINTS: dict[str, str] = {
    "registration": "组织方正在邀请参会方报名；意向征集开始后即可选择想见的对接方。",
    "preferences": "请查看为您推荐的对接方并表达意向，组织方据此生成配对与日程。",
    "provisional": "组织方已预排日程，日程可能调整，正式日程发布后以正式日程为准。",
    "published": "正式日程已发布，请按时参加会谈。",
    "event_day": "活动进行中，请凭日程上的二维码签到。",
    "closed": "活动已结束，感谢参与。",
}


def phase_of(plan: EventPlan) -> Phase:
    """The phase participants live in: the stored one, moved to 「日程发布」 when the agendas
    were published by the publish button, or back to 「日程预排」 when they were withdrawn."""
    index = PHASES.index(plan.phase)
    if plan.published and index < PUBLISHED_AT:
        return "published"
    if not plan.published and PUBLISHED_AT <= index < PHASES.index("closed"):
        return "provisional"
    return plan.phase


def move_phase(plan: EventPlan, target: Phase) -> str:
    """Move the event to `target` (forward or back); the audit detail. A phase with agendas
    needs scheduled meetings, any phase after registration two participants
    (`ConflictError`)."""
    current = phase_of(plan)
    label = PHASE_LABELS[target]
    if target == current:
        raise ConflictError(f"活动已处于「{label}」阶段")
    if target != "registration" and len(plan.participants) < 2:
        raise ConflictError(f"参会方不足 2 个，无法进入「{label}」阶段，请先添加参会方")
    scheduled = any(m.slot is not None for m in plan.meetings)
    if target in SCHEDULED_PHASES and not scheduled:
        raise ConflictError(f"还没有排好时段的会谈，无法进入「{label}」阶段：请先生成配对与日程")
    plan.phase = target
    plan.published = PHASES.index(target) >= PUBLISHED_AT and scheduled
    return f"阶段：{PHASE_LABELS[current]} → {label}"
