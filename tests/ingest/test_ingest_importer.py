"""import_file / import_path: all-or-nothing, upserts, directories, every kind of bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.errors import IngestError
from matcher.ingest import import_file, import_path, kind_from_filename, resolve_kind, scan_folder
from matcher.store import JsonlRecordStore as RecordStore
from tests.ingest.ingest_files import (
    ENTERPRISE_HEADER,
    NEED_HEADER,
    credit_code,
    enterprise_row,
    need_json,
    need_row,
    write_csv,
    write_jsonl,
    write_xlsx,
)


def snapshot(store: RecordStore) -> dict[str, bytes]:
    folder = store.root / "records"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.exists() else {}


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    """A store already holding enterprises E001 and E002."""
    store = RecordStore(tmp_path / "ws")
    path = write_csv(
        tmp_path / "seed_enterprises.csv", ENTERPRISE_HEADER, [enterprise_row(1), enterprise_row(2)]
    )
    import_file(store, path, kind="enterprise")
    return store


def test_import_reports_counts_and_stores_typed_records(store: RecordStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "needs.csv", NEED_HEADER, [need_row(1), need_row(2, enterprise=2)])
    report = import_file(store, path)
    counts = (report.rows, report.added, report.updated, report.unchanged, report.skipped)
    assert (report.kind, counts) == ("need", (2, 2, 0, 0, 0))
    need = store.get("need", "N001")
    assert (need.kind, need.amount, need.term_months, str(need.deadline)) == (
        "finance",
        500,
        12,
        "2025-06-30",
    )


def test_reimport_updates_and_never_duplicates(store: RecordStore, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "needs.jsonl", [need_json(1), need_json(2)])
    import_file(store, path)
    again = import_file(store, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    write_jsonl(path, [need_json(1), need_json(2, text="改为需要视觉检测算法授权"), need_json(3)])
    changed = import_file(store, path)
    assert (changed.added, changed.updated, changed.unchanged) == (1, 1, 1)
    reopened = RecordStore(store.root)
    assert list(reopened.load("need")) == ["N001", "N002", "N003"]
    assert reopened.get("need", "N002").text == "改为需要视觉检测算法授权"


def _bad_json_line(d: Path) -> Path:
    return write_jsonl(d / "needs.jsonl", [need_json(1), '{"id": "N002", "text": ', need_json(3)])


def _xlsx_not_zip(d: Path) -> Path:
    (d / "needs.xlsx").write_text("需求编号,企业ID\nN1,E001\n", encoding="utf-8")
    return d / "needs.xlsx"


def _empty(d: Path) -> Path:
    (d / "needs.csv").write_bytes(b"")
    return d / "needs.csv"


def _no_header(d: Path) -> Path:
    path = d / "enterprises.csv"
    path.write_text(",".join(enterprise_row(3)) + "\n", encoding="utf-8")
    return path


def _unknown_column(d: Path) -> Path:
    return write_csv(d / "needs.csv", [*NEED_HEADER, "备注"], [[*need_row(1), "加急"]])


def _wrong_type_xlsx(d: Path) -> Path:
    return write_xlsx(
        d / "needs.xlsx", NEED_HEADER, [need_row(1), need_row(2, **{"期限（月）": "一年"})]
    )


def _bad_credit_code(d: Path) -> Path:
    code = credit_code(3)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    rows = [enterprise_row(3), enterprise_row(4, 统一社会信用代码=wrong)]
    return write_csv(d / "企业.csv", ENTERPRISE_HEADER, rows, "gbk")


def _negative_amount(d: Path) -> Path:
    return write_csv(
        d / "需求.csv", NEED_HEADER, [need_row(1), need_row(2), need_row(3, 金额="-20")]
    )


def _missing_enterprise(d: Path) -> Path:
    return write_jsonl(d / "needs.jsonl", [need_json(1), need_json(2, enterprise=99)])


def _empty_text(d: Path) -> Path:
    return write_jsonl(d / "offers.jsonl", [{"id": "O1", "enterprise_id": "E001", "text": "   "}])


@pytest.mark.parametrize(
    ("write", "row", "field", "reason"),
    [
        (_bad_json_line, 2, "", "JSON 格式错误"),
        (_xlsx_not_zip, 0, "", "不是有效的 XLSX 文件"),
        (_empty, 0, "", "文件为空"),
        (_no_header, 1, "", "缺少表头"),
        (_unknown_column, 1, "备注", "未知列「备注」"),
        (_wrong_type_xlsx, 3, "term_months", "应为整数，实际为「一年」"),
        (_bad_credit_code, 3, "credit_code", "统一社会信用代码校验位错误"),
        (_negative_amount, 4, "amount", "应大于0"),
        (_missing_enterprise, 2, "enterprise_id", "企业「E099」不存在"),
        (_empty_text, 1, "text", "不能为空"),
    ],
)
def test_bad_input_is_reported_and_nothing_is_written(
    store: RecordStore,
    tmp_path: Path,
    write: Callable[[Path], Path],
    row: int,
    field: str,
    reason: str,
) -> None:
    path = write(tmp_path)
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        import_file(store, path)
    assert "未写入任何数据" in str(caught.value)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.field) == (str(path), row, field)
    assert reason in problem.reason
    assert snapshot(store) == before
    assert len(RecordStore(store.root).load("enterprise")) == 2


def test_skip_bad_rows_imports_the_good_ones(store: RecordStore, tmp_path: Path) -> None:
    path = _negative_amount(tmp_path)
    report = import_file(store, path, skip_bad_rows=True)
    assert (report.rows, report.added, report.skipped) == (3, 2, 1)
    assert [(p.row, p.field) for p in report.problems] == [(4, "amount")]
    assert sorted(store.load("need")) == ["N001", "N002"]


def test_skip_bad_rows_does_not_skip_unreadable_files(store: RecordStore, tmp_path: Path) -> None:
    before = snapshot(store)
    with pytest.raises(IngestError, match="无法读取"):
        import_file(store, _unknown_column(tmp_path), skip_bad_rows=True)
    assert snapshot(store) == before


def test_problem_message_summarises_counts(store: RecordStore, tmp_path: Path) -> None:
    rows = [need_row(1, 金额="-1", **{"期限（月）": "x"}), need_row(2), need_row(3, 需求描述="")]
    path = write_csv(tmp_path / "needs.csv", NEED_HEADER, rows)
    with pytest.raises(IngestError) as caught:
        import_file(store, path)
    assert "「needs.csv」共 3 行中有 2 行数据有问题" in str(caught.value)
    assert "（共 3 个问题）" in str(caught.value)


def test_directory_imports_in_dependency_order_and_skips_non_data(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    (folder / "eval").mkdir(parents=True)
    write_jsonl(folder / "eval" / "needs.jsonl", [need_json(9)])
    (folder / "README.md").write_text("# 说明", encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    write_jsonl(
        folder / "offers.jsonl", [{"id": "O1", "enterprise_id": "E003", "text": "提供精密注塑加工"}]
    )
    write_csv(folder / "企业.csv", ENTERPRISE_HEADER, [enterprise_row(3)], "utf-8-sig")
    store = RecordStore(tmp_path / "ws")
    reports = import_path(store, folder, progress=False)
    assert [(Path(r.file).name, r.kind, r.added) for r in reports] == [
        ("企业.csv", "enterprise", 1),
        ("offers.jsonl", "offer", 1),
    ]
    assert list(store.load("need")) == []
    assert [p.name for p in scan_folder(folder).ignored] == ["README.md", "notes.csv"]


def test_directory_import_is_all_or_nothing_and_reports_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    write_csv(
        folder / "enterprises.csv",
        ENTERPRISE_HEADER,
        [enterprise_row(3), enterprise_row(4, 规模="巨型")],
    )
    write_jsonl(
        folder / "needs.jsonl", [need_json(1, enterprise=3), need_json(2, enterprise=4), "oops"]
    )
    (folder / "offers.xlsx").write_bytes(b"not a workbook")
    store = RecordStore(tmp_path / "ws")
    with pytest.raises(IngestError) as caught:
        import_path(store, folder, progress=False, skip_bad_rows=True)
    found = {(Path(p.file).name, p.row, p.field) for p in caught.value.problems}
    assert found == {
        ("offers.xlsx", 0, ""),
        ("enterprises.csv", 3, "size"),
        ("needs.jsonl", 2, "enterprise_id"),  # E004 was rejected, so the need cites nothing
        ("needs.jsonl", 3, ""),
    }
    assert snapshot(store) == {}


def test_directory_without_data_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    with pytest.raises(IngestError, match="没有可导入的数据文件"):
        import_path(RecordStore(tmp_path / "ws"), tmp_path)


def test_kind_option_overrides_the_file_name(store: RecordStore, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "export_2024.jsonl", [need_json(1)])
    with pytest.raises(IngestError, match=r"无法从文件名「export_2024\.jsonl」判断数据类型"):
        import_file(store, path)
    assert import_file(store, path, kind="需求").added == 1


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("enterprises.csv", "enterprise"), ("enterprise.xlsx", "enterprise"),
        ("企业.csv", "enterprise"), ("企业_2024.xlsx", "enterprise"),
        ("needs.jsonl", "need"), ("需求.csv", "need"),
        ("tech_results.jsonl", "tech_result"), ("tech-result.csv", "tech_result"),
        ("科技成果.xlsx", "tech_result"), ("finance_products.jsonl", "finance_product"),
        ("products.csv", "finance_product"), ("金融产品.csv", "finance_product"),
        ("policies.jsonl", "policy"), ("政策.xlsx", "policy"), ("offers.jsonl", "offer"),
        ("供给.csv", "offer"), ("Needs 2024.CSV", "need"), ("events.jsonl", None),
        ("readme.md", None),
    ],
)  # fmt: skip
def test_kind_from_filename(name: str, kind: str | None) -> None:
    assert kind_from_filename(Path(name)) == kind


def test_unknown_kind_lists_the_choices() -> None:
    assert resolve_kind("Tech Results") == "tech_result"
    with pytest.raises(IngestError, match=r"未知的数据类型「events」，可选：enterprise（企业）"):
        resolve_kind("events")


def test_missing_path_and_directory_given_to_import_file(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "ws")
    with pytest.raises(IngestError, match="找不到文件或文件夹"):
        import_path(store, tmp_path / "nope.csv")
    with pytest.raises(IngestError, match="是文件夹"):
        import_file(store, tmp_path)
