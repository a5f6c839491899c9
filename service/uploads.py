"""Uploaded files, the same on every upload route (API and web): a safe name, one size limit.

The client's file name never becomes a path component as sent: only its last part is kept
(after `/` or `\\`), anything but letters, digits, `.`, `-` and `_` becomes `_`, leading and
trailing dots go, and it is cut to MAX_NAME_BYTES UTF-8 bytes keeping its suffix. The upload
is copied to disk a chunk at a time and refused (413) once it passes the `upload_max_mb`
setting; a request whose stated length is already past it is refused before its body is read
(`UploadSizeLimit`).
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from service.errors import ApiError, error_body

MAX_NAME_BYTES = 200  # well under the 255 bytes a file name may have on disk
MAX_SUFFIX_CHARS = 16
_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.\-]+")
FORM_OVERHEAD = 1 << 20  # what a multipart body may hold besides the file (fields, boundaries)


def _cut(text: str, size: int) -> str:
    """`text` cut to at most `size` UTF-8 bytes, on a character boundary."""
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def safe_name(filename: str | None, default: str = "upload") -> str:
    """A name safe to save an upload under: its base name, odd characters replaced, at most
    MAX_NAME_BYTES bytes, suffix kept; `default` when nothing is left."""
    base = re.split(r"[\\/]", filename or "")[-1]
    name = _UNSAFE.sub("_", base).strip("._")
    if not name:
        return default
    suffix = Path(name).suffix if len(Path(name).suffix) <= MAX_SUFFIX_CHARS else ""
    stem = name[: len(name) - len(suffix)]
    stem = _cut(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip("._")
    return f"{stem}{suffix}" if stem else default


def save_upload(upload: UploadFile, target: Path, limit_mb: int) -> None:
    """Copy an upload to `target` a chunk at a time; 413 (nothing kept) past `limit_mb` MB."""
    limit = limit_mb << 20
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, f"上传文件「{target.name}」超过 {limit_mb} MB 的上限")
                out.write(chunk)
    except ApiError:
        target.unlink(missing_ok=True)
        raise


def _refusal(path: str, limit_mb: int) -> Response:
    message = f"上传内容超过 {limit_mb} MB 的上限"
    if path.startswith("/api/"):
        return JSONResponse(error_body("bad_request", message), status_code=413)
    page = f"<!doctype html><html lang=zh><title>文件过大</title><p>{message}</p></html>"
    return HTMLResponse(page, status_code=413)


class UploadSizeLimit:
    """ASGI middleware: a multipart request whose Content-Length passes the upload limit (plus
    FORM_OVERHEAD) is answered 413 before its body is received and spooled to disk."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            length = headers.get(b"content-length", b"")
            multipart = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
            limit_mb = scope["app"].state.service.settings.upload_max_mb
            if multipart and length.isdigit() and int(length) > (limit_mb << 20) + FORM_OVERHEAD:
                await _refusal(scope["path"], limit_mb)(scope, receive, send)
                return
        await self.app(scope, receive, send)
