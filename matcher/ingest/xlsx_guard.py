"""Zip-bomb defence for XLSX files: the archive's directory is checked before openpyxl opens it.

An XLSX file is a zip archive. Its directory states every member's inflated size; the total,
each large member's compression ratio and the number of members must stay within the limits
(`matcher.ingest.limits`), so a 1 MB file that would inflate to 1 GiB is refused at once,
having read only the directory. (Reading a member never yields more than its stated size.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from matcher.ingest import limits
from matcher.ingest.problems import file_error

NOT_XLSX = "不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx）"
_MB = 1 << 20


def check_xlsx_archive(path: Path) -> None:
    """Refuse (IngestError) a file that is not a zip archive, or whose members would inflate
    past the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise file_error(str(path), NOT_XLSX) from exc
    if len(members) > limits.XLSX_MAX_MEMBERS:
        reason = f"压缩包内有 {len(members):,} 个文件，超过 {limits.XLSX_MAX_MEMBERS:,} 个的上限"
        raise file_error(str(path), reason)
    total = sum(member.file_size for member in members)
    if total > limits.XLSX_MAX_UNCOMPRESSED:
        reason = (
            f"解压后共 {total / _MB:,.0f} MB，超过 {limits.XLSX_MAX_UNCOMPRESSED / _MB:,.0f} MB "
            "的上限（疑似压缩炸弹）"
        )
        raise file_error(str(path), reason)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.XLSX_RATIO_FROM and ratio > limits.XLSX_MAX_RATIO:
            reason = (
                f"其中「{member.filename}」的压缩比为 {ratio:,.0f}:1，超过 "
                f"{limits.XLSX_MAX_RATIO}:1 的上限（疑似压缩炸弹）"
            )
            raise file_error(str(path), reason)
