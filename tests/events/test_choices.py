"""Participants' picks, requests, organisations, pairs met before and the organiser's
overrides, as the pairing problem weighs them (hand-made candidates, exact solver)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from matcher.errors import MatcherError
from matcher.events.hosts import host_tables
from matcher.events.model import Event, EventPlan, Meeting, MeetingRequest, Participant, make_slots
from matcher.events.organisations import agenda_meetings, nodes
from matcher.events.pairing import solve
from matcher.events.planner import _must_meet, _never_meet, resolve_participant, unknown_must_meet
from matcher.events.preferences import PICK_BONUS
from matcher.events.problem import event_problem

SCORES = {("D1", "S1"): 0.9, ("D1", "S2"): 0.8, ("D1", "S3"): 0.2, ("D2", "S1"): 0.7,
          ("D2", "S2"): 0.3, ("D2", "S3"): 0.65}  # fmt: skip


def plan(meetings: int = 1, shared: bool = False, **people) -> EventPlan:
    """D1, D2 (demand) and S1..S3 (supply); `people` overrides participant fields by id."""
    event = Event(id="EV", name="对接会", date=date(2026, 12, 3), slots=make_slots(time(9), 20, 4),
                  tables=4, shared_schedule=shared)  # fmt: skip
    participants = []
    for pid in ("D1", "D2", "S1", "S2", "S3"):
        fields = dict(id=pid, kind="enterprise", ref=pid, name=f"企业{pid}", max_meetings=meetings,
                      role="demand" if pid.startswith("D") else "supply")  # fmt: skip
        fields.update(people.get(pid, {}))
        participants.append(Participant(**fields))
    return EventPlan(event=event, participants=participants)


def candidates() -> list[Meeting]:
    return [Meeting(a=a, b=b, score=score) for (a, b), score in SCORES.items()]


def chosen(plan: EventPlan, earlier=(), kept=None) -> set[tuple[str, str]]:
    built = event_problem(plan, candidates(), _must_meet(plan), _never_meet(plan), kept or {},
                          earlier)  # fmt: skip
    return {(m.a, m.b) for m in solve(built.problem).meetings}


def test_without_choices_the_best_scores_win():
    assert chosen(plan()) == {("D1", "S1"), ("D2", "S3")}


def test_no_from_either_side_means_never():
    assert ("D1", "S1") not in chosen(plan(D1={"picks": {"S1": "no"}}))
    assert ("D1", "S1") not in chosen(plan(S1={"picks": {"D1": "no", "D2": "want"}}))


def test_mutual_must_is_met_against_the_score_and_one_sided_must_only_weighs():
    mutual = plan(D1={"picks": {"S3": "must"}}, S3={"picks": {"D1": "must"}})
    assert ("D1", "S3") in chosen(mutual)
    one_sided = plan(D1={"picks": {"S3": "must"}})  # 0.2 + 0.5 < 0.9: S1 still wins
    assert ("D1", "S3") not in chosen(one_sided)
    built = event_problem(one_sided, candidates(), set(), set(), {}, [])
    weight = {(p.a, p.b): p.score for p in built.problem.pairs}
    assert weight["D1", "S3"] == pytest.approx(0.2 + PICK_BONUS["must"])
    both = plan(D2={"picks": {"S2": "want"}}, S2={"picks": {"D2": "must"}})
    weight = {(p.a, p.b): p.score for p in event_problem(both, candidates(), set(), set(), {},
                                                          []).problem.pairs}  # fmt: skip
    assert weight["D2", "S2"] == pytest.approx(0.3 + PICK_BONUS["want"] + PICK_BONUS["must"])


def test_a_want_between_two_without_a_candidate_makes_a_pair():
    picked = plan(D2={"picks": {"S1": "want", "S9": "must"}}, S1={"picks": {"D2": "want"}})
    built = event_problem(picked, [], set(), set(), {}, [])
    assert [(p.a, p.b, p.score) for p in built.problem.pairs] == [("D2", "S1", 0.5)]  # S9 ignored


def test_mutual_must_over_capacity_is_dropped_not_an_error():
    over = plan(D1={"picks": {"S1": "must", "S2": "must"}},
                S1={"picks": {"D1": "must"}}, S2={"picks": {"D1": "must"}})  # fmt: skip
    found = chosen(over)
    assert len(found & {("D1", "S1"), ("D1", "S2")}) == 1


def test_accepted_requests_count_as_mutual_must():
    def request(status: str) -> MeetingRequest:
        moment = datetime(2026, 12, 1, 9)
        return MeetingRequest(sender="S3", recipient="D1", status=status, created=moment,
                              expires=moment)  # fmt: skip

    pending = plan()
    pending.requests = [request("pending")]
    assert ("D1", "S3") not in chosen(pending)
    accepted = plan()
    accepted.requests = [request("accepted")]
    assert ("D1", "S3") in chosen(accepted)


def test_the_organiser_overrides_the_participants():
    refused = plan(D1={"picks": {"S3": "no"}, "must_meet": ["S3"]})
    assert ("D1", "S3") in chosen(refused)
    barred = plan(D1={"picks": {"S3": "must"}, "never_meet": ["S3"]}, S3={"picks": {"D1": "must"}})
    assert ("D1", "S3") not in chosen(barred)
    removed = plan(D1={"picks": {"S3": "must"}}, S3={"picks": {"D1": "must"}})
    removed.removed = [["D1", "S3"]]
    assert ("D1", "S3") not in chosen(removed)


def test_nobody_meets_two_representatives_of_one_organisation_unless_both_asked():
    haier = {"organisation": "海尔集团"}
    two = plan(meetings=2, S1=haier, S2=haier)
    found = chosen(two)
    assert not {("D1", "S1"), ("D1", "S2")} <= found and not {("D2", "S1"), ("D2", "S2")} <= found
    asked = plan(meetings=2, S1=haier, S2={**haier, "picks": {"D1": "must"}},
                 D1={"picks": {"S2": "must"}})  # fmt: skip
    assert {("D1", "S1"), ("D1", "S2")} <= chosen(asked)


def test_representatives_of_one_organisation_do_not_meet_each_other():
    colleagues = plan(meetings=3, D1={"organisation": "海尔集团"}, S1={"organisation": "海尔集团"})
    assert ("D1", "S1") not in chosen(colleagues)


def test_a_shared_schedule_makes_one_node_listed_under_the_lead():
    haier = {"organisation": "海尔集团", "max_meetings": 2}
    shared = plan(shared=True, S1=haier, S2={**haier, "max_meetings": 3})
    assert nodes(shared)["S2"] == "S1"
    built = event_problem(shared, candidates(), set(), set(), {}, [])
    assert built.problem.capacity["S1"] == 3 and "S2" not in built.problem.capacity
    assert built.candidates[frozenset(("D1", "S1"))].score == 0.9  # the best of S1's and S2's
    assert built.candidates[frozenset(("D2", "S1"))].score == 0.7
    shared.meetings = [Meeting(a="D1", b="S1", score=0.9, slot=0, table=1)]
    assert agenda_meetings(shared, "S2") == shared.meetings == agenda_meetings(shared, "S1")
    assert agenda_meetings(shared, "S3") == []


def test_pairs_that_met_before_are_not_paired_again_unless_both_must():
    def earlier(day: date, status: str = "held", slot: int | None = None) -> EventPlan:
        before = plan()
        before.event = before.event.model_copy(update={"id": "OLD", "date": day})
        before.meetings = [Meeting(a="D1", b="S1", score=0.9, status=status, slot=slot)]
        return before

    held = [earlier(date(2026, 6, 1))]
    assert ("D1", "S1") not in chosen(plan(), held)
    assert ("D1", "S1") not in chosen(plan(), [earlier(date(2026, 6, 1), "planned", 2)])
    assert ("D1", "S1") in chosen(plan(), [earlier(date(2026, 6, 1), "no_show", 2)])
    assert ("D1", "S1") in chosen(plan(), [earlier(date(2027, 1, 1))])  # a later event
    again = plan(D1={"picks": {"S1": "must"}}, S1={"picks": {"D1": "must"}})
    assert ("D1", "S1") in chosen(again, held)


def test_must_meet_resolves_ids_names_and_refs():
    named = plan(D1={"must_meet": ["企业S3"]}, D2={"must_meet": ["S2"]})
    named.participants.append(Participant(id="U:中国海洋大学", kind="university",
                                          ref="中国海洋大学", name="中国海洋大学（青岛）",
                                          role="supply", must_meet=["中国海洋大学"]))  # fmt: skip
    named.participant("S1").must_meet = ["中国海洋大学"]
    assert resolve_participant(named, "中国海洋大学") == "U:中国海洋大学"
    assert _must_meet(named) == {frozenset(("D1", "S3")), frozenset(("D2", "S2")),
                                 frozenset(("S1", "U:中国海洋大学"))}  # fmt: skip
    assert unknown_must_meet(named, Participant(id="X", kind="enterprise", ref="X", name="X",
                                                role="demand", must_meet=["企业D1", "青岛大学"])) == [
        "青岛大学"
    ]  # fmt: skip
    named.participant("D1").must_meet = ["青岛大学"]
    with pytest.raises(MatcherError, match="不存在：青岛大学（企业D1的必见名单）"):
        _must_meet(named)
    twins = plan(D1={"name": "同名"}, D2={"name": "同名"}, S1={"must_meet": ["同名"]})
    with pytest.raises(MatcherError, match="对应多个参会方"):
        _must_meet(twins)


def test_host_tables_are_named_or_assigned_and_checked():
    hosts = plan(S1={"host": True, "table": 1}, S2={"host": True}, S3={"host": True})
    assert host_tables(hosts) == {"S1": 1, "S2": 2, "S3": 3}
    hosts.participant("S2").table = 4
    assert host_tables(hosts) == {"S1": 1, "S2": 4, "S3": 2}
    hosts.participant("S3").table = 4
    with pytest.raises(MatcherError, match="4号桌同时分给了"):
        host_tables(hosts)
    hosts.participant("S3").table = 9
    with pytest.raises(MatcherError, match="超出会场桌数 4"):
        host_tables(hosts)
    crowd = plan(**{p: {"host": True} for p in ("D1", "D2", "S1", "S2", "S3")})
    with pytest.raises(MatcherError, match="坐台方有 5 个，超过会场桌数 4"):
        host_tables(crowd)
    shared = plan(
        shared=True, S1={"organisation": "海尔"}, S2={"organisation": "海尔", "host": True}
    )
    assert host_tables(shared) == {"S1": 1}  # the organisation keeps one table


def test_a_one_sided_pick_between_two_demand_sides_makes_no_pair_but_a_mutual_must_does():
    one_sided = plan(D1={"picks": {"D2": "want"}})
    assert not event_problem(one_sided, [], set(), set(), {}, []).problem.pairs
    mutual = plan(D1={"picks": {"D2": "must"}}, D2={"picks": {"D1": "must"}})
    assert {frozenset(pair) for pair in chosen(mutual)} == {frozenset(("D1", "D2"))}
