"""Every error leaves the API as JSON `{"code", "message" (Chinese), "details"}`, never a traceback.

Bad input is a 4xx: request validation and record validation (422, each problem with its
location, field and Chinese reason), unknown ids (404), import row problems (422, file /
row / field / reason), stale indexes and conflicts (409). A write that stated a version
which has moved on is a 409 「数据已被他人修改，请刷新后重试」 naming the record and its
current version (also as `ETag`). The library raises its own errors (`matcher.errors`);
`status_of` is the one place they become HTTP statuses. Only a bug gives a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from matcher.errors import (
    ConflictError,
    IndexMismatchError,
    IngestError,
    InvalidValue,
    MatcherError,
    NotFoundError,
    VersionConflict,
)
from matcher.ingest.validate import translate_error
from matcher.outcomes.fields import FIELD_LABELS
from matcher.outcomes.store import OutcomeError
from service.versions import etag

log = logging.getLogger("service")

CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "bad_request",
    409: "conflict",
    413: "bad_request",
    415: "bad_request",
    422: "validation_error",
    429: "too_many_requests",
}
MESSAGES: dict[int, str] = {
    400: "请求有误",
    401: "未登录或 API 密钥无效",
    403: "没有权限执行此操作",
    404: "接口或记录不存在",
    405: "不支持此请求方法",
    409: "与现有数据冲突",
    413: "上传内容过大",
    415: "不支持的内容类型",
    422: "请求参数有误",
    429: "请求过于频繁，请稍后再试",
}
# FastAPI's 400 for a body it cannot decode (not UTF-8, a broken multipart form).
UNPARSABLE_BODY = "There was an error parsing the body"
UNPARSABLE_MESSAGE = "无法解析请求体：应为 UTF-8 编码的 JSON，或格式正确的 multipart/form-data 表单"
_SERVICE_REASONS = {
    "json_invalid": "请求体不是合法的 JSON",
    "json_type": "请求体应为 JSON 对象",
    "model_attributes_type": "应为对象（{...}）",
    "dict_type": "应为对象（{...}）",
    "bool_parsing": "应为 true/false",
}


class ApiError(Exception):
    """An error the API reports as is: HTTP status, code, Chinese message, details."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Sequence[Any] = (),
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "bad_request")
        self.message = message
        self.details = list(details)
        self.headers = headers or {}  # e.g. Retry-After of a 429


def unauthorized(message: str = MESSAGES[401]) -> ApiError:
    return ApiError(401, message)


def forbidden(message: str = MESSAGES[403]) -> ApiError:
    return ApiError(403, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def error_body(code: str, message: str, details: Sequence[Any] = ()) -> dict[str, Any]:
    return {"code": code, "message": message, "details": list(details)}


def _response(status: int, code: str, message: str, details: Sequence[Any] = ()) -> JSONResponse:
    headers = {"WWW-Authenticate": "API-Key"} if status == 401 else None
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def validation_details(errors: Sequence[ErrorDetails], location: str | None = None) -> list[dict]:
    """Pydantic errors as `{location, field, reason}` with Chinese reasons.

    Request errors carry their location (`body`, `query`, `path`...) as the first `loc` part;
    record errors (`location` given) start at the field.
    """
    details = []
    for error in errors:
        loc = tuple(error["loc"])
        where = location or (str(loc[0]) if loc else "body")
        parts = loc if location else loc[1:]
        if where == "body" and not location and parts and isinstance(parts[0], int):
            parts = parts[1:]  # a JSON body sent as a list: drop the index
        field = ".".join(str(p) for p in parts)
        translated: ErrorDetails = {**error, "loc": parts or ("",)}
        if error["type"] in _SERVICE_REASONS:
            reason = _SERVICE_REASONS[error["type"]]
            if error["type"] == "json_invalid":
                reason += f"：{(error.get('ctx') or {}).get('error', '')}".rstrip("：")
        elif error["type"] == "missing" and not parts:
            reason = "缺少请求体"
        else:
            reason = translate_error(translated)
        details.append({"location": where, "field": field, "reason": reason})
    return details


def validation_message(details: list[dict]) -> str:
    shown = "；".join(f"{d['field'] or d['location']}：{d['reason']}" for d in details[:3])
    more = f"（共 {len(details)} 处）" if len(details) > 3 else ""
    return f"{MESSAGES[422]}：{shown}{more}"


def _problem(problem: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "file": names.get(problem.file, problem.file),
        "row": problem.row,
        "field": problem.field,
        "reason": problem.reason,
    }


def status_of(error: MatcherError) -> int:
    """The HTTP status of a library error: the one place they are mapped."""
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, OutcomeError) and error.stale:
        return 409  # every refused row was changed by someone else meanwhile
    if isinstance(error, ConflictError | IndexMismatchError):
        return 409
    if isinstance(error, InvalidValue | IngestError):
        return 422
    return 400


def ingest_error_response(error: IngestError, names: dict[str, str] | None = None) -> JSONResponse:
    """422 with every bad row (409 when every one was changed by someone else meanwhile);
    `names` maps temporary upload paths to the uploaded file names."""
    names = names or {}
    details = [_problem(problem, names) for problem in error.problems]
    message = str(error).replace("加 --skip-bad-rows", "设置 skip_bad_rows=true ")
    for path, name in names.items():
        message = message.replace(path, name)
    status = status_of(error)
    return _response(status, CODES[status], message, details)


_FIELD_CODES = {name: code for code, name in FIELD_LABELS.items()}


def matcher_error_response(error: MatcherError) -> JSONResponse:
    """A library error as JSON, with its status (`status_of`) and details."""
    status = status_of(error)
    details: list[dict[str, Any]] = []
    if isinstance(error, VersionConflict):
        details = [{"what": error.what, "current": error.current, "expected": error.expected}]
        response = _response(status, CODES[status], str(error), details)
        if error.current is not None:
            response.headers["ETag"] = etag(error.current)
        return response
    if isinstance(error, InvalidValue):
        details = [
            {"location": error.location, "field": field, "reason": reason}
            for field, reason in error.problems
        ]
    elif isinstance(error, OutcomeError):  # one outcome's fields (a sheet is an IngestError)
        details = [
            {"location": "body", "field": _FIELD_CODES.get(p.field, p.field), "label": p.field,
             "reason": p.reason}
            for p in error.problems
        ]  # fmt: skip
    elif isinstance(error, IngestError):
        return ingest_error_response(error)
    return _response(status, CODES.get(status, "bad_request"), str(error), details)


def allowed_methods(request: Request) -> str:
    """Every method some route of the app serves at the request's path (one route per method,
    so Starlette's own `Allow` names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if route.matches(request.scope)[0] != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on `app`."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        response = _response(exc.status, exc.code, exc.message, exc.details)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(exc.errors())
        return _response(422, "validation_error", validation_message(details), details)

    @app.exception_handler(ValidationError)
    async def _record_invalid(_: Request, exc: ValidationError) -> JSONResponse:
        details = validation_details(exc.errors(), location="body")
        return _response(422, "validation_error", validation_message(details), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
        if exc.detail == UNPARSABLE_BODY:
            detail = UNPARSABLE_MESSAGE
        message = detail or MESSAGES.get(exc.status_code, "请求失败")
        response = _response(exc.status_code, CODES.get(exc.status_code, "bad_request"), message)
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = allowed_methods(request)
        return response

    @app.exception_handler(MatcherError)
    async def _matcher(_: Request, exc: MatcherError) -> JSONResponse:
        return matcher_error_response(exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _response(500, "internal_error", "服务器内部错误，请稍后重试或联系管理员")
