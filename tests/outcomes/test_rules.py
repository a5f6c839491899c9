"""Outcome rules in the library: a no-show is never signed, amounts need 签约 / 已获批, a move
back through the funnel needs 更正, a stale sheet row is a conflict; refused updates change
nothing."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from matcher.errors import IngestError
from matcher.events.model import Meeting, Participant
from matcher.events.store import load_plan, save_plan
from matcher.outcomes.followup_xlsx import import_followup, write_followup_template
from matcher.outcomes.model import meeting_outcome_id
from matcher.outcomes.store import (
    OutcomeError,
    history,
    load_meeting_outcomes,
    record_finance_outcome,
    record_meeting_outcome,
)
from tests.outcomes.world import KEY, T1, T2


def _refused(ws, key, changes) -> list[tuple[str, str]]:
    before = (load_meeting_outcomes(ws), history(ws))
    with pytest.raises(OutcomeError) as caught:
        record_meeting_outcome(ws, key, changes, "张三", T2)
    assert (load_meeting_outcomes(ws), history(ws)) == before
    return [(p.field, p.reason) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"attendance": "未到场", "stage": "签约", "signed_amount": 30}, "进展阶段",
         "会谈未到场，进展阶段不能为「签约」"),
        ({"attendance": "cancelled", "stage": "signed"}, "进展阶段", "会谈已取消"),
        ({"attendance": "no_show", "signed_amount": "30万"}, "签约金额（万元）",
         "进展阶段为「无进展」时不能填写签约金额"),
        ({"stage": "intent", "signed_amount": 30}, "签约金额（万元）", "请清空签约金额"),
    ],
)  # fmt: skip
def test_impossible_meeting_outcomes_are_refused(ws, changes, field, reason):
    [(got_field, got_reason)] = _refused(ws, KEY, changes)
    assert got_field == field and reason in got_reason


def test_a_signed_meeting_marked_no_show_later_is_refused(ws):
    record_meeting_outcome(ws, KEY, {"attendance": "held", "stage": "signed",
                                     "signed_amount": 30}, "张三", T1)  # fmt: skip
    assert _refused(ws, KEY, {"attendance": "no_show"}) == [
        ("到场情况", "会谈未到场，进展阶段不能为「签约」")
    ]
    assert _refused(ws, KEY, {"stage": "negotiating", "signed_amount": 30, "correction": 1}) == [
        ("签约金额（万元）", "进展阶段为「洽谈推进」时不能填写签约金额：签约金额只属于「签约」，"
         "请清空签约金额或把进展阶段改为「签约」"),
    ]  # fmt: skip
    done = record_meeting_outcome(ws, KEY, {"stage": "negotiating", "correction": "是"}, "张三",
                                  T2)  # fmt: skip
    assert (done.stage, done.signed_amount) == ("negotiating", None)
    assert [(c.field, c.correction) for c in history(ws, KEY)][-2:] == [
        ("stage", True), ("signed_amount", True),
    ]  # fmt: skip
    assert _refused(ws, KEY, {"correction": "也许"}) == [("更正", "「也许」应填 是 或 否")]


def test_an_outcome_stored_before_the_rules_still_takes_notes(ws):
    record_meeting_outcome(ws, KEY, {"attendance": "held", "stage": "signed",
                                     "signed_amount": 30}, "张三", T1)  # fmt: skip
    path = ws.root / "outcomes" / "meetings.jsonl"
    path.write_text(path.read_text("utf-8").replace('"held"', '"no_show"'), "utf-8")
    done = record_meeting_outcome(ws, KEY, {"notes": "补记"}, "张三", T2)
    assert (done.attendance, done.stage, done.notes) == ("no_show", "signed", "补记")


def test_financing_amount_needs_approval(ws):
    with pytest.raises(OutcomeError, match="融资状态为「已申请」时不能填写获批金额"):
        record_finance_outcome(ws, "E1|F1", {"status": "applied", "amount": 100}, "王五", T1)
    done = record_finance_outcome(ws, "E1|F1", {"status": "已获批", "amount": 100}, "王五", T1)
    assert (done.status, done.amount) == ("approved", 100)


def _sheet(ws, path):
    write_followup_template(load_plan(ws, "EV1"), load_meeting_outcomes(ws), path)
    return path


def _set(path, row: int, **cells: object) -> None:
    book = load_workbook(path)
    columns = {cell.value: cell.column for cell in book.active[1]}
    for header, value in cells.items():
        book.active.cell(row=row, column=columns[header]).value = value
    book.save(path)


def test_a_stale_sheet_never_turns_signed_back_into_intent(ws, tmp_path):
    record_meeting_outcome(ws, KEY, {"attendance": "held", "stage": "intent"}, "张三", T1)
    old = _sheet(ws, tmp_path / "旧表.xlsx")  # KEY at version 1, prefilled 意向
    record_meeting_outcome(ws, KEY, {"stage": "signed", "signed_amount": 80}, "李四", T2)
    _set(old, 4, 备注="另一场会谈")
    _set(old, 2, 备注="回访")  # the stale row: its 意向 is still in the sheet
    stored = (load_meeting_outcomes(ws), history(ws))
    with pytest.raises(IngestError) as caught:
        import_followup(ws, old, "王五", T2)
    assert [(p.file, p.row, p.field) for p in caught.value.problems] == [(str(old), 2, "版本")]
    assert "已被" in caught.value.problems[0].reason
    assert (load_meeting_outcomes(ws), history(ws)) == stored
    assert load_meeting_outcomes(ws)[KEY].stage == "signed"


def test_a_sheet_moves_back_only_with_更正(ws, tmp_path):
    record_meeting_outcome(ws, KEY, {"attendance": "held", "stage": "signed",
                                     "signed_amount": 80}, "张三", T1)  # fmt: skip
    path = _sheet(ws, tmp_path / "跟踪表.xlsx")
    _set(path, 2, 进展阶段="意向", **{"签约金额（万元）": None})  # blank: "unchanged"
    with pytest.raises(IngestError) as caught:
        import_followup(ws, path, "王五", T2)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "进展阶段")]
    assert "如确为更正" in caught.value.problems[0].reason
    _set(path, 2, 更正="是")
    import_followup(ws, path, "王五", T2)
    assert (load_meeting_outcomes(ws)[KEY].stage, load_meeting_outcomes(ws)[KEY].signed_amount) == (
        "intent", None,
    )  # fmt: skip
    assert [(c.field, c.correction) for c in history(ws, KEY) if c.at == T2] == [
        ("stage", True), ("signed_amount", True),
    ]  # fmt: skip


def test_participant_ids_with_a_bar_resolve_to_their_meeting(ws):
    plan = load_plan(ws, "EV1")
    odd = Participant(id="U:大学|分校", kind="university", ref="大学|分校", name="大学|分校",
                      role="supply")  # fmt: skip
    plan.participants.append(odd)
    plan.meetings.append(Meeting(a="E1", b=odd.id, score=0.4, slot=2, table=1))
    save_plan(ws, plan)
    key = meeting_outcome_id("EV1", "E1", odd.id)
    done = record_meeting_outcome(ws, key, {"attendance": "held"}, "张三", T1)
    assert (done.id, done.a, done.b) == (key, "E1", "U:大学|分校")
    again = record_meeting_outcome(ws, f"EV1|{odd.id}|E1", {"notes": "反序"}, "张三", T2)
    assert again.id == key and again.notes == "反序"
