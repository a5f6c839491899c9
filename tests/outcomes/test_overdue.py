"""Overdue follow-ups: open matters whose next date has passed, oldest first, whom to call."""

from __future__ import annotations

from datetime import date

from matcher.outcomes.overdue import overdue
from tests.outcomes.world import UQD, finance_outcomes, meeting_outcomes, plans
from tests.small_world import ENTERPRISES, PRODUCTS

FIRMS = {e.id: e for e in ENTERPRISES}
BANKS = {p.id: p for p in PRODUCTS}


def test_oldest_first_signed_and_future_left_out():
    items = overdue(meeting_outcomes(), finance_outcomes(), plans(), FIRMS, BANKS,
                    today=date(2025, 6, 15))  # fmt: skip
    # EV1|E1|… is signed; EV2|E2|… is due today, which is not overdue yet.
    assert [i.outcome_id for i in items] == ["E1|F3", "EV1|E3|E4", f"EV1|E4|{UQD}"]
    assert [i.days_overdue for i in items] == [106, 45, 14]
    first, second, third = items
    assert first.kind == "finance" and first.owner == "王五"
    assert first.contacts == ["企业 青岛海鑫新能源科技有限公司", "银行 齐鲁银行（白名单快贷）"]
    assert second.contacts == ["需求方 青岛瑞视智能科技有限公司", "供给方 青岛海工精密机械有限公司"]
    assert second.event_name == "智能装备产业链对接会" and second.state == "已举行，意向"
    assert third.owner == "李四" and third.state == "已举行，洽谈推进"


def test_next_day_includes_the_one_due_today_and_closed_finance_is_skipped():
    items = overdue(meeting_outcomes(), finance_outcomes(), plans(), FIRMS, BANKS,
                    today=date(2025, 6, 16))  # fmt: skip
    assert items[-1].outcome_id == "EV2|E2|B:青岛农商银行"
    assert items[-1].state == "未到场，无进展"
    approved = finance_outcomes()[0].model_copy(update={"next_follow_up": date(2025, 1, 1)})
    assert overdue([], [approved], plans(), FIRMS, BANKS, today=date(2025, 6, 16)) == []
