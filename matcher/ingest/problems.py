"""A problem found while importing: which file, which row, which field, and why (Chinese)."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.errors import IngestError
from matcher.plain_text import visible

WHOLE_ROW = ""  # the `field` of a problem that concerns a whole row or file


@dataclass(frozen=True)
class Problem:
    """One bad cell, row or file. `row` is the number a user sees in the file (0: the file)."""

    file: str
    row: int
    field: str
    reason: str

    def __post_init__(self) -> None:  # control characters from a file are shown escaped
        for name in ("file", "field", "reason"):
            object.__setattr__(self, name, visible(getattr(self, name)))


def file_error(file: str, reason: str, row: int = 0, field: str = WHOLE_ROW) -> IngestError:
    """An error that rejects a whole file, with its single problem attached."""
    problem = Problem(file, row, field, reason)
    where = f"第{row}行" if row else ""
    return IngestError(f"无法读取「{problem.file}」{where}：{problem.reason}", [problem])
