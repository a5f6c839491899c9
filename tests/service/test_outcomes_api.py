"""跟踪问效 over the API, on SQLite and PostgreSQL: recording keeps every change as history,
the overdue list, exact funnel numbers on a hand-built set, the follow-up sheet round trip,
role checks and the exports (XLSX, PNG, printable HTML).

The hand-built set is the outcomes of `tests/outcomes/world.py` (events EV1–EV3 in 2025),
recorded through the API once per module; other tests use event EVX (2026), so the 2025
figures stay exact.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from matcher.outcomes.fields import stored
from matcher.outcomes.followup_xlsx import FOLLOWUP_HEADER, ID_COLUMN
from tests.outcomes.world import BNS, UPC, UQD, finance_outcomes, meeting_outcomes, plans

EVX = "EVX"
ID_AT = FOLLOWUP_HEADER.index(ID_COLUMN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _evx():
    plan = plans()[0].model_copy(deep=True)
    plan.event.id, plan.event.name, plan.event.date = EVX, "2026年智能装备对接会", date(2026, 10, 9)
    return plan


@pytest.fixture(scope="module")
def hand_built(service):
    """The world's events and EVX saved, and the world's outcomes recorded by the organiser."""
    for plan in [*plans(), _evx()]:
        service.state.events.save(plan)
    for o in meeting_outcomes():
        body = {"a": o.a, "b": o.b, "attendance": o.attendance, "stage": o.stage,
                "signed_amount": o.signed_amount, "next_follow_up": stored(o.next_follow_up)}  # fmt: skip
        response = service.request("organiser", "PUT", f"/api/events/{o.event_id}/meetings/outcome",
                                   json=body)  # fmt: skip
        assert response.status_code == 200, response.text
    for f in finance_outcomes():
        body = {"enterprise": f.enterprise_id, "product": f.product_id, "status": f.status,
                "amount": f.amount, "first_loan": f.first_loan, "event": f.event_id,
                "next_follow_up": stored(f.next_follow_up)}  # fmt: skip
        response = service.request("organiser", "POST", "/api/finance-outcomes", json=body)
        assert response.status_code == 200, response.text
    return service


def put(service, who, event_id, **body):
    return service.request(who, "PUT", f"/api/events/{event_id}/meetings/outcome", json=body)


def history(service, who, outcome_id):
    return service.request(who, "GET", f"/api/outcomes/{outcome_id}/history")


def test_record_returns_the_changes_and_history_keeps_every_change(hand_built):
    service = hand_built
    first = put(service, "organiser", EVX, a=UQD, b="E4", attendance="已举行", stage="intent",
                notes="对方有兴趣")  # fmt: skip
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["outcome"]["id"] == f"{EVX}|E4|{UQD}"  # the plan's order, whichever was sent
    assert [(c["field"], c["old"], c["new"], c["who"]) for c in body["changes"]] == [
        ("attendance", None, "held", "organiser"),
        ("stage", "none", "intent", "organiser"),
        ("notes", "", "对方有兴趣", "organiser"),
    ]
    assert (
        body["changes"][1]["field_label"] == "进展阶段" and body["changes"][1]["new_text"] == "意向"
    )
    second = put(service, "admin", EVX, a="E4", b=UQD, stage="洽谈推进", signed_amount=None)
    assert [(c["field"], c["old"], c["new"]) for c in second.json()["changes"]] == [
        ("stage", "intent", "negotiating")
    ]
    shown = history(service, "organiser", f"{EVX}|E4|{UQD}").json()
    assert shown["kind"] == "meeting" and shown["outcome"]["stage"] == "negotiating"
    assert [(c["who"], c["field"], c["old"], c["new"]) for c in shown["changes"]] == [
        ("organiser", "attendance", None, "held"),
        ("organiser", "stage", "none", "intent"),
        ("organiser", "notes", "", "对方有兴趣"),
        ("admin", "stage", "intent", "negotiating"),
    ]
    audit = service.request("admin", "GET", "/api/audit").json()
    assert any(e["kind"] == "outcome" and f"{EVX}|E4|{UQD}" in e["detail"] for e in audit)


def test_bad_input_is_a_chinese_error_and_saves_nothing(hand_built):
    service = hand_built
    before = history(service, "organiser", f"EV1|E1|{UPC}").json()["changes"]
    bad = put(service, "organiser", "EV1", a="E1", b=UPC, stage="成交了", signed_amount=-5)
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_error" and "未保存任何更改" in bad.json()["message"]
    assert {d["field"] for d in bad.json()["details"]} == {"stage", "signed_amount"}
    assert history(service, "organiser", f"EV1|E1|{UPC}").json()["changes"] == before
    not_met = put(service, "organiser", "EV1", a="E1", b="E2", stage="intent")
    assert not_met.status_code == 422 and "没有 E1 与 E2 的会谈" in not_met.json()["message"]
    unknown = put(service, "organiser", "EV404", a="E1", b=UPC, stage="intent")
    assert unknown.status_code == 404 and "EV404" in unknown.json()["message"]
    empty = put(service, "organiser", "EV1", a="E1", b=UPC)
    assert empty.status_code == 422 and "没有要记录的内容" in empty.json()["message"]
    typo = put(service, "organiser", "EV1", a="E1", b=UPC, stag="intent")
    assert typo.status_code == 422 and typo.json()["details"][0]["field"] == "stag"
    assert history(service, "organiser", "EV1|E9|E8").status_code == 404
    finance = service.request("organiser", "POST", "/api/finance-outcomes",
                              json={"enterprise_id": "E1", "product_id": "F9"})  # fmt: skip
    assert finance.status_code == 404 and "F9" in finance.json()["message"]


def test_roles(hand_built):
    service = hand_built
    meeting = f"EV1|E1|{UPC}"
    assert put(service, "e1", "EV1", a="E1", b=UPC, stage="signed").status_code == 403
    assert put(service, None, "EV1", a="E1", b=UPC, stage="signed").status_code == 401
    assert history(service, "e2", meeting).status_code == 403  # another enterprise's meeting
    assert history(service, "e1", meeting).status_code == 200  # its own
    assert history(service, "university", f"EV1|E4|{UQD}").status_code == 200  # 青岛大学 met E4
    assert history(service, "bank", "E2|F2").status_code == 403  # 青岛农商银行's product
    assert history(service, "bank", "E1|F1").status_code == 200  # 青岛银行's own product
    own = service.request("bank", "POST", "/api/finance-outcomes",
                          json={"enterprise": "E4", "product": "F1", "status": "applied"})  # fmt: skip
    assert own.status_code == 200 and own.json()["changes"][0]["who"] == "bank"
    other = service.request("bank", "POST", "/api/finance-outcomes",
                            json={"enterprise": "E4", "product": "F2", "status": "applied"})  # fmt: skip
    assert other.status_code == 403 and "青岛农商银行" in other.json()["message"]
    firm = service.request("e1", "POST", "/api/finance-outcomes",
                           json={"enterprise": "E1", "product": "F3", "status": "approved"})  # fmt: skip
    assert firm.status_code == 403
    for url in ("/api/outcomes/overdue", "/api/reports/funnel", "/api/reports/funnel.xlsx",
                f"/api/events/{EVX}/followup.xlsx"):  # fmt: skip
        response = service.request("e1", "GET", url)
        assert response.status_code == 403 and response.json()["code"] == "forbidden", url


def test_overdue_list_content_and_order(hand_built):
    response = hand_built.request("organiser", "GET", "/api/outcomes/overdue?date=2025-07-01")
    body = response.json()
    assert body["date"] == "2025-07-01" and body["count"] == 4
    assert [(i["outcome_id"], i["due"], i["days_overdue"]) for i in body["items"]] == [
        ("E1|F3", "2025-03-01", 122),
        ("EV1|E3|E4", "2025-05-01", 61),
        (f"EV1|E4|{UQD}", "2025-06-01", 30),
        (f"EV2|E2|{BNS}", "2025-06-15", 16),
    ]  # EV1|E1|UPC is signed: closed although its date passed
    first, second = body["items"][0], body["items"][1]
    assert first["contacts"] == ["企业 青岛海鑫新能源科技有限公司", "银行 齐鲁银行（白名单快贷）"]
    assert second["state"] == "已举行，意向" and second["owner"] == "organiser"
    assert second["event_name"] == "智能装备产业链对接会"
    bad = hand_built.request("organiser", "GET", "/api/outcomes/overdue?date=2025-02-30")
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "date"


def test_funnel_numbers_are_exact_on_the_hand_built_set(hand_built):
    def funnel(query: str) -> dict:
        response = hand_built.request("organiser", "GET", f"/api/reports/funnel?{query}")
        assert response.status_code == 200, response.text
        return response.json()

    half = funnel("from=2025-01-01&to=2025-06-30")
    f = half["funnel"]
    assert (f["events"], f["participants"], f["meetings_planned"], f["meetings_held"]) == (
        2,
        4,
        5,
        4,
    )
    assert (f["intents"], f["intent_enterprises"], f["negotiating"], f["signed"]) == (4, 3, 1, 1)
    assert (f["signed_amount"], f["finance_recommended"], f["finance_approved"]) == (120, 2, 2)
    assert (f["finance_amount"], f["first_loans"]) == (380, 1)
    assert f["summary"] == (
        "2025年上半年：组织2场对接活动，4家企业参加；签约1个，正在推进1个，达成意向3家，"
        "签约金额120万元；融资对接2笔，获批2笔共380万元，其中首贷1笔"
    )
    assert [e["event_id"] for e in half["events"]] == ["EV1", "EV2"]
    one = funnel("event=EV1")["funnel"]
    assert (one["label"], one["meetings_planned"], one["signed"], one["signed_amount"]) == (
        "智能装备产业链对接会", 3, 1, 120,
    )  # fmt: skip
    chain = funnel("chain=智能装备&district=黄岛区&from=2025-01-01&to=2025-12-31")["funnel"]
    assert chain["label"] == "2025年·智能装备产业链·黄岛"
    assert (chain["participants"], chain["meetings_planned"], chain["intents"]) == (2, 4, 4)
    errors = {
        "chain=火星": (422, "chain"),
        "district=青岛": (422, "district"),
        "from=2025-06-01&to=2025-01-01": (422, "to"),
        "event=EV404": (404, None),
    }
    for query, (status, field) in errors.items():
        response = hand_built.request("organiser", "GET", f"/api/reports/funnel?{query}")
        assert response.status_code == status, query
        if field:
            assert response.json()["details"][0]["field"] == field


def test_report_exports_open_and_are_audited(hand_built):
    query = "from=2025-01-01&to=2025-06-30"
    book = hand_built.request("organiser", "GET", f"/api/reports/funnel.xlsx?{query}")
    assert book.status_code == 200 and book.headers["content-type"] == XLSX
    sheets = load_workbook(io.BytesIO(book.content))
    assert sheets.sheetnames == ["漏斗", "活动明细", "融资"]
    assert sheets["漏斗"]["B2"].value == 2 and "签约1个" in sheets["漏斗"]["B21"].value
    png = hand_built.request("organiser", "GET", f"/api/reports/funnel.png?{query}")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and png.headers["content-type"] == "image/png"
    page = hand_built.request("organiser", "GET", f"/api/reports/funnel.html?{query}")
    assert page.headers["content-type"].startswith("text/html")
    assert (
        "对接活动跟踪问效报告：2025年上半年" in page.text and "data:image/png;base64," in page.text
    )
    assert "attachment" in page.headers["content-disposition"]
    assert hand_built.request("organiser", "GET", "/api/reports/funnel.pdf").status_code == 422
    audit = hand_built.request("admin", "GET", "/api/audit?limit=20").json()
    exports = [e["detail"] for e in audit if e["action"] == "export" and e["kind"] == "report"]
    assert {d.split("：")[0] for d in exports} >= {"xlsx", "png", "html"}


def _upload(service, event_id: str, book: Workbook, name: str = "跟踪表.xlsx"):
    data = io.BytesIO()
    book.save(data)
    files = {"file": (name, data.getvalue(), XLSX)}
    return service.request("organiser", "POST", f"/api/events/{event_id}/followup", files=files)


def test_followup_sheet_round_trip_through_the_api(hand_built):
    service = hand_built
    sheet = service.request("organiser", "GET", f"/api/events/{EVX}/followup.xlsx")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(sheet.content))
    rows = {row[ID_AT].value: row for row in book.active.iter_rows(min_row=2)}
    assert set(rows) == {f"{EVX}|E1|{UPC}", f"{EVX}|E4|{UQD}", f"{EVX}|E3|E4"}
    target = rows[f"{EVX}|E3|E4"]
    target[5].value, target[6].value, target[7].value = "已举行", "签约", "88万"
    response = _upload(service, EVX, book)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["updated"] == 1
    assert [(c["field"], c["new"]) for c in body["changes"]] == [
        ("attendance", "held"), ("stage", "signed"), ("signed_amount", "88"),
    ]  # fmt: skip
    again = service.request("organiser", "GET", f"/api/events/{EVX}/followup.xlsx")
    filled = {
        r[ID_AT].value: r
        for r in load_workbook(io.BytesIO(again.content)).active.iter_rows(min_row=2)
    }
    assert (filled[f"{EVX}|E3|E4"][6].value, filled[f"{EVX}|E3|E4"][7].value) == ("签约", 88)
    assert _upload(service, EVX, load_workbook(io.BytesIO(again.content))).json()["updated"] == 0
    audit = service.request("admin", "GET", "/api/audit?limit=50").json()
    actions = {(e["action"], e["record_id"]) for e in audit if e["kind"] == "outcome"}
    assert {("export", EVX), ("import", EVX)} <= actions


def test_a_bad_row_applies_nothing(hand_built):
    service = hand_built
    sheet = service.request("organiser", "GET", f"/api/events/{EVX}/followup.xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    good, bad = list(book.active.iter_rows(min_row=2))[:2]
    good[8].value = "这一行是好的"
    bad[6].value, bad[9].value = "快签了", "明天"
    before = service.state.outcomes.history()
    response = _upload(service, EVX, book, name="回访.xlsx")
    assert response.status_code == 422
    details = response.json()["details"]
    assert {(d["file"], d["row"], d["field"]) for d in details} == {
        ("回访.xlsx", 3, "进展阶段"), ("回访.xlsx", 3, "下次跟进日期"),
    }  # fmt: skip
    assert "「快签了」不是有效的进展阶段" in response.json()["message"]
    assert service.state.outcomes.history() == before
    other = Workbook()
    other.active.append(["结果编号", "进展阶段"])
    other.active.append([f"EV1|E1|{UPC}", "签约"])
    wrong_event = _upload(service, EVX, other)
    assert wrong_event.status_code == 422 and "不属于活动「EVX」" in wrong_event.json()["message"]
    text = service.request("organiser", "POST", f"/api/events/{EVX}/followup",
                           files={"file": ("notes.txt", b"hello", "text/plain")})  # fmt: skip
    assert text.status_code == 422 and "请上传 .xlsx 跟踪表" in text.json()["message"]
    assert service.state.outcomes.history() == before
