"""The printed materials as HTML: what each shows, to whom, and how it is paginated."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.printed import (
    CheckIn,
    agenda_html,
    agenda_reasons,
    name_cards_html,
    table_cards_html,
    table_plan_html,
)
from matcher.events.qr import checkin_code

SECRET = b"print-test-secret"


def checkin(event_id: str = "EV9") -> CheckIn:
    return CheckIn(
        "https://match.example.cn/checkin/EV9/", lambda pid: checkin_code(SECRET, event_id, pid)
    )


@pytest.fixture
def plan() -> EventPlan:
    event = Event(id="EV9", name="人工智能产业链对接会", date=date(2026, 12, 3), venue="青岛国际会议中心",
                  slots=make_slots(time(9), 20, 2, gap=5), tables=2)  # fmt: skip
    participants = [
        Participant(id="E1", kind="enterprise", ref="E1", name="<b>蓝湾&食品</b>", role="demand",
                    contact_name="王经理", phone="0532-8888", email="wang@lanwan.cn"),
        Participant(id="U:青大", kind="university", ref="青岛大学", name="青岛大学", role="supply",
                    contact_name="李老师", phone="13900000000", email="li@qdu.edu.cn", host=True, table=1),
    ]  # fmt: skip
    meetings = [
        Meeting(a="E1", b="U:青大", score=0.734, slot=0, table=1,
                reasons=["需求「视觉检测」↔ 科技成果「缺陷识别」", "双方意愿：需求方0.73，供给方0.74"]),
    ]  # fmt: skip
    return EventPlan(event=event, participants=participants, meetings=meetings)


def test_agenda_shows_reasons_not_raw_scores(plan):
    page = agenda_html(plan, "E1")
    assert "需求「视觉检测」↔ 科技成果「缺陷识别」" in page
    assert "0.73" not in page and "0.734" not in page and "双方意愿" not in page
    assert agenda_reasons(["文本匹配度0.31，弱相关：仅供参考"]) == ["文本匹配度，弱相关：仅供参考"]
    assert agenda_reasons(["匹配度0.82（匹配）"]) == ["匹配度：匹配"]


def test_contacts_only_when_allowed(plan):
    hidden = agenda_html(plan, "E1")
    assert "联系方式" not in hidden and "李老师" not in hidden and "13900000000" not in hidden
    shown = agenda_html(plan, "E1", contacts=True)
    assert "<th>联系方式</th>" in shown
    assert "李老师<br>13900000000<br>li@qdu.edu.cn" in shown
    # the counterpart's contact, never one's own
    assert "王经理" not in shown
    other = agenda_html(plan, "U:青大", contacts=True)
    assert "王经理" in other and "&lt;b&gt;蓝湾&amp;食品&lt;/b&gt;" in other


def test_agenda_qr_carries_the_checkin_url(plan):
    page = agenda_html(plan, "E1", checkin=checkin())
    code = checkin_code(SECRET, "EV9", "E1")
    assert page.count("<svg") == 1 and f"签到码 {code}" in page
    assert checkin().url("E1") == f"https://match.example.cn/checkin/EV9/{code}"
    assert "<svg" not in agenda_html(plan, "E1")  # no check-in: no code


def test_host_agenda_names_its_fixed_table(plan):
    assert "青岛大学 的会谈日程（固定在 1 号桌）" in agenda_html(plan, "U:青大")


def big_plan(tables: int) -> EventPlan:
    event = Event(id="EV7", name="大型对接会", date=date(2026, 12, 3),
                  slots=make_slots(time(9), 20, 3), tables=tables)  # fmt: skip
    people = [
        Participant(id=f"E{i}", kind="enterprise", ref=f"E{i}", name=f"青岛海鑫新能源科技有限公司{i}",
                    role="demand" if i % 2 else "supply")
        for i in range(2 * tables)
    ]  # fmt: skip
    meetings = [
        Meeting(a=f"E{2 * t + 1}", b=f"E{2 * t}", score=0.5, slot=s, table=t + 1)
        for s in range(3)
        for t in range(tables)
        if (s + t) % 4  # some tables stay empty in some slots
    ]
    return EventPlan(event=event, participants=people, meetings=meetings)


def test_table_plan_shows_every_table_one_page_per_slot():
    plan = big_plan(tables=24)
    page = table_plan_html(plan)
    assert "size:A4 landscape" in page
    sections = page.split('<section class="page table-plan">')[1:]
    assert len(sections) == 3  # 24 tables fit one page: one page per slot
    for section in sections:
        assert re.findall(r"(\d+)号桌", section) == [str(t) for t in range(1, 25)]
    assert "第1轮 09:00–09:20" in sections[0] and "空桌" in sections[0]


def test_table_plan_continues_on_a_second_page_past_thirty_tables():
    page = table_plan_html(big_plan(tables=40))
    sections = page.split('<section class="page table-plan">')[1:]
    assert len(sections) == 6
    assert "第2轮 09:20–09:40（2/2）" in sections[3]
    assert set(re.findall(r"(\d+)号桌", sections[2] + sections[3])) == {
        str(t) for t in range(1, 41)
    }


def test_cards_two_to_a_sheet_with_a_cut_line(plan):
    cards = table_cards_html(big_plan(tables=5))
    assert cards.count('class="sheet"') == 3 and cards.count('class="card table-card"') == 5
    assert "border-top:1px dashed" in cards
    names = name_cards_html(plan, checkin())
    assert names.count('class="sheet"') == 1 and names.count('class="card name-card"') == 2
    assert names.count("<svg") == 2
    assert f"签到码 {checkin_code(SECRET, 'EV9', 'U:青大')}" in names
    assert "&lt;b&gt;蓝湾&amp;食品&lt;/b&gt;" in names and "<b>蓝湾" not in names
    assert "高校院所 · 供给方 · 1号桌" in names  # the host's fixed table


def test_table_card_names_the_host(plan):
    cards = table_cards_html(plan)
    first = cards.split('class="card table-card"')[1]
    assert "1号桌" in first and "青岛大学" in first and "09:00–09:20" in first


def test_printed_pages_name_the_web_font(plan):
    for page in (
        agenda_html(plan),
        table_plan_html(plan),
        table_cards_html(plan),
        name_cards_html(plan),
    ):
        assert '@font-face{font-family:"Matcher CJK"' in page
        assert 'url("/static/fonts/noto-sans-cjk-sc.otf")' in page
