"""Exact capacity-constrained b-matching: which participants meet, maximising the total score.

Bipartite events (demand on one side, supply on the other) are solved as a min-cost flow
(OR-Tools): source → demand (capacity = max meetings) → supply (one arc per candidate pair,
cost = −score) → sink, with a zero-cost bypass so that only worthwhile meetings are taken.
Events where a participant is on both sides are solved exactly as an integer program
(HiGHS through SciPy). Options become convex arc costs on the capacity arcs:
- `min_meetings`: the first meetings of every participant carry a large bonus, so nobody
  goes home with fewer than that when any feasible pairing allows it;
- `fairness`: the k-th meeting of a participant earns `fairness / k` extra, so meetings are
  spread over participants (diminishing returns) at a bounded cost in total score.
Must-meet pairs are forced (an error if they exceed a capacity); never-meet pairs are dropped.
Wanted pairs (both participants marked 必见, or an accepted request) carry `WANTED_BONUS`,
which outweighs the `min_meetings` bonus: they are met wherever capacities allow, and the
planner notes those that did not fit instead of failing.
Exclusive meetings: with `organisation` naming the organisation of representatives, nobody
meets two participants of one organisation, except in must-meet and wanted pairs. In the
flow each such pair's arc passes through a capacity-1 node per (participant, organisation).
The integer program has a time limit: when it runs out, the best solution found is used, or
else a greedy pairing (must-meets first, then by score), and the result's `note` says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from matcher.errors import MatcherError

SCALE = 1_000_000  # scores are in [0, 1]; flow costs are integers
MIN_BONUS = 1_000.0  # outweighs any sum of scores a participant's other meetings could bring
MUST_BONUS = 1_000_000.0
WANTED_BONUS = 10_000.0  # a mutual 必见: above min_meetings, below the organiser's must-meet
TIMED_OUT = "精确配对未在 {limit:g} 秒时限内完成，已采用{fallback}"
GREEDY = "贪心配对（必见优先，再按匹配度）"


@dataclass(frozen=True)
class Pair:
    """A candidate meeting between participants `a` and `b` with its reciprocal score."""

    a: str
    b: str
    score: float

    @property
    def key(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


@dataclass
class PairingProblem:
    """Participants' capacities, candidate pairs and the organiser's constraints."""

    capacity: Mapping[str, int]
    pairs: list[Pair]
    must_meet: set[frozenset[str]] = field(default_factory=set)
    never_meet: set[frozenset[str]] = field(default_factory=set)
    min_meetings: int = 0
    fairness: float = 0.0
    max_total: int | None = None  # the venue's slots × tables
    wanted: set[frozenset[str]] = field(default_factory=set)  # met where capacities allow
    organisation: Mapping[str, Hashable] = field(default_factory=dict)  # exclusive meetings

    def exempt(self, pair: Pair) -> bool:
        """Whether both sides asked for the pair (exempt from exclusive meetings)."""
        return pair.key in self.must_meet or pair.key in self.wanted

    def exclusive(self, pair: Pair) -> list[tuple[str, Hashable]]:
        """The (participant, organisation) limits the pair counts against: `a` meets
        `b`'s organisation once, and `b` meets `a`'s once."""
        if self.exempt(pair):
            return []
        limits: list[tuple[str, Hashable]] = []
        if pair.b in self.organisation:
            limits.append((pair.a, self.organisation[pair.b]))
        if pair.a in self.organisation:
            limits.append((pair.b, self.organisation[pair.a]))
        return limits


@dataclass
class PairingResult:
    """Chosen meetings, their total score, the solver used and a note when it ran out of time."""

    meetings: list[Pair]
    objective: float
    solver: str
    note: str | None = None  # Chinese

    def counts(self) -> Counter[str]:
        return Counter(p for m in self.meetings for p in (m.a, m.b))


def usable_pairs(problem: PairingProblem) -> list[Pair]:
    """Candidate pairs without never-meets, self-pairs and duplicates; must-meets added."""
    best: dict[frozenset[str], Pair] = {}
    for pair in problem.pairs:
        if pair.a == pair.b or pair.key in problem.never_meet:
            continue
        if pair.a not in problem.capacity or pair.b not in problem.capacity:
            continue
        if pair.key not in best or pair.score > best[pair.key].score:
            best[pair.key] = pair
    for key in problem.must_meet:
        if key in problem.never_meet:
            a, b = sorted(key)
            raise MatcherError(f"{a} 与 {b} 同时在必见和不见名单中")
    for key in problem.must_meet | (problem.wanted - problem.never_meet):
        if key not in best and key <= problem.capacity.keys() and len(key) == 2:
            a, b = sorted(key)
            best[key] = Pair(a, b, 0.0)
    _check_must_meet_capacity(problem)
    return [p for p in best.values() if p.score > 0 or problem.exempt(p)]


def _check_must_meet_capacity(problem: PairingProblem) -> None:
    if problem.max_total is not None and len(problem.must_meet) > problem.max_total:
        raise MatcherError(
            f"必见会谈有 {len(problem.must_meet)} 场，超过会场容量 {problem.max_total} 场"
        )
    forced = Counter(p for key in problem.must_meet for p in key)
    for participant, count in forced.items():
        if count > problem.capacity.get(participant, 0):
            raise MatcherError(
                f"参会方 {participant} 的必见对象有 {count} 个，超过其最多 "
                f"{problem.capacity.get(participant, 0)} 场的上限"
            )


def bipartition(pairs: Iterable[Pair]) -> tuple[set[str], set[str]] | None:
    """Sides (left = every pair's `a`, right = every pair's `b`) when no one is on both."""
    left = {p.a for p in pairs}
    right = {p.b for p in pairs}
    return None if left & right else (left, right)


def node_bonuses(capacity: int, problem: PairingProblem) -> list[float]:
    """Extra value of a participant's 1st, 2nd, ... meeting (non-increasing: convex costs)."""
    bonuses = []
    for k in range(1, capacity + 1):
        bonus = MIN_BONUS if k <= problem.min_meetings else 0.0
        bonuses.append(bonus + (problem.fairness / k if problem.fairness else 0.0))
    return bonuses


