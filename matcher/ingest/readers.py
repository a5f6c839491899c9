"""File readers: CSV/TSV (encoding detected), JSONL and XLSX, yielding rows as users number them.

CSV and XLSX: row 1 is the header, so the first data row is row 2. JSONL: the line number.
`open_table(path, start_after=n)` skips the rows numbered up to n without converting them
(a resumed import); JSONL lines are then not even parsed.

Every reader keeps to the limits of `matcher.ingest.limits` (cell, line, row and column
counts, JSON nesting, XLSX inflated sizes); a file past one, or an XLSX file whose contents
are broken, is refused whole with an IngestError naming the file, the row and why.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils.exceptions import InvalidFileException

from matcher.ingest import limits
from matcher.ingest.limits import check_row_count, check_text_file
from matcher.ingest.problems import file_error
from matcher.ingest.safe_json import JsonRefused, parse_json
from matcher.ingest.xlsx_guard import NOT_XLSX, check_xlsx_archive

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
}
_CHUNK = 1 << 20
# What openpyxl raises on a damaged archive or malformed XML (ParseError is a SyntaxError).
_BROKEN_XLSX = (
    zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError,
    TypeError, AttributeError, SyntaxError, zlib.error, EOFError,
)  # fmt: skip
csv.field_size_limit(limits.MAX_CELL_CHARS)
_CSV_ERRORS = {
    "unexpected end of data": "引号没有结束（文件在引号内结束）",
    "expected after": "引号结束后应紧跟分隔符",
}


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
    if not path.exists():
        raise file_error(str(path), "文件不存在")
    if not path.is_file():
        raise file_error(str(path), "不是普通文件（如设备、管道或文件夹），不予读取")
    if fmt == "xlsx":
        return _open_xlsx(path, start_after)
    check_text_file(path)
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
    try:
        first = handle.readline()
        handle.seek(0)
        tabbed = path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first)
        reader = csv.reader(handle, delimiter="\t" if tabbed else ",", strict=True)
        header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
    except csv.Error as exc:
        handle.close()
        raise _csv_error(path, 1, exc) from None
    except UnicodeDecodeError as exc:
        handle.close()
        raise _decode_error(path, exc) from None
    try:
        if header is None:
            raise file_error(str(path), "文件为空")
        columns = [cell.strip() for cell in header]
        _check_width(path, 1, columns)
    except BaseException:
        handle.close()
        raise
    return Table(columns, _csv_rows(path, handle, reader, columns, start_after), handle.close)


def _csv_rows(
    path: Path, handle: Any, reader: Any, columns: list[str], start_after: int
) -> Iterator[Row]:
    number = 1
    with handle:
        try:
            while True:
                number += 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    error = _csv_error(path, number, exc)
                    if "field limit" in str(exc):
                        raise error from None
                    if number > start_after:
                        yield Row(number, {}, error.problems[0].reason)
                    continue
                if number > start_after and any(c.strip() for c in cells):
                    yield _table_row(number, columns, cells)
        except UnicodeDecodeError as exc:
            raise _decode_error(path, exc) from None


def _csv_error(path: Path, number: int, exc: csv.Error) -> Any:
    """A csv module error as an IngestError with a Chinese reason."""
    if "field limit" in str(exc):
        reason = f"有单元格超过 {limits.MAX_CELL_CHARS:,} 个字符的上限"
    else:
        known = next((text for key, text in _CSV_ERRORS.items() if key in str(exc)), str(exc))
        reason = f"CSV 格式错误：{known}"
    return file_error(str(path), reason, row=number)


def _decode_error(path: Path, exc: UnicodeDecodeError) -> Any:
    """A file that stops decoding, as an IngestError naming the line of the first bad byte."""
    decoder = codecs.getincrementaldecoder(exc.encoding)(errors="strict")
    newlines = 0  # before the first byte that does not decode (or the end: a cut-off file)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as found:
                newlines += chunk.count(b"\n", 0, max(0, found.start))
                break
            newlines += chunk.count(b"\n")
    reason = f"文件编码错误：无法按 {exc.encoding} 解码（请另存为 UTF-8）"
    return file_error(str(path), reason, row=newlines + 1)


def _check_width(path: Path, number: int, cells: list[Any]) -> None:
    """Refuse a row with data in more than MAX_COLUMNS columns."""
    if len(cells) > limits.MAX_COLUMNS and any(_filled(c) for c in cells[limits.MAX_COLUMNS :]):
        reason = f"这一行有数据的列超过 {limits.MAX_COLUMNS} 列的上限"
        raise file_error(str(path), reason, row=number)


def _open_xlsx(path: Path, start_after: int) -> Table:
    check_xlsx_archive(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _BROKEN_XLSX as exc:
        raise file_error(str(path), _entities_refused(exc) or NOT_XLSX) from exc
    try:
        if not workbook.worksheets:
            raise file_error(str(path), "文件中没有工作表")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stated dimensions may lie: read the rows there are
        rows = _sheet_rows(path, sheet.iter_rows(values_only=True))
        header = next(((n, cells) for n, cells in rows if any(_filled(c) for c in cells)), None)
        if header is None:
            raise file_error(str(path), "文件为空")
    except BaseException:
        workbook.close()
        raise
    columns = ["" if c is None else str(c).strip() for c in header[1]]
    while columns and not columns[-1]:
        columns.pop()
    return Table(columns, _xlsx_rows(workbook, rows, columns, start_after), workbook.close)


def _sheet_rows(path: Path, rows: Iterator[tuple]) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the sheet's rows holding any value, within the row, column,
    cell and cell-size limits; a broken sheet is refused naming the row where reading
    stopped. Empty rows (gaps included) are counted, not yielded."""
    number = cells_read = 0
    limit = min(limits.XLSX_MAX_ROWS, limits.MAX_ROWS)
    try:
        for cells in rows:
            number += 1
            if number > limit:
                check_row_count(str(path), number, limit)
            cells_read += len(cells)
            if cells.count(None) == len(cells):
                continue
            if cells_read > limits.XLSX_MAX_CELLS:
                reason = f"工作表的单元格超过 {limits.XLSX_MAX_CELLS:,} 个的上限"
                raise file_error(str(path), reason, row=number)
            yield number, _checked_cells(path, number, cells)
    except _BROKEN_XLSX as exc:
        reason = _entities_refused(exc) or f"工作表内容已损坏，无法读取（{type(exc).__name__}）"
        raise file_error(str(path), reason, row=number + 1) from exc


