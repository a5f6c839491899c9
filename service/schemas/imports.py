"""Import report models."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ImportProblem(BaseModel):
    """导入时发现的一个问题"""

    file: str = Field(description="文件名", examples=["needs.csv"])
    row: int = Field(description="行号（表头为第1行；0 表示整个文件）", examples=[3])
    field: str = Field(description="字段", examples=["amount"])
    reason: str = Field(description="原因", examples=["应大于0，实际为「-5」"])


class ImportReportPublic(BaseModel):
    """导入结果"""

    file: str = Field(description="文件名", examples=["needs.csv"])
    kind: str = Field(description="数据类型", examples=["need"])
    rows: int = Field(description="读取的数据行数", examples=[120])
    added: int = Field(description="新增记录数", examples=[100])
    updated: int = Field(description="更新记录数", examples=[20])
    unchanged: int = Field(description="未变化记录数", examples=[0])
    skipped: int = Field(description="跳过的问题行数（仅在跳过问题行时）", examples=[0])
    problems: list[ImportProblem] = Field(description="跳过的问题行")
