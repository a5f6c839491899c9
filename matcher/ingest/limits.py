"""How much one data file may hold: cells, lines, rows, columns, JSON depth, XLSX sizes.

Every limit is far above what real data needs and low enough that a hostile file is refused
quickly and with bounded memory. The readers read these names at call time, so a test may
lower one. A file past a limit is refused whole (`file_error`), naming the row and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from matcher.ingest.problems import file_error

MAX_CELL_CHARS = 131_072  # one CSV cell (csv.field_size_limit)
MAX_LINE_CHARS = 1_048_576  # one physical line of a CSV or JSONL file
MAX_ROWS = 10_000_000  # rows (lines) of one file, blank ones included
MAX_COLUMNS = 256  # columns of a header, cells with data in a row
MAX_JSON_DEPTH = 32  # nesting of objects and lists in one JSON value
XLSX_MAX_ROWS = 1_048_576  # what Excel itself allows
XLSX_MAX_CELLS = 30_000_000  # cells the reader may produce from one sheet (gaps included)
XLSX_MAX_UNCOMPRESSED = 1 << 30  # all members of the archive, inflated
XLSX_MAX_RATIO = 200  # inflated : compressed, for members over XLSX_RATIO_FROM bytes
XLSX_RATIO_FROM = 1 << 20
XLSX_MAX_MEMBERS = 10_000


def bounded_lines(handle: TextIO, file: str) -> Iterator[str]:
    """The lines of a text file; a line over MAX_LINE_CHARS or a file over MAX_ROWS lines
    raises IngestError naming the line (read at most MAX_LINE_CHARS + 1 characters at once)."""
    number = 0
    while line := _read_line(handle, file, number + 1):
        number += 1
        if len(line.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise file_error(file, f"这一行超过 {MAX_LINE_CHARS:,} 个字符的上限", row=number)
        check_row_count(file, number)
        yield line


def _read_line(handle: TextIO, file: str, number: int) -> str:
    try:
        return handle.readline(MAX_LINE_CHARS + 1)
    except UnicodeDecodeError as exc:
        reason = f"文件编码错误：无法按 {exc.encoding} 解码（请另存为 UTF-8）"
        raise file_error(file, reason, row=number) from None


def check_row_count(file: str, number: int, limit: int | None = None) -> None:
    """Refuse a file once its row `number` passes the row limit (MAX_ROWS by default)."""
    limit = MAX_ROWS if limit is None else min(limit, MAX_ROWS)
    if number > limit:
        raise file_error(file, f"文件超过 {limit:,} 行的上限，请拆分后分别导入", row=number)
