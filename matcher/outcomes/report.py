"""Funnel reports: the whole selection, one row per event, the financing matches; a bar chart
(PNG), an XLSX workbook (漏斗, 活动明细, 融资) and a printable Chinese HTML page.

The chart is drawn in the project's own CJK font (`matcher.fonts`), so it reads on a machine
without any Chinese system font; a glyph still missing shows as matplotlib's warning."""

from __future__ import annotations

import base64
import html
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font
from pydantic import BaseModel

from matcher.atomic import atomic_path, write_text_atomic
from matcher.cells import append_row
from matcher.events.model import EventPlan
from matcher.events.store import list_plans, load_plan
from matcher.fonts import use_cjk_font
from matcher.outcomes.funnel import (
    Filters,
    Funnel,
    as_list,
    finance_counted,
    funnel,
    known_filters,
    selected_plans,
)
from matcher.outcomes.model import FINANCE_STATUS_LABELS, FinanceOutcome, MeetingOutcome
from matcher.outcomes.store import load_finance_outcomes, load_meeting_outcomes
from matcher.printing import printable
from matcher.types import Enterprise, FinanceProduct
from matcher.workspace import Workspace

EVENT_HEADER = [
    "活动编号", "活动名称", "日期", "产业链", "参会企业", "计划会谈", "已举行", "达成意向",
    "正在推进", "签约", "签约金额（万元）",
]  # fmt: skip
FINANCE_HEADER = [
    "企业", "银行", "产品", "状态", "获批金额（万元）", "首贷", "活动", "下次跟进日期", "备注",
]  # fmt: skip


class EventLine(BaseModel):
    """One event's funnel."""

    event_id: str
    name: str
    date: date
    chain: str | None
    funnel: Funnel


class FinanceLine(BaseModel):
    """One financing match with the names people read."""

    outcome: FinanceOutcome
    enterprise: str
    bank: str
    product: str
    event: str


class Report(BaseModel):
    """The funnel of a selection, its events one by one, and its financing matches."""

    funnel: Funnel
    events: list[EventLine]
    finance: list[FinanceLine]


