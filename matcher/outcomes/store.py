"""Outcomes in the workspace: the current state and an append-only history of every change.

`outcomes/meetings.jsonl` and `outcomes/finance.jsonl` hold one outcome per line (rewritten
atomically); `outcomes/history.jsonl` holds one `Change` per line and is only ever appended.
Every update is validated first: a batch with one bad item changes nothing. Each outcome
carries its version (0 until first recorded, one more on every change); an update may state
the version it read, and one that moved on refuses the batch like a bad value does. The
rules (`Lookup`, `resolve_meeting`, `resolve_finance`, `check_updates`, `apply_changes`) do
not depend on where outcomes are kept: `OutcomeStore` is what every backend offers, the
workspace's files here (`JsonlOutcomeStore`) and the database in `storage.outcomes`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from matcher.atomic import folder_lock, write_text_atomic
from matcher.errors import CONFLICT_MESSAGE, IngestError, MatcherError, VersionConflict
from matcher.events.model import EventPlan, Meeting
from matcher.events.store import load_plan
from matcher.ingest.problems import Problem
from matcher.ingest.validate import translate_error
from matcher.outcomes.fields import (
    FINANCE_FIELDS,
    MEETING_FIELDS,
    label,
    parse_bool,
    parse_field,
    stored,
)
from matcher.outcomes.model import (
    Change,
    FinanceOutcome,
    MeetingOutcome,
    finance_outcome_id,
    meeting_outcome_id,
)
from matcher.outcomes.rules import CORRECTION, implied, is_backward, rule_problems
from matcher.store import RecordStore
from matcher.workspace import Workspace

MeetingKey = str | Mapping[str, str]
"""A meeting outcome's id (`event|a|b`, either order of a and b) or {event_id, a, b}."""
FinanceKey = str | Mapping[str, str]
"""A financing outcome's id (`enterprise|product`) or {enterprise_id, product_id}."""
Outcome = TypeVar("Outcome", MeetingOutcome, FinanceOutcome)
WHO_LABEL = "记录人"


class OutcomeError(IngestError):
    """An outcome update was refused; `problems` names the row and field of each bad value,
    `conflicts` the rows whose outcome someone else changed since it was read."""

    def __init__(
        self,
        message: str,
        problems: list[Problem] | None = None,
        conflicts: Sequence[VersionConflict] = (),
    ) -> None:
        super().__init__(message, problems)
        self.conflicts = list(conflicts)

    @property
    def stale(self) -> bool:
        """Every problem is an outcome changed by someone else (retrying on fresh data helps)."""
        return bool(self.conflicts) and len(self.conflicts) == len(self.problems)


@dataclass(frozen=True)
class Recorded:
    """One applied update: the outcome after it, and the changes appended to the history."""

    outcome: MeetingOutcome | FinanceOutcome
    changes: list[Change]


def outcomes_dir(workspace: Workspace) -> Path:
    return workspace.root / "outcomes"


def _read_models(path: Path, model: type[Outcome]) -> dict[str, Outcome]:
    if not path.exists():
        return {}
    items = (model.model_validate_json(line) for line in path.read_text("utf-8").splitlines())
    return {item.id: item for item in items}


def load_meeting_outcomes(workspace: Workspace) -> dict[str, MeetingOutcome]:
    """Every meeting outcome, by id."""
    return _read_models(outcomes_dir(workspace) / "meetings.jsonl", MeetingOutcome)


def load_finance_outcomes(workspace: Workspace) -> dict[str, FinanceOutcome]:
    """Every financing outcome, by id."""
    return _read_models(outcomes_dir(workspace) / "finance.jsonl", FinanceOutcome)


def history(workspace: Workspace, outcome_id: str | None = None) -> list[Change]:
    """The changes of one outcome (or of all), oldest first."""
    path = outcomes_dir(workspace) / "history.jsonl"
    if not path.exists():
        return []
    # The last piece is "" after a complete write, or a torn line after a crash: both dropped.
    lines = path.read_text("utf-8").split("\n")[:-1]
    changes = (Change.model_validate_json(line) for line in lines if line)
    return [c for c in changes if outcome_id is None or c.outcome_id == outcome_id]


