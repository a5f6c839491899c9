"""Every printed item in Chromium's print preview: served under its own CSP (its styles
apply), Chinese set in the project's web font, nothing wider than the A4 page, and a PDF and
a screenshot of each in test-output/print/."""

from __future__ import annotations

import re
from datetime import date, time

import httpx
import pytest
from openpyxl import load_workbook

from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.qr import checkin_code
from matcher.fonts import WEB_FONT_FAMILY, WEB_FONT_URL
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

OUT = REPO_ROOT / "test-output" / "print"
MM = 96 / 25.4  # CSS pixels per millimetre
PORTRAIT, LANDSCAPE = round((210 - 24) * MM), round((297 - 24) * MM)  # inside 12 mm margins
SHEET = round(210 * MM)  # cards: no page margin
TABLES = 26  # the old table plan cut off past 19
NAMES = [
    "青岛海鑫新能源科技有限公司", "青岛蓝湾食品有限公司", "青岛瑞视智能装备股份有限公司",
    "青岛市崂山区人工智能产业研究院", "中国石油大学（华东）", "青岛农商银行股份有限公司",
]  # fmt: skip


def event_plan() -> EventPlan:
    event = Event(id="EVPRINT", name="人工智能产业链对接会", date=date(2026, 12, 3),
                  venue="青岛国际会议中心", slots=make_slots(time(9), 20, 3, gap=5), tables=TABLES)  # fmt: skip
    people = [
        Participant(id=f"P{i}", kind="enterprise", ref=f"P{i}", name=f"{NAMES[i % 6]}{i}",
                    role="demand" if i < TABLES else "supply", contact_name="王经理",
                    phone="0532-88886666", email=f"contact{i}@example.cn")
        for i in range(2 * TABLES)
    ]  # fmt: skip
    meetings = [
        Meeting(a=f"P{t}", b=f"P{TABLES + (t + s) % TABLES}", score=0.734, slot=s, table=t + 1,
                reasons=["需求「工业视觉检测设备升级」↔ 科技成果「基于深度学习的表面缺陷识别」",
                         "双方意愿：需求方0.73，供给方0.74"])
        for s in range(3) for t in range(TABLES) if (s + t) % 7
    ]  # fmt: skip
    return EventPlan(event=event, participants=people, meetings=meetings)


@pytest.fixture(scope="module")
def printed_event(web) -> str:
    web.state.events.save(event_plan())
    return "EVPRINT"


CHECKS = """async () => {
  await document.fonts.ready;
  const faces = [];
  document.fonts.forEach(f => faces.push([f.family.replaceAll('"', ''), f.status]));
  const width = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => e.tagName + '.' + e.className);
  const probe = document.createElement('span');
  probe.textContent = '签到桌号会谈';
  probe.style.fontFamily = '"FAMILY"';
  probe.style.fontSize = '16px';
  document.body.append(probe);
  const cjk = probe.getBoundingClientRect().width;
  probe.style.fontFamily = 'monospace';
  const fallback = probe.getBoundingClientRect().width;
  probe.remove();
  return {faces, over, scroll: document.documentElement.scrollWidth, width,
          check: document.fonts.check('12px "FAMILY"', '签到'), cjk, fallback};
}""".replace("FAMILY", WEB_FONT_FAMILY)


def preview(page, path: str, name: str, width: int) -> dict:
    """Open `path` at the printed width in print media; save its PDF and screenshot."""
    OUT.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 1100})
    response = page.goto(path)
    assert response.ok, response.status
    assert "style-src 'sha256-" in response.headers["content-security-policy"]
    page.emulate_media(media="print")
    result = page.evaluate(CHECKS)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    page.pdf(
        path=str(OUT / f"{name}.pdf"), format="A4", prefer_css_page_size=True, print_background=True
    )
    result["pages"] = len(re.findall(rb"/Type\s*/Page[^s]", (OUT / f"{name}.pdf").read_bytes()))
    return result


def assert_print_ready(result: dict) -> None:
    assert [WEB_FONT_FAMILY, "loaded"] in result["faces"], result["faces"]
    assert result["check"]
    # 6 ideographs set in the CJK font at 16px: each exactly one em wide
    assert abs(result["cjk"] - 6 * 16) < 2, result
    assert result["scroll"] <= result["width"], result
    assert result["over"] == [], result["over"][:5]


