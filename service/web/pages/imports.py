"""导入: upload a CSV / TSV / JSONL / XLSX file → the import summary, or every bad row."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from matcher.ingest.readers import file_format
from matcher.types import KIND_LABELS, RECORD_KINDS
from service.errors import ApiError
from service.uploads import safe_name, save_upload
from service.web import backend
from service.web.pages.jobs import go_to_job
from service.web.render import is_fragment_request, render
from service.web.routing import WebRoute
from service.web.session import StaffUser, service_state

router = APIRouter(route_class=WebRoute)

KIND_CHOICES = [("", "按文件名自动识别"), *((k, KIND_LABELS[k]) for k in RECORD_KINDS)]
ACCEPT = ".csv,.tsv,.jsonl,.xlsx"
# The library's failure message gives the CLI flag; the page has a checkbox instead.
WEB_HINT = "勾选「跳过有问题的行」"


def _page(request: Request, result: dict | None, status: int = 200) -> HTMLResponse:
    context = {"kinds": KIND_CHOICES, "accept": ACCEPT, "result": result}
    fragment = result is not None and is_fragment_request(request)
    template = "partials/import_result.html" if fragment else "import.html"
    return render(request, template, context, status_code=status)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, user: StaffUser) -> HTMLResponse:
    return _page(request, None)


@router.post("/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    user: StaffUser,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "",
    skip_bad_rows: Annotated[bool, Form()] = False,
) -> Response:
    """Import the uploaded file as a background job, followed on its page (the summary, or the
    problems table 文件/行/字段/原因 when it is refused)."""
    name = safe_name(file.filename, default="")
    if not name or file_format(Path(name)) is None:
        message = f"请选择 .csv、.tsv、.jsonl 或 .xlsx 文件（收到「{name or '无文件'}」）"
        return _page(request, {"report": None, "error": message, "problems": []}, status=400)
    kind = kind if kind in KIND_LABELS else ""
    path = Path(tempfile.mkdtemp(prefix="matcher-upload-")) / name
    try:
        save_upload(file, path, service_state(request).settings.upload_max_mb)
    except ApiError as error:
        shutil.rmtree(path.parent, ignore_errors=True)
        return _page(request, {"report": None, "error": error.message, "problems": []}, 413)
    job = backend.start_import(request, path, user, kind or None, skip_bad_rows, WEB_HINT)
    return go_to_job(request, job)
