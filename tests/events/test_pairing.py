"""Pairing: exact optimum against brute force; capacities, must-meet and never-meet held."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.errors import MatcherError
from matcher.events.pairing import WANTED_BONUS, Pair, PairingProblem, solve


def brute_force(problem: PairingProblem) -> float:
    """Best total score over every subset of candidate pairs that respects the constraints."""
    pairs = [p for p in problem.pairs if p.key not in problem.never_meet]
    best = -1.0
    for size in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            keys = {p.key for p in subset}
            if len(keys) < len(subset) or not problem.must_meet <= keys:
                continue
            counts = Counter(x for p in subset for x in (p.a, p.b))
            if all(counts[v] <= problem.capacity[v] for v in counts):
                best = max(best, sum(p.score for p in subset))
    return best


@st.composite
def problems(draw, bipartite: bool = True):
    n_left = draw(st.integers(1, 4))
    n_right = draw(st.integers(1, 4))
    left = [f"D{i}" for i in range(n_left)]
    right = [f"S{i}" for i in range(n_right)] if bipartite else left[:]
    capacity = {v: draw(st.integers(0, 3)) for v in {*left, *right}}
    candidates = [(a, b) for a in left for b in right if a < b or bipartite]
    chosen = (
        draw(st.lists(st.sampled_from(candidates), unique=True, max_size=9)) if candidates else []
    )
    pairs = [Pair(a, b, draw(st.floats(0.01, 1.0))) for a, b in chosen]
    keys = [p.key for p in pairs]
    never = set(draw(st.lists(st.sampled_from(keys), max_size=2, unique=True))) if keys else set()
    return PairingProblem(capacity=capacity, pairs=pairs, never_meet=never)


@settings(max_examples=150, deadline=None)
@given(problems(bipartite=True))
def test_flow_matches_brute_force_and_holds_constraints(problem):
    result = solve(problem)
    assert result.objective == pytest.approx(brute_force(problem), abs=1e-5)
    counts = result.counts()
    assert all(counts[v] <= problem.capacity[v] for v in counts)
    assert not {m.key for m in result.meetings} & problem.never_meet
    if result.meetings:
        assert result.solver == "min-cost-flow"


@settings(max_examples=100, deadline=None)
@given(problems(bipartite=False))
def test_general_graphs_match_brute_force(problem):
    result = solve(problem)
    assert result.objective == pytest.approx(brute_force(problem), abs=1e-5)
    counts = result.counts()
    assert all(counts[v] <= problem.capacity[v] for v in counts)


def test_must_meet_is_forced_even_against_score():
    pairs = [Pair("D1", "S1", 0.9), Pair("D1", "S2", 0.1)]
    problem = PairingProblem(
        {"D1": 1, "S1": 1, "S2": 1}, pairs, must_meet={frozenset({"D1", "S2"})}
    )
    assert [(m.a, m.b) for m in solve(problem).meetings] == [("D1", "S2")]


def test_must_meet_without_candidate_pair_is_added():
    problem = PairingProblem({"D1": 1, "S1": 1}, [], must_meet={frozenset({"D1", "S1"})})
    assert len(solve(problem).meetings) == 1


def test_must_meet_over_capacity_and_conflicts_are_errors():
    over = PairingProblem({"D1": 1, "S1": 1, "S2": 1}, [],
                          must_meet={frozenset({"D1", "S1"}), frozenset({"D1", "S2"})})  # fmt: skip
    with pytest.raises(MatcherError, match="超过其最多 1 场"):
        solve(over)
    key = frozenset({"D1", "S1"})
    both = PairingProblem({"D1": 1, "S1": 1}, [], must_meet={key}, never_meet={key})
    with pytest.raises(MatcherError, match="必见和不见"):
        solve(both)


def test_min_meetings_gives_everyone_a_meeting_when_possible():
    # S1 is everyone's favourite but can take one meeting less than asked without min_meetings.
    pairs = [Pair("D1", "S1", 0.9), Pair("D1", "S2", 0.8), Pair("D2", "S1", 0.3)]
    capacity = {"D1": 2, "D2": 1, "S1": 1, "S2": 1}
    plain = solve(PairingProblem(capacity, pairs))
    assert plain.counts()["D2"] == 0
    fair = solve(PairingProblem(capacity, pairs, min_meetings=1))
    assert fair.counts()["D2"] == 1 and fair.counts()["D1"] >= 1


def test_fairness_spreads_meetings():
    pairs = [Pair("D1", "S1", 0.9), Pair("D1", "S2", 0.9), Pair("D2", "S1", 0.8)]
    capacity = {"D1": 2, "D2": 1, "S1": 1, "S2": 1}
    assert solve(PairingProblem(capacity, pairs)).objective == pytest.approx(1.8)
    fair = solve(PairingProblem(capacity, pairs, fairness=0.5))
    assert fair.counts()["D2"] == 1


def test_venue_capacity_keeps_the_best_meetings():
    pairs = [Pair("D1", "S1", 0.9), Pair("D2", "S2", 0.8), Pair("D3", "S3", 0.1)]
    capacity = {v: 1 for v in ("D1", "D2", "D3", "S1", "S2", "S3")}
    result = solve(PairingProblem(capacity, pairs, max_total=2))
    assert {(m.a, m.b) for m in result.meetings} == {("D1", "S1"), ("D2", "S2")}
    general = [Pair("A", "B", 0.9), Pair("B", "C", 0.8), Pair("C", "A", 0.7)]
    capped = solve(PairingProblem({"A": 2, "B": 2, "C": 2}, general, max_total=1))
    assert capped.solver == "milp" and len(capped.meetings) == 1


def test_integer_program_out_of_time_falls_back_to_a_greedy_pairing_and_says_so():
    people = [f"P{i}" for i in range(6)]
    pairs = [
        Pair(a, b, 0.1 + 0.1 * i) for i, (a, b) in enumerate(itertools.combinations(people, 2))
    ]
    problem = PairingProblem(
        capacity={p: 2 for p in people}, pairs=pairs, must_meet={frozenset(("P0", "P1"))},
        max_total=5,
    )  # fmt: skip
    exact = solve(problem)
    assert exact.solver == "milp" and exact.note is None
    result = solve(problem, time_limit=0)
    assert result.solver == "greedy (fallback)"
    assert result.note.startswith("精确配对未在 0 秒时限内完成，已采用贪心配对")
    counts = result.counts()
    assert frozenset(("P0", "P1")) in {m.key for m in result.meetings}  # must-meet first
    assert len(result.meetings) == 5 and all(counts[p] <= 2 for p in people)
    assert result.objective <= exact.objective


def brute_force_exclusive(problem: PairingProblem) -> float:
    """Best value (score plus wanted bonuses) over subsets that meet each organisation once."""
    pairs = [p for p in problem.pairs if p.key not in problem.never_meet]
    best = -1.0
    for size in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            counts = Counter(x for p in subset for x in (p.a, p.b))
            if any(counts[v] > problem.capacity[v] for v in counts):
                continue
            limits = [limit for p in subset for limit in problem.exclusive(p)]
            if len(limits) != len(set(limits)):
                continue
            value = sum(p.score + (WANTED_BONUS if p.key in problem.wanted else 0) for p in subset)
            best = max(best, value)
    return best


@st.composite
def organised_problems(draw, bipartite: bool = True):
    problem = draw(problems(bipartite=bipartite))
    people = sorted(problem.capacity)
    problem.organisation = {p: draw(st.sampled_from("XYZ")) for p in people if draw(st.booleans())}
    keys = [p.key for p in problem.pairs if p.key not in problem.never_meet]
    problem.wanted = set(draw(st.lists(st.sampled_from(keys), max_size=2))) if keys else set()
    return problem


def value_of(problem: PairingProblem, result) -> float:
    return sum(m.score + (WANTED_BONUS if m.key in problem.wanted else 0) for m in result.meetings)


@settings(max_examples=150, deadline=None)
@given(organised_problems(bipartite=True))
def test_exclusive_meetings_and_wanted_pairs_in_the_flow_match_brute_force(problem):
    result = solve(problem)
    assert value_of(problem, result) == pytest.approx(brute_force_exclusive(problem), abs=1e-5)
    limits = [limit for m in result.meetings for limit in problem.exclusive(m)]
    assert len(limits) == len(set(limits))
    if result.meetings:
        assert result.solver == "min-cost-flow"


@settings(max_examples=80, deadline=None)
@given(organised_problems(bipartite=False))
def test_exclusive_meetings_in_the_integer_program_match_brute_force(problem):
    result = solve(problem)
    assert value_of(problem, result) == pytest.approx(brute_force_exclusive(problem), abs=1e-5)


def test_nobody_meets_two_representatives_unless_both_asked():
    pairs = [Pair("D1", "S1", 0.9), Pair("D1", "S2", 0.8), Pair("D1", "S3", 0.1)]
    capacity = {"D1": 3, "S1": 1, "S2": 1, "S3": 1}
    organisation = {"S1": "海尔", "S2": "海尔"}
    plain = solve(PairingProblem(capacity, pairs, organisation=organisation))
    assert {(m.a, m.b) for m in plain.meetings} == {("D1", "S1"), ("D1", "S3")}
    asked = solve(PairingProblem(capacity, pairs, organisation=organisation,
                                 wanted={frozenset(("D1", "S2"))}))  # fmt: skip
    assert {(m.a, m.b) for m in asked.meetings} == {("D1", "S1"), ("D1", "S2"), ("D1", "S3")}
    general = [Pair("A", "B", 0.9), Pair("A", "C", 0.8), Pair("B", "C", 0.7)]
    problem = PairingProblem({"A": 2, "B": 2, "C": 2}, general, organisation={"B": "O", "C": "O"})
    for result in (solve(problem), solve(problem, time_limit=0)):  # exact, then greedy
        assert ("A", "C") not in {(m.a, m.b) for m in result.meetings}


def test_wanted_pairs_are_met_where_capacities_allow_and_never_fail():
    pairs = [Pair("D1", "S1", 0.9), Pair("D1", "S2", 0.1), Pair("D2", "S2", 0.2)]
    capacity = {"D1": 1, "D2": 1, "S1": 1, "S2": 1}
    wanted = {frozenset(("D1", "S2")), frozenset(("D2", "S2"))}  # S2 can take only one
    result = solve(PairingProblem(capacity, pairs, wanted=wanted))
    keys = {m.key for m in result.meetings}
    assert len(keys & wanted) == 1
    unknown = solve(PairingProblem({"D1": 1}, [], wanted={frozenset(("D1", "X"))}))
    assert not unknown.meetings
