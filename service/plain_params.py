"""No control character in any query, path or form parameter (JSON bodies: the models).

An app-wide dependency: before a route reads a parameter, every query-string, path and form
text value is checked (`matcher.plain_text`), so a NUL never reaches a database query and the
answer is a 422 naming the parameter. Tab and line breaks pass here (a form's text area holds
them); the domain models refuse them where a field is a single line.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from starlette.datastructures import UploadFile

from matcher.plain_text import control_char_error, visible
from service.errors import ApiError

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refused(location: str, name: str, reason: str) -> ApiError:
    shown = visible(name)
    detail = {"location": location, "field": shown, "reason": reason}
    return ApiError(422, f"请求参数有误：{shown}：{reason}", [detail], code="validation_error")


def _check(location: str, items: Iterable[tuple[str, object]]) -> None:
    for name, value in items:
        error = control_char_error(name, multiline=True)
        if error is None and isinstance(value, str):
            error = control_char_error(value, multiline=True)
        if error is not None:
            raise _refused(location, name, error)


async def plain_parameters(request: Request) -> None:
    """Refuse (422) a query, path or form parameter holding a control character."""
    _check("query", request.query_params.multi_items())
    _check("path", request.path_params.items())
    content_type = request.headers.get("content-type", "")
    if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(_FORM_TYPES):
        form = await request.form()
        fields = [(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)]
        _check("body", fields)
