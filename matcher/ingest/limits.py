"""How much one data file may hold: cells, lines, rows, columns, JSON depth, XLSX sizes.

Every limit is far above what real data needs and low enough that a hostile file is refused
quickly and with bounded memory. The readers read these names at call time, so a test may
lower one. A file past a limit is refused whole (`file_error`), naming the row and why.
"""

from __future__ import annotations

from pathlib import Path

from matcher.ingest.problems import file_error

MAX_CELL_CHARS = 131_072  # one CSV cell (csv.field_size_limit)
MAX_LINE_BYTES = 4 << 20  # one physical line of a CSV or JSONL file
MAX_ROWS = 10_000_000  # rows (lines) of one file, blank ones included
MAX_COLUMNS = 256  # columns of a header, cells with data in a row
MAX_JSON_DEPTH = 32  # nesting of objects and lists in one JSON value
XLSX_MAX_ROWS = 1_048_576  # what Excel itself allows
XLSX_MAX_CELLS = 30_000_000  # cells the reader may produce from one sheet (gaps included)
XLSX_MAX_UNCOMPRESSED = 1 << 30  # all members of the archive, inflated
XLSX_MAX_RATIO = 200  # inflated : compressed, for members over XLSX_RATIO_FROM bytes
XLSX_RATIO_FROM = 1 << 20
XLSX_MAX_MEMBERS = 10_000
_BLOCK = 4 << 20


def check_text_file(path: Path) -> None:
    """Refuse (IngestError) a text file with a line over MAX_LINE_BYTES or more than
    MAX_ROWS lines, before it is read: one pass in blocks, at C speed, one block in memory."""
    lines = carry = 0  # lines seen; bytes of the line still open at the end of a block
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            parts = block.split(b"\n")
            lengths = [carry + len(parts[0]), *map(len, parts[1:])]
            if max(lengths) > MAX_LINE_BYTES:
                row = lines + next(i for i, n in enumerate(lengths) if n > MAX_LINE_BYTES) + 1
                reason = f"这一行超过 {MAX_LINE_BYTES >> 20} MB 的上限"
                raise file_error(str(path), reason, row=row)
            lines += len(parts) - 1
            carry = lengths[-1]
            check_row_count(str(path), lines)
    check_row_count(str(path), lines + (1 if carry else 0))


def check_row_count(file: str, number: int, limit: int | None = None) -> None:
    """Refuse a file once its row `number` passes the row limit (MAX_ROWS by default)."""
    limit = MAX_ROWS if limit is None else min(limit, MAX_ROWS)
    if number > limit:
        raise file_error(file, f"文件超过 {limit:,} 行的上限，请拆分后分别导入", row=number)
