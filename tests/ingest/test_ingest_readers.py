"""Readers: encodings, row numbers as users see them, malformed files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from matcher.errors import IngestError
from matcher.ingest.readers import detect_encoding, open_table
from tests.ingest.ingest_files import (
    ENTERPRISE_HEADER,
    enterprise_row,
    write_csv,
    write_jsonl,
    write_xlsx,
)


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_csv_encodings_are_detected_and_decoded(
    tmp_path: Path, encoding: str, detected: str
) -> None:
    path = write_csv(tmp_path / "e.csv", ENTERPRISE_HEADER, [enterprise_row(1)], encoding)
    assert detect_encoding(path) == detected
    table = open_table(path)
    assert table.columns == ENTERPRISE_HEADER
    rows = list(table.rows)
    assert [row.number for row in rows] == [2]
    assert rows[0].values["企业名称"] == "青岛测试科技有限公司1"
    assert rows[0].values["企业梯度"] == "专精特新；雏鹰"


def test_gb18030_only_characters_are_read(tmp_path: Path) -> None:
    name = "青岛㐀科技"  # U+3400 exists in GB18030 but not in GBK
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    path = write_csv(tmp_path / "e.csv", ["企业名称"], [[name]], "gb18030")
    assert next(open_table(path).rows).values == {"企业名称": name}


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["企业名称"], [["青岛甲"]], "utf-16")
    assert next(open_table(path).rows).values == {"企业名称": "青岛甲"}


def test_csv_row_numbers_count_the_header_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("id,text\nN1,甲\n\nN2,乙\n,\nN3,丙\n", encoding="utf-8")
    rows = list(open_table(path).rows)
    assert [(r.number, r.values["id"]) for r in rows] == [(2, "N1"), (4, "N2"), (6, "N3")]


def test_csv_quoted_cells_keep_commas_and_newlines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", ["id", "text"], [["N1", "第一行,\n第二行"], ["N2", "乙"]])
    rows = list(open_table(path).rows)
    assert rows[0].values["text"] == "第一行,\n第二行"
    assert [r.number for r in rows] == [2, 3]


def test_tab_separated_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "n.tsv"
    path.write_text("id\ttext\nN1\t甲,乙\n", encoding="utf-8")
    assert next(open_table(path).rows).values == {"id": "N1", "text": "甲,乙"}


def test_cells_beyond_the_header_are_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("id,text\nN1,甲,多余\nN2,乙,\n", encoding="utf-8")
    rows = list(open_table(path).rows)
    assert rows[0].number == 2 and "第3列" in (rows[0].error or "")
    assert rows[1].error is None and rows[1].values == {"id": "N2", "text": "乙"}


def test_jsonl_rows_are_numbered_by_line_and_bad_lines_are_row_errors(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "n.jsonl", [{"id": "N1"}, "", '{"id": "N2",', "[1, 2]", {"id": "N3"}]
    )
    table = open_table(path)
    assert table.columns is None
    rows = list(table.rows)
    assert [(r.number, r.error is None) for r in rows] == [
        (1, True),
        (3, False),
        (4, False),
        (5, True),
    ]
    assert "JSON 格式错误" in (rows[1].error or "")
    assert "JSON 对象" in (rows[2].error or "")
    assert rows[3].values == {"id": "N3"}


def test_xlsx_reads_the_first_sheet_with_typed_cells(tmp_path: Path) -> None:
    founded = datetime(2018, 3, 5)
    rows_in = [enterprise_row(1, 成立日期=founded, 从业人数=50), enterprise_row(2)]
    path = write_xlsx(tmp_path / "e.xlsx", ENTERPRISE_HEADER, rows_in)
    table = open_table(path)
    assert table.columns == ENTERPRISE_HEADER
    rows = list(table.rows)
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values["成立日期"] == founded
    assert rows[0].values["从业人数"] == 50


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("e.csv", b"", "文件为空"),
        ("e.csv", b"\n\n  \n", "文件为空"),
        ("e.jsonl", b"\n \n", "文件为空"),
        ("e.xlsx", b"id,name\nE1,x\n", "不是有效的 XLSX"),
        ("e.xls", b"whatever", "另存为 .xlsx"),
    ],
)
def test_malformed_files_raise_naming_the_file(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as caught:
        list(open_table(path).rows)
    assert reason in str(caught.value)
    assert caught.value.problems[0].file == str(path)
    assert reason in caught.value.problems[0].reason


def test_empty_xlsx_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", [], [])
    with pytest.raises(IngestError, match="文件为空"):
        open_table(path)
