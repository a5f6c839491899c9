"""Benchmark a 3,000-participant docking event: candidates, pairing and scheduling.

Usage: python benchmarks/bench_events.py [--participants 3000] [--meetings 8] [--slots 12]
       [--tables 150] [--workdir .bench/events] [--large 10000 --large-workdir .bench/events-10k]

The world is the seeded sample generator at 5,000 enterprises (once, cached in the workdir,
embeddings cached too, so the candidate time is that of a warm service). Enterprises that
bring needs are the demand side, enterprises that only offer and every university the supply
side. Prints the time of each step, the pairing objective against a greedy baseline
(ratio ≥ 1 by construction) and the time of a dense assignment baseline
(`scipy.optimize.linear_sum_assignment` on the full demand × supply matrix, one meeting each).

Then the event as participants live it, through the planner (`pair_event`, `schedule_event`):
30% of the participants mark 5–10 picks among their candidates (必见 / 想见 / 不见, half of
the 必见 answered by a 必见), every university hosts at a fixed table, and a third of the
enterprises are representatives of organisations of 2–4 (exclusive meetings, then a shared
schedule); with `--large`, the same on a bigger world (`--large-workdir`, generated once
with enough enterprises). Prints a table of the times.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter, defaultdict
from datetime import date
from datetime import time as clock
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from matcher.events.candidates import candidate_meetings, event_items, refresh_event_indexes
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.pairing import Pair, PairingProblem, solve
from matcher.events.planner import pair_event, schedule_event
from matcher.events.schedule import max_degree, schedule
from matcher.index.builder import workspace_encoder
from matcher.ingest import import_path
from matcher.synth.generate import generate
from matcher.workspace import Workspace, init_workspace, open_workspace


def world(workdir: Path, enterprises: int = 5000) -> Workspace:
    if (workdir / "ws" / "workspace.json").exists():
        return open_workspace(workdir / "ws")
    generate(workdir / "data", enterprises=enterprises, progress=False)
    workspace = init_workspace(workdir / "ws")
    import_path(workspace.store, workdir / "data", progress=False)
    return workspace


def participants(workspace: Workspace, count: int, meetings: int) -> list[Participant]:
    store = workspace.store
    needs = Counter(n.enterprise_id for n in store.load("need").values() if n.kind != "finance")
    offers = Counter(o.enterprise_id for o in store.load("offer").values())
    universities = sorted({r.university for r in store.load("tech_result").values()})
    chosen = [Participant(id=f"U:{u}", kind="university", ref=u, name=u, role="supply",
                          max_meetings=meetings) for u in universities]  # fmt: skip
    for enterprise in store.load("enterprise").values():
        if len(chosen) >= count:
            break
        if needs[enterprise.id] or offers[enterprise.id]:
            role = "demand" if needs[enterprise.id] else "supply"
            chosen.append(
                Participant(id=enterprise.id, kind="enterprise", ref=enterprise.id,
                            name=enterprise.name, role=role, max_meetings=meetings)
            )  # fmt: skip
    return chosen


def greedy(problem: PairingProblem) -> float:
    left = Counter(problem.capacity)
    total, count = 0.0, 0
    for pair in sorted(problem.pairs, key=lambda p: -p.score):
        if count == problem.max_total:
            break
        if left[pair.a] > 0 and left[pair.b] > 0:
            count += 1
            left[pair.a] -= 1
            left[pair.b] -= 1
            total += pair.score
    return total


def dense_assignment_seconds(candidates: list[Meeting]) -> float:
    rows = sorted({m.a for m in candidates})
    cols = sorted({m.b for m in candidates})
    r, c = {v: i for i, v in enumerate(rows)}, {v: i for i, v in enumerate(cols)}
    matrix = np.zeros((len(rows), len(cols)))
    for m in candidates:
        matrix[r[m.a], c[m.b]] = -m.score
    start = time.perf_counter()
    linear_sum_assignment(matrix)
    return time.perf_counter() - start


def with_choices(
    people: list[Participant], candidates: list[Meeting], shared: bool, seed: int = 7
) -> list[Participant]:
    """Copies of `people` with picks, hosts and organisations, as the module docstring says."""
    rng = random.Random(seed)
    people = [p.model_copy(deep=True) for p in people]
    by_id = {p.id: p for p in people}
    near: dict[str, list[str]] = defaultdict(list)
    for m in candidates:
        near[m.a].append(m.b)
        near[m.b].append(m.a)
    everyone = [p.id for p in people]
    for person in rng.sample(people, round(0.3 * len(people))):
        count = rng.randint(5, 10)
        other_side = [q for q in everyone if by_id[q].role != person.role]
        options = near[person.id][:count] or rng.sample(other_side, count)
        for other in options:
            pick = rng.choices(("must", "want", "no"), (0.3, 0.55, 0.15))[0]
            person.picks[other] = pick
            if pick == "must" and rng.random() < 0.5:
                by_id[other].picks[person.id] = "must"
    for person in people:
        person.host = person.kind == "university"
    enterprises = {"demand": [], "supply": []}
    for person in people:
        if person.kind == "enterprise":
            enterprises[person.role].append(person)
    for group in enterprises.values():  # organisations within one side: the graph stays two-sided
        members = rng.sample(group, len(group) // 3)
        while members:
            size = min(rng.randint(2, 4), len(members))
            name = f"集团{members[0].id}"
            for member in members[:size]:
                member.organisation = name
            members = members[size:]
    return people


def planned(workspace: Workspace, encoder, people: list[Participant], args, shared: bool,
            label: str, candidates: list[Meeting] | None = None,
            t_candidates: float = 0.0) -> dict:  # fmt: skip
    """Candidates (unless given, with their time), pairing and scheduling through the
    planner, timed."""
    hosts = sum(p.kind == "university" for p in people)
    event = Event(id="bench-choices", name="基准对接会", date=date(2026, 12, 1),
                  tables=args.tables + hosts, slots=make_slots(clock(9), 20, args.slots, 5),
                  shared_schedule=shared)  # fmt: skip
    plan = EventPlan(event=event, participants=people)
    if candidates is None:
        start = time.perf_counter()
        candidates = candidate_meetings(plan, workspace, encoder)
        t_candidates = time.perf_counter() - start
    plan.participants = with_choices(people, candidates, shared)
    start = time.perf_counter()
    pair_event(plan, workspace, encoder, earlier=[], candidates=candidates)
    t_pair = time.perf_counter() - start
    start = time.perf_counter()
    schedule_event(plan)
    t_schedule = time.perf_counter() - start
    return {
        "scenario": label, "participants": len(people), "candidates": t_candidates,
        "pairing": t_pair, "scheduling": t_schedule,
        "total": t_candidates + t_pair + t_schedule, "meetings": len(plan.meetings),
        "unplaced": len(plan.unplaced), "method": plan.schedule_method or "",
        "note": plan.pairing_note or "",
    }  # fmt: skip


def print_table(rows: list[dict]) -> None:
    print("\n| scenario | participants | candidates s | pairing s | scheduling s | total s "
          "| meetings | unplaced | schedule |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['scenario']} | {r['participants']} | {r['candidates']:.2f} | "
              f"{r['pairing']:.2f} | {r['scheduling']:.2f} | **{r['total']:.2f}** | "
              f"{r['meetings']} | {r['unplaced']} | {r['method']} |")  # fmt: skip
    for r in rows:
        if r["note"]:
            print(f"{r['scenario']}: {r['note'][:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--meetings", type=int, default=8)
    parser.add_argument("--slots", type=int, default=12)
    parser.add_argument("--tables", type=int, default=150)
    parser.add_argument("--workdir", type=Path, default=Path(".bench/events"))
    parser.add_argument("--large", type=int, default=0, help="participants of the large run")
    parser.add_argument("--large-workdir", type=Path, default=Path(".bench/events-10k"))
    args = parser.parse_args()

    workspace = world(args.workdir)
    event = Event(id="bench", name="基准对接会", date=date(2026, 12, 1), tables=args.tables,
                  slots=make_slots(clock(9), 20, args.slots, 5))  # fmt: skip
    plan = EventPlan(
        event=event, participants=participants(workspace, args.participants, args.meetings)
    )
    encoder = workspace_encoder(workspace)
    needs, supplies = event_items(plan, workspace)
    refresh_event_indexes(workspace, encoder, progress=True)  # build the indexes (one-off)

    start = time.perf_counter()
    candidates = candidate_meetings(plan, workspace, encoder)
    t_candidates = time.perf_counter() - start
    capacity = {p.id: min(p.max_meetings, args.slots) for p in plan.participants}
    problem = PairingProblem(capacity=capacity,
                             pairs=[Pair(m.a, m.b, m.score) for m in candidates],
                             max_total=args.slots * args.tables)  # fmt: skip
    start = time.perf_counter()
    result = solve(problem)
    t_pairing = time.perf_counter() - start
    start = time.perf_counter()
    placed = schedule(result.meetings, args.slots, args.tables)
    t_schedule = time.perf_counter() - start
    t_greedy_start = time.perf_counter()
    greedy_total = greedy(problem)
    t_greedy = time.perf_counter() - t_greedy_start
    t_dense = dense_assignment_seconds(candidates)
    bound = max(max_degree(result.meetings), -(-len(result.meetings) // args.tables))

    print(f"participants {len(plan.participants)} (needs {len(needs)}, "
          f"supply items {len(supplies)}), candidate pairs {len(candidates)}, "
          f"meetings {len(result.meetings)}, solver {result.solver}")  # fmt: skip
    print(f"| step | seconds |\n|---|---:|\n| candidates (both directions) | {t_candidates:.2f} |")
    print(f"| pairing (exact b-matching) | {t_pairing:.2f} |\n| scheduling | {t_schedule:.2f} |")
    print(f"| **total** | **{t_candidates + t_pairing + t_schedule:.2f}** |")
    print(f"| greedy baseline (pairing only) | {t_greedy:.2f} |")
    print(f"| dense linear_sum_assignment, one meeting each | {t_dense:.2f} |")
    print(
        f"objective exact {result.objective:.2f} / greedy {greedy_total:.2f} = "
        f"{result.objective / greedy_total:.4f}"
    )
    print(
        f"slots used {placed.slots_used} (König bound {bound}), unplaced {len(placed.unplaced)}, "
        f"method {placed.method}"
    )
    people, found = plan.participants, (candidates, t_candidates)  # the same participants
    rows = [
        planned(workspace, encoder, people, args, False, "3k picks, hosts, exclusive", *found),
        planned(workspace, encoder, people, args, True, "3k picks, hosts, shared", *found),
    ]
    print_table(rows)
    if args.large:
        large = world(args.large_workdir, enterprises=round(args.large * 1.4))
        large_encoder = workspace_encoder(large)
        refresh_event_indexes(large, large_encoder, progress=True)
        people = participants(large, args.large, args.meetings)
        rows.append(planned(large, large_encoder, people, args, False, f"{args.large} exclusive"))
        print_table(rows)


if __name__ == "__main__":
    main()
