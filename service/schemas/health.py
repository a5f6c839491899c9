"""Liveness and readiness models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    """进程存活"""

    status: Literal["ok"] = Field(description="ok 表示进程在运行")
    worker: int = Field(description="答复本次请求的工作进程号（多进程部署时用于排查）")


class Readiness(BaseModel):
    """是否可以对外服务：数据库可连接且索引最新"""

    status: Literal["ready", "not_ready"] = Field(description="ready 或 not_ready")
    reasons: list[str] = Field(description="未就绪的原因（中文）", examples=[[]])
