"""`SqlOutcomeStore` on SQLite and PostgreSQL: the library's rules, kept in the database with an
append-only history; a batch with one bad item writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.errors import NotFoundError
from matcher.outcomes.followup_xlsx import (
    apply_followup,
    import_followup,
    read_followup,
    write_followup_template,
)
from matcher.outcomes.store import OutcomeError, history, record_meeting_outcomes
from storage.models import MeetingOutcomeRow, OutcomeChangeRow
from storage.outcomes import SqlOutcomeStore
from storage.records import SqlRecordStore
from tests.outcomes.world import UPC, UQD, build_event_world, plans
from tests.small_world import ENTERPRISES, PRODUCTS

T1 = datetime(2025, 3, 11, 2, 0, tzinfo=UTC)
T2 = datetime(2025, 3, 20, 7, 30, tzinfo=UTC)
KEY = f"EV1|E1|{UPC}"


def _plan_of(event_id: str):
    for plan in plans():
        if plan.event.id == event_id:
            return plan
    raise NotFoundError(f"找不到对接活动「{event_id}」")


@pytest.fixture
def outcomes(engine) -> SqlOutcomeStore:
    records = SqlRecordStore(engine)
    records.upsert("enterprise", ENTERPRISES)
    records.upsert("finance_product", PRODUCTS)
    return SqlOutcomeStore(engine, _plan_of, records)


def _count(engine, row_type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(row_type))


def test_each_changed_field_is_one_history_entry_and_a_second_change_keeps_the_first(outcomes):
    [first] = outcomes.record_meetings(
        [(KEY, {"attendance": "已举行", "stage": "意向", "notes": "有兴趣"})], "张三", T1
    )
    assert [(c.field, c.old, c.new) for c in first.changes] == [
        ("attendance", None, "held"), ("stage", "none", "intent"), ("notes", "", "有兴趣"),
    ]  # fmt: skip
    outcomes.record_meetings([(KEY, {"stage": "signed", "signed_amount": "120万"})], "李四", T2)
    changes = outcomes.history(KEY)
    assert [(c.who, c.at, c.field, c.old, c.new) for c in changes] == [
        ("张三", T1, "attendance", None, "held"),
        ("张三", T1, "stage", "none", "intent"),
        ("张三", T1, "notes", "", "有兴趣"),
        ("李四", T2, "stage", "intent", "signed"),
        ("李四", T2, "signed_amount", None, "120"),
    ]
    stored = outcomes.get(KEY)
    assert (stored.stage, stored.signed_amount, stored.notes) == ("signed", 120.0, "有兴趣")
    assert (stored.updated_by, stored.updated_at) == ("李四", T2)


def test_a_batch_with_one_bad_item_writes_nothing(outcomes, engine):
    good = (KEY, {"stage": "intent"})
    bad_value = (f"EV1|E4|{UQD}", {"stage": "成交了"})
    not_a_meeting = ("EV1|E1|E2", {"stage": "intent"})
    with pytest.raises(OutcomeError) as caught:
        outcomes.record_meetings([good, bad_value, not_a_meeting], "张三", T1, source="表")
    problems = [(p.row, p.field) for p in caught.value.problems]
    assert problems == [(2, "进展阶段"), (3, "结果编号")]
    assert "「成交了」不是有效的进展阶段" in str(caught.value)
    assert _count(engine, MeetingOutcomeRow) == 0 and _count(engine, OutcomeChangeRow) == 0


def test_either_order_of_the_pair_is_the_same_outcome_and_repeats_add_no_history(outcomes):
    outcomes.record_meetings([(f"EV1|{UPC}|E1", {"attendance": "held"})], "张三", T1)
    [again] = outcomes.record_meetings(
        [({"event_id": "EV1", "a": UPC, "b": "E1"}, {"attendance": "已举行"})], "张三", T2
    )
    assert again.outcome.id == KEY and again.changes == []
    assert list(outcomes.meeting_outcomes()) == [KEY]
    assert len(outcomes.history()) == 1


def test_two_updates_of_one_outcome_in_a_batch_apply_in_order(outcomes):
    outcomes.record_meetings([(KEY, {"stage": "intent"}), (KEY, {"stage": "negotiating"})], "王五")
    assert [(c.old, c.new) for c in outcomes.history(KEY)] == [
        ("none", "intent"), ("intent", "negotiating"),
    ]  # fmt: skip
    assert outcomes.get(KEY).stage == "negotiating"


def test_finance_outcomes_need_known_records_and_event_and_keep_corrections(outcomes):
    with pytest.raises(OutcomeError, match="F9"):
        outcomes.record_finance([("E1|F9", {"status": "applied"})], "王五", T1)
    with pytest.raises(OutcomeError, match="EV9"):
        outcomes.record_finance([("E1|F1", {"event_id": "EV9"})], "王五", T1)
    key = {"enterprise_id": "E1", "product_id": "F1"}
    outcomes.record_finance([(key, {"status": "approved", "amount": 300, "event_id": "EV2"})],
                            "王五", T1)  # fmt: skip
    with pytest.raises(OutcomeError, match="不能从「已获批」改回「已申请」"):
        outcomes.record_finance([(key, {"status": "applied", "amount": None})], "王五", T2)
    with pytest.raises(OutcomeError, match="不能填写获批金额"):
        changes = {"status": "applied", "amount": 300, "correction": True}
        outcomes.record_finance([(key, changes)], "王五", T2)
    changes = {"status": "applied", "correction": True}  # the amount is cleared with it
    [back] = outcomes.record_finance([(key, changes)], "王五", T2)
    assert [(c.field, c.correction) for c in back.changes] == [("status", True), ("amount", True)]
    assert outcomes.finance_outcomes(product_ids=["F1"])["E1|F1"].event_id == "EV2"
    assert outcomes.finance_outcomes(enterprise_id="E2") == {}
    assert [c.field for c in outcomes.history("E1|F1")] == [
        "status",
        "amount",
        "event_id",
        "status",
        "amount",
    ]


def test_reads_by_event_and_due_date(outcomes):
    outcomes.record_meetings(
        [
            (KEY, {"next_follow_up": "2025-04-01"}),
            (f"EV3|E3|{UQD}", {"next_follow_up": "2025-10-01"}),
        ],
        "张三",
    )
    outcomes.record_finance([("E2|F2", {"next_follow_up": date(2025, 3, 1)})], "王五")
    assert list(outcomes.meeting_outcomes("EV3")) == [f"EV3|E3|{UQD}"]
    meetings, finance = outcomes.due_before(date(2025, 5, 1))
    assert [m.id for m in meetings] == [KEY] and [f.id for f in finance] == ["E2|F2"]
    assert outcomes.get("nope") is None


def test_the_database_store_and_the_workspace_store_apply_the_same_rules(outcomes, tmp_path):
    """The same updates give the same outcomes and history in both stores, and the follow-up
    sheet imports into the database store through the library's reader."""
    workspace = build_event_world(tmp_path / "ws")
    updates = [
        (KEY, {"attendance": "held", "stage": "signed", "signed_amount": "80"}),
        ("EV2|E2|B:青岛农商银行", {"attendance": "未到场", "next_follow_up": "2025/6/15"}),
    ]
    record_meeting_outcomes(workspace, updates, "张三", T1)
    outcomes.record_meetings(updates, "张三", T1)
    assert history(workspace) == outcomes.history()
    sheet = tmp_path / "跟踪表.xlsx"
    write_followup_template(plans()[0], outcomes.meeting_outcomes("EV1"), sheet)
    book = load_workbook(sheet)
    book.active["G3"] = "洽谈推进"  # second meeting row: 进展阶段
    book.save(sheet)
    import_followup(workspace, sheet, "李四", T2)
    done = apply_followup(read_followup(sheet), outcomes.record_meetings, "李四", T2)
    assert [c.field for r in done for c in r.changes] == ["stage"]
    assert history(workspace) == outcomes.history()


def test_a_large_batch_reads_each_event_at_once_and_keeps_every_change(outcomes):
    outcomes.record_meetings([(KEY, {"stage": "intent"})], "张三", T1)
    meetings = [KEY, f"EV1|E4|{UQD}", "EV1|E3|E4"]
    updates = [(meetings[i % 3], {"notes": f"第{i}次回访"}) for i in range(21)]  # bulk path
    done = outcomes.record_meetings(updates, "李四", T2)
    assert len(done) == 21 and all(len(r.changes) == 1 for r in done)
    stored = outcomes.meeting_outcomes("EV1")
    assert {i: o.notes for i, o in stored.items()} == {
        KEY: "第18次回访", f"EV1|E4|{UQD}": "第19次回访", "EV1|E3|E4": "第20次回访",
    }  # fmt: skip
    assert stored[KEY].stage == "intent" and len(outcomes.history()) == 22
    assert [c.old for c in outcomes.history(KEY)][-2:] == ["第12次回访", "第15次回访"]
