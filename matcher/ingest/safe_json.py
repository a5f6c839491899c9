"""JSON from data files, parsed without surprises: bounded nesting, no NaN, Chinese errors.

The nesting is measured before parsing, without recursion (a line nested 10,000 deep would
otherwise exhaust the parser's stack); NaN and Infinity are refused (PostgreSQL cannot store
them); a number too long to convert is refused rather than crashing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from matcher.ingest import limits

_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')
_MESSAGES = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "字段名应使用双引号",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Unterminated string starting at": "字符串缺少结尾的引号",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Extra data": "JSON 值之后还有多余的内容",
}


class JsonRefused(ValueError):
    """A JSON text that is malformed or past a limit; the message is Chinese."""


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether `text` nests objects and lists more than `limit` deep (brackets inside strings
    do not count)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > limit:
                return True
        elif mark in "]}":
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise JsonRefused(f"不支持 {name}，请填写数字")


def parse_json(text: str) -> Any:
    """The value of a JSON text; JsonRefused (Chinese) when malformed, nested deeper than
    MAX_JSON_DEPTH, or holding NaN / Infinity or a number too long to convert."""
    if nested_deeper_than(text, limits.MAX_JSON_DEPTH):
        raise JsonRefused(f"JSON 嵌套超过 {limits.MAX_JSON_DEPTH} 层的上限")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        reason = _MESSAGES.get(exc.msg, exc.msg)
        raise JsonRefused(f"JSON 格式错误：{reason}（第{exc.colno}列）") from None
    except JsonRefused:
        raise
    except ValueError:  # e.g. an integer of more than 4,300 digits
        raise JsonRefused("JSON 中的数字位数过多") from None
