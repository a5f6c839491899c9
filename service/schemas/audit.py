"""Audit log models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AuditEntryPublic(BaseModel):
    """一条审计记录：谁在何时对什么做了什么"""

    id: int = Field(description="编号", examples=[42])
    at: datetime = Field(description="时间")
    actor_key_id: int | None = Field(description="操作者的密钥编号；为空表示系统", examples=[1])
    action: str = Field(
        description="操作：create、update、delete、import、export、rebuild、key_create、key_revoke",
        examples=["update"],
    )
    kind: str | None = Field(description="对象类型", examples=["need"])
    record_id: str | None = Field(description="对象编号", examples=["N0000005"])
    detail: str = Field(description="说明", examples=[""])
