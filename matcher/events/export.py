"""Exports of an event plan (Chinese).

Pairing list CSV/XLSX (column widths, frozen header row and filters on every sheet), agendas
ICS, name cards CSV; the printed HTML (agendas, table plan, table and name cards) is built in
`matcher.events.printed`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from matcher.atomic import atomic_path, write_text_atomic
from matcher.cells import append_row, csv_row
from matcher.events.model import (
    PARTICIPANT_KIND_LABELS,
    ROLE_LABELS,
    EventPlan,
    Meeting,
)
from matcher.events.printed import (
    CheckIn,
    agenda_html,
    agenda_reasons,
    name_cards_html,
    table_cards_html,
    table_plan_html,
)

PAIRING_HEADER = [
    "序号",
    "时段",
    "桌号",
    "需求方",
    "供给方",
    "匹配度",
    "需求方意愿",
    "供给方意愿",
    "推荐理由",
    "锁定",
]
CARD_HEADER = ["参会方编号", "名称", "类型", "角色", "会谈数", "桌号（按时段）"]


def _slot_label(plan: EventPlan, meeting: Meeting) -> str:
    return plan.event.slots[meeting.slot].label() if meeting.slot is not None else "未排入"


def _ordered(plan: EventPlan) -> list[Meeting]:
    return sorted(plan.meetings, key=lambda m: (m.slot is None, m.slot or 0, m.table or 0, m.a))


def pairing_rows(plan: EventPlan) -> list[list[str]]:
    """One row per meeting, in time and table order."""
    names = {p.id: p.name for p in plan.participants}
    rows = []
    for number, m in enumerate(_ordered(plan), 1):
        rows.append(
            [
                str(number),
                _slot_label(plan, m),
                str(m.table or ""),
                names[m.a],
                names[m.b],
                f"{m.score:.3f}",
                f"{m.parts.get('demand_side', 0):.2f}",
                f"{m.parts.get('supply_side', 0):.2f}",
                "；".join(m.reasons),
                "是" if m.locked else "",
            ]
        )
    return rows


def card_rows(plan: EventPlan) -> list[list[str]]:
    """Name cards: who, what kind, which role, how many meetings and where."""
    tables: dict[str, list[str]] = defaultdict(list)
    for m in _ordered(plan):
        if m.slot is not None:
            for person in (m.a, m.b):
                tables[person].append(f"{plan.event.slots[m.slot].label()} {m.table}号桌")
    return [
        [
            p.id,
            p.name,
            PARTICIPANT_KIND_LABELS[p.kind],
            ROLE_LABELS[p.role],
            str(len(tables[p.id])),
            "；".join(tables[p.id]),
        ]
        for p in plan.participants
    ]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """UTF-8 with BOM, so that Excel opens the Chinese text correctly; no cell is a formula."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(row) for row in rows)


def table_grid(plan: EventPlan) -> list[list[str]]:
    """Rows = time slots, columns = tables; cells = 需求方 ↔ 供给方."""
    names = {p.id: p.name for p in plan.participants}
    grid = [[slot.label()] + [""] * plan.event.tables for slot in plan.event.slots]
    for m in plan.meetings:
        if m.slot is not None and m.table is not None:
            grid[m.slot][m.table] = f"{names[m.a]} ↔ {names[m.b]}"
    return grid


WIDTH_MIN, WIDTH_MAX = 6, 60


def _width(value: object) -> int:
    """Display width in Excel columns: wide (CJK) characters count twice."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_sheet(sheet: Worksheet) -> None:
    """Bold, frozen header row; an autofilter over the data; column widths from the content."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.iter_cols(values_only=True), 1):
        width = max((_width(v) for v in column), default=0) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width, WIDTH_MIN), WIDTH_MAX
        )


