"""Tech result (科技成果) request and response models."""

from __future__ import annotations

from pydantic import Field

from matcher.types import TRANSFER_MODES
from service.schemas.common import ApiModel, partial_model
from service.schemas.fields import NOT_BLANK, NewId, RecordId, each_of


class TechResultFields(ApiModel):
    """科技成果"""

    university: str = Field(
        description="高校院所", examples=["中国石油大学（华东）"], json_schema_extra=NOT_BLANK
    )
    team: str = Field(description="团队或专家", examples=["王立新教授团队"])
    title: str = Field(
        description="成果名称",
        examples=["基于相变材料的动力锂电池热管理系统"],
        json_schema_extra=NOT_BLANK,
    )
    abstract: str = Field(
        description="成果简介（用于匹配）",
        examples=["提出相变材料与液冷耦合的电池散热结构，电池包最高温升降低40%。"],
        json_schema_extra=NOT_BLANK,
    )
    field: str = Field(description="技术领域（产业链）", examples=["智能装备"])
    trl: int = Field(ge=1, le=9, description="技术成熟度 TRL 1–9", examples=[6])
    transfer_modes: list[str] = Field(
        default_factory=list,
        description=f"转化方式（可多选）：{'、'.join(TRANSFER_MODES)}",
        examples=[["许可", "合作开发"]],
        json_schema_extra=each_of(TRANSFER_MODES),
    )
    price: float | None = Field(None, ge=0, description="参考价格，万元", examples=[120])


class TechResultCreate(TechResultFields):
    """新建科技成果"""

    id: NewId = None


TechResultUpdate = partial_model(TechResultFields, "TechResultUpdate")


class TechResultPublic(TechResultFields):
    """科技成果"""

    id: RecordId = Field(examples=["T000001"])
