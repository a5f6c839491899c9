"""The contract every RecordStore backend passes (JSONL files here, SQL in tests/storage).

A backend's test module imports these tests and defines a `store_factory` fixture: a
callable returning a fresh store object over the same backing storage on every call.
"""

from __future__ import annotations

import pytest

from matcher.errors import NotFoundError, VersionConflict
from matcher.types import Need, Offer
from tests.conftest import make_enterprise


def need(record_id: str = "N1", text: str = "需要机器视觉缺陷检测算法", **extra) -> Need:
    return Need(id=record_id, enterprise_id="E1", kind="tech", text=text, **extra)


def test_contract_upsert_counts_and_reads_back(store_factory):
    store = store_factory()
    summary = store.upsert("enterprise", [make_enterprise("E1"), make_enterprise("E2")])
    assert (summary.added, summary.updated, summary.unchanged) == (2, 0, 0)
    assert store.get("enterprise", "E2") == make_enterprise("E2")
    assert list(store_factory().load("enterprise")) == ["E1", "E2"]


def test_contract_reupsert_updates_never_duplicates(store_factory):
    store = store_factory()
    store.upsert("need", [need("N1"), need("N2")])
    summary = store.upsert("need", [need("N1"), need("N2", text="改为需要激光焊接工艺")])
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 1)
    reopened = store_factory()
    assert len(reopened.load("need")) == 2
    assert reopened.get("need", "N2").text == "改为需要激光焊接工艺"


def test_contract_missing_record_is_a_chinese_error(store_factory):
    with pytest.raises(NotFoundError, match="找不到供给「O9」"):
        store_factory().get("offer", "O9")


def test_contract_delete(store_factory):
    store = store_factory()
    store.upsert("offer", [Offer(id="O1", enterprise_id="E1", text="精密加工"),
                           Offer(id="O2", enterprise_id="E1", text="钣金焊接")])  # fmt: skip
    assert store.delete("offer", ["O1", "O404"]) == 1
    assert list(store_factory().load("offer")) == ["O2"]


def test_contract_versions_and_hashes_follow_embedded_text(store_factory):
    store = store_factory()
    store.upsert("need", [need("N1", amount=None), need("N2")])
    version, hashes = store.kind_version("need"), store.content_hashes("need")
    store.upsert("need", [need("N1", deadline="2027-01-01")])
    assert store_factory().content_hashes("need") == hashes  # not embedded: same hashes
    store.upsert("need", [need("N1", text="需要工业机器人路径规划")])
    reopened = store_factory()
    assert reopened.kind_version("need") != version
    changed = reopened.content_hashes("need")
    assert set(changed) == {"N1", "N2"} and changed["N2"] == hashes["N2"]
    assert changed["N1"] != hashes["N1"]


def test_contract_reads_by_id_and_by_enterprise(store_factory):
    store = store_factory()
    other = Need(id="N3", enterprise_id="E2", kind="finance", text="需要流动资金贷款")
    store.upsert("need", [need("N2"), need("N1"), other])
    reopened = store_factory()
    assert set(reopened.get_many("need", ["N3", "N404", "N1"])) == {"N3", "N1"}
    assert [n.id for n in reopened.of_enterprise("need", "E1")] == ["N1", "N2"]
    assert reopened.count("need") == 3 and reopened.count("offer") == 0


def test_contract_every_change_moves_the_version_and_nothing_else_does(store_factory):
    store = store_factory()
    store.upsert("need", [need("N1"), need("N2")])
    assert store.get_versioned("need", "N1") == (need("N1"), 1)
    store.upsert("need", [need("N1"), need("N2", text="改为需要激光焊接工艺")])
    reopened = store_factory()
    assert reopened.get_versioned("need", "N1")[1] == 1  # unchanged: not written
    assert reopened.get_versioned("need", "N2") == (need("N2", text="改为需要激光焊接工艺"), 2)
    reopened.delete("need", ["N2"])
    store.upsert("need", [need("N2")])
    assert store_factory().get_versioned("need", "N2")[1] == 1  # a new record starts again


def test_contract_a_stale_write_is_refused_and_changes_nothing(store_factory):
    first, second = store_factory(), store_factory()
    first.upsert("need", [need("N1"), need("N2")])
    _, seen = second.get_versioned("need", "N1")
    first.upsert("need", [need("N1", text="第二版")], expected={"N1": seen})
    with pytest.raises(VersionConflict) as caught:
        second.upsert("need", [need("N1", text="第三版"), need("N2", text="顺带改的")],
                      expected={"N1": seen, "N2": 1})  # fmt: skip
    assert str(caught.value) == (
        "数据已被他人修改，请刷新后重试：需求「N1」已被他人修改（现为第 2 版，提交的是第 1 版）"
    )
    assert (caught.value.current, caught.value.expected) == (2, 1)
    reopened = store_factory()
    assert reopened.get_versioned("need", "N1") == (need("N1", text="第二版"), 2)
    assert reopened.get_versioned("need", "N2") == (need("N2"), 1)  # the batch is all or nothing