class Lookup:
    """Plans and records looked up while resolving keys, each plan loaded once per batch.

    `plans(event_id)` returns an event's plan or raises MatcherError (Chinese) when unknown.
    """

    def __init__(self, plans: Callable[[str], EventPlan], records: RecordStore) -> None:
        self._load_plan = plans
        self.records = records
        self._plans: dict[str, EventPlan] = {}
        self._meetings: dict[str, dict[frozenset[str], Meeting]] = {}

    def plan(self, event_id: str) -> EventPlan:
        if event_id not in self._plans:
            try:
                self._plans[event_id] = self._load_plan(event_id)
            except MatcherError as error:
                raise ValueError(str(error)) from None
        return self._plans[event_id]

    def meeting(self, event_id: str, a: str, b: str) -> Meeting | None:
        """The plan's meeting of a and b (either order), or None."""
        if event_id not in self._meetings:
            self._meetings[event_id] = {m.key: m for m in self.plan(event_id).meetings}
        return self._meetings[event_id].get(frozenset((a, b)))

    def require(self, kind: str, record_id: str) -> None:
        try:
            self.records.get(kind, record_id)
        except MatcherError as error:
            raise ValueError(str(error)) from None


def _key_parts(key: str | Mapping[str, str], names: tuple[str, ...]) -> list[str]:
    if isinstance(key, Mapping):
        missing = [n for n in names if not str(key.get(n) or "").strip()]
        if missing:
            raise ValueError(f"缺少 {'、'.join(missing)}")
        return [str(key[n]).strip() for n in names]
    parts = str(key).strip().rsplit("|", len(names) - 1)
    if len(parts) != len(names) or not all(parts):
        shape = "|".join(names)
        raise ValueError(f"结果编号「{key}」格式不对，应为 {shape}")
    return parts


def _meeting_id_parts(key: str) -> list[list[str]]:
    """The readings of `event|a|b` as [event, a, b]: the event ends at the first `|` (event
    ids never hold one), and a participant id may hold `|` (a university or bank name), so
    every split of the rest is a reading, tried in order."""
    event_id, _, pair = key.strip().partition("|")
    readings = [
        [event_id, pair[:i], pair[i + 1 :]]
        for i, char in enumerate(pair)
        if char == "|" and 0 < i < len(pair) - 1
    ]
    if not event_id or not readings:
        raise ValueError(f"结果编号「{key}」格式不对，应为 活动|需求方|供给方")
    return readings


def resolve_meeting(
    lookup: Lookup, current: Mapping[str, MeetingOutcome], key: MeetingKey
) -> MeetingOutcome:
    """The current outcome of a meeting (either order of a and b), or a new one when the
    meeting is in its event's plan; ValueError (Chinese) otherwise."""
    pairs = [_key_parts(key, ("event_id", "a", "b"))] if isinstance(key, Mapping) else None
    for event_id, a, b in pairs or _meeting_id_parts(str(key)):
        for first, second in ((a, b), (b, a)):
            existing = current.get(meeting_outcome_id(event_id, first, second))
            if existing is not None:
                return existing
        meeting = lookup.meeting(event_id, a, b)
        if meeting is not None:
            break
    else:
        raise ValueError(f"活动「{event_id}」没有 {a} 与 {b} 的会谈")
    outcome_id = meeting_outcome_id(event_id, meeting.a, meeting.b)
    return MeetingOutcome(id=outcome_id, event_id=event_id, a=meeting.a, b=meeting.b)


def resolve_finance(
    lookup: Lookup, current: Mapping[str, FinanceOutcome], key: FinanceKey
) -> FinanceOutcome:
    """The current outcome of a financing match, or a new one when the enterprise and the
    product exist; ValueError (Chinese) otherwise."""
    enterprise_id, product_id = _key_parts(key, ("enterprise_id", "product_id"))
    outcome_id = finance_outcome_id(enterprise_id, product_id)
    if outcome_id in current:
        return current[outcome_id]
    lookup.require("enterprise", enterprise_id)
    lookup.require("finance_product", product_id)
    return FinanceOutcome(id=outcome_id, enterprise_id=enterprise_id, product_id=product_id)


def _unknown_event(lookup: Lookup, log: list[Change]) -> list[tuple[str, str]]:
    """A financing outcome may name the event it came from; that event must exist."""
    for change in log:
        if change.field == "event_id" and change.new:
            try:
                lookup.plan(change.new)
            except ValueError as error:
                return [("event_id", str(error))]
    return []


