"""Control characters in user text: refused on every text field, shown escaped in messages.

NUL, the other C0 and C1 control characters, DEL and lone surrogates are never accepted (a
NUL cannot even be stored in PostgreSQL); tab, line feed and carriage return are accepted
only in multi-line text fields (`MULTILINE_FIELDS`, e.g. a need's text or a description).
Models that hold user text derive from `PlainTextModel`, which checks every string field,
strings inside lists and dicts included.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationInfo, field_validator

MULTILINE_FIELDS: frozenset[str] = frozenset(
    {"text", "description", "abstract", "benefit", "notes", "purpose"}
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
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
    what = "控制字符" if found.group() not in "\t\n\r" else "换行符或制表符"
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


class PlainTextModel(BaseModel):
    """Base of models holding user text: no string field may hold a control character
    (fields named in `multiline_fields` may hold tab and line breaks)."""

    multiline_fields: ClassVar[frozenset[str]] = MULTILINE_FIELDS

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_chars(cls, value: Any, info: ValidationInfo) -> Any:
        _check(value, info.field_name in cls.multiline_fields)
        return value
