"""Control characters in user text: refused on every text field, shown escaped in messages.

NUL, the other C0 and C1 control characters, DEL and lone surrogates are never accepted (a
NUL cannot even be stored in PostgreSQL); tab, line feed and carriage return are accepted
only in multi-line text fields (`MULTILINE_FIELDS`, e.g. a need's text or a description).
Models that hold user text derive from `PlainTextModel`, which checks every string field,
strings inside lists and dicts included, and accepts only finite numbers (NaN and Infinity
cannot be stored as JSON).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

MULTILINE_FIELDS: frozenset[str] = frozenset(
    {"text", "description", "abstract", "benefit", "notes", "purpose"}
)
# C0 and C1 controls, DEL, bidirectional overrides and isolates, lone surrogates; in
# single-line text also tab, CR, LF and the Unicode line and paragraph separators.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_CONTROL_OR_BREAK = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_BREAKS = "\t\n\r\u2028\u2029"
_NAMES = {"\x00": "NUL", "\t": "制表符", "\n": "换行符", "\r": "回车符"}


def char_name(char: str) -> str:
    """How a refused character is named in a message, e.g. `NUL`, `换行符`, `U+001B`."""
    return _NAMES.get(char) or f"U+{ord(char):04X}"


def control_char_error(value: str, multiline: bool = False) -> str | None:
    """Why `value` is refused (Chinese), or None when it holds no forbidden character.

    `multiline` accepts tab, line feed and carriage return."""
    found = (_CONTROL if multiline else _CONTROL_OR_BREAK).search(value)
    if found is None:
        return None
    what = "换行符或制表符" if found.group() in _BREAKS else "控制字符"
    return f"不能包含{what}（第{found.start() + 1}个字符为 {char_name(found.group())}）"


def visible(text: str) -> str:
    """`text` with every control character written as `\\xNN` / `\\uNNNN`, for messages."""
    return _CONTROL_OR_BREAK.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _check(value: Any, multiline: bool) -> None:
    if isinstance(value, str):
        error = control_char_error(value, multiline)
        if error:
            raise ValueError(error)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check(item, multiline)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, False)
            _check(item, multiline)


# Validation context for records read back from a store: their text was checked when written.
STORED: dict[str, bool] = {"stored": True}


class PlainTextModel(BaseModel):
    """Base of models holding user input: no string field may hold a control character
    (fields named in `multiline_fields` may hold tab and line breaks), no number may be
    NaN or infinite."""

    model_config = ConfigDict(allow_inf_nan=False)
    multiline_fields: ClassVar[frozenset[str]] = MULTILINE_FIELDS

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_chars(cls, value: Any, info: ValidationInfo) -> Any:
        if not (info.context and info.context.get("stored")):
            _check(value, info.field_name in cls.multiline_fields)
        return value
