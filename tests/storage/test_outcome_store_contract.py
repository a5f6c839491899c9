"""The `OutcomeStore` contract, on every backend: the workspace's files, SQLite and PostgreSQL.
Outcomes carry their version; an update may state the version it read, and a stale one
refuses its batch (nothing written); the follow-up sheet's 版本 column does the same per row."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from matcher.errors import NotFoundError
from matcher.outcomes.followup_xlsx import apply_followup, read_followup, write_followup_template
from matcher.outcomes.store import JsonlOutcomeStore, OutcomeError
from storage.outcomes import SqlOutcomeStore
from storage.records import SqlRecordStore
from tests.outcomes.world import UPC, UQD, build_event_world, plans
from tests.small_world import ENTERPRISES, PRODUCTS
from tests.storage.backends import BACKENDS

T1 = datetime(2025, 3, 11, 2, 0, tzinfo=UTC)
T2 = datetime(2025, 3, 20, 7, 30, tzinfo=UTC)
KEY = f"EV1|E1|{UPC}"
OTHER = f"EV1|E4|{UQD}"


def _plan_of(event_id: str):
    for plan in plans():
        if plan.event.id == event_id:
            return plan
    raise NotFoundError(f"找不到对接活动「{event_id}」")


@pytest.fixture(params=("jsonl", *BACKENDS))
def backend(request) -> str:
    return request.param


@pytest.fixture
def store_factory(request, backend, tmp_path):
    """A fresh store object over the same storage on every call."""
    if backend == "jsonl":
        workspace = build_event_world(tmp_path / "ws")
        return lambda: JsonlOutcomeStore(workspace)
    engine = request.getfixturevalue("engine")
    records = SqlRecordStore(engine)
    records.upsert("enterprise", ENTERPRISES)
    records.upsert("finance_product", PRODUCTS)
    return lambda: SqlOutcomeStore(engine, _plan_of, records)


def test_every_change_adds_one_to_the_version_and_a_repeat_adds_nothing(store_factory):
    store = store_factory()
    [first] = store.record_meetings([(KEY, {"attendance": "held"})], "张三", T1)
    assert first.outcome.version == 1
    store.record_meetings([(KEY, {"stage": "intent", "notes": "有兴趣"})], "李四", T2)
    [again] = store_factory().record_meetings([(KEY, {"stage": "意向"})], "李四", T2)
    assert again.changes == [] and again.outcome.version == 2
    stored = store_factory().get(KEY)
    assert (stored.version, stored.stage, stored.updated_by) == (2, "intent", "李四")
    assert store_factory().meeting_outcomes("EV1")[KEY].version == 2
    [money] = store.record_finance([("E1|F1", {"status": "applied"})], "王五", T1)
    assert money.outcome.version == 1 and store_factory().get("E1|F1").version == 1


def test_a_stale_update_refuses_the_batch_and_writes_nothing(store_factory):
    store_factory().record_meetings([(KEY, {"stage": "intent"})], "张三", T1)
    seen = store_factory().get(KEY).version
    store_factory().record_meetings([(KEY, {"stage": "negotiating"})], "李四", T1, expected=[seen])
    with pytest.raises(OutcomeError) as caught:
        store_factory().record_meetings(
            [(OTHER, {"attendance": "held"}), (KEY, {"stage": "signed"})], "王五", T2,
            expected=[0, seen],
        )  # fmt: skip
    assert caught.value.stale and [c.current for c in caught.value.conflicts] == [2]
    assert str(caught.value) == (
        f"数据已被他人修改，请刷新后重试：第 2 行：会谈结果「{KEY}」已被他人修改"
        "（现为第 2 版，提交的是第 1 版）"
    )
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "版本")]
    store = store_factory()
    assert store.get(OTHER) is None  # the good update of the batch is not written either
    assert (store.get(KEY).stage, store.get(KEY).version) == ("negotiating", 2)
    assert [c.who for c in store.history(KEY)] == ["张三", "李四"]


def test_the_version_read_is_checked_for_new_outcomes_and_for_finance_too(store_factory):
    store_factory().record_meetings([(KEY, {"stage": "intent"})], "张三", T1, expected=[0])
    with pytest.raises(OutcomeError, match="已被他人创建（现为第 1 版）") as caught:
        store_factory().record_meetings([(KEY, {"notes": "我也记一笔"})], "李四", T2, expected=[0])
    assert caught.value.stale
    store_factory().record_finance([("E1|F1", {"status": "applied"})], "王五", T1, expected=[0])
    with pytest.raises(OutcomeError, match=r"融资结果「E1\|F1」已被他人修改"):
        store_factory().record_finance([("E1|F1", {"status": "approved"})], "王五", T2,
                                       expected=[3])  # fmt: skip
    # An update that changes nothing is never stale: there is nothing to lose.
    [same] = store_factory().record_finance([("E1|F1", {"status": "已申请"})], "王五", T2,
                                            expected=[7])  # fmt: skip
    assert same.changes == [] and store_factory().get("E1|F1").status == "applied"


def test_a_stale_row_of_the_follow_up_sheet_is_named_and_nothing_of_the_sheet_is_written(
    store_factory, tmp_path
):
    store_factory().record_meetings([(KEY, {"attendance": "held"})], "张三", T1)
    sheet = tmp_path / "跟踪表.xlsx"
    write_followup_template(plans()[0], store_factory().meeting_outcomes("EV1"), sheet)
    book = load_workbook(sheet)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-1] == "版本" and [(r[-2], r[-1]) for r in rows[1:3]] == [(KEY, 1), (OTHER, 0)]
    book.active["G2"], book.active["G3"] = "签约", "意向"  # 进展阶段 of both rows
    book.save(sheet)
    store_factory().record_meetings([(KEY, {"notes": "电话回访：仍在洽谈"})], "李四", T2)
    store = store_factory()
    with pytest.raises(OutcomeError) as caught:
        apply_followup(read_followup(sheet), store.record_meetings, "赵六", T2)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "版本")]
    assert str(caught.value).startswith(
        f"数据已被他人修改，请刷新后重试：第 2 行：会谈结果「{KEY}」已被他人修改"
    )
    assert store.get(OTHER) is None and store.get(KEY).stage == "none"
    # A fresh download imports.
    write_followup_template(plans()[0], store.meeting_outcomes("EV1"), sheet)
    book = load_workbook(sheet)
    book.active["G2"] = "签约"
    book.save(sheet)
    [done] = apply_followup(read_followup(sheet), store.record_meetings, "赵六", T2)
    assert done.outcome.stage == "signed" and store_factory().get(KEY).version == 3


def test_reads_by_event_enterprise_product_and_due_date(store_factory):
    store = store_factory()
    store.record_meetings([(KEY, {"next_follow_up": "2025-04-01"}),
                           (f"EV3|E3|{UQD}", {"next_follow_up": "2025-10-01"})], "张三", T1)  # fmt: skip
    store.record_finance([("E2|F2", {"next_follow_up": date(2025, 3, 1)}),
                          ("E1|F1", {"status": "applied"})], "王五", T1)  # fmt: skip
    reopened = store_factory()
    assert list(reopened.meeting_outcomes()) == [KEY, f"EV3|E3|{UQD}"]
    assert list(reopened.meeting_outcomes("EV3")) == [f"EV3|E3|{UQD}"]
    assert list(reopened.finance_outcomes()) == ["E1|F1", "E2|F2"]
    assert list(reopened.finance_outcomes(enterprise_id="E2")) == ["E2|F2"]
    assert list(reopened.finance_outcomes(product_ids=["F1"])) == ["E1|F1"]
    meetings, finance = reopened.due_before(date(2025, 5, 1))
    assert [m.id for m in meetings] == [KEY] and [f.id for f in finance] == ["E2|F2"]
    assert [c.field for c in reopened.history()] == ["next_follow_up"] * 3 + ["status"]
    assert reopened.get("nope") is None
