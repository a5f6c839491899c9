"""Reader limits: JSON depth, cells, lines, rows, columns, XLSX zip bombs and broken sheets.

Each limit is tested at its edge (just within: read; just past: refused naming the file and
row, in Chinese); limits too large to reach in a test are lowered with monkeypatch.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from matcher.errors import IngestError
from matcher.ingest import limits
from matcher.ingest.readers import open_table
from matcher.ingest.safe_json import JsonRefused, nested_deeper_than, parse_json
from matcher.ingest.validate import check_header, check_rows
from tests.ingest.hostile_corpus import (
    MB,
    SHEET,
    XLSX_GOOD,
    XLSX_HEADER,
    _zeros_deflated,
    raw_zip,
    sheet_rows,
    sheet_xml,
    table_xlsx,
    xlsx,
)


def refused(path: Path) -> IngestError:
    """The error reading every row of `path` raises."""
    with pytest.raises(IngestError) as caught, open_table(path) as table:
        list(table.rows)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and path.name in str(caught.value)
    return caught.value


def rows(path: Path) -> list:
    with open_table(path) as table:
        return list(table.rows)


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# JSON ------------------------------------------------------------------------------------------
def test_nesting_is_measured_without_recursion_and_strings_do_not_count() -> None:
    assert nested_deeper_than("[" * 10_000 + "]" * 10_000, 32)
    assert not nested_deeper_than("[" * 32 + "]" * 32, 32)
    assert nested_deeper_than("[" * 33 + "]" * 33, 32)
    assert not nested_deeper_than('{"a": "' + "[" * 100 + '"}', 32)
    assert not nested_deeper_than('["\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 1]', 2)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 33 + "]" * 33, "JSON 嵌套超过 32 层的上限"),
        ('{"amount": NaN}', "不支持 NaN"),
        ('{"amount": -Infinity}', "不支持 -Infinity"),
        ('{"amount": ' + "9" * 5000 + "}", "数字位数过多"),
        ('{"a": 1', "缺少逗号"),
        ("{'a': 1}", "字段名应使用双引号"),
        ('{"a": 1} 2', "多余的内容"),
    ],
)
def test_bad_json_is_refused_in_chinese(text: str, reason: str) -> None:
    with pytest.raises(JsonRefused, match=reason):
        parse_json(text)


def test_a_jsonl_line_nested_10000_deep_is_a_row_error_not_a_crash(tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    path = write(tmp_path / "n.jsonl", f'{{"id": "N1"}}\n{{"id": "N2", "x": {deep}}}\n')
    first, second = rows(path)
    assert first.values == {"id": "N1"}
    assert (second.number, second.error) == (2, "JSON 嵌套超过 32 层的上限")


def test_json_in_a_csv_cell_has_the_same_depth_limit(tmp_path: Path) -> None:
    header = "id,bank,name,type,amount_min,amount_max,term_min,term_max,rate,description,rules\n"
    row = "F1,青岛银行,贷,信用贷,1,2,1,2,3,说明," + "[" * 5000 + "]" * 5000 + "\n"
    path = write(tmp_path / "products.csv", header + row)
    checked = check_rows(str(path), "finance_product", rows(path))
    (problem,) = checked.problems
    assert problem.field == "rules" and "嵌套超过 32 层" in problem.reason


# CSV and JSONL ---------------------------------------------------------------------------------
def test_a_csv_cell_over_the_limit_refuses_the_file_at_its_row(tmp_path: Path) -> None:
    at_limit = "长" * limits.MAX_CELL_CHARS
    path = write(tmp_path / "n.csv", f"id,text\nN1,{at_limit}\n")
    assert len(rows(path)[0].values["text"]) == limits.MAX_CELL_CHARS
    path = write(tmp_path / "n.csv", f"id,text\nN1,x\nN2,{at_limit}长\n")
    error = refused(path)
    assert error.problems[0].row == 3 and "单元格超过 131,072 个字符的上限" in str(error)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_line_over_the_limit_refuses_the_file_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 2 << 20)
    ok, long = '{"id": "N1"}', '{"id": "' + "x" * (2 << 20) + '"}'
    head = "id\n" if suffix == ".csv" else ""
    lines = [ok, ok, long] if suffix == ".jsonl" else ["N1", "N2", "x" * ((2 << 20) + 1)]
    path = write(tmp_path / f"n{suffix}", head + "\n".join(lines) + "\n")
    error = refused(path)
    assert error.problems[0].row == (4 if suffix == ".csv" else 3)
    assert "这一行超过 2 MB 的上限" in error.problems[0].reason


def test_an_endless_line_is_refused_with_one_block_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 1 << 20)
    path = write(tmp_path / "n.jsonl", b"x" * (12 << 20))
    tracemalloc.start()
    try:
        error = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.problems[0].row == 1
    assert peak < 24 << 20  # a few blocks, not the 12 MB line decoded


@pytest.mark.parametrize(
    ("suffix", "header", "line"), [(".csv", "id\n", "N1\n"), (".jsonl", "", '{"id": "N1"}\n')]
)
def test_the_row_limit_counts_every_line_blank_ones_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, header: str, line: str
) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 6)
    six_lines = header + line * (6 - len(header.splitlines()))
    assert len(rows(write(tmp_path / f"n{suffix}", six_lines))) == 6 - len(header.splitlines())
    error = refused(write(tmp_path / f"n{suffix}", six_lines + "\n"))
    assert "文件超过 6 行的上限" in error.problems[0].reason and error.problems[0].row == 7


def test_a_header_with_data_in_more_than_256_columns_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", ",".join(f"c{i}" for i in range(257)) + "\n1\n")
    assert "有数据的列超过 256 列的上限" in str(refused(path))
    path = write(tmp_path / "n.csv", "id," + "," * 300 + "\nN1\n")  # empty cells are fine
    assert rows(path)[0].values["id"] == "N1"


def test_a_file_that_stops_decoding_is_refused_at_that_row(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfid,text\nN1,\xe7\x94\xb5\xe6\xb1\xa0\nN2," + "错误".encode("gbk") + b"\n"
    error = refused(write(tmp_path / "n.csv", data))
    assert error.problems[0].row == 3 and "文件编码错误：无法按 utf-8 解码" in str(error)


def test_an_unterminated_quote_is_a_chinese_row_error(tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", 'id,text\nN1,甲\nN2,"乙\n丙\n')
    first, second = rows(path)
    assert first.values == {"id": "N1", "text": "甲"}
    assert second.error == "CSV 格式错误：引号没有结束（文件在引号内结束）"


def test_what_is_not_a_regular_file_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "needs.csv"
    os.mkfifo(fifo)  # reading it would block forever
    assert "不是普通文件" in str(refused(fifo))


def test_control_characters_in_a_header_are_shown_escaped() -> None:
    with pytest.raises(IngestError) as caught:
        check_header("n.csv", "need", ["id\x00", "text"])
    assert "id\\x00" in str(caught.value) and "\x00" not in str(caught.value)
    assert caught.value.problems[0].field == "id\\x00"


# XLSX ------------------------------------------------------------------------------------------
def test_a_1_mb_file_that_inflates_to_1_gib_is_refused_at_once_in_little_memory(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "needs.xlsx", raw_zip([(SHEET, _zeros_deflated(1024), 1024 * MB, 0)]))
    assert path.stat().st_size < 2 * MB
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = refused(path)
        took, peak = time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "解压后共 1,024 MB" in str(error) and "疑似压缩炸弹" in str(error)
    assert took < 1 and peak < 5 * MB


def test_a_member_past_the_compression_ratio_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "needs.xlsx", raw_zip([(SHEET, _zeros_deflated(8), 8 * MB, 0)]))
    error = refused(path)
    assert "「xl/worksheets/sheet1.xml」的压缩比为" in str(error) and "200:1 的上限" in str(error)


def test_a_well_compressed_real_sheet_is_not_taken_for_a_bomb(tmp_path: Path) -> None:
    same = [XLSX_GOOD] * 10_000  # 2.4 MB of repetitive XML, compressed about 17:1
    path = write(tmp_path / "needs.xlsx", table_xlsx([XLSX_HEADER, *same]))
    assert len(rows(path)) == 10_000


def test_broken_archives_and_sheets_are_refused_naming_the_row(tmp_path: Path) -> None:
    good = table_xlsx([XLSX_HEADER, XLSX_GOOD])
    assert "不是有效的 XLSX 文件" in str(refused(write(tmp_path / "a.xlsx", good[:-10])))
    broken = xlsx({SHEET: sheet_xml(sheet_rows([XLSX_HEADER, XLSX_GOOD]))[:-40]})
    error = refused(write(tmp_path / "b.xlsx", broken))
    assert "工作表内容已损坏，无法读取（ParseError）" in str(error)
    assert error.problems[0].row == 2
    entity = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    sheet = sheet_xml(sheet_rows([XLSX_HEADER, ["&x;"]]), prolog=entity).replace("&amp;x;", "&x;")
    error = refused(write(tmp_path / "c.xlsx", xlsx({SHEET: sheet})))
    assert "含有 XML 实体或文档类型定义，出于安全原因不予读取" in str(error)


def test_rows_past_a_lying_dimension_are_read_and_short_rows_padded(tmp_path: Path) -> None:
    sheet = sheet_xml(sheet_rows([XLSX_HEADER, XLSX_GOOD, ["N2", "E1"]]), dimension="A1")
    read = rows(write(tmp_path / "needs.xlsx", xlsx({SHEET: sheet})))
    assert [row.values["id"] for row in read] == ["N1", "N2"]
    assert read[1].values == {"id": "N2", "enterprise_id": "E1", "kind": None, "text": None}


def test_xlsx_columns_rows_and_cells_are_limited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    far = '<row r="3"><c r="XFD3"><v>1</v></c></row>'
    path = write(tmp_path / "a.xlsx", xlsx({SHEET: sheet_xml(sheet_rows([XLSX_HEADER]) + far)}))
    assert "有数据的列超过 256 列的上限" in str(refused(path))
    styled = '<row r="2"><c r="A2" t="inlineStr"><is><t>N1</t></is></c><c r="XFD2" s="1"/></row>'
    path = write(tmp_path / "b.xlsx", xlsx({SHEET: sheet_xml(sheet_rows([XLSX_HEADER]) + styled)}))
    assert rows(path)[0].values["id"] == "N1"  # an empty (styled) cell far right is fine
    monkeypatch.setattr(limits, "XLSX_MAX_ROWS", 10)
    beyond = sheet_rows([XLSX_GOOD], first=11)
    path = write(tmp_path / "c.xlsx", xlsx({SHEET: sheet_xml(sheet_rows([XLSX_HEADER]) + beyond)}))
    error = refused(path)
    assert "文件超过 10 行的上限" in str(error) and error.problems[0].row == 11
    monkeypatch.setattr(limits, "XLSX_MAX_CELLS", 3 * 16_384)
    wide = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="XFD{n}"/></row>' for n in (2, 3, 4))
    path = write(tmp_path / "d.xlsx", xlsx({SHEET: sheet_xml(sheet_rows([XLSX_HEADER]) + wide)}))
    assert "工作表的单元格超过 49,152 个的上限" in str(refused(path))
    path = write(
        tmp_path / "e.xlsx", table_xlsx([XLSX_HEADER, ["N1", "E1", "tech", "长" * 140_000]])
    )
    assert "有单元格超过 131,072 个字符的上限" in str(refused(path))
