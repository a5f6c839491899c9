"""The SQL store passes the store contract on both backends; paging, caching, rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.errors import MatcherError, NotFoundError
from matcher.store import content_hash
from matcher.types import Need, Offer
from storage.audit import AuditRepository
from storage.models import EnterpriseRow, KindVersion
from storage.records import SqlRecordStore
from tests.conftest import make_enterprise
from tests.store_contract import *  # noqa: F403  (the shared contract tests)


@pytest.fixture
def store_factory(engine):
    return lambda: SqlRecordStore(engine)


@pytest.fixture
def store(engine) -> SqlRecordStore:
    return SqlRecordStore(engine)


def _version(engine, kind: str) -> int | None:
    with engine.connect() as connection:
        return connection.scalar(select(KindVersion.version).where(KindVersion.kind == kind))


def _world(store: SqlRecordStore) -> None:
    store.upsert(
        "enterprise",
        [
            make_enterprise("E3", name="青岛瑞视智能科技有限公司", tiers=["专精特新", "瞪羚"]),
            make_enterprise("E1", name="青岛海鑫新能源科技有限公司", district="黄岛",
                            chain="智能装备", tiers=["专精特新"]),
            make_enterprise("E2", name="青岛蓝湾食品有限公司", district="莱西",
                            chain="绿色健康食品", tiers=[]),
            make_enterprise("E4", name="青岛100%_精密机械有限公司", district="黄岛",
                            chain="智能装备", tiers=["创新型中小企业"]),
        ],
    )  # fmt: skip


def test_load_is_in_id_order_whatever_the_insertion_order(store, store_factory):
    _world(store)
    assert list(store.load("enterprise")) == ["E1", "E2", "E3", "E4"]
    assert list(store_factory().load("enterprise")) == ["E1", "E2", "E3", "E4"]


def test_page_filters_by_indexed_columns(store):
    _world(store)
    records, total = store.page("enterprise", filters={"district": "黄岛"})
    assert ([r.id for r in records], total) == (["E1", "E4"], 2)
    records, total = store.page("enterprise", filters={"tier": "专精特新"})
    assert ([r.id for r in records], total) == (["E1", "E3"], 2)
    records, total = store.page("enterprise", filters={"tier": "瞪羚", "chain": "人工智能"})
    assert [r.id for r in records] == ["E3"]
    records, total = store.page("enterprise", filters={"tier": "专精"})  # whole tiers only
    assert (records, total) == ([], 0)
    records, total = store.page("enterprise", filters={"district": "", "chain": "智能装备"})
    assert total == 2  # empty filter values are ignored


def test_page_query_is_a_literal_substring(store):
    _world(store)
    records, total = store.page("enterprise", query="科技")
    assert ([r.id for r in records], total) == (["E1", "E3"], 2)
    records, _ = store.page("enterprise", query="100%_")  # LIKE wildcards taken literally
    assert [r.id for r in records] == ["E4"]
    records, _ = store.page("enterprise", query="%")
    assert [r.id for r in records] == ["E4"]


def test_page_offset_limit_and_total(store):
    store.upsert("offer", [Offer(id=f"O{i:02d}", enterprise_id=f"E{i % 2}", text=f"精密加工{i}")
                           for i in range(25)])  # fmt: skip
    records, total = store.page("offer", offset=20, limit=10)
    assert ([r.id for r in records], total) == ([f"O{i}" for i in range(20, 25)], 25)
    records, total = store.page("offer", limit=3, filters={"enterprise_id": "E1"}, query="加工1")
    assert ([r.id for r in records], total) == (["O01", "O11", "O13"], 6)
    assert store.count("offer") == 25
    assert store.count("policy") == 0


def test_page_filters_needs_by_kind_and_enterprise(store):
    store.upsert("need", [
        Need(id="N1", enterprise_id="E1", kind="tech", text="需要锂电池热管理技术"),
        Need(id="N2", enterprise_id="E1", kind="finance", text="需要流动资金贷款", amount=300),
        Need(id="N3", enterprise_id="E2", kind="finance", text="采购冷链设备需要贷款", amount=80),
    ])  # fmt: skip
    records, total = store.page("need", filters={"kind": "finance"})
    assert ([r.id for r in records], total) == (["N2", "N3"], 2)
    records, _ = store.page("need", filters={"kind": "finance", "enterprise_id": "E1"})
    assert [r.id for r in records] == ["N2"]
    assert isinstance(records[0], Need) and records[0].amount == 300
    assert [r.id for r in store.page("need", query="贷款")[0]] == ["N2", "N3"]


def test_page_rejects_unknown_filters_and_bad_paging(store):
    with pytest.raises(
        MatcherError, match="需求不支持按「bank」筛选，可用的筛选：kind、enterprise_id"
    ):
        store.page("need", filters={"bank": "青岛银行"})


def test_unknown_kind_is_a_chinese_error(store):
    for call in (
        lambda: store.load("event"),
        lambda: store.get("event", "X"),
        lambda: store.upsert("event", []),
        lambda: store.page("event"),
        lambda: store.count("event"),
    ):
        with pytest.raises(NotFoundError, match="未知的记录类型：event"):
            call()


def test_another_store_sees_writes_on_its_next_load(store_factory):
    reader, writer = store_factory(), store_factory()
    assert reader.load("enterprise") == {}
    first_version = reader.kind_version("enterprise")
    writer.upsert("enterprise", [make_enterprise("E1")])
    assert list(reader.load("enterprise")) == ["E1"]
    assert reader.kind_version("enterprise") != first_version
    assert reader.kind_versions()["enterprise"] == reader.kind_version("enterprise")
    writer.upsert("enterprise", [make_enterprise("E1", description="改为生产储能电池包")])
    assert reader.get("enterprise", "E1").description == "改为生产储能电池包"
    assert reader.load("enterprise")["E1"].description == "改为生产储能电池包"
    writer.delete("enterprise", ["E1"])
    assert reader.load("enterprise") == {}
    assert reader.content_hashes("enterprise") == {}


def test_load_is_cached_until_the_version_moves(store, engine):
    store.upsert("offer", [Offer(id="O1", enterprise_id="E1", text="精密加工")])
    loaded = store.load("offer")
    assert store.load("offer") is loaded  # nothing changed: the same cached dict
    version = _version(engine, "offer")
    summary = store.upsert("offer", [Offer(id="O1", enterprise_id="E1", text="精密加工")])
    assert summary.unchanged == 1
    assert _version(engine, "offer") == version  # a write that changes nothing is no write
    assert store.delete("offer", ["O404"]) == 0
    assert _version(engine, "offer") == version
    store.upsert("offer", [Offer(id="O0", enterprise_id="E1", text="钣金焊接")])
    assert _version(engine, "offer") == version + 1
    assert list(store.load("offer")) == ["O0", "O1"]  # the writer's own cache stays sorted


def test_duplicate_ids_in_one_batch_last_one_wins(store_factory):
    batch = [Offer(id="O1", enterprise_id="E1", text="精密加工"),
             Offer(id="O1", enterprise_id="E1", text="钣金焊接")]  # fmt: skip
    summary = store_factory().upsert("offer", batch)
    assert summary.added == 2  # counted like the JSONL store does
    assert store_factory().get("offer", "O1").text == "钣金焊接"
    assert store_factory().count("offer") == 1


def test_failed_upsert_changes_nothing(store, store_factory, engine):
    store.upsert("enterprise", [make_enterprise("E1")])
    version = _version(engine, "enterprise")
    batch = [make_enterprise(f"E{i}", description=f"第{i}家企业的新描述") for i in range(1, 2001)]
    # Skips validation: a NULL name violates the NOT NULL column in the second chunk.
    batch[1500] = batch[1500].model_copy(update={"name": None})
    with pytest.raises(IntegrityError):
        store.upsert("enterprise", batch)
    reopened = store_factory()
    assert reopened.count("enterprise") == 1
    assert reopened.get("enterprise", "E1") == make_enterprise("E1")
    assert list(store.load("enterprise")) == ["E1"]
    assert store.load("enterprise")["E1"] == make_enterprise("E1")
    assert _version(engine, "enterprise") == version


def test_rows_hold_typed_columns_hash_and_utc_time(store, engine):
    record = make_enterprise("E1", tiers=["专精特新", "瞪羚"])
    store.upsert("enterprise", [record])
    with engine.connect() as connection:
        row = connection.execute(select(EnterpriseRow)).one()
    assert (row.name, row.district, row.chain, row.size) == (
        record.name,
        "崂山",
        "人工智能",
        "小型",
    )
    assert row.tiers == "|专精特新|瞪羚|"
    assert row.content_hash == content_hash(record.embed_text())
    assert row.data == record.model_dump(mode="json")
    assert row.updated_at.utcoffset().total_seconds() == 0


def test_large_batch_round_trips(store_factory):
    records = [make_enterprise(f"E{i}") for i in range(2500)]
    summary = store_factory().upsert("enterprise", records)
    assert summary.added == 2500
    loaded = store_factory().load("enterprise")
    assert loaded == {r.id: r for r in sorted(records, key=lambda r: r.id)}
    assert store_factory().delete("enterprise", [r.id for r in records[:1500]]) == 1500
    assert store_factory().count("enterprise") == 1000


def test_reads_by_id_reuse_parsed_rows_only_at_their_current_version(store_factory):
    reader, writer = store_factory(), store_factory()
    writer.upsert("enterprise", [make_enterprise("E1"), make_enterprise("E2")])
    first = reader.get_many("enterprise", ["E1", "E2"])
    again = reader.get_many("enterprise", ["E2", "E1"])
    assert again["E1"] is first["E1"] and list(again) == ["E2", "E1"]  # parsed once
    writer.upsert("enterprise", [make_enterprise("E1", description="改为生产储能电池包")])
    changed = reader.get_many("enterprise", ["E1", "E2"])
    assert changed["E1"].description == "改为生产储能电池包"  # another writer: never stale
    assert changed["E2"] is first["E2"]
    writer.delete("enterprise", ["E2"])
    assert list(reader.get_many("enterprise", ["E1", "E2"])) == ["E1"]


def test_upsert_many_is_one_transaction_with_what_joins_it(store, store_factory, engine):
    store.upsert("enterprise", [make_enterprise("E1")])
    audit = AuditRepository(engine)

    def audited_then_refused(_summaries) -> None:
        audit.record(None, "import", "need", None, "半途", connection=store.joined_connection())
        raise RuntimeError("killed before the commit")

    writes = [("enterprise", [make_enterprise("E2")]), ("need", [Need(id="N1",
              enterprise_id="E1", kind="tech", text="需要机器视觉缺陷检测算法")])]  # fmt: skip
    assert list(store.load("enterprise")) == ["E1"]  # cached
    with pytest.raises(RuntimeError):
        store.upsert_many(writes, within=audited_then_refused)
    assert list(store.load("enterprise")) == ["E1"]  # the rolled-back write never reached it
    reopened = store_factory()
    assert list(reopened.load("enterprise")) == ["E1"] and reopened.count("need") == 0
    assert audit.list() == []  # the audit entry went with the records
    store.upsert_many(writes, within=lambda _: audit.record(
        None, "import", "need", None, "完整", connection=store.joined_connection()))  # fmt: skip
    assert store_factory().count("need") == 1 and [e.detail for e in audit.list()] == ["完整"]
    assert list(store.load("enterprise")) == ["E1", "E2"]
