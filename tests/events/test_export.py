"""Exports open in their real formats: XLSX in openpyxl, ICS in icalendar, HTML escaped."""

from __future__ import annotations

import csv
from datetime import date, time

import icalendar
import pytest
from openpyxl import load_workbook

from matcher.events.export import agenda_html, agenda_ics, export_all
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots


@pytest.fixture
def plan() -> EventPlan:
    event = Event(id="EV9", name="人工智能产业链对接会", date=date(2026, 12, 3), venue="青岛国际会议中心",
                  slots=make_slots(time(9), 20, 3, gap=5), tables=2)  # fmt: skip
    participants = [
        Participant(id="E1", kind="enterprise", ref="E1", name="<b>蓝湾&食品</b>", role="demand"),
        Participant(id="E2", kind="enterprise", ref="E2", name="瑞视智能", role="demand"),
        Participant(id="U:青大", kind="university", ref="青岛大学", name="青岛大学", role="supply"),
    ]  # fmt: skip
    meetings = [
        Meeting(a="E1", b="U:青大", score=0.8, slot=0, table=1, reasons=["共同关键词：视觉, 检测；测试"],
                parts={"demand_side": 0.9, "supply_side": 0.7}),
        Meeting(a="E2", b="U:青大", score=0.6, slot=1, table=2, reasons=["语义相似度0.55（高）"]),
        Meeting(a="E2", b="E1", score=0.3, slot=None, table=None),
    ]  # fmt: skip
    return EventPlan(event=event, participants=participants, meetings=meetings)


def test_every_file_is_written_and_opens(plan, tmp_path):
    written = export_all(plan, tmp_path)
    assert all(path.exists() for path in written)
    book = load_workbook(tmp_path / "pairing.xlsx")
    assert book.sheetnames == ["配对清单", "桌位图", "席卡"]
    rows = list(book["配对清单"].iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "时段", "桌号", "需求方", "供给方")
    assert rows[1][1] == "09:00–09:20" and rows[1][3] == "<b>蓝湾&食品</b>"
    assert rows[3][1] == "未排入"
    grid = list(book["桌位图"].iter_rows(values_only=True))
    assert grid[2][2] == "瑞视智能 ↔ 青岛大学"  # 09:25 slot, table 2
    with (tmp_path / "pairing.csv").open(encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 4


def test_ics_parses_with_times_in_china(plan, tmp_path):
    calendar = icalendar.Calendar.from_ical(agenda_ics(plan, "U:青大"))
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 2
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    start = first.decoded("DTSTART")
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (9, 0, 8 * 3600)
    assert "<b>蓝湾&食品</b>" in str(first.get("SUMMARY"))
    assert "共同关键词：视觉, 检测；测试" in str(first.get("DESCRIPTION"))
    raw = agenda_ics(plan, "U:青大").encode("utf-8")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_agenda_html_is_escaped_chinese_and_per_participant(plan):
    page = agenda_html(plan, "E1")
    assert "&lt;b&gt;蓝湾&amp;食品&lt;/b&gt; 的会谈日程" in page
    assert "<b>蓝湾" not in page
    assert "09:00–09:20" in page and "1号桌" in page and "青岛大学" in page
    everyone = agenda_html(plan)
    assert everyone.count('class="page agenda"') == 3


def test_every_sheet_has_widths_a_frozen_header_and_filters(plan, tmp_path):
    export_all(plan, tmp_path)
    book = load_workbook(tmp_path / "pairing.xlsx")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert sheet[1][0].font.b, sheet.title
    pairing = book["配对清单"]
    widths = {col: pairing.column_dimensions[col].width for col in "ABCDI"}
    assert widths["A"] < widths["D"] < widths["I"] <= 60  # 推荐理由 is the widest column
    assert widths["D"] >= len("<b>蓝湾&食品</b>") + 2  # wide characters count twice


def test_ics_descriptions_leave_out_raw_scores(plan):
    plan.meetings[0].reasons.append("双方意愿：需求方0.73，供给方0.65")
    calendar = icalendar.Calendar.from_ical(agenda_ics(plan, "E1"))
    (event,) = calendar.walk("VEVENT")
    assert "双方意愿" not in str(event.get("DESCRIPTION"))
    assert "0.73" not in str(event.get("DESCRIPTION"))
