"""A problem found while importing: which file, which row, which field, and why (Chinese)."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.errors import IngestError

WHOLE_ROW = ""  # the `field` of a problem that concerns a whole row or file


@dataclass(frozen=True)
class Problem:
    """One bad cell, row or file. `row` is the number a user sees in the file (0: the file)."""

    file: str
    row: int
    field: str
    reason: str


def file_error(file: str, reason: str, row: int = 0, field: str = WHOLE_ROW) -> IngestError:
    """An error that rejects a whole file, with its single problem attached."""
    where = f"第{row}行" if row else ""
    return IngestError(f"无法读取「{file}」{where}：{reason}", [Problem(file, row, field, reason)])
