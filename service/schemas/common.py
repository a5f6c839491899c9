"""Shared schema pieces: the page wrapper, the error body, and partial (update) models."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from matcher.plain_text import PlainTextModel

T = TypeVar("T")


class ApiModel(PlainTextModel):
    """Base of request bodies: unknown fields are an error, text is trimmed and holds no
    control characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T] = Field(description="本页记录")
    total: int = Field(description="符合条件的记录总数", examples=[128])
    offset: int = Field(description="本页从第几条开始（从 0 起）", examples=[0])
    limit: int = Field(description="每页最多条数", examples=[20])


class ErrorResponse(BaseModel):
    """The body of every error response."""

    code: str = Field(
        description="错误类别：not_found、validation_error、unauthorized、forbidden、"
        "conflict、bad_request、internal_error",
        examples=["validation_error"],
    )
    message: str = Field(description="中文错误说明", examples=["请求参数有误：amount：应大于0"])
    details: list[dict[str, Any]] = Field(
        default_factory=list,
        description="逐项问题：location（body、query、path）、field、reason；"
        "导入错误另有 file、row",
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    str(status): {"model": ErrorResponse, "description": text}
    for status, text in (
        (401, "未登录或密钥无效"),
        (403, "无权访问"),
        (404, "记录不存在"),
        (409, "与现有数据冲突"),
        (422, "参数校验失败"),
    )
}


def partial_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    """`model` with every field optional (default None), keeping descriptions and examples."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        fields[field_name] = (
            info.annotation | None,
            Field(None, description=info.description, examples=info.examples),
        )
    partial = create_model(name, __base__=ApiModel, **fields)
    partial.__doc__ = f"{model.__doc__ or ''}（更新时只需提供要修改的字段）"
    return partial
