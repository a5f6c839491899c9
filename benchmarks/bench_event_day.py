"""Benchmark the event day: re-pairing the places no-shows free, against a full re-pair.

Usage: python benchmarks/bench_event_day.py [--participants 3000] [--meetings 8] [--slots 12]
       [--tables 150] [--checked-in 0.9] [--absent 0.05] [--from-slot 3]
       [--workdir .bench/events]

The world and participants are those of `bench_events.py` (same workdir, cached). The event
is paired and scheduled once; then a share of the participants is checked in, a share of
those with meetings is marked absent from `--from-slot` on, and the freed places are filled
(`propose_day_meetings` + `add_day_meetings`) with the candidates the service keeps cached,
and once more computing the candidates. The baseline is a full re-pair of the same plan
(`pair_event` with `keep_scheduled`, then `schedule_event`), which may also move meetings.
Prints a table of the times.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_events import participants, world

from matcher.events.candidates import candidate_meetings, refresh_event_indexes
from matcher.events.day import add_day_meetings, mark_absent, propose_day_meetings
from matcher.events.model import Event, EventPlan, make_slots
from matcher.events.planner import pair_event, schedule_event
from matcher.index.builder import workspace_encoder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--meetings", type=int, default=8)
    parser.add_argument("--slots", type=int, default=12)
    parser.add_argument("--tables", type=int, default=150)
    parser.add_argument("--checked-in", type=float, default=0.9)
    parser.add_argument("--absent", type=float, default=0.05)
    parser.add_argument("--from-slot", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(".bench/events"))
    args = parser.parse_args()

    workspace = world(args.workdir)
    encoder = workspace_encoder(workspace)
    refresh_event_indexes(workspace, encoder)
    event = Event(id="bench-day", name="基准对接会", date=date(2026, 12, 1), tables=args.tables,
                  slots=make_slots(clock(9), 20, args.slots, 5))  # fmt: skip
    plan = EventPlan(
        event=event, participants=participants(workspace, args.participants, args.meetings)
    )
    pair_event(plan, workspace, encoder, earlier=[])
    schedule_event(plan)

    rng = random.Random(7)
    ids = [p.id for p in plan.participants]
    present = rng.sample(ids, int(len(ids) * args.checked_in))
    busy = sorted({x for m in plan.meetings for x in (m.a, m.b)})
    gone = rng.sample(busy, int(len(busy) * args.absent))
    arrived = set(present) - set(gone)
    plan.checked_in = {pid: event.date for pid in arrived}  # type: ignore[misc]
    freed = sum(len(mark_absent(plan, pid, args.from_slot)) for pid in gone)

    start = time.perf_counter()
    candidates = candidate_meetings(plan, workspace, encoder)
    t_candidates = time.perf_counter() - start
    day = plan.model_copy(deep=True)
    start = time.perf_counter()
    added = add_day_meetings(day, propose_day_meetings(day, candidates, args.from_slot))
    t_day = time.perf_counter() - start

    full = plan.model_copy(deep=True)
    before = {m.key: (m.slot, m.table) for m in full.meetings if m.status == "planned"}
    start = time.perf_counter()
    pair_event(full, workspace, encoder, keep_scheduled=True, earlier=[])
    t_pair = time.perf_counter() - start
    start = time.perf_counter()
    schedule_event(full, keep_scheduled=True)
    t_schedule = time.perf_counter() - start
    moved = sum(1 for m in full.meetings if m.key in before and (m.slot, m.table) != before[m.key])
    new_full = sum(1 for m in full.meetings if m.key not in before and m.status == "planned")

    print(f"\n{len(ids)} participants, {len(arrived)} checked in, {len(gone)} absent from "
          f"slot {args.from_slot}: {freed} meetings freed\n")  # fmt: skip
    print("| re-pair | time s | new meetings | others moved |")
    print("|---|---:|---:|---:|")
    print(f"| no-show re-pair (candidates cached, as in the service) | **{t_day:.2f}** | "
          f"{len(added)} | 0 |")  # fmt: skip
    print(f"| no-show re-pair incl. candidates | {t_candidates + t_day:.2f} | {len(added)} | 0 |")
    print(f"| full re-pair baseline (pair_event + schedule_event, keep_scheduled) | "
          f"{t_pair + t_schedule:.2f} | {new_full} | {moved} |")  # fmt: skip


if __name__ == "__main__":
    main()
