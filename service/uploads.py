"""Uploaded files, the same on every upload route (API and web): a safe name, one size limit.

The client's file name never becomes a path component as sent: only its last part is kept
(after `/` or `\\`), anything but letters, digits, `.`, `-` and `_` becomes `_`, leading and
trailing dots go, and it is cut to MAX_NAME_BYTES UTF-8 bytes keeping its suffix. The upload
is copied to disk a chunk at a time and refused (413) once it passes the `upload_max_mb`
setting.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import UploadFile

from service.errors import ApiError

MAX_NAME_BYTES = 200  # well under the 255 bytes a file name may have on disk
MAX_SUFFIX_CHARS = 16
_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.\-]+")


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