def apply_changes(
    outcome: Outcome, changes: Mapping[str, Any], who: str, at: datetime
) -> tuple[Outcome, list[Change], list[tuple[str, str]]]:
    """Validate `changes` (codes or Chinese labels) against `outcome` and the outcome rules
    (`matcher.outcomes.rules`); pure. `changes` may carry `correction` (true: a marked
    correction, which may move back through the funnel; every change is recorded as one).

    Returns the updated outcome, one `Change` per field whose value changed, and the problems
    as (field, reason); with problems the outcome is returned unchanged.
    """
    editable = MEETING_FIELDS if isinstance(outcome, MeetingOutcome) else FINANCE_FIELDS
    problems: list[tuple[str, str]] = []
    parsed: dict[str, Any] = {}
    changes = dict(changes)
    try:
        correction = parse_bool(changes.pop(CORRECTION, False))
    except ValueError as error:
        problems.append((CORRECTION, str(error)))
        correction = False
    for field, raw in changes.items():
        if field not in editable:
            allowed = "、".join(f"{f}（{label(f)}）" for f in editable)
            problems.append((field, f"不能修改「{field}」，可修改：{allowed}"))
            continue
        try:
            parsed[field] = parse_field(field, raw)
        except ValueError as error:
            problems.append((field, str(error)))
    if not problems:
        parsed.update(implied(outcome, parsed, correction))
        try:
            updated = type(outcome).model_validate({**outcome.model_dump(), **parsed})
        except ValidationError as error:
            problems += [(str(e["loc"][0]), translate_error(e)) for e in error.errors()]
        else:
            problems += rule_problems(outcome, updated, parsed, correction)
    if problems:
        return outcome, [], problems
    log = [
        Change(
            outcome_id=outcome.id,
            at=at,
            who=who,
            field=field,
            old=stored(getattr(outcome, field)),
            new=stored(getattr(updated, field)),
            correction=correction
            or is_backward(field, getattr(outcome, field), getattr(updated, field)),
        )
        for field in editable
        if field in parsed and getattr(outcome, field) != getattr(updated, field)
    ]
    if log:
        update = {"updated_at": at, "updated_by": who, "version": outcome.version + 1}
        updated = updated.model_copy(update=update)
    return (updated if log else outcome), log, []


