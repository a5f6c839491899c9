"""The printed materials of an event (Chinese, A4): agendas, the table plan, table cards and
name cards.

Agendas show each meeting's time, table, counterpart and reasons (never raw preference
scores); the counterpart's contact person, phone and email only when the caller allows it
(organisers' prints, published agendas). A participant's QR code carries its check-in URL
(`CheckIn`). The table plan is one A4 landscape page per time slot (several when the tables
do not fit one), every table a cell with both names. Cards print two to an A4 sheet with a
dashed cut line. Every user text is escaped.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from matcher.events.model import (
    EVENT_KIND_LABELS,
    PARTICIPANT_KIND_LABELS,
    ROLE_LABELS,
    EventPlan,
    Meeting,
    Participant,
)
from matcher.events.qr import qr_svg
from matcher.printing import printable

TABLE_PLAN_COLUMNS = 5
TABLE_PLAN_ROWS = 6  # 30 tables on one landscape page; more go on a next page of the slot
_SCORE_REASONS = ("双方意愿：",)  # reasons that are only raw preference scores
_RAW_NUMBER = re.compile(r"(?<=匹配度|相似度)\d+(\.\d+)?")
_BARE_VERDICT = re.compile(r"(匹配度|相似度)（([^）]*)）")  # 「匹配度（匹配）」 → 「匹配度：匹配」


@dataclass(frozen=True)
class CheckIn:
    """How a participant's QR code is made: its check-in URL is `base_url` + its code."""

    base_url: str
    code: Callable[[str], str]

    def url(self, participant_id: str) -> str:
        return self.base_url + quote(self.code(participant_id), safe="")


def _e(text: object) -> str:
    return html.escape(str(text))


def _ordered(plan: EventPlan) -> list[Meeting]:
    return sorted(plan.meetings, key=lambda m: (m.slot is None, m.slot or 0, m.table or 0, m.a))


def _slot_label(plan: EventPlan, meeting: Meeting) -> str:
    return plan.event.slots[meeting.slot].label() if meeting.slot is not None else "未排入"


def event_line(plan: EventPlan) -> str:
    """「产业链对接会 · 2026年12月03日 · 青岛国际会议中心」."""
    event = plan.event
    where = f" · {event.venue}" if event.venue else ""
    return f"{EVENT_KIND_LABELS[event.kind]} · {event.date:%Y年%m月%d日}{where}"


def agenda_reasons(reasons: list[str]) -> list[str]:
    """The reasons a participant reads: raw preference scores and match numbers left out."""
    kept = []
    for reason in reasons:
        if reason.startswith(_SCORE_REASONS):
            continue
        kept.append(_BARE_VERDICT.sub(r"\1：\2", _RAW_NUMBER.sub("", reason)))
    return kept


def contact_lines(participant: Participant) -> list[str]:
    """Contact person, phone and email, those that are given."""
    return [
        value for value in (participant.contact_name, participant.phone, participant.email) if value
    ]


def _qr_block(checkin: CheckIn | None, participant_id: str, css_class: str) -> str:
    if checkin is None:
        return ""
    code = checkin.code(participant_id)
    return (
        f'<div class="{css_class}">{qr_svg(checkin.url(participant_id))}'
        f'<div class="code">签到码 {_e(code)}</div></div>'
    )


_AGENDA_CSS = """
.agenda-head{display:flex;justify-content:space-between;gap:6mm;align-items:flex-start}
.qr{text-align:center;flex:none}.qr .code{font-size:9pt;letter-spacing:.05em}
.agenda td.time,.agenda td.table{white-space:nowrap;width:1%}
.agenda td.who{width:28%}.agenda td.contact{width:30%;font-size:9pt}
.agenda ul{margin:0;padding-left:1.1em}
.agenda tr{break-inside:avoid}
"""


