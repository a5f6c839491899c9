"""File readers: CSV/TSV (encoding detected), JSONL and XLSX, yielding rows as users number them.

CSV and XLSX: row 1 is the header, so the first data row is row 2. JSONL: the line number.
`open_table(path, start_after=n)` skips the rows numbered up to n without converting them
(a resumed import); JSONL lines are then not even parsed.
"""

from __future__ import annotations

import codecs
import csv
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from matcher.ingest.problems import file_error

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Row:
    """One data row: its user-visible number, raw values by column, or why it could not be read."""

    number: int
    values: dict[str, Any]
    error: str | None = None


@dataclass
class Table:
    """A file opened for reading: `columns` is the header (None for JSONL), `rows` streams rows.

    Reading every row closes the file; `with open_table(...) as table` closes it in any case.
    """

    columns: list[str] | None
    rows: Iterator[Row]
    close: Callable[[], None] = lambda: None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def file_format(path: Path) -> str | None:
    """'csv', 'jsonl' or 'xlsx' from the file suffix; None for anything else."""
    return FORMATS.get(path.suffix.lower())


def open_table(path: Path, start_after: int = 0) -> Table:
    """Open a data file, rows numbered after `start_after`; a malformed file raises IngestError."""
    fmt = file_format(path)
    if fmt is None:
        hint = "；.xls 请另存为 .xlsx" if path.suffix.lower() == ".xls" else ""
        reason = f"不支持的文件格式「{path.suffix}」，可用：.csv .jsonl .xlsx{hint}"
        raise file_error(str(path), reason)
    if not path.is_file():
        raise file_error(str(path), "文件不存在")
    if fmt == "xlsx":
        return _open_xlsx(path, start_after)
    encoding = detect_encoding(path)
    if fmt == "jsonl":
        return Table(None, _jsonl_rows(path, encoding, start_after))
    return _open_csv(path, encoding, start_after)


def detect_encoding(path: Path) -> str:
    """The text encoding of a file: UTF-8 (with or without BOM), UTF-16 by BOM, GB18030 (GBK),
    or charset-normalizer's best guess."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if not head:
        raise file_error(str(path), "文件为空")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    best = charset_normalizer.from_path(path).best()
    if best is None:
        raise file_error(str(path), "无法识别文件编码，请另存为 UTF-8")
    return best.encoding


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _open_csv(path: Path, encoding: str, start_after: int) -> Table:
    handle = path.open(encoding=encoding, newline="")
    first = handle.readline()
    handle.seek(0)
    tabbed = path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first)
    delimiter = "\t" if tabbed else ","
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
    except csv.Error as exc:
        handle.close()
        raise file_error(str(path), f"CSV 格式错误：{exc}", row=1) from exc
    if header is None:
        handle.close()
        raise file_error(str(path), "文件为空")
    columns = [cell.strip() for cell in header]
    return Table(columns, _csv_rows(handle, reader, columns, start_after), handle.close)


def _csv_rows(handle: Any, reader: Any, columns: list[str], start_after: int) -> Iterator[Row]:
    with handle:
        number = 1
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if number > start_after:
                    yield Row(number, {}, f"CSV 格式错误：{exc}")
                continue
            if number > start_after and any(c.strip() for c in cells):
                yield _table_row(number, columns, cells)


def _open_xlsx(path: Path, start_after: int) -> Table:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise file_error(str(path), "不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx）") from exc
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = next((cells for cells in rows if any(_filled(c) for c in cells)), None)
    if header is None:
        workbook.close()
        raise file_error(str(path), "文件为空")
    columns = ["" if c is None else str(c).strip() for c in header]
    while columns and not columns[-1]:
        columns.pop()
    return Table(columns, _xlsx_rows(workbook, rows, columns, start_after), workbook.close)


def _xlsx_rows(
    workbook: Any, rows: Iterator[tuple], columns: list[str], start_after: int
) -> Iterator[Row]:
    try:
        for number, cells in enumerate(rows, start=2):
            if number > start_after and any(_filled(c) for c in cells):
                yield _table_row(number, columns, list(cells))
    finally:
        workbook.close()


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _table_row(number: int, columns: list[str], cells: list[Any]) -> Row:
    values: dict[str, Any] = {}
    for index, cell in enumerate(cells):
        name = columns[index] if index < len(columns) else ""
        if name:
            values[name] = cell
        elif _filled(cell):
            return Row(number, {}, f"第{index + 1}列有数据「{cell}」，但表头没有列名")
    return Row(number, values)


def _jsonl_rows(path: Path, encoding: str, start_after: int) -> Iterator[Row]:
    seen_any = False
    with path.open(encoding=encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            seen_any = True
            if number <= start_after:
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Row(number, {}, f"JSON 格式错误：{exc.msg}（第{exc.colno}列）")
                continue
            if not isinstance(value, dict):
                yield Row(number, {}, "每行应为一个 JSON 对象（{...}）")
                continue
            yield Row(number, value)
    if not seen_any:
        raise file_error(str(path), "文件为空")
