"""Policy (政策) request and response models."""

from __future__ import annotations

from pydantic import Field

from service.schemas.common import ApiModel, partial_model
from service.schemas.fields import NOT_BLANK, IsoDate, NewId, RecordId, Rules


class PolicyFields(ApiModel):
    """政策"""

    issuer: str = Field(description="发布单位", examples=["青岛市民营经济局"])
    title: str = Field(
        description="政策名称", examples=["专精特新中小企业奖励"], json_schema_extra=NOT_BLANK
    )
    text: str = Field(
        description="政策正文（用于匹配）",
        examples=["对新认定的专精特新中小企业给予一次性奖励。"],
        json_schema_extra=NOT_BLANK,
    )
    rules: Rules = Field(default_factory=list)
    benefit: str = Field(
        description="支持内容", examples=["一次性奖励30万元"], json_schema_extra=NOT_BLANK
    )
    amount: float | None = Field(None, ge=0, description="最高支持金额，万元", examples=[30])
    valid_from: IsoDate = Field(description="生效日期", examples=["2025-01-01"])
    valid_to: IsoDate | None = Field(
        None, description="失效日期；为空表示长期有效", examples=["2027-12-31"]
    )
    auto_grant: bool = Field(False, description="是否免申即享", examples=[True])


class PolicyCreate(PolicyFields):
    """新建政策"""

    id: NewId = None


PolicyUpdate = partial_model(PolicyFields, "PolicyUpdate")


class PolicyPublic(PolicyFields):
    """政策"""

    id: RecordId = Field(examples=["P00001"])