def agenda_section(
    plan: EventPlan,
    participant_id: str,
    *,
    contacts: bool = False,
    checkin: CheckIn | None = None,
) -> str:
    """One participant's agenda as an A4 section (escaped)."""
    me = plan.participant(participant_id)
    people = {p.id: p for p in plan.participants}
    rows = []
    for m in _ordered(plan):
        if participant_id not in (m.a, m.b):
            continue
        other = people[m.b if m.a == participant_id else m.a]
        table = f"{m.table}号桌" if m.table else "待定"
        reasons = "".join(f"<li>{_e(r)}</li>" for r in agenda_reasons(m.reasons))
        contact = ""
        if contacts:
            contact = f'<td class="contact">{"<br>".join(_e(c) for c in contact_lines(other))}</td>'
        rows.append(
            f'<tr><td class="time">{_e(_slot_label(plan, m))}</td><td class="table">{table}</td>'
            f'<td class="who">{_e(other.name)}</td>{contact}<td><ul>{reasons}</ul></td></tr>'
        )
    columns = 5 if contacts else 4
    body = "".join(rows) or f'<tr><td colspan="{columns}">暂无安排的会谈</td></tr>'
    contact_head = "<th>联系方式</th>" if contacts else ""
    host = f"（固定在 {me.table} 号桌）" if me.host and me.table else ""
    return (
        f'<section class="page agenda"><div class="agenda-head"><div>'
        f"<h1>{_e(plan.event.name)}</h1>"
        f'<p class="muted">{_e(event_line(plan))}</p>'
        f"<h2>{_e(me.name)} 的会谈日程{_e(host)}</h2></div>"
        f"{_qr_block(checkin, participant_id, 'qr')}</div>"
        f"<table><tr><th>时间</th><th>桌号</th><th>对接方</th>{contact_head}<th>对接理由</th></tr>"
        f"{body}</table></section>"
    )


def agenda_html(
    plan: EventPlan,
    participant_id: str | None = None,
    *,
    contacts: bool = False,
    checkin: CheckIn | None = None,
) -> str:
    """A printable agenda for one participant, or for everybody (one A4 page each)."""
    ids = [participant_id] if participant_id else [p.id for p in plan.participants]
    body = "".join(agenda_section(plan, i, contacts=contacts, checkin=checkin) for i in ids)
    return printable(f"{plan.event.name} 会谈日程", body, css=_AGENDA_CSS)


_TABLE_PLAN_CSS = """
.grid{display:grid;grid-template-columns:repeat(%(columns)d,minmax(0,1fr));gap:1.5mm}
.cell{border:1px solid #888;padding:1mm 1.5mm;break-inside:avoid;font-size:9pt;
line-height:1.3}
.cell .no{font-weight:bold;font-size:9.5pt;white-space:nowrap}
.cell .who{overflow-wrap:anywhere}
.cell .who span{color:#666;font-size:7.5pt;white-space:nowrap}
.cell.empty{color:#999}.slot-head{display:flex;justify-content:space-between;
align-items:baseline;gap:4mm;margin-bottom:2mm}.slot-head h1,.slot-head h2{margin:0}
"""


def _table_cell(table: int, meeting: Meeting | None, names: dict[str, str]) -> str:
    if meeting is None:
        return f'<div class="cell empty"><div class="no">{table}号桌</div>空桌</div>'
    return (
        f'<div class="cell"><div class="no">{table}号桌</div>'
        f'<div class="who"><span>需求方</span> {_e(names[meeting.a])}</div>'
        f'<div class="who"><span>供给方</span> {_e(names[meeting.b])}</div></div>'
    )


def table_plan_html(plan: EventPlan) -> str:
    """The venue's table plan: one A4 landscape page per time slot, every table a cell."""
    names = {p.id: p.name for p in plan.participants}
    at: dict[tuple[int, int], Meeting] = {
        (m.slot, m.table): m for m in plan.meetings if m.slot is not None and m.table is not None
    }
    per_page = TABLE_PLAN_COLUMNS * TABLE_PLAN_ROWS
    tables = list(range(1, plan.event.tables + 1))
    chunks = [tables[i : i + per_page] for i in range(0, len(tables), per_page)]
    pages = []
    for index, slot in enumerate(plan.event.slots):
        for part, chunk in enumerate(chunks, 1):
            more = f"（{part}/{len(chunks)}）" if len(chunks) > 1 else ""
            cells = "".join(_table_cell(t, at.get((index, t)), names) for t in chunk)
            pages.append(
                f'<section class="page table-plan"><div class="slot-head">'
                f"<h1>{_e(plan.event.name)} 桌位图</h1>"
                f'<span class="muted">{_e(event_line(plan))}</span>'
                f'<h2 class="nowrap">第{index + 1}轮 {_e(slot.label())}{more}</h2></div>'
                f'<div class="grid">{cells}</div></section>'
            )
    css = _TABLE_PLAN_CSS % {"columns": TABLE_PLAN_COLUMNS}
    return printable(f"{plan.event.name} 桌位图", "".join(pages), "landscape", css)