def solve(problem: PairingProblem, time_limit: float = 60.0) -> PairingResult:
    """The exact optimum: min-cost flow when bipartite, an integer program otherwise (within
    `time_limit` seconds, else its best solution or a greedy one, with a note)."""
    pairs = usable_pairs(problem)
    sides = bipartition(pairs)
    note = None
    if sides is not None:
        chosen, solver = _solve_flow(problem, pairs, *sides), "min-cost-flow"
    else:
        found, solver = _solve_milp(problem, pairs, time_limit)
        chosen = found if found is not None else _greedy(problem, pairs)
        if found is None:
            solver, note = "greedy (fallback)", TIMED_OUT.format(limit=time_limit, fallback=GREEDY)
        elif solver != "milp":
            note = TIMED_OUT.format(limit=time_limit, fallback="找到的最好可行配对")
    chosen.sort(key=lambda p: (-p.score, p.a, p.b))
    return PairingResult(chosen, float(sum(p.score for p in chosen)), solver, note)


def _greedy(problem: PairingProblem, pairs: list[Pair]) -> list[Pair]:
    """Must-meets first, then the best-scored pairs while both sides and the venue have room."""
    left = dict(problem.capacity)
    room = problem.max_total if problem.max_total is not None else len(pairs)
    chosen: list[Pair] = []
    met: set[tuple[str, Hashable]] = set()
    for pair in sorted(pairs, key=lambda p: (-_pair_value(p, problem), p.a, p.b)):
        limits = problem.exclusive(pair)
        if len(chosen) >= room or left[pair.a] <= 0 or left[pair.b] <= 0 or met & set(limits):
            continue
        chosen.append(pair)
        met.update(limits)
        left[pair.a] -= 1
        left[pair.b] -= 1
    return chosen


def _pair_value(pair: Pair, problem: PairingProblem) -> float:
    if pair.key in problem.must_meet:
        return pair.score + MUST_BONUS
    return pair.score + (WANTED_BONUS if pair.key in problem.wanted else 0.0)


