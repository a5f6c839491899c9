"""Docking events through the API on the small world: setup, pairing, adjustments that survive
regeneration, publishing, participants' own agendas, exports, and Chinese 4xx errors."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from icalendar import Calendar
from openpyxl import Workbook, load_workbook

SHIDA, QINGDA, NONGDA = "U:中国石油大学（华东）", "U:青岛大学", "U:青岛农业大学"
INDUSTRY = [
    {"kind": "enterprise", "ref": "E1", "role": "demand"},
    {"kind": "enterprise", "ref": "E3"},
    {"kind": "enterprise", "ref": "E4"},
    {"kind": "university", "ref": "中国石油大学（华东）"},
    {"kind": "university", "ref": "青岛大学"},
    {"kind": "university", "ref": "青岛农业大学"},
]
FINANCE = [
    {"kind": "enterprise", "ref": "E1"},
    {"kind": "enterprise", "ref": "E2", "role": "demand"},
    {"kind": "bank", "ref": "青岛银行"},
    {"kind": "bank", "ref": "青岛农商银行"},
]


def create(service, event_id: str, participants: list[dict] | None = None, **setup) -> dict:
    body = {"id": event_id, "name": "智能装备产业链对接会", "date": "2026-12-03", "slots": 4,
            "tables": 3, "venue": "青岛国际会议中心", **setup}  # fmt: skip
    response = service.request("organiser", "POST", "/api/events", json=body)
    assert response.status_code == 201, response.text
    if participants:
        added = service.request(
            "organiser", "POST", f"/api/events/{event_id}/participants",
            json={"participants": participants},
        )  # fmt: skip
        assert added.status_code == 200, added.text
    return response.json()


def post(service, path: str, who: str = "organiser", **kwargs):
    return service.request(who, "POST", path, **kwargs)


def pairs(detail: dict) -> dict[frozenset, dict]:
    return {frozenset((m["a"], m["b"])): m for m in detail["meetings"]}


def published(service, event_id: str, participants: list[dict], **setup) -> dict:
    create(service, event_id, participants, **setup)
    assert post(service, f"/api/events/{event_id}/regenerate?wait=true").status_code == 200
    response = post(service, f"/api/events/{event_id}/publish")
    assert response.status_code == 200 and response.json()["published"]
    return response.json()


def error(response, status: int, *fragments: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert not body["message"].isascii()
    for fragment in fragments:
        assert fragment in body["message"], body["message"]
    return body


def test_flow_locked_meetings_stay_and_removed_pairs_never_come_back(service):
    created = create(service, "EV-flow", INDUSTRY)
    assert [s["label"] for s in created["event"]["slots"]][:2] == ["09:00–09:20", "09:25–09:45"]

    paired = post(service, "/api/events/EV-flow/pair?wait=true").json()
    found = pairs(paired)
    assert {frozenset(("E1", SHIDA)), frozenset(("E4", QINGDA)), frozenset(("E3", "E4"))} <= set(
        found
    )
    top = found[frozenset(("E1", SHIDA))]
    assert top["a_name"] == "青岛海鑫新能源科技有限公司" and top["demand_side"] > 0.5
    assert any("共同关键词" in reason for reason in top["reasons"])
    assert paired["objective"] == pytest.approx(sum(m["score"] for m in paired["meetings"]), 1e-3)
    shortfall = {s["participant"]: s for s in paired["shortfalls"]}
    assert "没有相互匹配" in shortfall[NONGDA]["reason"]
    assert all(m["slot"] is None for m in paired["meetings"])

    scheduled = post(service, "/api/events/EV-flow/schedule?wait=true").json()
    assert not scheduled["unplaced"]
    assert all(m["slot"] is not None and 1 <= m["table"] <= 3 for m in scheduled["meetings"])
    place = {k: (m["slot"], m["table"]) for k, m in pairs(scheduled).items()}

    body = {"a": SHIDA, "b": "E1"}  # either order
    assert post(service, "/api/events/EV-flow/meetings/lock", json=body).status_code == 200
    removed = post(service, "/api/events/EV-flow/meetings/remove", json={"a": "E3", "b": "E4"})
    assert frozenset(("E3", "E4")) not in pairs(removed.json())
    assert removed.json()["removed"] == [["E3", "E4"]]
    must = post(service, "/api/events/EV-flow/meetings/must-meet", json={"a": "E1", "b": NONGDA})
    assert must.status_code == 200

    regenerated = post(service, "/api/events/EV-flow/regenerate?wait=true").json()
    after = pairs(regenerated)
    kept = after[frozenset(("E1", SHIDA))]
    assert kept["locked"] and (kept["slot"], kept["table"]) == place[frozenset(("E1", SHIDA))]
    assert frozenset(("E3", "E4")) not in after
    assert "组织方指定必见" in after[frozenset(("E1", NONGDA))]["reasons"]
    assert not regenerated["unplaced"]
    again = post(service, "/api/events/EV-flow/regenerate?wait=true").json()  # still stable
    assert frozenset(("E3", "E4")) not in pairs(again)
    assert (pairs(again)[frozenset(("E1", SHIDA))]["slot"], kept["table"]) == (
        kept["slot"], kept["table"],
    )  # fmt: skip

    stored = service.request("admin", "GET", "/api/events/EV-flow").json()
    assert stored == again and not stored["published"]
    assert post(service, "/api/events/EV-flow/meetings/unlock", json=body).status_code == 200
    actions = [(e["action"], e["kind"], e["record_id"]) for e in
               service.request("admin", "GET", "/api/audit?limit=20").json()]  # fmt: skip
    assert ("update", "event", "EV-flow") in actions and ("create", "event", "EV-flow") in actions


def test_participants_see_only_their_own_agenda_and_only_after_publishing(service):
    create(service, "EV-own", INDUSTRY)
    post(service, "/api/events/EV-own/regenerate?wait=true")
    error(service.request("e1", "GET", "/api/events/EV-own/my-agenda"), 403, "尚未发布")
    assert service.request("e1", "GET", "/api/events").json() == []
    post(service, "/api/events/EV-own/publish")

    agenda = service.request("e1", "GET", "/api/events/EV-own/my-agenda")
    assert agenda.status_code == 200
    mine = agenda.json()
    assert mine["participant"] == "E1" and mine["event"]["published"]
    assert [m["with_id"] for m in mine["meetings"]] == [SHIDA]
    assert mine["meetings"][0]["time"] and mine["meetings"][0]["table"]
    assert [e["id"] for e in service.request("e1", "GET", "/api/events").json()] == ["EV-own"]
    ics = service.request("university", "GET", f"/api/events/EV-own/agenda/{quote(QINGDA)}.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")

    error(service.request("e1", "GET", "/api/events/EV-own/agenda/E3.html"), 403, "只能查看本单位")
    error(service.request("e2", "GET", "/api/events/EV-own/my-agenda"), 403, "未参加")
    error(service.request("e2", "GET", "/api/events/EV-own/agenda/E2.ics"), 403, "未参加")
    error(service.request("organiser", "GET", "/api/events/EV-own/my-agenda"), 403, "不是参会方")
    error(service.request("e1", "GET", "/api/events/EV-own"), 403)
    error(service.request("e1", "POST", "/api/events/EV-own/regenerate"), 403)
    error(service.request("university", "GET", "/api/events/EV-own/export/pairing.csv"), 403)
    error(service.request(None, "GET", "/api/events/EV-own/my-agenda"), 401)
    error(service.request("admin", "GET", "/api/events/EV-own/agenda/E404.html"), 404, "E404")

    post(service, "/api/events/EV-own/publish", json={"published": False})
    error(service.request("e1", "GET", "/api/events/EV-own/my-agenda.ics"), 403, "尚未发布")


def test_bank_sees_its_finance_agenda(sqlite_service):
    detail = published(
        sqlite_service, "EV-fin", FINANCE, kind="finance", name="政金企对接会", slots=3, tables=2
    )
    found = pairs(detail)
    assert frozenset(("E2", "B:青岛农商银行")) in found  # 首贷通 fits the small E2
    assert frozenset(("E2", "B:青岛银行")) not in found  # E2 is not 专精特新
    response = sqlite_service.request("bank", "GET", "/api/events/EV-fin/my-agenda.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries and all("青岛海鑫新能源科技有限公司" in s for s in summaries)
    error(sqlite_service.request("university", "GET", "/api/events/EV-fin/my-agenda"), 403)


def test_exports_open_and_are_audited(sqlite_service):
    service = sqlite_service
    published(service, "EV-exp", INDUSTRY)
    base = "/api/events/EV-exp"
    xlsx = service.request("organiser", "GET", f"{base}/export/pairing.xlsx")
    assert xlsx.headers["content-disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["配对清单", "桌位图", "席卡"]
    assert book["配对清单"]["D1"].value == "需求方" and book["配对清单"].max_row == 4

    text = service.request("organiser", "GET", f"{base}/export/pairing.csv").content
    assert text.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "时段", "桌号"] and len(rows) == 4
    cards = service.request("organiser", "GET", f"{base}/export/name-cards.csv").content
    assert "青岛农业大学" in cards.decode("utf-8-sig")
    for name, heading in (("table-plan.html", "桌位图"), ("agendas.html", "的会谈日程")):
        page = service.request("organiser", "GET", f"{base}/export/{name}")
        assert page.headers["content-type"].startswith("text/html")
        assert heading in page.text and "智能装备产业链对接会" in page.text

    ics = service.request("e1", "GET", f"{base}/my-agenda.ics")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == 1
    start = events[0].decoded("DTSTART")
    assert (start.year, start.month, start.day) == (2026, 12, 3)
    assert start.utcoffset().total_seconds() == 8 * 3600
    assert "中国石油大学（华东）" in str(events[0]["SUMMARY"])
    page = service.request("e1", "GET", f"{base}/agenda/E1.html")
    assert "青岛海鑫新能源科技有限公司 的会谈日程" in page.text and "青岛瑞视" not in page.text

    exports = [e["detail"] for e in service.request("admin", "GET", "/api/audit?limit=30").json()
               if e["action"] == "export" and e["record_id"] == "EV-exp"]  # fmt: skip
    assert {"pairing.xlsx", "pairing.csv", "name-cards.csv", "table-plan.html", "agendas.html",
            "日程 E1.ics", "日程 E1.html"} <= set(exports)  # fmt: skip


def _upload(service, event_id: str, name: str, content: bytes):
    files = {"file": (name, content)}
    return post(service, f"/api/events/{event_id}/participants/upload", files=files)


def test_participant_files_add_everyone_or_list_every_bad_row(sqlite_service):
    service = sqlite_service
    create(service, "EV-file")
    bad = "类型,编号或名称,角色,最多会谈,可参加时段\n企业,E1,需求方,3,1;2\n企业,E404,,,\n高校,火星大学,,,\n"
    body = error(_upload(service, "EV-file", "参会方.csv", bad.encode()), 422, "2 行错误")
    assert [(d["file"], d["row"]) for d in body["details"]] == [
        ("参会方.csv", 3),
        ("参会方.csv", 4),
    ]
    assert "E404" in body["details"][0]["reason"]
    assert service.request("admin", "GET", "/api/events/EV-file").json()["participants"] == []

    book = Workbook()
    book.active.append(["类型", "编号或名称", "角色", "最多会谈", "可参加时段"])
    book.active.append(["企业", "E1", "需求方", 3, "1;2"])
    book.active.append(["高校", "青岛大学", "供给方", 4, None])
    data = io.BytesIO()
    book.save(data)
    added = _upload(service, "EV-file", "participants.xlsx", data.getvalue())
    assert added.status_code == 200, added.text
    e1 = next(p for p in added.json()["participants"] if p["id"] == "E1")
    assert (e1["max_meetings"], e1["availability"], e1["role"]) == (3, [0, 1], "demand")
    assert added.json()["total"] == 2

    with_ids = "类型,编号或名称,id\n企业,E1,E9\n"  # ids come from the kind and reference
    again = _upload(service, "EV-file", "x.csv", with_ids.encode())
    assert again.status_code == 200 and again.json()["total"] == 2
    error(_upload(service, "EV-file", "x.pdf", b"%PDF"), 422, "不支持的文件格式")
    late = "类型,编号或名称,可参加时段\n企业,E3,9\n"
    error(_upload(service, "EV-file", "late.csv", late.encode()), 422, "超出活动的 4 个时段")


def test_by_chain_adds_the_chains_enterprises_and_universities(sqlite_service):
    create(sqlite_service, "EV-chain", [{"kind": "enterprise", "ref": "E1", "max_meetings": 2}],
           chain="智能装备")  # fmt: skip
    added = post(sqlite_service, "/api/events/EV-chain/participants", json={"by_chain": 10})
    assert {p["id"] for p in added.json()["participants"]} == {"E4", SHIDA}
    detail = sqlite_service.request("admin", "GET", "/api/events/EV-chain").json()
    assert next(p for p in detail["participants"] if p["id"] == "E1")["max_meetings"] == 2
    again = post(sqlite_service, "/api/events/EV-chain/participants", json={"by_chain": 10})
    error(again, 400, "没有可添加的新参会方")


def test_bad_inputs_are_chinese_4xx(sqlite_service):
    service = sqlite_service

    def check(method: str, path: str, status: int, *fragments: str, **kwargs) -> dict:
        return error(service.request("organiser", method, path, **kwargs), status, *fragments)

    check("GET", "/api/events/EV404", 404, "找不到对接活动「EV404」")
    check("POST", "/api/events/EV404/pair", 404, "EV404")
    create(service, "EV-bad")
    again = {"id": "EV-bad", "name": "重复", "date": "2026-12-03"}
    check("POST", "/api/events", 409, "已存在", json=again)
    check("POST", "/api/events/EV-bad/pair", 409, "还没有参会方")
    check("POST", "/api/events/EV-bad/schedule", 409, "请先运行配对")
    check("POST", "/api/events/EV-bad/publish", 409, "请先生成配对与日程")
    day = {"name": "夜场", "date": "2026-12-03"}
    body = check("POST", "/api/events", 422, json={**day, "chain": "火星"})
    assert "未知的产业链「火星」" in body["details"][0]["reason"]
    check("POST", "/api/events", 422, "应为时间", json={**day, "start": "9点"})
    check("POST", "/api/events", 422, "次日 02:15", json={**day, "start": "23:00"})
    check("POST", "/api/events", 422, "tables", json={**day, "tables": 0})

    check("POST", "/api/events/EV-bad/participants", 422, "participants", json={})
    unknown = {"kind": "enterprise", "ref": "E99"}
    late = {"kind": "university", "ref": "青岛大学", "availability": [7]}
    url = "/api/events/EV-bad/participants"
    body = check("POST", url, 422, "E99", json={"participants": [unknown, late]})
    assert [d["field"] for d in body["details"]] == ["participants.0"]
    check("POST", url, 422, "超出活动的 4 个时段", json={"participants": [late]})

    create(service, "EV-bad2", INDUSTRY)
    meetings = "/api/events/EV-bad2/meetings"
    body = check("POST", f"{meetings}/must-meet", 422, "E404", json={"a": "E1", "b": "E404"})
    assert body["details"][0]["field"] == "b"
    check("POST", f"{meetings}/lock", 404, "没有 E1 与 E3 的会谈", json={"a": "E1", "b": "E3"})
    check("POST", f"{meetings}/lock", 422, "同一个参会方", json={"a": "E1", "b": "E1"})
    check("POST", f"{meetings}/explode", 422, json={"a": "E1", "b": "E3"})
    check("GET", "/api/events/EV-bad2/export/secrets.txt", 422)
    headers = {"Content-Type": "application/json"}
    check("POST", "/api/events/EV-bad2/publish", 422, "JSON", content=b"{", headers=headers)
    assert service.request("admin", "DELETE", "/api/events/EV-bad2").status_code == 204
    check("DELETE", "/api/events/EV-bad2", 404)