_CARD_CSS = """
@page{size:A4 portrait;margin:0}
.sheet{width:210mm;height:296mm;overflow:hidden;break-after:page;page-break-after:always;
background:#fff;margin:0 auto}
.sheet:last-child{break-after:auto;page-break-after:auto}
.card{height:148mm;padding:10mm 14mm;display:flex;flex-direction:column;
justify-content:center;align-items:center;text-align:center;overflow:hidden}
.card+.card{border-top:1px dashed #777}
.big{font-size:44pt;font-weight:bold;line-height:1.15;overflow-wrap:anywhere}
.name{font-size:30pt;font-weight:bold;line-height:1.2;overflow-wrap:anywhere;max-width:180mm}
.sub{font-size:13pt;color:#444;margin-top:3mm}
.card table{width:auto;margin-top:5mm;font-size:10pt}.card td,.card th{padding:.15em .5em}
.card .qr{margin-top:5mm}.card .qr .code{font-size:10pt}
@media screen{.sheet{margin:1em auto;box-shadow:0 1px 4px #999}}
"""


def _sheets(cards: list[str]) -> str:
    """Cards two to an A4 sheet, a dashed cut line between them."""
    pairs = [cards[i : i + 2] for i in range(0, len(cards), 2)]
    return "".join(f'<div class="sheet">{"".join(pair)}</div>' for pair in pairs)


def table_cards_html(plan: EventPlan) -> str:
    """One card per table (its number, its host if any, its meetings), two per A4 sheet."""
    names = {p.id: p.name for p in plan.participants}
    hosts = {p.table: p.name for p in plan.participants if p.host and p.table}
    by_table: dict[int, list[Meeting]] = defaultdict(list)
    for m in _ordered(plan):
        if m.table is not None and m.slot is not None:
            by_table[m.table].append(m)
    cards = []
    for table in range(1, plan.event.tables + 1):
        host = f'<div class="sub">{_e(hosts[table])}</div>' if table in hosts else ""
        rows = "".join(
            f'<tr><td class="nowrap">{_e(_slot_label(plan, m))}</td>'
            f"<td>{_e(names[m.a])} ↔ {_e(names[m.b])}</td></tr>"
            for m in by_table[table]
        )
        schedule = f"<table>{rows}</table>" if rows else ""
        cards.append(
            f'<div class="card table-card"><div class="big">{table}号桌</div>{host}'
            f'<div class="sub">{_e(plan.event.name)}</div>{schedule}</div>'
        )
    return printable(f"{plan.event.name} 桌卡", _sheets(cards), css=_CARD_CSS)


def name_cards_html(plan: EventPlan, checkin: CheckIn | None = None) -> str:
    """One name card per participant (name, organisation, kind and role, check-in QR code),
    two per A4 sheet."""
    cards = []
    for p in plan.participants:
        organisation = (
            f'<div class="sub">{_e(p.organisation)}</div>'
            if p.organisation and p.organisation != p.name
            else ""
        )
        kind = f"{PARTICIPANT_KIND_LABELS[p.kind]} · {ROLE_LABELS[p.role]}"
        table = f" · {p.table}号桌" if p.host and p.table else ""
        cards.append(
            f'<div class="card name-card"><div class="name">{_e(p.name)}</div>{organisation}'
            f'<div class="sub">{_e(kind + table)}</div>'
            f'<div class="sub">{_e(plan.event.name)}</div>'
            f"{_qr_block(checkin, p.id, 'qr')}</div>"
        )
    return printable(f"{plan.event.name} 席卡", _sheets(cards), css=_CARD_CSS)
