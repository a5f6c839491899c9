"""The outcome store: validated updates, one history entry per changed field, never overwritten."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.outcomes.store import (
    OutcomeError,
    history,
    load_finance_outcomes,
    load_meeting_outcomes,
    outcomes_dir,
    record_finance_outcome,
    record_meeting_outcome,
    record_meeting_outcomes,
)
from tests.outcomes.world import KEY, T1, T2, UPC, UQD


def test_two_changes_keep_two_history_entries_with_old_values(ws):
    record_meeting_outcome(ws, KEY, {"stage": "intent"}, "张三", T1)
    outcome = record_meeting_outcome(ws, KEY, {"stage": "negotiating"}, "李四", T2)
    assert outcome.stage == "negotiating"
    assert (outcome.updated_by, outcome.updated_at) == ("李四", T2)
    changes = history(ws, KEY)
    assert [(c.who, c.at, c.field, c.old, c.new) for c in changes] == [
        ("张三", T1, "stage", "none", "intent"),
        ("李四", T2, "stage", "intent", "negotiating"),
    ]
    assert not any(c.correction for c in changes)


def test_one_entry_per_changed_field_and_none_for_unchanged(ws):
    record_meeting_outcome(ws, KEY, {"attendance": "已举行", "stage": "意向", "notes": "有兴趣"},
                           "张三", T1)  # fmt: skip
    again = record_meeting_outcome(
        ws, KEY, {"attendance": "held", "stage": "签约", "signed_amount": "120万",
                  "next_follow_up": "2025年4月1日"}, "张三", T2,
    )  # fmt: skip
    assert (again.attendance, again.stage, again.signed_amount) == ("held", "signed", 120.0)
    assert again.next_follow_up == date(2025, 4, 1) and again.notes == "有兴趣"
    fields = [c.field for c in history(ws, KEY)]
    assert fields == ["attendance", "stage", "notes", "stage", "signed_amount", "next_follow_up"]
    assert history(ws, KEY)[-2].new == "120"


def test_a_move_back_down_the_funnel_is_refused_unless_marked_as_a_correction(ws):
    record_meeting_outcome(ws, KEY, {"stage": "signed"}, "张三", T1)
    with pytest.raises(OutcomeError) as caught:
        record_meeting_outcome(ws, KEY, {"stage": "intent"}, "张三", T2)
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        ("进展阶段", "进展阶段不能从「签约」改回「意向」：如确为更正，请标明「更正」后再保存")
    ]
    assert load_meeting_outcomes(ws)[KEY].stage == "signed"
    outcome = record_meeting_outcome(ws, KEY, {"stage": "intent", "correction": "是"}, "张三", T2)
    assert outcome.stage == "intent"
    assert [c.correction for c in history(ws, KEY)] == [False, True]


def test_pair_in_either_order_or_as_fields_is_the_same_outcome(ws):
    record_meeting_outcome(ws, f"EV1|{UPC}|E1", {"stage": "intent"}, "张三", T1)
    record_meeting_outcome(ws, {"event_id": "EV1", "a": UPC, "b": "E1"}, {"notes": "再约"},
                           "张三", T2)  # fmt: skip
    assert list(load_meeting_outcomes(ws)) == [KEY]
    assert load_meeting_outcomes(ws)[KEY].notes == "再约"


@pytest.mark.parametrize(
    ("key", "changes", "field", "reason"),
    [
        (KEY, {"signed_amount": -5}, "签约金额（万元）", "负数"),
        (KEY, {"stage": "差不多"}, "进展阶段", "可填：无进展、意向、洽谈推进、签约"),
        (KEY, {"next_follow_up": "下周"}, "下次跟进日期", "YYYY-MM-DD"),
        (KEY, {"score": 1}, "score", "不能修改"),
        (f"EV1|E1|{UQD}", {"stage": "intent"}, "结果编号", "没有 E1 与 U:青岛大学 的会谈"),
        ("EV9|E1|E2", {"stage": "intent"}, "结果编号", "找不到活动「EV9」"),
        ("EV1-E1", {"stage": "intent"}, "结果编号", "格式不对"),
    ],
)
def test_bad_updates_are_refused_and_nothing_is_written(ws, key, changes, field, reason):
    with pytest.raises(OutcomeError) as caught:
        record_meeting_outcome(ws, key, changes, "张三", T1)
    [problem] = caught.value.problems
    assert problem.field == field and reason in problem.reason
    assert load_meeting_outcomes(ws) == {} and history(ws) == []


def test_a_batch_is_all_or_nothing_and_names_the_bad_row(ws):
    record_meeting_outcome(ws, KEY, {"stage": "intent"}, "张三", T1)
    updates = [(KEY, {"stage": "signed"}), (f"EV1|E4|{UQD}", {"attendance": "迟到"})]
    with pytest.raises(OutcomeError) as caught:
        record_meeting_outcomes(ws, updates, "李四", T2, source="批量", rows=[7, 8])
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.field) == ("批量", 8, "到场情况")
    assert load_meeting_outcomes(ws)[KEY].stage == "intent"
    assert len(history(ws)) == 1


def test_a_recorder_is_required(ws):
    with pytest.raises(OutcomeError, match="记录人"):
        record_meeting_outcome(ws, KEY, {"stage": "intent"}, "  ", T1)


def test_finance_outcomes_and_their_checks(ws):
    record_finance_outcome(ws, "E1|F1", {"status": "已申请", "event_id": "EV2"}, "王五", T1)
    done = record_finance_outcome(
        ws, {"enterprise_id": "E1", "product_id": "F1"},
        {"status": "approved", "amount": 300, "first_loan": "是"}, "王五", T2,
    )  # fmt: skip
    assert (done.status, done.amount, done.first_loan, done.event_id) == (
        "approved", 300, True, "EV2",
    )  # fmt: skip
    assert [(c.field, c.old, c.new) for c in history(ws, "E1|F1")] == [
        ("status", "recommended", "applied"), ("event_id", None, "EV2"),
        ("status", "applied", "approved"), ("amount", None, "300"), ("first_loan", "false", "true"),
    ]  # fmt: skip
    for changes, reason in [
        ({"status": "declined", "amount": None}, "不能从「已获批」改回「未获批」"),
        ({"status": "declined", "amount": 300, "correction": True}, "不能填写获批金额"),
    ]:
        with pytest.raises(OutcomeError, match=reason):
            record_finance_outcome(ws, "E1|F1", changes, "王五", T2)
    declined = record_finance_outcome(
        ws, "E1|F1", {"status": "declined", "amount": None, "correction": True}, "王五", T2
    )
    assert declined.status == "declined" and declined.amount is None
    assert [(c.field, c.correction) for c in history(ws, "E1|F1")[-2:]] == [
        ("status", True), ("amount", True),
    ]  # fmt: skip
    for key, changes, reason in [
        ("E1|F9", {"status": "applied"}, "F9"),
        ("E9|F1", {"status": "applied"}, "E9"),
        ("E2|F2", {"event_id": "EV9"}, "EV9"),
        ("E2|F2", {"first_loan": "也许"}, "是 或 否"),
    ]:
        with pytest.raises(OutcomeError, match=reason):
            record_finance_outcome(ws, key, changes, "王五", T1)
    assert list(load_finance_outcomes(ws)) == ["E1|F1"]


def test_history_is_appended_and_a_torn_last_line_is_cut_off(ws):
    record_meeting_outcome(ws, KEY, {"stage": "intent"}, "张三", T1)
    path = outcomes_dir(ws) / "history.jsonl"
    first = path.read_text("utf-8")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"outcome_id": "EV1|E1|')  # a crash in the middle of a write
    assert len(history(ws)) == 1
    record_meeting_outcome(ws, KEY, {"stage": "signed"}, "张三", T2)
    text = path.read_text("utf-8")
    assert text.startswith(first) and text.count("\n") == 2
    assert [c.new for c in history(ws)] == ["intent", "signed"]