def build_report(
    meeting_outcomes: Iterable[MeetingOutcome] | Mapping[str, MeetingOutcome],
    finance_outcomes: Iterable[FinanceOutcome] | Mapping[str, FinanceOutcome],
    plans: Iterable[EventPlan],
    enterprises: Mapping[str, Enterprise],
    products: Mapping[str, FinanceProduct],
    *,
    event: str | None = None,
    chain: str | None = None,
    district: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Report:
    """The report of one selection, filtered as `funnel` is."""
    meetings, finance, plans = as_list(meeting_outcomes), as_list(finance_outcomes), list(plans)
    filters = Filters(event, chain, district, start, end)
    total = funnel(
        meetings, finance, plans, enterprises,
        event=event, chain=chain, district=district, start=start, end=end,
    )  # fmt: skip
    per_event: dict[str, list[MeetingOutcome]] = defaultdict(list)
    for outcome in meetings:
        per_event[outcome.event_id].append(outcome)
    events = [
        EventLine(
            event_id=plan.event.id,
            name=plan.event.name,
            date=plan.event.date,
            chain=plan.event.chain,
            funnel=funnel(
                per_event.get(plan.event.id, []),
                [],
                [plan],
                enterprises,
                chain=chain,
                district=district,
                label=plan.event.name,
            ),
        )
        for plan in selected_plans(plans, enterprises, filters)
    ]
    by_event = {p.event.id: p for p in plans}
    lines = []
    for outcome in sorted(finance, key=lambda o: o.id):
        if not finance_counted(outcome, by_event, enterprises, filters):
            continue
        firm, product = enterprises.get(outcome.enterprise_id), products.get(outcome.product_id)
        plan = by_event.get(outcome.event_id or "")
        lines.append(
            FinanceLine(
                outcome=outcome,
                enterprise=firm.name if firm else outcome.enterprise_id,
                bank=product.bank if product else "",
                product=product.name if product else outcome.product_id,
                event=plan.event.name if plan else outcome.event_id or "",
            )
        )
    return Report(funnel=total, events=events, finance=lines)


def load_report(
    workspace: Workspace,
    *,
    event: str | None = None,
    chain: str | None = None,
    district: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Report:
    """The report of a workspace's events and outcomes (unknown event, chain, district refused)."""
    if event is not None:
        load_plan(workspace, event)
    chain, district = known_filters(chain, district)
    store = workspace.store
    return build_report(
        load_meeting_outcomes(workspace),
        load_finance_outcomes(workspace),
        list_plans(workspace),
        store.load("enterprise"),  # type: ignore[arg-type]
        store.load("finance_product"),  # type: ignore[arg-type]
        event=event,
        chain=chain,
        district=district,
        start=start,
        end=end,
    )


def funnel_chart(counts: Funnel, path: Path) -> None:
    """A horizontal bar chart of the meeting funnel (and of financing, when there is any)."""
    bars = [
        [("计划会谈", counts.meetings_planned), ("已举行", counts.meetings_held),
         ("达成意向", counts.intents), ("正在推进", counts.negotiating), ("签约", counts.signed)],
    ]  # fmt: skip
    if counts.finance_recommended:
        bars.append(
            [("融资推荐", counts.finance_recommended), ("已申请", counts.finance_applied),
             ("已获批", counts.finance_approved), ("首贷", counts.first_loans)]
        )  # fmt: skip
    style = {
        "font.family": "sans-serif",
        "font.sans-serif": [use_cjk_font(), "DejaVu Sans"],
        "axes.unicode_minus": False,
    }
    with rc_context(style):
        figure = Figure(figsize=(8, 2.2 + 1.6 * len(bars)), dpi=120)
        FigureCanvasAgg(figure)
        axes = figure.subplots(len(bars), 1, squeeze=False)[:, 0]
        for ax, series, title, colour in zip(
            axes, bars, ("会谈漏斗", "融资对接"), ("#3b6fb6", "#c0772e"), strict=False
        ):
            names = [name for name, _ in series][::-1]
            values = [value for _, value in series][::-1]
            ax.barh(names, values, color=colour)
            ax.set_title(title, loc="left", fontsize=11)
            top = max(values) or 1
            ax.set_xlim(0, top * 1.15)
            for y, value in enumerate(values):
                ax.text(value + top * 0.01, y, str(value), va="center", fontsize=9)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.spines[["top", "right"]].set_visible(False)
        figure.suptitle(f"跟踪问效：{counts.label}", fontsize=12)
        figure.tight_layout()
        with atomic_path(Path(path)) as tmp:
            figure.savefig(tmp, format="png")


def _event_row(line: EventLine) -> list[object]:
    f = line.funnel
    return [
        line.event_id, line.name, line.date.isoformat(), line.chain or "", f.participants,
        f.meetings_planned, f.meetings_held, f.intents, f.negotiating, f.signed, f.signed_amount,
    ]  # fmt: skip


def _finance_row(line: FinanceLine) -> list[object]:
    o = line.outcome
    return [
        line.enterprise, line.bank, line.product, FINANCE_STATUS_LABELS[o.status],
        o.amount if o.amount is not None else "", "是" if o.first_loan else "否", line.event,
        o.next_follow_up.isoformat() if o.next_follow_up else "", o.notes,
    ]  # fmt: skip


def write_report_xlsx(report: Report, path: Path, chart: Path | None = None) -> None:
    """Sheets 漏斗 (with the chart when given), 活动明细 and 融资; names, notes and the summary
    are text cells, never formulas."""
    book = Workbook()
    sheet = book.active
    sheet.title = "漏斗"
    sheet.append(["指标", "数值"])
    for name, value in report.funnel.rows():
        append_row(sheet, [name, value])
    sheet.append([])
    append_row(sheet, ["小结", report.funnel.summary])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 14
    if chart is not None:
        sheet.add_image(SheetImage(str(chart)), "D2")
    for title, header, rows in (
        ("活动明细", EVENT_HEADER, [_event_row(line) for line in report.events]),
        ("融资", FINANCE_HEADER, [_finance_row(line) for line in report.finance]),
    ):
        part = book.create_sheet(title)
        part.append(header)
        for row in rows:
            append_row(part, row)
    for part in book.worksheets:
        for cell in part[1]:
            cell.font = Font(bold=True)
    with atomic_path(Path(path)) as tmp:
        book.save(tmp)


_CSS = """
td.n{text-align:right}img{max-width:100%}.summary{font-size:1.05em;line-height:1.6}
.report table{margin-bottom:1em;font-size:9.5pt}.report tr{break-inside:avoid}
"""


def _table(header: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return f'<td class="n">{value:g}</td>' if number else f"<td>{html.escape(str(value))}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(header)}">暂无</td></tr>'
    return f"<table><tr>{head}</tr>{body}</table>"


def report_html(report: Report, chart_png: bytes) -> str:
    """A printable page: summary, chart (embedded), funnel, events, financing."""
    image = base64.b64encode(chart_png).decode("ascii")
    title = f"对接活动跟踪问效报告：{report.funnel.label}"
    body = (
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="summary">{html.escape(report.funnel.summary)}</p>'
        f'<img src="data:image/png;base64,{image}" alt="漏斗图">'
        f"<h2>漏斗</h2>{_table(['指标', '数值'], [list(r) for r in report.funnel.rows()])}"
        f"<h2>活动明细</h2>{_table(EVENT_HEADER, [_event_row(e) for e in report.events])}"
        f"<h2>融资</h2>{_table(FINANCE_HEADER, [_finance_row(f) for f in report.finance])}"
    )
    return printable(title, f'<section class="page report">{body}</section>', css=_CSS)


def write_report(report: Report, out_dir: Path) -> list[Path]:
    """funnel.png, report.xlsx and report.html in `out_dir`; returns the paths."""
    out_dir = Path(out_dir)
    chart, book, page = out_dir / "funnel.png", out_dir / "report.xlsx", out_dir / "report.html"
    funnel_chart(report.funnel, chart)
    write_report_xlsx(report, book, chart)
    write_text_atomic(page, report_html(report, chart.read_bytes()))
    return [chart, book, page]
