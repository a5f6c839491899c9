"""Versions over HTTP: a record, event plan or outcome is read with its version as `ETag`
(`"3"`), and a change may state it back in `If-Match`; a change whose version has moved on
is a 409 and changes nothing (see `service.errors`). Without `If-Match` a change applies as
before (to the current data; the last writer wins)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header, Response

from matcher.errors import InvalidValue

IF_MATCH_DESCRIPTION = (
    '可选：查看时响应头 ETag 给出的版本（如 "3"）。给出时，若数据已被他人修改（版本已变），'
    "返回 409「数据已被他人修改，请刷新后重试」且不做任何修改；不给出时照常修改"
    "（作用于当前数据，以最后一次写入为准）"
)
_TAG = re.compile(r'^(?:W/)?"?([0-9]{1,18})"?$')
# What `expected_version` accepts, stated in the OpenAPI document.
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"?[0-9]{1,18}"?)\s*$'
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description=IF_MATCH_DESCRIPTION,
        examples=['"3"'],
        json_schema_extra={"pattern": IF_MATCH_PATTERN},
    ),
]


def etag(version: int) -> str:
    """A version as a strong entity tag: `"3"`."""
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an `If-Match` header states (`"3"`, `W/"3"` or `3`); None when it is
    absent or `*` (any version); `InvalidValue` otherwise."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _TAG.match(if_match.strip())
    if found is None:
        reason = f'「{if_match}」不是有效的版本：请填写查看时响应头 ETag 的值，如 "3"'
        raise InvalidValue([("If-Match", reason)], location="header")
    return int(found.group(1))


def tagged(response: Response, version: int) -> None:
    """Put the version on the response as its `ETag`."""
    response.headers["ETag"] = etag(version)
