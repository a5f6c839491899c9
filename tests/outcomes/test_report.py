"""Reports: per-event rows, and the chart, workbook and page open with the expected content."""

from __future__ import annotations

import base64
import re
from datetime import date

from openpyxl import load_workbook

from matcher.outcomes.report import build_report, report_html, write_report
from tests.outcomes.world import finance_outcomes, meeting_outcomes, plans
from tests.small_world import ENTERPRISES, PRODUCTS

FIRMS = {e.id: e for e in ENTERPRISES}
BANKS = {p.id: p for p in PRODUCTS}


def report(**filters):
    return build_report(meeting_outcomes(), finance_outcomes(), plans(), FIRMS, BANKS, **filters)


def test_events_one_by_one_and_the_financing_lines():
    r = report(start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert [(e.event_id, e.funnel.meetings_planned, e.funnel.signed) for e in r.events] == [
        ("EV1", 3, 1), ("EV2", 2, 0),
    ]  # fmt: skip
    assert [(f.enterprise, f.bank, f.product, f.event) for f in r.finance] == [
        ("青岛海鑫新能源科技有限公司", "青岛银行", "专精特新贷", "政金企对接会"),
        ("青岛蓝湾食品有限公司", "青岛农商银行", "首贷通", "政金企对接会"),
    ]
    assert r.funnel.finance_recommended == len(r.finance)


def test_files_open(tmp_path):
    written = write_report(report(), tmp_path / "out")
    assert [p.name for p in written] == ["funnel.png", "report.xlsx", "report.html"]
    png = (tmp_path / "out" / "funnel.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000

    book = load_workbook(tmp_path / "out" / "report.xlsx")
    assert book.sheetnames == ["漏斗", "活动明细", "融资"]
    funnel_rows = {row[0]: row[1] for row in book["漏斗"].iter_rows(values_only=True) if row[0]}
    assert funnel_rows["签约（项）"] == 2 and funnel_rows["获批金额（万元）"] == 380
    assert funnel_rows["小结"].startswith("全部：组织3场对接活动，4家企业参加")
    assert len(book["漏斗"]._images) == 1
    events = list(book["活动明细"].iter_rows(values_only=True))
    assert events[0][:2] == ("活动编号", "活动名称") and len(events) == 4
    assert len(list(book["融资"].iter_rows(values_only=True))) == 5

    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "跟踪问效报告" in page and "人工智能产业链对接会" in page
    embedded = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert embedded and base64.b64decode(embedded.group(1)) == png


def test_html_escapes_names():
    r = report(event="EV1")
    r.events[0].name = "<script>x</script>"
    page = report_html(r, b"png")
    assert "<script>x" not in page and "&lt;script&gt;" in page
