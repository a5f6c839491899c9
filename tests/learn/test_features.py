"""Pair features on hand-built events: record attributes, and history without leakage."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from matcher.learn.features import (
    Records,
    examples,
    history_features,
    intent_dates,
    record_features,
)
from matcher.outcomes.model import Change, meeting_outcome_id
from matcher.pair_features import district_km, range_fit
from tests.learn.world import BQD, UPC, UQD, hand_plans, outcome
from tests.small_world import build_small_world


@pytest.fixture
def workspace(tmp_path):
    return build_small_world(tmp_path)


def test_record_features_read_both_sides(workspace):
    ev1, ev2, ev3 = hand_plans()
    records = Records.load(workspace)
    pair = record_features(
        records, ev1, ev1.meetings[1]
    )  # E3 (人工智能, 崂山) ↔ E4 (智能装备, 黄岛)
    assert pair["relevance"] == 0.55 and pair["semantic"] == 0.6 and pair["demand_side"] == 0.7
    assert pair["chain"] == 0.0 and pair["district"] == 0.0
    assert (
        pair["distance_km"] == pytest.approx(district_km("崂山", "黄岛"))
        and 20 < pair["distance_km"] < 40
    )
    assert pair["demand_tier"] == 2 and pair["supply_tier"] == 1  # 专精特新 / 创新型中小企业
    assert pair["supply_university"] == 0 and "amount_fit" not in pair
    university = record_features(
        records, ev3, ev3.meetings[0]
    )  # E1 (智能装备) ↔ T2 (人工智能 field)
    assert university["supply_university"] == 1 and university["chain"] == 1.0
    assert "distance_km" not in university and "supply_tier" not in university
    bank = record_features(records, ev2, ev2.meetings[0])  # N2: 300万 12个月 ↔ F1: 100–1000, 6–36
    assert bank["supply_bank"] == 1 and bank["amount_fit"] == 1.0 and bank["term_fit"] == 1.0


def test_range_fit_falls_outside_the_range():
    assert range_fit(50, 100, 1000) == pytest.approx(1 / 1.5)
    assert range_fit(2000, 100, 1000) == pytest.approx(0.5)
    assert district_km("市南", "市南") == 0


def test_history_counts_only_earlier_events():
    ev1, ev2, ev3 = hand_plans()
    intents = {meeting_outcome_id("EV1", "E1", UPC): date(2025, 3, 15),
               meeting_outcome_id("EV1", "E3", "E4"): date(2025, 6, 1)}  # fmt: skip
    history = history_features([ev3, ev1, ev2], intents)
    assert history["EV1"]["E1", UPC] == {
        "demand_past_meetings": 0, "demand_past_intents": 0, "supply_past_meetings": 0,
        "supply_past_intents": 0, "pair_met_before": 0,
    }  # fmt: skip
    assert history["EV2"]["E1", BQD]["demand_past_meetings"] == 1
    assert history["EV2"]["E1", BQD]["demand_past_intents"] == 1  # reached on 03-15 < 05-20
    assert history["EV3"]["E1", UQD]["demand_past_meetings"] == 2
    e3 = history["EV3"]["E3", "E4"]
    assert e3["pair_met_before"] == 1 and e3["supply_past_meetings"] == 1
    assert e3["demand_past_intents"] == 1 and e3["supply_past_intents"] == 1
    assert history["EV2"]["E1", BQD]["pair_met_before"] == 0
    # the E3↔E4 intent came on 06-01: after EV2's date, so it cannot count for EV2's meetings
    late = history_features([ev1, ev2], {meeting_outcome_id("EV1", "E1", UPC): date(2025, 6, 1)})
    assert late["EV2"]["E1", BQD]["demand_past_intents"] == 0


def test_no_leakage_features_of_event_k_ignore_later_events_and_outcomes(workspace):
    plans = hand_plans()
    ev1, ev2, _ = plans
    outcomes = {o.id: o for o in (outcome(ev1, "E1", UPC, "signed", date(2025, 4, 1)),
                                  outcome(ev2, "E1", BQD, "none", date(2025, 5, 25)))}  # fmt: skip
    full = {(e.event_id, e.a, e.b): e.features for e in examples(workspace, plans, outcomes)}
    for k, plan in enumerate(plans):
        # events after k removed; every meeting of event k and later marked signed at once
        rewritten = dict(outcomes)
        for later in plans[k:]:
            for m in later.meetings:
                o = outcome(later, m.a, m.b, "signed", later.event.date)
                rewritten[o.id] = o
        for e in examples(workspace, plans[: k + 1], rewritten):
            if e.event_id == plan.event.id:
                assert e.features == full[e.event_id, e.a, e.b]
    assert full["EV3", "E1", UQD]["demand_past_intents"] == 1
    assert full["EV3", "E1", UQD]["demand_past_meetings"] == 2


def test_intent_dates_prefer_the_change_history():
    ev1, *_ = hand_plans()
    signed = outcome(ev1, "E1", UPC, "signed", date(2025, 8, 1))
    oid = signed.id
    changes = [
        Change(outcome_id=oid, at=datetime(2025, 3, 11, 17), who="x", field="attendance", old=None, new="held"),
        Change(outcome_id=oid, at=datetime(2025, 3, 20, 17), who="x", field="stage", old="none", new="intent"),
        Change(outcome_id=oid, at=datetime(2025, 8, 1, 17), who="x", field="stage", old="intent", new="signed"),
    ]  # fmt: skip
    assert intent_dates({oid: signed}, changes) == {oid: date(2025, 3, 20)}
    assert intent_dates({oid: signed}) == {oid: date(2025, 8, 1)}