def _checked_cells(path: Path, number: int, cells: tuple) -> list[Any]:
    """A row's first MAX_COLUMNS cells; refused with data beyond them or a cell too long."""
    kept = list(cells[: limits.MAX_COLUMNS])
    if cells.count(None) - kept.count(None) < len(cells) - len(kept):  # data beyond the cap
        reason = f"这一行有数据的列超过 {limits.MAX_COLUMNS} 列的上限"
        raise file_error(str(path), reason, row=number)
    if any(isinstance(c, str) and len(c) > limits.MAX_CELL_CHARS for c in kept):
        reason = f"有单元格超过 {limits.MAX_CELL_CHARS:,} 个字符的上限"
        raise file_error(str(path), reason, row=number)
    return kept


def _entities_refused(exc: BaseException) -> str | None:
    """The reason when openpyxl failed because defusedxml refused an entity or a DTD."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return "含有 XML 实体或文档类型定义，出于安全原因不予读取"
        cause = cause.__cause__ or cause.__context__
    return None


def _xlsx_rows(
    workbook: Any, rows: Iterator[tuple[int, list[Any]]], columns: list[str], start_after: int
) -> Iterator[Row]:
    try:
        for number, cells in rows:
            if number > start_after and any(_filled(c) for c in cells):
                padded = cells + [None] * (len(columns) - len(cells))
                yield _table_row(number, columns, padded)
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
            return Row(number, {}, f"第{index + 1}列有数据「{_short(cell)}」，但表头没有列名")
    return Row(number, values)


def _jsonl_rows(path: Path, encoding: str, start_after: int) -> Iterator[Row]:
    seen_any = False
    number = 0
    with path.open(encoding=encoding) as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                seen_any = True
                if number > start_after:
                    yield _jsonl_row(number, line)
        except UnicodeDecodeError as exc:
            raise _decode_error(path, exc) from None
    if not seen_any:
        raise file_error(str(path), "文件为空")


def _jsonl_row(number: int, line: str) -> Row:
    try:
        value = parse_json(line)
    except JsonRefused as exc:
        return Row(number, {}, str(exc))
    if not isinstance(value, dict):
        return Row(number, {}, "每行应为一个 JSON 对象（{...}）")
    return Row(number, value)


def _short(cell: Any, limit: int = 30) -> str:
    text = str(cell)
    return text if len(text) <= limit else text[:limit] + "…"