def write_xlsx(plan: EventPlan, path: Path) -> None:
    """Sheets 配对清单, 桌位图 and 席卡 (names and reasons as text cells, never formulas),
    each with widths, a frozen header row and filters."""
    book = Workbook()
    sheet = book.active
    sheet.title = "配对清单"
    sheet.append(PAIRING_HEADER)
    for row in pairing_rows(plan):
        append_row(sheet, row)
    tables = book.create_sheet("桌位图")
    tables.append(["时段"] + [f"{t}号桌" for t in range(1, plan.event.tables + 1)])
    for row in table_grid(plan):
        append_row(tables, row)
    cards = book.create_sheet("席卡")
    cards.append(CARD_HEADER)
    for row in card_rows(plan):
        append_row(cards, row)
    for sheet in book.worksheets:
        format_sheet(sheet)
    with atomic_path(path) as tmp:
        book.save(tmp)


_ICS_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_ICS_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _ics_text(value: str) -> str:
    """An RFC 5545 TEXT value: \\ ; , escaped, every line break (CR, LF, CRLF, NEL, U+2028/9)
    written as the escape `\\n`, other control characters dropped, so user text can never
    end the line and start a property of its own."""
    value = _ICS_BREAKS.sub("\n", value)
    value = _ICS_CONTROLS.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 line folding at 75 octets (UTF-8 safe)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def agenda_ics(plan: EventPlan, participant_id: str) -> str:
    """An iCalendar file with one event per placed meeting (China Standard Time)."""
    names = {p.id: p.name for p in plan.participants}
    stamp = datetime(2000, 1, 1).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//matcher//docking events//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Shanghai",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0800",
        "TZOFFSETTO:+0800",
        "TZNAME:CST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for m in _ordered(plan):
        if participant_id not in (m.a, m.b) or m.slot is None:
            continue
        slot = plan.event.slots[m.slot]
        other = names[m.b if m.a == participant_id else m.a]
        start = datetime.combine(plan.event.date, slot.start)
        end = datetime.combine(plan.event.date, slot.end)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_ics_text(f'{plan.event.id}-{m.a}-{m.b}@matcher'.replace(' ', ''))}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Asia/Shanghai:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Asia/Shanghai:{end:%Y%m%dT%H%M%S}",
            f"SUMMARY:{_ics_text(f'{plan.event.name}：与{other}会谈（{m.table}号桌）')}",
            f"LOCATION:{_ics_text(f'{plan.event.venue} {m.table}号桌'.strip())}",
            f"DESCRIPTION:{_ics_text('；'.join(agenda_reasons(m.reasons)))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _safe_name(participant_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in participant_id)


def export_all(
    plan: EventPlan, out_dir: Path, *, contacts: bool = True, checkin: CheckIn | None = None
) -> list[Path]:
    """Every export into `out_dir` (the organiser's set: with contacts unless told otherwise,
    QR codes when `checkin` is given); returns the written paths."""
    out_dir = Path(out_dir)
    written = [
        out_dir / "pairing.csv",
        out_dir / "pairing.xlsx",
        out_dir / "name-cards.csv",
        out_dir / "table-plan.html",
        out_dir / "agendas.html",
        out_dir / "table-cards.html",
        out_dir / "name-cards.html",
    ]
    write_csv(written[0], PAIRING_HEADER, pairing_rows(plan))
    write_xlsx(plan, written[1])
    write_csv(written[2], CARD_HEADER, card_rows(plan))
    write_text_atomic(written[3], table_plan_html(plan))
    write_text_atomic(written[4], agenda_html(plan, contacts=contacts, checkin=checkin))
    write_text_atomic(written[5], table_cards_html(plan))
    write_text_atomic(written[6], name_cards_html(plan, checkin))
    for participant in plan.participants:
        base = out_dir / "agendas" / _safe_name(participant.id)
        page = agenda_html(plan, participant.id, contacts=contacts, checkin=checkin)
        write_text_atomic(base.with_suffix(".html"), page)
        with atomic_path(base.with_suffix(".ics")) as tmp:
            tmp.write_bytes(agenda_ics(plan, participant.id).encode("utf-8"))
        written += [base.with_suffix(".html"), base.with_suffix(".ics")]
    return written