def test_contract_a_stale_delete_is_refused_and_a_deleted_record_cannot_be_updated(store_factory):
    store = store_factory()
    store.upsert("need", [need("N1")])
    store.upsert("need", [need("N1", text="第二版")])
    with pytest.raises(VersionConflict, match="现为第 2 版"):
        store_factory().delete("need", ["N1"], expected={"N1": 1})
    assert store_factory().get("need", "N1").text == "第二版"
    assert store_factory().delete("need", ["N1"], expected={"N1": 2}) == 1
    with pytest.raises(VersionConflict, match="需求「N1」已被他人删除") as caught:
        store_factory().upsert("need", [need("N1", text="第三版")], expected={"N1": 2})
    assert caught.value.current is None
    assert store_factory().load("need") == {}
    store.upsert("need", [need("N1")], expected={"N1": 0})  # 0: create, never replace
    with pytest.raises(VersionConflict, match="需求「N1」已被他人创建（现为第 1 版）"):
        store_factory().upsert("need", [need("N1", text="我也新建")], expected={"N1": 0})
    assert store_factory().get("need", "N1") == need("N1")


def test_contract_streaming_reads(store_factory):
    store = store_factory()
    needs = [need(f"N{i:03d}", text=f"需要第{i}项检测工艺") for i in range(1, 13)]
    store.upsert("need", needs[6:])
    store.upsert("need", needs[:6])
    store.upsert("need", [need("N003", text="改为需要激光焊接工艺")])
    reopened = store_factory()
    expected = {**{n.id: n for n in needs}, "N003": need("N003", text="改为需要激光焊接工艺")}
    streamed = list(reopened.iter_records("need", batch=5))
    assert len(streamed) == 12 and {r.id: r for r in streamed} == expected
    texts = dict(reopened.iter_texts("need", batch=5))
    assert texts == {i: r.embed_text() for i, r in expected.items()}
    assert reopened.existing_ids("need", ["N001", "N404", "N012"]) == {"N001", "N012"}
    assert list(reopened.iter_records("offer")) == []
    assert reopened.existing_ids("offer", ["O1"]) == set()


def test_contract_upsert_many_writes_several_kinds(store_factory):
    store = store_factory()
    store.upsert("enterprise", [make_enterprise("E1")])
    seen: list[list] = []
    summaries = store.upsert_many(
        [("enterprise", [make_enterprise("E1"), make_enterprise("E2")]),
         ("need", [need("N1"), need("N2")])],
        within=seen.append,
    )  # fmt: skip
    assert [(s.added, s.updated, s.unchanged) for s in summaries] == [(1, 0, 1), (2, 0, 0)]
    assert seen == [summaries]
    reopened = store_factory()
    assert list(reopened.load("enterprise")) == ["E1", "E2"]
    assert list(reopened.load("need")) == ["N1", "N2"]


def test_contract_staged_records_are_invisible_until_published_all_at_once(store_factory):
    store = store_factory()
    store.upsert("need", [need("N1", text="旧的需求文本")])
    staging = store.staging("import-test")
    staging.add(0, "enterprise", [make_enterprise("E7")])
    staging.add(1, "need", [need("N1"), need("N2")])
    staging.add(1, "need", [need("N2", text="后一批的需求文本")])  # a later chunk wins
    assert store_factory().existing_ids("enterprise", ["E7"]) == set()
    assert store_factory().get("need", "N1").text == "旧的需求文本"
    again = store_factory().staging("import-test")  # another process finds what was staged
    assert again.existing_ids("enterprise", ["E7", "E404"]) == {"E7"}
    assert again.count(1, "need") >= 2 and again.count(0, "enterprise") == 1
    summaries = again.publish([(0, "enterprise"), (1, "need")])
    assert [s.added for s in summaries] == [1, 1] and summaries[1].updated == 1
    reopened = store_factory()
    assert reopened.get("need", "N2").text == "后一批的需求文本"
    assert reopened.get("need", "N1") == need("N1")
    assert list(reopened.load("enterprise")) == ["E7"]
    fresh = store_factory().staging("import-test")
    assert fresh.count(1, "need") == 0  # a published batch is gone
    fresh.add(0, "offer", [Offer(id="O1", enterprise_id="E7", text="精密加工")])
    fresh.drop()
    assert fresh.publish([(0, "offer")])[0].added == 0
    assert store_factory().count("offer") == 0
