"""Funnel counts on a hand-built set of outcomes, exact numbers, for every filter."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.outcomes.funnel import funnel, period_label
from tests.outcomes.world import finance_outcomes, meeting_outcomes, plans
from tests.small_world import ENTERPRISES

FIRMS = {e.id: e for e in ENTERPRISES}


def count(**filters):
    return funnel(meeting_outcomes(), finance_outcomes(), plans(), FIRMS, **filters)


def test_everything():
    f = count()
    assert (f.events, f.participants, f.meetings_planned, f.followed_up) == (3, 4, 6, 6)
    assert (f.meetings_held, f.no_show, f.cancelled) == (5, 1, 0)
    assert (f.intents, f.intent_enterprises, f.negotiating, f.signed) == (5, 3, 1, 2)
    assert f.signed_amount == 170
    assert (f.finance_recommended, f.finance_applied, f.finance_approved) == (4, 4, 2)
    assert (f.finance_declined, f.finance_amount, f.first_loans) == (1, 380, 1)
    assert f.label == "全部"


def test_first_half_year_and_its_summary_sentence():
    f = count(start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert (f.events, f.participants, f.meetings_planned, f.meetings_held) == (2, 4, 5, 4)
    assert (f.intents, f.intent_enterprises, f.negotiating, f.signed) == (4, 3, 1, 1)
    assert f.signed_amount == 120
    # E1|F3 has no event and was updated in October; E3|F1 came from EV3 in September.
    assert (f.finance_recommended, f.finance_approved, f.finance_amount, f.first_loans) == (
        2, 2, 380, 1,
    )  # fmt: skip
    assert f.summary == (
        "2025年上半年：组织2场对接活动，4家企业参加；签约1个，正在推进1个，达成意向3家，"
        "签约金额120万元；融资对接2笔，获批2笔共380万元，其中首贷1笔"
    )


def test_second_half_counts_finance_without_event_by_update_day():
    f = count(start=date(2025, 7, 1), end=date(2025, 12, 31))
    assert f.label == "2025年下半年"
    assert (f.events, f.participants, f.meetings_planned, f.signed, f.signed_amount) == (
        1, 1, 1, 1, 50,
    )  # fmt: skip
    assert (f.finance_recommended, f.finance_applied, f.finance_declined) == (2, 2, 1)


def test_chain_counts_meetings_of_the_chains_enterprises():
    f = count(chain="智能装备")  # E1 and E4
    assert (f.events, f.participants, f.meetings_planned, f.meetings_held) == (2, 2, 4, 4)
    assert (f.intents, f.intent_enterprises, f.negotiating, f.signed) == (4, 2, 1, 1)
    assert (f.finance_recommended, f.finance_approved, f.finance_amount) == (2, 1, 300)
    assert f.label == "全部·智能装备产业链"


def test_district():
    f = count(district="莱西")  # E2 only
    assert (f.events, f.participants, f.meetings_planned, f.meetings_held, f.no_show) == (
        1, 1, 1, 0, 1,
    )  # fmt: skip
    assert (f.intents, f.signed, f.finance_approved, f.first_loans) == (0, 0, 1, 1)


def test_one_event():
    f = count(event="EV1")
    assert f.label == "智能装备产业链对接会"
    assert (f.events, f.participants, f.meetings_planned, f.meetings_held) == (1, 3, 3, 3)
    assert (f.intents, f.intent_enterprises, f.negotiating, f.signed, f.signed_amount) == (
        3, 3, 1, 1, 120,
    )  # fmt: skip
    assert f.finance_recommended == 0


def test_filters_combine_and_can_select_nothing():
    assert count(event="EV1", district="莱西").events == 0
    empty = count(start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert empty.events == empty.meetings_planned == empty.finance_recommended == 0
    assert empty.summary.startswith("2024年：组织0场对接活动")


def test_outcomes_of_unknown_events_are_not_counted():
    f = funnel(meeting_outcomes(), [], plans()[:1], FIRMS)
    assert (f.events, f.followed_up, f.signed) == (1, 3, 1)


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), "2025年"),
        (date(2025, 7, 1), date(2025, 9, 30), "2025年第三季度"),
        (date(2025, 3, 1), date(2025, 3, 20), "2025年3月1日至2025年3月20日"),
        (date(2025, 3, 1), None, "2025年3月1日以来"),
        (None, date(2025, 6, 30), "截至2025年6月30日"),
    ],
)
def test_period_label(start, end, text):
    assert period_label(start, end) == text
