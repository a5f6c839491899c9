"""Index status and rebuild models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from matcher.types import RecordKind
from service.schemas.common import ApiModel


class IndexStatusPublic(BaseModel):
    """一类记录的索引状态"""

    kind: RecordKind = Field(description="记录类型", examples=["need"])
    records: int = Field(description="数据库中的记录数", examples=[3000])
    count: int | None = Field(description="索引中的记录数", examples=[3000])
    index_type: str | None = Field(description="索引类型", examples=["flat"])
    encoder: str | None = Field(description="编码器", examples=["usem3"])
    status: Literal["fresh", "stale", "missing"] = Field(
        description="fresh（最新）、stale（过期）、missing（缺失）", examples=["fresh"]
    )
    detail: str = Field(description="说明", examples=[""])


class RebuildRequest(ApiModel):
    """重建索引"""

    kinds: list[RecordKind] | None = Field(
        None, description="要重建的记录类型；为空表示全部", examples=[["need", "tech_result"]]
    )
    full: bool = Field(
        False, description="true：从头重建；false：只更新变化的部分", examples=[False]
    )


class BuildSummaryPublic(BaseModel):
    """一类记录的索引构建结果"""

    kind: RecordKind = Field(description="记录类型", examples=["need"])
    count: int = Field(description="索引中的记录数", examples=[3000])
    embedded: int = Field(description="本次编码的文本数", examples=[12])
    cached: int = Field(description="取自向量缓存的记录数", examples=[2988])
    index_type: str = Field(description="索引类型", examples=["flat"])
    seconds: float = Field(description="耗时，秒", examples=[0.42])
    mode: Literal["full", "incremental", "unchanged"] = Field(
        description="full（从头重建）、incremental（增量）、unchanged（无变化）",
        examples=["incremental"],
    )