def _append_lines(path: Path, lines: list[str]) -> None:
    """Append complete lines and sync; a torn last line left by a crash is cut off first."""
    with path.open("a+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":
                handle.seek(0)
                data = handle.read()
                handle.truncate(data.rfind(b"\n") + 1)
        handle.write("".join(line + "\n" for line in lines).encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def refusal_message(problems: list[Problem]) -> str:
    """One Chinese line naming the first ten problems (row and field)."""
    shown = [
        f"{f'第{p.row}行 ' if p.row else ''}{p.field}：{p.reason}" if p.field else p.reason
        for p in problems[:10]
    ]
    more = f"（另有 {len(problems) - 10} 处）" if len(problems) > 10 else ""
    return "未保存任何更改：" + "；".join(shown) + more


def refusal(problems: list[Problem], conflicts: Sequence[VersionConflict] = ()) -> OutcomeError:
    """The error refusing a batch; when only stale rows refused it, it says so first."""
    error = OutcomeError(refusal_message(problems), problems, conflicts)
    if error.stale:
        shown = "；".join(f"第 {p.row} 行：{p.reason}" if p.row else p.reason for p in problems)
        error = OutcomeError(f"{CONFLICT_MESSAGE}：{shown}", problems, conflicts)
    return error


def outcome_label(outcome: MeetingOutcome | FinanceOutcome) -> str:
    """How messages name an outcome: 会谈结果「EV1|E1|U:青岛大学」 or 融资结果「E1|F1」."""
    kind = "会谈结果" if isinstance(outcome, MeetingOutcome) else "融资结果"
    return f"{kind}「{outcome.id}」"


def check_updates(
    lookup: Lookup,
    current: MutableMapping[str, Outcome],
    resolve: Callable[[Lookup, Mapping[str, Outcome], Any], Outcome],
    updates: Sequence[tuple[Any, Mapping[str, Any]]],
    who: str,
    at: datetime,
    *,
    source: str = "",
    rows: Sequence[int] | None = None,
    expected: Sequence[int | None] | None = None,
) -> list[Recorded]:
    """Resolve and validate every update in order, all or nothing; saves nothing.

    `current` maps outcome ids to the outcomes as they are (it only needs `get`, `in`, `[]`)
    and receives every updated outcome, so a later update sees an earlier one. `expected[i]`
    (None: not checked) is the version update i was based on; an update that changes nothing
    is never stale, and a stale one is reported as such even when it also breaks a rule.
    Problems name `source` and the row (`rows[i]`, or the 1-based position); any problem
    raises OutcomeError.
    """
    who = who.strip()
    if not who:
        raise OutcomeError("请填写记录人", [Problem(source, 0, WHO_LABEL, "记录人不能为空")])
    numbers = list(rows) if rows is not None else list(range(1, len(updates) + 1))
    seen = list(expected) if expected is not None else [None] * len(updates)
    problems: list[Problem] = []
    conflicts: list[VersionConflict] = []
    results: list[Recorded] = []
    for number, (key, changes), version in zip(numbers, updates, seen, strict=True):
        try:
            outcome = resolve(lookup, current, key)
        except ValueError as error:
            problems.append(Problem(source, number, label("id"), str(error)))
            continue
        updated, log, bad = apply_changes(outcome, changes, who, at)
        if (log or bad) and version is not None and version != outcome.version:
            stored = outcome.version or None  # 0: not recorded (any more)
            conflicts.append(VersionConflict(outcome_label(outcome), stored, version))
            problems.append(Problem(source, number, label("version"), conflicts[-1].reason))
            continue
        bad += _unknown_event(lookup, log)
        problems += [Problem(source, number, label(field), reason) for field, reason in bad]
        if log:
            current[updated.id] = updated
        results.append(Recorded(updated, log))
    if problems:
        raise refusal(problems, conflicts)
    return results


def _record(
    workspace: Workspace,
    file_name: str,
    load: Callable[[Workspace], dict[str, Outcome]],
    resolve: Callable[[Lookup, Mapping[str, Outcome], Any], Outcome],
    updates: Sequence[tuple[Any, Mapping[str, Any]]],
    who: str,
    at: datetime | None,
    source: str,
    rows: Sequence[int] | None,
    dry_run: bool,
    expected: Sequence[int | None] | None,
) -> list[Recorded]:
    at = at or datetime.now().replace(microsecond=0)
    folder = outcomes_dir(workspace)
    with folder_lock(folder):
        current = load(workspace)
        lookup = Lookup(partial(load_plan, workspace), workspace.store)
        results = check_updates(
            lookup, current, resolve, updates, who, at, source=source, rows=rows,
            expected=expected,
        )  # fmt: skip
        log_lines = [c.model_dump_json() for r in results for c in r.changes]
        if log_lines and not dry_run:
            _append_lines(folder / "history.jsonl", log_lines)
            text = "".join(current[i].model_dump_json() + "\n" for i in sorted(current))
            write_text_atomic(folder / file_name, text)
    return results


def record_meeting_outcomes(
    workspace: Workspace,
    updates: Sequence[tuple[MeetingKey, Mapping[str, Any]]],
    who: str,
    at: datetime | None = None,
    *,
    source: str = "",
    rows: Sequence[int] | None = None,
    dry_run: bool = False,
    expected: Sequence[int | None] | None = None,
) -> list[Recorded]:
    """Apply many meeting updates at once, all or nothing.

    A new outcome must be a meeting of its event's plan. Problems name `source` and the row
    (`rows[i]`, or the 1-based position in `updates`); any problem raises OutcomeError, as
    does an outcome no longer at version `expected[i]`. `dry_run` validates and returns the
    results without saving.
    """
    return _record(
        workspace, "meetings.jsonl", load_meeting_outcomes, resolve_meeting,
        updates, who, at, source, rows, dry_run, expected,
    )  # fmt: skip


def record_finance_outcomes(
    workspace: Workspace,
    updates: Sequence[tuple[FinanceKey, Mapping[str, Any]]],
    who: str,
    at: datetime | None = None,
    *,
    source: str = "",
    rows: Sequence[int] | None = None,
    dry_run: bool = False,
    expected: Sequence[int | None] | None = None,
) -> list[Recorded]:
    """Apply many financing updates at once, all or nothing (enterprise and product must exist)."""
    return _record(
        workspace, "finance.jsonl", load_finance_outcomes, resolve_finance,
        updates, who, at, source, rows, dry_run, expected,
    )  # fmt: skip


def record_meeting_outcome(
    workspace: Workspace,
    key: MeetingKey,
    changes: Mapping[str, Any],
    who: str,
    at: datetime | None = None,
) -> MeetingOutcome:
    """Validate and apply one meeting's changes; one history entry per changed field."""
    [done] = record_meeting_outcomes(workspace, [(key, changes)], who, at, rows=[0])
    return done.outcome  # type: ignore[return-value]


def record_finance_outcome(
    workspace: Workspace,
    key: FinanceKey,
    changes: Mapping[str, Any],
    who: str,
    at: datetime | None = None,
) -> FinanceOutcome:
    """Validate and apply one financing match's changes; one history entry per changed field."""
    [done] = record_finance_outcomes(workspace, [(key, changes)], who, at, rows=[0])
    return done.outcome  # type: ignore[return-value]


class OutcomeStore(Protocol):
    """What the library and the service need from a store of outcomes and their history."""

    def record_meetings(
        self,
        updates: Sequence[tuple[MeetingKey, Mapping[str, Any]]],
        who: str,
        at: datetime | None = None,
        *,
        source: str = "",
        rows: Sequence[int] | None = None,
        dry_run: bool = False,
        expected: Sequence[int | None] | None = None,
    ) -> list[Recorded]:
        """Apply many meeting updates at once, all or nothing (`record_meeting_outcomes`)."""
        ...

    def record_finance(
        self,
        updates: Sequence[tuple[FinanceKey, Mapping[str, Any]]],
        who: str,
        at: datetime | None = None,
        *,
        source: str = "",
        rows: Sequence[int] | None = None,
        dry_run: bool = False,
        expected: Sequence[int | None] | None = None,
    ) -> list[Recorded]:
        """Apply many financing updates at once, all or nothing (`record_finance_outcomes`)."""
        ...

    def meeting_outcomes(self, event_id: str | None = None) -> dict[str, MeetingOutcome]:
        """Every meeting outcome (of one event), by id in id order."""
        ...

    def finance_outcomes(
        self, enterprise_id: str | None = None, product_ids: Collection[str] | None = None
    ) -> dict[str, FinanceOutcome]:
        """Every financing outcome (of one enterprise, of some products), by id in id order."""
        ...

    def get(self, outcome_id: str) -> MeetingOutcome | FinanceOutcome | None:
        """A meeting or financing outcome by id, or None."""
        ...

    def history(self, outcome_id: str | None = None) -> list[Change]:
        """The changes of one outcome (or of all), oldest first."""
        ...

    def due_before(self, day: date) -> tuple[list[MeetingOutcome], list[FinanceOutcome]]:
        """Outcomes whose next follow-up date is before `day`, each list in id order."""
        ...


class JsonlOutcomeStore:
    """The workspace's outcome files as an `OutcomeStore`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def record_meetings(
        self,
        updates: Sequence[tuple[MeetingKey, Mapping[str, Any]]],
        who: str,
        at: datetime | None = None,
        *,
        source: str = "",
        rows: Sequence[int] | None = None,
        dry_run: bool = False,
        expected: Sequence[int | None] | None = None,
    ) -> list[Recorded]:
        return record_meeting_outcomes(
            self.workspace, updates, who, at, source=source, rows=rows, dry_run=dry_run,
            expected=expected,
        )  # fmt: skip

    def record_finance(
        self,
        updates: Sequence[tuple[FinanceKey, Mapping[str, Any]]],
        who: str,
        at: datetime | None = None,
        *,
        source: str = "",
        rows: Sequence[int] | None = None,
        dry_run: bool = False,
        expected: Sequence[int | None] | None = None,
    ) -> list[Recorded]:
        return record_finance_outcomes(
            self.workspace, updates, who, at, source=source, rows=rows, dry_run=dry_run,
            expected=expected,
        )  # fmt: skip

    def meeting_outcomes(self, event_id: str | None = None) -> dict[str, MeetingOutcome]:
        found = load_meeting_outcomes(self.workspace)
        return {i: found[i] for i in sorted(found) if event_id in (None, found[i].event_id)}

    def finance_outcomes(
        self, enterprise_id: str | None = None, product_ids: Collection[str] | None = None
    ) -> dict[str, FinanceOutcome]:
        found = load_finance_outcomes(self.workspace)
        return {
            i: found[i]
            for i in sorted(found)
            if enterprise_id in (None, found[i].enterprise_id)
            and (product_ids is None or found[i].product_id in product_ids)
        }

    def get(self, outcome_id: str) -> MeetingOutcome | FinanceOutcome | None:
        return self.meeting_outcomes().get(outcome_id) or self.finance_outcomes().get(outcome_id)

    def history(self, outcome_id: str | None = None) -> list[Change]:
        return history(self.workspace, outcome_id)

    def due_before(self, day: date) -> tuple[list[MeetingOutcome], list[FinanceOutcome]]:
        meetings = self.meeting_outcomes().values()
        finance = self.finance_outcomes().values()
        return (
            [o for o in meetings if o.next_follow_up and o.next_follow_up < day],
            [o for o in finance if o.next_follow_up and o.next_follow_up < day],
        )
