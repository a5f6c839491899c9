"""Spreadsheet cells that are safe to open: user text never becomes a formula.

Excel, WPS and LibreOffice treat a cell starting with `=`, `+`, `-` or `@` (also after
leading blanks, tab or CR) as a formula, in XLSX and in CSV alike. Every export writes text
through this module:

- CSV: `csv_text` puts an apostrophe before risky text (the convention spreadsheets show as
  "text"); `csv_plain` removes exactly that apostrophe again when such a file is read back,
  so a round trip keeps the user's text (text that itself starts with an apostrophe before
  risky text gets a second one, so the mapping is one-to-one).
- XLSX: `append_row` stores risky text as an explicit string cell with Excel's quote prefix
  (the cell keeps the user's exact text and stays text when edited); numbers, dates and
  booleans the code writes stay what they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""


def risky(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula (or it needs an apostrophe to
    survive a round trip)."""
    if text.startswith(TRIGGERS):
        return True
    stripped = text.lstrip(" \t\r\n\u3000")
    if stripped.startswith(TRIGGERS):
        return True
    return text.startswith("'") and risky(text[1:])


def csv_text(value: Any) -> Any:
    """A CSV cell value: risky text gets a leading apostrophe; anything else unchanged."""
    if isinstance(value, str) and risky(value):
        return "'" + value
    return value


def csv_plain(value: Any) -> Any:
    """The user's text of a cell written by `csv_text` (the added apostrophe removed)."""
    if isinstance(value, str) and value.startswith("'") and risky(value[1:]):
        return value[1:]
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """One CSV row with every text cell passed through `csv_text`."""
    return [csv_text(value) for value in values]


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet; risky text is an explicit, quote-prefixed string
    cell (never a formula), everything else is stored as openpyxl stores it."""
    row = list(values)
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        if isinstance(value, str) and risky(value):
            cell.data_type = "s"
            cell.quotePrefix = True
