"""Field types used by several resources (ids, enterprise references, rules)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from matcher.credit_code import ALPHABET
from matcher.types import (
    DISTRICTS,
    NUMERIC_RULE_FIELDS,
    RULE_FIELDS,
    RecordIdText,
    RuleField,
    RuleOp,
)

# What the domain validators enforce, stated in the OpenAPI document (the records check it).
NOT_BLANK: dict[str, Any] = {"minLength": 1, "pattern": r"\S"}  # text, not only spaces
_CODE_CHARS = ALPHABET + ALPHABET[10:].lower()  # lower case is upper-cased
CREDIT_CODE: dict[str, Any] = {
    "minLength": 18, "maxLength": 18, "pattern": f"^[{_CODE_CHARS}]{{18}}$",
}  # fmt: skip

# A district by its short name (黄岛) or its full one (黄岛区, 胶州市).
_SUFFIXES = ("区",) * 7 + ("市",) * 3
DISTRICT_NAMES = (*DISTRICTS, *(d + s for d, s in zip(DISTRICTS, _SUFFIXES, strict=True)))


def one_of(values: Iterable[str | None]) -> dict[str, Any]:
    """A field's allowed values (`enum`)."""
    return {"enum": list(values)}


def each_of(values: Iterable[str]) -> dict[str, Any]:
    """A list field's allowed items."""
    return {"items": {"type": "string", "enum": list(values)}}


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    raise ValueError(f"应为日期 YYYY-MM-DD（如 2026-12-03），实际为「{value}」")


def _clock(value: Any) -> Any:
    if isinstance(value, dt.time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and re.fullmatch(CLOCK, value.strip()):
        return dt.time.fromisoformat(value.strip())
    raise ValueError(f"应为时间 HH:MM 或 HH:MM:SS（如 09:00），实际为「{value}」")


# A date written YYYY-MM-DD (not a number of seconds, not a date-time): `format: date`.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
# A time of day without time zone, HH:MM or HH:MM:SS (answers give HH:MM:SS).
ClockTime = Annotated[
    dt.time, BeforeValidator(_clock), WithJsonSchema({"type": "string", "pattern": CLOCK})
]

RecordId = Annotated[RecordIdText, Field(description="记录编号（字母、数字、下划线或连字符）")]
NewId = Annotated[
    RecordId | None,
    Field(description="记录编号；不填时自动生成", examples=[None]),
]
EnterpriseRef = Annotated[
    str,
    Field(min_length=1, max_length=64, description="所属企业编号", examples=["E0000001"]),
]


_NUMERIC = {"enum": list(NUMERIC_RULE_FIELDS)}
_SCALAR = {"type": ["string", "number"]}
# The value each operator needs, and the fields compared by size (`matcher.types.Rule`).
_RULE_VALUES: list[dict[str, Any]] = [
    {"properties": {"op": {"const": "eq"}}},
    {
        "properties": {
            "op": {"enum": ["in", "not_in"]},
            "value": {"type": "array", "items": _SCALAR},
        }
    },
    {"properties": {"op": {"enum": ["ge", "le"]}, "field": _NUMERIC, "value": {"type": "number"}}},
    {
        "properties": {
            "op": {"const": "between"},
            "field": _NUMERIC,
            "value": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        }
    },
]


class RuleSchema(BaseModel):
    """一条准入/申报条件：字段 运算 取值"""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": _RULE_VALUES},
    )

    field: RuleField = Field(
        description="条件字段：" + "、".join(f"{k}（{v}）" for k, v in RULE_FIELDS.items()),
        examples=["tiers"],
    )
    op: RuleOp = Field(
        description="运算：in（属于）、not_in（不属于）、ge（不低于）、le（不高于）、eq（等于）、"
        "between（介于，取值为 [下限, 上限]）",
        examples=["in"],
    )
    value: Any = Field(
        description="取值：in/not_in 为列表，ge/le 为数值，between 为 [下限, 上限]",
        examples=[["专精特新", "小巨人"]],
    )


Rules = Annotated[
    list[RuleSchema],
    Field(
        description="准入/申报条件（数据化的规则：字段 运算 取值），全部满足才算符合",
        examples=[[{"field": "tiers", "op": "in", "value": ["专精特新", "小巨人"]}]],
    ),
]
