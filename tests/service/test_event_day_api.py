"""The event day through the API on SQLite and PostgreSQL: check-in by code (idempotent,
audited), meeting marks, a participant absent, re-pairing its freed places among those
checked in without moving anyone else's meetings, and the venue board."""

from __future__ import annotations

import os
import stat

from matcher.events.qr import checkin_code
from service.event_day import SECRET_FILE, checkin_qr, checkin_secret
from tests.service.test_events_api import INDUSTRY, error, post, published

BEFORE = "2026-12-03T08:00:00"


def code_of(service, event_id: str, participant_id: str) -> str:
    secret = checkin_secret(service.state.settings.data_dir)
    return checkin_code(secret, event_id, participant_id)


def test_secret_is_private_and_stable(sqlite_service):
    data_dir = sqlite_service.state.settings.data_dir
    first = checkin_secret(data_dir)
    assert checkin_secret(data_dir) == first and len(first) == 32
    assert stat.S_IMODE(os.stat(data_dir / SECRET_FILE).st_mode) == 0o600


def test_check_in_by_code_is_idempotent_and_audited(service):
    published(service, "EV-ci", INDUSTRY)
    code = code_of(service, "EV-ci", "E1")
    first = post(service, "/api/events/EV-ci/checkin", json={"code": code.upper()})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["participant_id"] == "E1" and body["newly"] and body["checked_in"] == 1
    assert body["expected"] == 6
    again = post(service, "/api/events/EV-ci/checkin", json={"code": code}).json()
    assert not again["newly"] and again["at"] == body["at"] and again["checked_in"] == 1
    error(post(service, "/api/events/EV-ci/checkin", json={"code": "0" * 12}), 404, "签到码")
    assert post(service, "/api/events/EV-ci/checkin", json={"code": "x"}).status_code == 422
    error(post(service, "/api/events/EV-ci/checkin", json={}), 422, "签到码")
    by_id = post(service, "/api/events/EV-ci/checkin", json={"participant_id": "E3"}).json()
    assert by_id["checked_in"] == 2
    assert service.request("e1", "POST", "/api/events/EV-ci/checkin",
                           json={"code": code}).status_code == 403  # fmt: skip
    audit = service.request("admin", "GET", "/api/audit?target_id=EV-ci").text
    assert "签到" in audit
    plan = service.state.events.load("EV-ci")
    svg = checkin_qr(service.state, plan, "E1")
    assert svg.startswith("<svg") and "</svg>" in svg


def test_absent_frees_places_and_repair_fills_them(service):
    detail = published(service, "EV-rp", INDUSTRY, slots=4, tables=3)
    meetings = detail["meetings"]
    busiest = max(
        (p["id"] for p in detail["participants"]),
        key=lambda pid: sum(pid in (m["a"], m["b"]) for m in meetings),
    )
    for participant in detail["participants"]:
        if participant["id"] != busiest:
            post(service, "/api/events/EV-rp/checkin", json={"participant_id": participant["id"]})
    absent = post(service, f"/api/events/EV-rp/day/absent?now={BEFORE}",
                  json={"participant_id": busiest})  # fmt: skip
    assert absent.status_code == 200, absent.text
    plan = service.state.events.load("EV-rp")
    unmet = next(m for m in plan.meetings if busiest not in (m.a, m.b))

    def forget(stored):  # a candidate pair the pairing left out
        stored.meetings = [m for m in stored.meetings if m.key != unmet.key]
        return "测试：去掉一场会谈"

    plan = service.state.event_change("EV-rp", forget, None)
    missed = [m for m in plan.meetings if busiest in (m.a, m.b)]
    assert missed and all(m.status == "no_show" and m.no_show == [busiest] for m in missed)
    before = {(m.a, m.b, m.slot, m.table, m.status) for m in plan.meetings}
    proposal = service.request("organiser", "GET", f"/api/events/EV-rp/day/repair?now={BEFORE}")
    assert proposal.status_code == 200, proposal.text
    shown = proposal.json()
    assert shown["from_slot"] == 0
    assert frozenset((unmet.a, unmet.b)) in {frozenset((m["a"], m["b"])) for m in shown["meetings"]}
    assert all(busiest not in (m["a"], m["b"]) for m in shown["meetings"])
    stale = post(service, "/api/events/EV-rp/day/repair", json={"from_slot": 0},
                 headers={"If-Match": f'"{shown["version"] - 1}"'})  # fmt: skip
    error(stale, 409)
    error(post(service, "/api/events/EV-rp/day/repair", json={"from_slot": 0}), 422, "版本")
    confirmed = post(service, "/api/events/EV-rp/day/repair", json={"from_slot": 0},
                     headers={"If-Match": f'"{shown["version"]}"'})  # fmt: skip
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["meetings"] == shown["meetings"]
    after = service.state.events.load("EV-rp")
    kept = {(m.a, m.b, m.slot, m.table, m.status) for m in after.meetings if m.origin != "day"}
    assert kept == before
    places = [(m.slot, m.table) for m in after.meetings if m.status == "planned"]
    assert len(places) == len(set(places))
    assert all(m.origin == "day" for m in after.meetings[len(plan.meetings) :])


def test_mark_and_board(service):
    detail = published(service, "EV-bd", INDUSTRY)
    first = min(detail["meetings"], key=lambda m: (m["slot"], m["table"]))
    marked = post(service, "/api/events/EV-bd/day/mark",
                  json={"a": first["a"], "b": first["b"], "status": "held"})  # fmt: skip
    assert marked.status_code == 200, marked.text
    error(post(service, "/api/events/EV-bd/day/mark",
               json={"a": first["a"], "b": first["b"], "status": "no_show", "absent": ["E9"]}),
          422, "缺席方")  # fmt: skip
    error(post(service, "/api/events/EV-bd/day/mark",
               json={"a": "E1", "b": "E9", "status": "held"}), 404)  # fmt: skip
    start = service.state.events.load("EV-bd").event.slots[first["slot"]].start
    at = f"2026-12-03T{start:%H:%M:%S}"
    board = service.request("organiser", "GET", f"/api/events/EV-bd/board?now={at}").json()
    assert board["current"]["index"] == first["slot"]
    assert board["current"]["meetings"][0]["status"] == "已举行"
    tables = [m["table"] for m in board["current"]["meetings"]]
    assert tables == sorted(tables)
    late = service.request("organiser", "GET", "/api/events/EV-bd/board?now=2026-12-04T09:00:00")
    assert late.json()["current"] is None
    assert service.request("e1", "GET", "/api/events/EV-bd/board").status_code == 403