def _solve_flow(
    problem: PairingProblem, pairs: list[Pair], left: set[str], right: set[str]
) -> list[Pair]:
    names = sorted(left) + sorted(right)
    hub = 2  # source → hub (capacity = the venue's total) → demand side
    node = {name: i + 3 for i, name in enumerate(names)}  # 0 = source, 1 = sink
    starts, ends, caps, costs = [], [], [], []
    limit_node: dict[tuple[str, Hashable], int] = {}  # exclusive meetings, see `_pair_path`

    def arc(start: int, end: int, cap: int, value: float) -> None:
        starts.append(start)
        ends.append(end)
        caps.append(cap)
        costs.append(-round(value * SCALE))

    supply = sum(problem.capacity[name] for name in left)
    arc(0, hub, min(supply, problem.max_total if problem.max_total is not None else supply), 0.0)
    for name in sorted(left):
        for bonus in node_bonuses(problem.capacity[name], problem):
            arc(hub, node[name], 1, bonus)
    pair_arcs = []
    for pair in pairs:
        start, end = node[pair.a], node[pair.b]
        for limit in problem.exclusive(pair):
            if limit not in limit_node:
                limit_node[limit] = len(node) + 3 + len(limit_node)
                if limit[0] == pair.a:  # a → (a, b's organisation) → ...
                    arc(node[pair.a], limit_node[limit], 1, 0.0)
                else:  # ... → (b, a's organisation) → b
                    arc(limit_node[limit], node[pair.b], 1, 0.0)
            if limit[0] == pair.a:
                start = limit_node[limit]
            else:
                end = limit_node[limit]
        pair_arcs.append(len(starts))
        arc(start, end, 1, _pair_value(pair, problem))
    for name in sorted(right):
        for bonus in node_bonuses(problem.capacity[name], problem):
            arc(node[name], 1, 1, bonus)
    arc(0, 1, supply, 0.0)  # bypass: meetings are optional

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(starts), np.array(ends), np.array(caps), np.array(costs)
    )
    flow.set_nodes_supplies(np.array([0, 1]), np.array([supply, -supply]))
    if flow.solve() != flow.OPTIMAL:
        raise MatcherError("配对求解失败（最小费用流无最优解）")
    used = flow.flows(arcs[np.array(pair_arcs, dtype=np.int64)])
    return [pair for pair, amount in zip(pairs, used, strict=True) if amount > 0]


def _solve_milp(
    problem: PairingProblem, pairs: list[Pair], time_limit: float
) -> tuple[list[Pair] | None, str]:
    """(chosen pairs or None, "milp" or "milp (time limit)").

    x_e ∈ {0,1} per pair; y_{v,k} ∈ [0,1] per participant and meeting number k.

    Σ_{e∋v} x_e = Σ_k y_{v,k}: a participant's meetings fill its numbered places, which
    carry the non-increasing bonuses, so the LP fills them in order.
    """
    people = sorted({p for pair in pairs for p in (pair.a, pair.b)})
    slots = [(v, k, bonus) for v in people
             for k, bonus in enumerate(node_bonuses(problem.capacity[v], problem))]  # fmt: skip
    n_x, n_y = len(pairs), len(slots)
    value = np.array([_pair_value(p, problem) for p in pairs] + [b for _, _, b in slots])
    row_of = {v: i for i, v in enumerate(people)}
    equality = lil_matrix((len(people), n_x + n_y))
    for j, pair in enumerate(pairs):
        equality[row_of[pair.a], j] = 1
        equality[row_of[pair.b], j] = 1
    for j, (v, _, _) in enumerate(slots):
        equality[row_of[v], n_x + j] = -1
    constraints = [LinearConstraint(equality.tocsr(), 0, 0)]
    if problem.max_total is not None:
        total = np.concatenate([np.ones(n_x), np.zeros(n_y)])
        constraints.append(LinearConstraint(total.reshape(1, -1), 0, problem.max_total))
    limits: dict[tuple[str, Hashable], list[int]] = {}
    for j, pair in enumerate(pairs):
        for limit in problem.exclusive(pair):
            limits.setdefault(limit, []).append(j)
    shared = [columns for columns in limits.values() if len(columns) > 1]
    if shared:
        once = lil_matrix((len(shared), n_x + n_y))
        for row, columns in enumerate(shared):
            for j in columns:
                once[row, j] = 1
        constraints.append(LinearConstraint(once.tocsr(), 0, 1))
    result = milp(
        c=-value,
        constraints=constraints,
        integrality=np.concatenate([np.ones(n_x), np.zeros(n_y)]),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit},
    )
    timed_out = result.status == 1  # iteration or time limit: maybe a feasible solution
    if not result.success and not timed_out:
        raise MatcherError(f"配对求解失败（整数规划：{result.message}）")
    solver = "milp (time limit)" if timed_out else "milp"
    if result.x is None:
        return None, solver
    return [pair for pair, x in zip(pairs, result.x[:n_x], strict=True) if x > 0.5], solver
