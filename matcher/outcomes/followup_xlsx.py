"""The follow-up sheet (跟踪表): one row per meeting of an event, filled in by staff after their
phone calls, then imported back.

Import checks every row first (unknown 结果编号, bad labels, negative amounts, bad dates) and
applies nothing when any row is bad. A blank cell leaves that field as it is. The 版本 column
holds each outcome's version at export (0: nothing recorded yet); a row whose outcome has
been changed since is refused (「第 N 行：……已被他人修改」), so a sheet filled in from an old
download never overwrites newer results. A sheet without the column is not checked. The
outcome rules hold as everywhere (`matcher.outcomes.rules`): a move back through the funnel
(签约 → 意向) needs 是 in the 更正 column. Names and notes are written as text cells, never
formulas (`matcher.cells`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from matcher.atomic import atomic_path
from matcher.cells import append_row, csv_plain
from matcher.events.model import EventPlan, Meeting
from matcher.ingest.problems import WHOLE_ROW, Problem, file_error
from matcher.ingest.readers import file_format, open_table
from matcher.outcomes.fields import label
from matcher.outcomes.model import (
    ATTENDANCE_LABELS,
    STAGE_LABELS,
    MeetingOutcome,
    meeting_outcome_id,
)
from matcher.outcomes.rules import CORRECTION
from matcher.outcomes.store import (
    OutcomeError,
    Recorded,
    record_meeting_outcomes,
    refusal,
)
from matcher.templates import followup_format_sheet
from matcher.workspace import Workspace

EDITABLE = ("attendance", "stage", "signed_amount", "notes", "next_follow_up")
ID_COLUMN = label("id")
VERSION_COLUMN = label("version")
CORRECTION_COLUMN = label(CORRECTION)
FOLLOWUP_HEADER = [
    "活动", "需求方", "供给方", "时段", "桌号", *(label(f) for f in EDITABLE), CORRECTION_COLUMN,
    ID_COLUMN, VERSION_COLUMN,
]  # fmt: skip
_WIDTHS = [22, 26, 26, 13, 6, 10, 10, 15, 30, 14, 6, 36, 6]


def _ordered(plan: EventPlan) -> list[Meeting]:
    return sorted(plan.meetings, key=lambda m: (m.slot is None, m.slot or 0, m.table or 0, m.a))


def _cells(outcome: MeetingOutcome | None) -> list[Any]:
    if outcome is None:
        return ["", "", None, "", None]
    return [
        ATTENDANCE_LABELS[outcome.attendance] if outcome.attendance else "",
        STAGE_LABELS[outcome.stage] if outcome.stage != "none" else "",
        outcome.signed_amount,
        outcome.notes,
        outcome.next_follow_up,
    ]


def write_followup_template(
    plan: EventPlan, outcomes: Mapping[str, MeetingOutcome], path: Path
) -> int:
    """Write the sheet for `plan`, prefilled with the current outcomes; returns the row count."""
    names = {p.id: p.name for p in plan.participants}
    book = Workbook()
    sheet = book.active
    sheet.title = "跟踪表"
    sheet.append(FOLLOWUP_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4F0")
    meetings = _ordered(plan)
    for m in meetings:
        outcome_id = meeting_outcome_id(plan.event.id, m.a, m.b)
        slot = plan.event.slots[m.slot].label() if m.slot is not None else "未排入"
        where = [plan.event.name, names.get(m.a, m.a), names.get(m.b, m.b), slot, m.table]
        outcome = outcomes.get(outcome_id)
        version = outcome.version if outcome else 0
        append_row(sheet, [*where, *_cells(outcome), "", outcome_id, version])
    last = len(meetings) + 1
    choices = (("F", ATTENDANCE_LABELS.values()), ("G", STAGE_LABELS.values()), ("K", ("是", "否")))
    for column, labels in choices:
        choice = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
        choice.error = f"请从列表中选择：{'、'.join(labels)}"
        sheet.add_data_validation(choice)
        choice.add(f"{column}2:{column}{max(last, 2)}")
    for row in sheet.iter_rows(min_row=2, min_col=10, max_col=10):
        row[0].number_format = "yyyy-mm-dd"
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    followup_format_sheet(book)  # a second sheet: what each column accepts
    with atomic_path(Path(path)) as tmp:
        book.save(tmp)
    return len(meetings)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class FollowupSheet:
    """A filled-in sheet as read: the updates (结果编号 → filled cells), the row number and
    the 版本 of each (None: not given), and the problems found while reading (before any
    outcome is looked at)."""

    source: str
    updates: list[tuple[str, dict[str, Any]]]
    rows: list[int]
    problems: list[Problem]
    versions: list[int | None]


def _version(value: Any) -> int | None:
    """The 版本 cell: a whole number, or None when blank; ValueError otherwise."""
    if not _filled(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"「{value}」不是有效的版本号（导出时填好的整数，请勿修改）")
    return int(text)


def read_followup(path: Path) -> FollowupSheet:
    """Read a filled-in sheet; IngestError when it is not a follow-up sheet at all."""
    path = Path(path)
    source = str(path)
    problems: list[Problem] = []
    updates: list[tuple[str, dict[str, Any]]] = []
    numbers: list[int] = []
    versions: list[int | None] = []
    seen: dict[str, int] = {}
    plain = file_format(path) == "csv"  # a CSV keeps the apostrophe that guards risky text
    with open_table(path) as table:
        if ID_COLUMN not in (table.columns or []):
            reason = f"缺少「{ID_COLUMN}」列，请使用 matcher outcome template 导出的跟踪表"
            raise file_error(source, reason, row=1, field=ID_COLUMN)
        for row in table.rows:
            if row.error:
                problems.append(Problem(source, row.number, WHOLE_ROW, row.error))
                continue
            values = {k: csv_plain(v) for k, v in row.values.items()} if plain else row.values
            outcome_id = str(values.get(ID_COLUMN) or "").strip()
            changes = {
                field: values[label(field)]
                for field in (*EDITABLE, CORRECTION)
                if _filled(values.get(label(field)))
            }
            if not outcome_id:
                if changes:
                    problems.append(Problem(source, row.number, ID_COLUMN, "结果编号为空"))
                continue
            if outcome_id in seen:
                reason = f"结果编号「{outcome_id}」与第{seen[outcome_id]}行重复"
                problems.append(Problem(source, row.number, ID_COLUMN, reason))
                continue
            seen[outcome_id] = row.number
            if not changes:
                continue
            try:
                version = _version(values.get(VERSION_COLUMN))
            except ValueError as error:
                problems.append(Problem(source, row.number, VERSION_COLUMN, str(error)))
                continue
            updates.append((outcome_id, changes))
            numbers.append(row.number)
            versions.append(version)
    return FollowupSheet(source, updates, numbers, problems, versions)


Recorder = Callable[..., list[Recorded]]
"""A store's batch update, called as `record(updates, who, at, source=, rows=, dry_run=,
expected=)`."""


def apply_followup(
    sheet: FollowupSheet, record: Recorder, who: str, at: datetime | None = None
) -> list[Recorded]:
    """Apply a read sheet through `record`; OutcomeError (an IngestError) listing every bad
    row and field (the reading problems, stale rows and the outcome problems together),
    nothing applied."""
    problems = list(sheet.problems)
    conflicts = []
    results: list[Recorded] = []
    try:
        results = record(
            sheet.updates, who, at, source=sheet.source, rows=sheet.rows,
            dry_run=bool(problems), expected=sheet.versions,
        )  # fmt: skip
    except OutcomeError as error:
        problems += error.problems
        conflicts = error.conflicts
    if problems:
        problems.sort(key=lambda p: p.row)
        raise refusal(problems, conflicts)
    return results


def import_followup(
    workspace: Workspace, path: Path, who: str, at: datetime | None = None
) -> list[Recorded]:
    """Apply a filled-in sheet; IngestError listing every bad row and field, nothing applied."""
    return apply_followup(read_followup(path), partial(record_meeting_outcomes, workspace), who, at)
