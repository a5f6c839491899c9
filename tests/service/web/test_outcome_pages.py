"""跟踪问效 pages: the inline outcome form (htmx), history, 待跟进, the funnel report with its
chart and exports, the follow-up upload with row errors; and, in a real browser, an organiser
recording an outcome and seeing the funnel move."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.outcomes.world import UPC, UQD, plans
from tests.service.web.conftest import screenshot

HTMX = {"HX-Request": "true"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def site(sqlite_service):
    for plan in plans():
        sqlite_service.state.events.save(plan)
    return sqlite_service


def get(service, who, url, **headers):
    cookie = service.browser(who)
    return service.client.get(url, headers={**cookie, **headers}, follow_redirects=False)


def post(service, who, url, headers=None, **kwargs):
    cookie = service.browser(who)
    return service.client.post(
        url, headers={**cookie, **(headers or {})}, follow_redirects=False, **kwargs
    )


def _cells(html: str, row_class: str = "outcome-row") -> list[list[str]]:
    rows = re.findall(rf'<tr id="[^"]+" class="{row_class}">(.*?)</tr>', html, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in rows]  # fmt: skip


def test_the_event_table_records_inline_and_keeps_history(site):
    page = get(site, "organiser", "/events/EV1/outcomes")
    assert page.status_code == 200 and "跟踪问效" in page.text and "下载跟踪表" in page.text
    assert [row[2:6] for row in _cells(page.text)] == [
        ["青岛海鑫新能源科技有限公司", "中国石油大学（华东）", "未记录", "—"],
        ["青岛海工精密机械有限公司", "青岛大学", "未记录", "—"],
        ["青岛瑞视智能科技有限公司", "青岛海工精密机械有限公司", "未记录", "—"],
    ]
    query = urlencode({"a": "E1", "b": UPC, "edit": 1})
    form = get(site, "organiser", f"/events/EV1/outcomes/row?{query}", **HTMX)
    assert 'class="outcome-edit"' in form.text and 'name="stage"' in form.text
    fields = {"a": "E1", "b": UPC, "attendance": "held", "stage": "intent", "signed_amount": "",
              "notes": "对方要样品", "next_follow_up": "2025-04-01"}  # fmt: skip
    saved = post(site, "organiser", "/events/EV1/outcomes/row", data=fields, headers=HTMX)
    assert saved.status_code == 200
    [row] = _cells(saved.text)
    assert row[4:9] == ["已举行", "意向", "—", "2025-04-01", "对方要样品"]
    assert "已保存：4 项变更" in saved.text
    fields["stage"] = "signed"
    fields["signed_amount"] = "60"
    post(site, "organiser", "/events/EV1/outcomes/row", data=fields, headers=HTMX)
    history = get(site, "organiser", "/outcomes/history?" + urlencode({"id": f"EV1|E1|{UPC}"}))
    assert history.status_code == 200
    entries = _history_rows(history.text)
    assert [(e[1], e[2], e[3], e[4]) for e in entries] == [
        ("organiser", "到场情况", "—", "已举行"),
        ("organiser", "进展阶段", "无进展", "意向"),
        ("organiser", "备注", "—", "对方要样品"),
        ("organiser", "下次跟进日期", "—", "2025-04-01"),
        ("organiser", "进展阶段", "意向", "签约"),
        ("organiser", "签约金额（万元）", "—", "60"),
    ]


def _history_rows(html: str) -> list[list[str]]:
    body = html.split('<table class="records history">')[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in rows]  # fmt: skip


def test_a_bad_value_shows_the_form_with_the_reason_and_saves_nothing(site):
    before = site.state.outcomes.history()
    fields = {"a": "E4", "b": UQD, "attendance": "held", "stage": "intent",
              "signed_amount": "很多", "notes": "", "next_follow_up": ""}  # fmt: skip
    refused = post(site, "organiser", "/events/EV1/outcomes/row", data=fields, headers=HTMX)
    assert refused.status_code == 422
    assert 'class="outcome-edit"' in refused.text and "「很多」不是有效的金额" in refused.text
    assert 'value="很多"' in refused.text  # what was typed stays in the form
    assert site.state.outcomes.history() == before
    unknown = post(site, "organiser", "/events/EV1/outcomes/row", data={**fields, "b": "E2"})
    assert unknown.status_code == 404 and "没有 E4 与 E2 的会谈" in unknown.text


def test_overdue_page_lists_open_follow_ups_oldest_first(site):
    site.state.outcomes.record_meetings(
        [(f"EV1|E4|{UQD}", {"stage": "intent", "next_follow_up": "2025-05-01"}),
         ("EV2|E2|B:青岛农商银行", {"attendance": "no_show", "next_follow_up": "2025-03-01"}),
         ("EV1|E3|E4", {"stage": "signed", "next_follow_up": "2025-02-01"})],
        "李四",
    )  # fmt: skip
    page = get(site, "organiser", "/outcomes/overdue?date=2025-06-01")
    assert page.status_code == 200 and "待跟进" in page.text
    body = page.text.split('<table class="records overdue">')[1]
    rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]]  # fmt: skip
    assert [(r[0], r[1], r[5]) for r in rows] == [
        ("2025-03-01", "92", "李四"),
        ("2025-05-01", "31", "李四"),
    ]
    assert "需求方 青岛蓝湾食品有限公司；供给方 青岛农商银行" in page.text
    bad = get(site, "organiser", "/outcomes/overdue?date=明天")
    assert bad.status_code == 422 and "不是有效的日期" in bad.text


def test_funnel_page_has_summary_chart_numbers_and_exports(site):
    page = get(site, "organiser", "/reports/funnel?event=EV1")
    assert page.status_code == 200
    summary = re.search(
        r'<p class="funnel-summary" id="funnel-summary">(.*?)</p>', page.text
    ).group(1)
    assert summary.startswith("智能装备产业链对接会：组织1场对接活动，3家企业参加")
    assert 'href="/api/reports/funnel.xlsx?event=EV1"' in page.text
    assert 'href="/api/reports/funnel.html?event=EV1"' in page.text
    assert '<option value="EV1" selected>' in page.text
    chart = get(site, "organiser", "/reports/funnel/chart.png?event=EV1")
    assert chart.status_code == 200 and chart.content[:4] == b"\x89PNG"
    book = get(site, "organiser", "/api/reports/funnel.xlsx?event=EV1")
    assert load_workbook(io.BytesIO(book.content)).sheetnames == ["漏斗", "活动明细", "融资"]
    printable = get(site, "organiser", "/api/reports/funnel.html?event=EV1")
    assert "对接活动跟踪问效报告：智能装备产业链对接会" in printable.text
    bad = get(site, "organiser", "/reports/funnel?chain=火星")
    assert bad.status_code == 422 and "未知的产业链「火星」" in bad.text


def test_follow_up_upload_shows_row_errors_and_applies_nothing(site):
    sheet = get(site, "organiser", "/api/events/EV3/followup.xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    book.active["F2"], book.active["H2"] = "到了", "-3"
    data = io.BytesIO()
    book.save(data)
    files = {"file": ("回访.xlsx", data.getvalue(), XLSX)}
    refused = post(site, "organiser", "/events/EV3/followup", files=files, headers=HTMX)
    assert refused.status_code == 422 and "导入失败：回访.xlsx" in refused.text
    problems = re.findall(r'<td data-label="字段">(.*?)</td>', refused.text)
    assert problems == ["到场情况", "签约金额（万元）"]
    assert site.state.outcomes.meeting_outcomes("EV3") == {}
    book.active["F2"], book.active["G2"], book.active["H2"] = "已举行", "签约", "35"
    data = io.BytesIO()
    book.save(data)
    files = {"file": ("回访.xlsx", data.getvalue(), XLSX)}
    done = post(site, "organiser", "/events/EV3/followup", files=files, headers=HTMX)
    assert done.status_code == 200 and "更新 1 场会谈的结果，共 3 项变更" in done.text
    assert site.state.outcomes.meeting_outcomes("EV3")[f"EV3|E3|{UQD}"].signed_amount == 35


def test_only_staff_open_the_pages_and_the_nav_links_them(site):
    home = get(site, "organiser", "/outcomes")
    assert 'href="/outcomes">跟踪问效</a>' in home.text and "智能装备产业链对接会" in home.text
    for url in ("/outcomes", "/events/EV1/outcomes", "/outcomes/overdue", "/reports/funnel"):
        page = get(site, "e1", url)
        assert page.status_code == 403 and "无权访问" in page.text, url
    site.state.outcomes.record_meetings([("EV2|E1|B:青岛银行", {"stage": "intent"})], "张三")
    url = "/outcomes/history?" + urlencode({"id": "EV2|E1|B:青岛银行"})
    own = get(site, "e1", url)
    assert own.status_code == 200 and "青岛银行" in own.text  # E1's own meeting
    assert get(site, "bank", url).status_code == 200  # the bank met E1 there
    assert get(site, "e2", url).status_code == 403


@pytest.mark.slow
def test_organiser_records_an_outcome_and_sees_the_funnel_update(login, web):
    for plan in plans():
        web.state.events.save(plan)
    page = login("organiser")
    page.goto("/reports/funnel?event=EV3")
    signed = page.locator("#funnel-table tr", has_text="签约（项）").locator("td.n")
    expect(signed).to_have_text("0")
    page.get_by_role("link", name="人工智能产业链对接会").first.click()
    expect(page.get_by_role("heading", name="人工智能产业链对接会")).to_be_visible()
    page.get_by_role("button", name=re.compile("记录 青岛瑞视智能科技有限公司")).click()
    form = page.locator("form.outcome-form")
    form.get_by_label("到场情况").select_option("held")
    form.get_by_label("进展阶段").select_option("signed")
    form.get_by_label("签约金额（万元）").fill("50")
    form.get_by_label("下次跟进日期").fill("2025-10-15")
    screenshot(page, "outcome-inline-form")
    form.get_by_role("button", name="保存").click()
    row = page.locator("tr.outcome-row", has_text="青岛瑞视智能科技有限公司")
    expect(row.locator("td.stage")).to_have_text("签约")
    expect(row.locator(".saved-notice")).to_have_text("已保存：4 项变更")
    screenshot(page, "outcome-event-table")
    row.get_by_role("link", name="历史").click()
    expect(page.locator("table.history tbody tr")).to_have_count(4)
    screenshot(page, "outcome-history")
    page.go_back()
    page.get_by_role("link", name="本场漏斗").click()
    expect(signed).to_have_text("1")
    expect(page.locator("#funnel-summary")).to_contain_text("签约1个")
    expect(page.locator("#funnel-summary")).to_contain_text("签约金额50万元")
    page.wait_for_function(  # the chart (PNG) loads and has pixels
        "() => { const img = document.querySelector('img.chart');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    screenshot(page, "outcome-funnel-report")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "outcome-funnel-report-phone")
    web.state.outcomes.record_meetings(
        [
            (
                f"EV1|E4|{UQD}",
                {"attendance": "held", "stage": "intent", "next_follow_up": "2025-05-01"},
            )
        ],
        "李四",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/outcomes/overdue?date=2025-12-01")
    overdue = page.locator("table.overdue tbody tr")  # EV3's meeting is signed: closed
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("需求方 青岛海工精密机械有限公司；供给方 青岛大学")
    screenshot(page, "outcome-overdue")
