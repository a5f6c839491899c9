"""The domain rules of outcomes, checked on every update whatever its entry point (API, web
form, follow-up sheet, CLI, both stores):

- a meeting that did not take place (未到场, 已取消) cannot be signed;
- a signed amount needs the stage 签约, an approved amount the status 已获批;
- a move back through the funnel (签约 → 意向, 已获批 → 已申请 or → 未获批) is refused unless
  the update is marked as a correction (「更正」), and is then recorded as one; such a
  correction also clears the amount when the update does not give one (a blank sheet cell
  means "unchanged", so a sheet could not clear it otherwise).

Consistency is checked only when an update touches the fields concerned, so an outcome
stored before these rules can still get its notes or follow-up date.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from matcher.outcomes.fields import label
from matcher.outcomes.model import (
    ATTENDANCE_LABELS,
    FINANCE_STATUS_LABELS,
    FINANCE_STATUS_RANK,
    NOT_HELD,
    STAGE_LABELS,
    STAGE_ORDER,
    FinanceOutcome,
    MeetingOutcome,
)

CORRECTION = "correction"
"""The key of an update that marks it as a correction (API `correction`, sheet 「更正」)."""
_LABELS = {"stage": STAGE_LABELS, "status": FINANCE_STATUS_LABELS}


def is_backward(field: str, old: Any, new: Any) -> bool:
    """A move against the funnel: a lower stage, or a financing status back or sideways."""
    if field == "stage":
        return STAGE_ORDER.index(new) < STAGE_ORDER.index(old)
    if field == "status":
        return FINANCE_STATUS_RANK[new] < FINANCE_STATUS_RANK[old] or (
            FINANCE_STATUS_RANK[new] == FINANCE_STATUS_RANK[old] and new != old
        )
    return False


def implied(
    before: MeetingOutcome | FinanceOutcome, given: dict[str, Any], correction: bool
) -> dict[str, Any]:
    """What a marked correction implies besides `given`: taking a meeting out of 签约 (a
    financing match out of 已获批) clears its amount, unless the update gives one."""
    field, amount, reached = (
        ("stage", "signed_amount", "signed")
        if isinstance(before, MeetingOutcome)
        else ("status", "amount", "approved")
    )
    leaves = field in given and getattr(before, field) == reached and given[field] != reached
    if correction and leaves and amount not in given and getattr(before, amount) is not None:
        return {amount: None}
    return {}


def _blame(fields: set[str], *candidates: str) -> str:
    """The field to name in a problem: the first candidate this update changed."""
    return next((f for f in candidates if f in fields), candidates[0])


def _meeting_problems(after: MeetingOutcome, fields: set[str]) -> list[tuple[str, str]]:
    problems = []
    if fields & {"attendance", "stage", "signed_amount"}:
        if after.attendance in NOT_HELD and after.stage == "signed":
            why = ATTENDANCE_LABELS[after.attendance]
            problems.append((_blame(fields, "stage", "attendance"),
                             f"会谈{why}，进展阶段不能为「签约」"))  # fmt: skip
        elif after.signed_amount is not None and after.stage != "signed":
            stage = STAGE_LABELS[after.stage]
            problems.append((_blame(fields, "signed_amount", "stage"),
                             f"进展阶段为「{stage}」时不能填写签约金额：签约金额只属于「签约」，"
                             "请清空签约金额或把进展阶段改为「签约」"))  # fmt: skip
    return problems


def _finance_problems(after: FinanceOutcome, fields: set[str]) -> list[tuple[str, str]]:
    if fields & {"status", "amount"} and after.amount is not None and after.status != "approved":
        status = FINANCE_STATUS_LABELS[after.status]
        reason = (f"融资状态为「{status}」时不能填写获批金额：获批金额只属于「已获批」，"
                  "请清空获批金额或把融资状态改为「已获批」")  # fmt: skip
        return [(_blame(fields, "amount", "status"), reason)]
    return []


def rule_problems(
    before: MeetingOutcome | FinanceOutcome,
    after: MeetingOutcome | FinanceOutcome,
    fields: Collection[str],
    correction: bool,
) -> list[tuple[str, str]]:
    """The rules `after` breaks as (field, Chinese reason): an unmarked move back first (then
    nothing else is checked); `fields` are the ones the update gave, `correction` whether it
    is marked as a correction."""
    given = set(fields)
    problems = []
    for field in ("stage", "status"):
        if field not in given or not hasattr(after, field) or correction:
            continue
        old, new = getattr(before, field), getattr(after, field)
        if is_backward(field, old, new):
            names = _LABELS[field]
            problems.append((field, f"{label(field)}不能从「{names[old]}」改回「{names[new]}」："
                                    "如确为更正，请标明「更正」后再保存"))  # fmt: skip
    if problems:
        return problems
    if isinstance(after, MeetingOutcome):
        return _meeting_problems(after, given)
    return _finance_problems(after, given)
