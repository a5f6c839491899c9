"""Shared schema pieces: the page wrapper, the error body, and partial (update) models."""

from __future__ import annotations

from types import UnionType
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator

from matcher.plain_text import PlainTextModel

T = TypeVar("T")


class ApiModel(PlainTextModel):
    """Base of request bodies: unknown fields are an error, text is trimmed and holds no
    control characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _json_types(cls, value: Any, info: ValidationInfo) -> Any:
        """true/false is not a number, nor 0/1 a boolean (pydantic would convert them)."""
        kinds = scalar_types(cls.model_fields[info.field_name].annotation)
        numeric = bool(kinds & {int, float})
        if isinstance(value, bool) and numeric and bool not in kinds:
            raise ValueError(f"应为数字，实际为「{str(value).lower()}」")
        if type(value) in (int, float) and bool in kinds and not numeric and str not in kinds:
            raise ValueError(f"应为 true 或 false，实际为「{value}」")
        return value


def scalar_types(annotation: Any) -> set[Any]:
    """The plain types a field's annotation allows (through unions and `Annotated`)."""
    if get_origin(annotation) in (Union, UnionType, Annotated):
        args = (
            get_args(annotation)[:1]
            if get_origin(annotation) is Annotated
            else get_args(annotation)
        )
        return set().union(*(scalar_types(arg) for arg in args))
    return {annotation}


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


def _errors(*statuses: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    return {str(status): {"model": ErrorResponse, "description": text} for status, text in statuses}


# What every operation that takes a key may answer besides its own responses.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = _errors(
    (400, "请求体无法解析（不是 UTF-8 编码的 JSON 或表单），或当前状态不允许该操作"),
    (401, "未登录或密钥无效（响应头 WWW-Authenticate）"),
    (403, "无权访问；网页会话发起的写操作缺少 CSRF 令牌或来自其他网站"),
    (404, "记录不存在"),
    (409, "与现有数据冲突（版本已变、记录已存在或仍被引用）"),
    (422, "参数校验失败：details 逐项列出位置、字段与原因（导入另有文件、行）"),
    (429, "失败次数过多，请稍后再试（响应头 Retry-After 给出秒数）"),
)
# Operations that take an uploaded file answer 413 past the size limit.
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = _errors((413, "上传文件过大"))


def partial_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    """`model` with every field optional (left out: None), keeping its type, constraints,
    descriptions and examples."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        kept = Field(None, description=info.description, examples=info.examples,
                     json_schema_extra=info.json_schema_extra)  # fmt: skip
        # Left out means unchanged; null only where the record itself allows it.
        kind = info.annotation
        fields[field_name] = (Annotated[kind, *info.metadata] if info.metadata else kind, kept)
    partial = create_model(name, __base__=ApiModel, **fields)
    partial.__doc__ = f"{model.__doc__ or ''}（更新时只需提供要修改的字段）"
    return partial
