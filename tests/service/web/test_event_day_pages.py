"""The event day pages over HTTP (SQLite): check-in by typed code and by name, the QR URL
opened by logged-in staff, absent marking, 补排空档 proposed then confirmed, meeting marks,
the venue board, the panel on the event page, staff only."""

from __future__ import annotations

import re

from matcher.events.qr import checkin_code
from service.event_day import checkin_secret
from tests.service.test_events_api import INDUSTRY, published

BEFORE = "2026-12-03T08:00:00"


def get(service, who: str | None, url: str):
    headers = service.browser(who) if who else {}
    return service.client.get(url, headers=headers, follow_redirects=False)


def post(service, url: str, data: dict):
    return service.client.post(url, headers=service.browser("organiser"), data=data,
                               follow_redirects=False)  # fmt: skip


def code(service, event_id: str, pid: str) -> str:
    return checkin_code(checkin_secret(service.state.settings.data_dir), event_id, pid)


def test_checkin_page_by_code_name_and_qr_url(sqlite_service):
    service = sqlite_service
    published(service, "EV-wc", INDUSTRY)
    page = get(service, "organiser", "/events/EV-wc/checkin")
    assert page.status_code == 200 and "已签到 <strong>0</strong> / 应到 6" in page.text
    assert '<script src="/events-day/checkin.js"' in page.text
    done = post(service, "/events/EV-wc/checkin", {"code": code(service, "EV-wc", "E1")})
    assert done.status_code == 200 and "已签到：" in done.text
    assert "已签到 <strong>1</strong>" in done.text
    again = post(service, "/events/EV-wc/checkin", {"code": code(service, "EV-wc", "E1")})
    assert "此前已签到" in again.text
    wrong = post(service, "/events/EV-wc/checkin", {"code": "0" * 12})
    assert wrong.status_code == 404 and "不属于" in wrong.text
    by_name = post(service, "/events/EV-wc/checkin", {"participant_id": "E3"})
    assert "已签到 <strong>2</strong>" in by_name.text
    opened = get(service, "organiser", f"/events/EV-wc/checkin?code={code(service, 'EV-wc', 'E4')}")
    assert opened.status_code == 200 and "已签到 <strong>3</strong>" in opened.text
    assert set(service.state.events.load("EV-wc").checked_in) == {"E1", "E3", "E4"}
    assert get(service, "e1", "/events/EV-wc/checkin").status_code == 403
    assert get(service, None, "/events/EV-wc/checkin").status_code in (303, 401)
    assert 'href="/events/EV-wc/checkin"' in get(service, "organiser", "/events/EV-wc").text
    script = service.client.get("/events-day/checkin.js")
    assert script.status_code == 200 and "BarcodeDetector" in script.text
    assert service.client.get("/events-day/other.js").status_code == 404


def test_absent_then_repair_and_marks(sqlite_service):
    service = sqlite_service
    detail = published(service, "EV-wr", INDUSTRY)
    counts = {p["id"]: sum(p["id"] in (m["a"], m["b"]) for m in detail["meetings"])
              for p in detail["participants"]}  # fmt: skip
    gone = max(counts, key=counts.get)
    for pid in counts:
        if pid != gone:
            post(service, "/events/EV-wr/checkin", {"participant_id": pid})
    unmet = next(m for m in service.state.events.load("EV-wr").meetings
                 if gone not in (m.a, m.b))  # fmt: skip

    def forget(stored):  # a candidate pair the pairing left out
        stored.meetings = [m for m in stored.meetings if m.key != unmet.key]
        return "测试：去掉一场会谈"

    service.state.event_change("EV-wr", forget, None)
    marked = post(service, "/events/EV-wr/day/absent", {"participant_id": gone, "now": BEFORE})
    assert marked.status_code == 303
    day = get(service, "organiser", f"/events/EV-wr/day?now={BEFORE}")
    assert day.status_code == 200 and "未到" in day.text
    shown = get(service, "organiser", f"/events/EV-wr/day?propose=1&now={BEFORE}").text
    version = re.search(r'name="version" value="(\d+)"', shown)
    before = len(service.state.events.load("EV-wr").meetings)
    assert "确认补排" in shown
    done = post(service, "/events/EV-wr/day/repair",
                {"version": version[1], "from_slot": "0", "now": BEFORE})  # fmt: skip
    assert done.status_code == 303
    added = service.state.events.load("EV-wr").meetings[before:]
    assert unmet.key in {m.key for m in added} and all(m.origin == "day" for m in added)
    stale = post(service, "/events/EV-wr/day/repair", {"version": "1", "from_slot": "0"})
    assert stale.status_code == 409
    plan = service.state.events.load("EV-wr")
    kept = next(m for m in plan.meetings if m.status == "planned")
    held = post(service, "/events/EV-wr/day/mark",
                {"a": kept.a, "b": kept.b, "status": "held", "version": str(plan.version)})  # fmt: skip
    assert held.status_code == 303
    assert next(m for m in service.state.events.load("EV-wr").meetings
                if m.key == kept.key).status == "held"  # fmt: skip


def test_board_shows_current_and_next_slot_and_refreshes(sqlite_service):
    service = sqlite_service
    published(service, "EV-wb", INDUSTRY)
    page = get(service, "organiser", "/events/EV-wb/board?now=2026-12-03T09:05:00")
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="30">' in page.text
    assert "当前时段 09:00" in page.text and "下一时段" in page.text and "号桌" in page.text
    over = get(service, "organiser", "/events/EV-wb/board?now=2026-12-03T23:00:00")
    assert "今日会谈已全部结束" in over.text
    assert get(service, "organiser", "/events/EV-wb/board?now=later").status_code == 422
    assert get(service, "e1", "/events/EV-wb/board").status_code == 403