def test_the_web_font_is_served(web):
    response = httpx.get(web.url + WEB_FONT_URL, timeout=120)  # cut out of the collection once
    assert response.status_code == 200 and response.headers["content-type"] == "font/otf"
    assert response.content[:4] == b"OTTO" and len(response.content) > 1_000_000


def test_agendas_print_on_a4_with_contacts(login, printed_event):
    page = login("organiser")
    result = preview(page, f"/api/events/{printed_event}/export/agendas.html", "agendas", PORTRAIT)
    assert_print_ready(result)
    assert result["pages"] == 2 * TABLES  # one A4 page per participant
    text = page.locator("section.agenda").first.inner_text()
    assert "联系方式" in text and "0532-88886666" in text and "0.73" not in text
    assert page.locator("section.agenda .qr svg").count() == 2 * TABLES


def test_qr_codes_carry_the_services_checkin_codes(login, web, printed_event):
    from service.event_day import checkin_secret

    secret = checkin_secret(web.state.settings.data_dir)
    page = login("organiser")
    page.goto(f"/api/events/{printed_event}/agenda/P3.html")
    assert (
        page.locator(".qr .code").inner_text()
        == f"签到码 {checkin_code(secret, printed_event, 'P3')}"
    )
    page.goto(f"/api/events/{printed_event}/export/name-cards.html")
    assert page.locator(".name-card .qr svg").count() == 2 * TABLES
    codes = page.locator(".name-card .qr .code").all_inner_texts()
    assert codes[5] == f"签到码 {checkin_code(secret, printed_event, 'P5')}"


def test_table_plan_prints_one_landscape_page_per_slot(login, printed_event):
    page = login("organiser")
    result = preview(
        page, f"/api/events/{printed_event}/export/table-plan.html", "table-plan", LANDSCAPE
    )
    assert_print_ready(result)
    assert result["pages"] == 3
    sections = page.locator("section.table-plan")
    for index in range(3):
        assert sections.nth(index).locator(".cell").count() == TABLES
    # names never wrap one character per line: every name line is many characters wide
    narrowest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.cell .who')].map(e => e.getBoundingClientRect().width))"
    )
    assert narrowest > 10 * 13, narrowest


def test_cards_print_two_up(login, printed_event):
    page = login("organiser")
    for name, count in (("table-cards", TABLES), ("name-cards", 2 * TABLES)):
        result = preview(page, f"/api/events/{printed_event}/export/{name}.html", name, SHEET)
        assert_print_ready(result)
        assert result["pages"] == count // 2, (name, result["pages"])


def test_funnel_report_prints_with_its_chart(login, web):
    page = login("organiser")
    OUT.mkdir(parents=True, exist_ok=True)
    report = page.request.get("/api/reports/funnel.html")  # a download: shown as served
    assert report.ok
    headers = {"content-type": "text/html; charset=utf-8",
               "content-security-policy": report.headers["content-security-policy"]}  # fmt: skip
    page.route(
        "**/preview/report.html", lambda route: route.fulfill(body=report.body(), headers=headers)
    )
    result = preview(page, "/preview/report.html", "funnel-report", PORTRAIT)
    assert_print_ready(result)
    assert page.locator("img[alt='漏斗图']").evaluate("i => i.naturalWidth") > 500
    assert "跟踪问效报告" in page.locator("h1").inner_text()


def test_participant_template_downloads_from_the_event_page(login, web, printed_event):
    page = login("organiser")
    page.goto(f"/events/{printed_event}")
    link = page.locator("#exports a", has_text="参会方模板")
    with page.expect_download() as download:
        link.click()
    saved = OUT / "participants-template.xlsx"
    download.value.save_as(saved)
    assert load_workbook(saved).sheetnames == ["参会方", "填写说明"]
    assert download.value.suggested_filename == "参会方模板.xlsx"


def test_my_agenda_shows_reasons_without_raw_scores():
    from service.schemas.events import AgendaPublic

    agenda = AgendaPublic.of(event_plan(), "P1")
    reasons = [reason for item in agenda.meetings for reason in item.reasons]
    assert reasons and all("双方意愿" not in r and "0.7" not in r for r in reasons)
