"""Field types used by several resources (ids, enterprise references, rules)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from matcher.types import RULE_FIELDS, RuleField, RuleOp

RecordId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_\-]+$",
        description="记录编号（字母、数字、下划线或连字符）",
    ),
]
NewId = Annotated[
    RecordId | None,
    Field(description="记录编号；不填时自动生成", examples=[None]),
]
EnterpriseRef = Annotated[
    str,
    Field(min_length=1, max_length=64, description="所属企业编号", examples=["E0000001"]),
]


class RuleSchema(BaseModel):
    """一条准入/申报条件：字段 运算 取值"""

    model_config = ConfigDict(extra="forbid")

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
