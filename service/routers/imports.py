"""导入导出: upload a CSV / TSV / JSONL / XLSX file (all-or-nothing), export a kind as JSONL."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, StreamingResponse

from matcher.errors import IngestError
from matcher.ingest import ImportReport, kind_from_filename
from matcher.ingest.kinds import choices
from matcher.types import RecordKind
from service.deps import StaffKey, State
from service.errors import ApiError, ingest_error_response
from service.jobs import Progress
from service.routers.crud import invalid_field
from service.routers.jobs import Wait, accepted, finished
from service.schemas.common import ERROR_RESPONSES, UPLOAD_RESPONSES
from service.schemas.imports import ImportReportPublic
from service.schemas.jobs import JobAccepted
from service.state import ServiceState
from service.uploads import safe_name, save_upload
from storage.jobs import Job

router = APIRouter(tags=["导入导出"], responses=ERROR_RESPONSES)

# The library's failure message gives the CLI flag; the API has a form field instead.
CLI_HINT, API_HINT = "加 --skip-bad-rows", "设置 skip_bad_rows=true "


def _public(report: ImportReport, names: dict[str, str]) -> ImportReportPublic:
    data = report.to_dict()
    data["file"] = names.get(report.file, report.file)
    for problem in data["problems"]:
        problem["file"] = names.get(problem["file"], problem["file"])
    return ImportReportPublic.model_validate(data)


def renamed(error: IngestError, names: dict[str, str], hint: str = API_HINT) -> IngestError:
    """`error` with the uploaded file names instead of the temporary paths, and `hint`
    instead of the CLI's flag."""
    message = str(error).replace(CLI_HINT, hint)
    for path, name in names.items():
        message = message.replace(path, name)
    problems = [replace(p, file=names.get(p.file, p.file)) for p in error.problems]
    return IngestError(message, problems)


def start_import(
    state: ServiceState, upload: Path, actor: int | None, kind: str | None, skip_bad_rows: bool,
    hint: str = API_HINT,
) -> Job:  # fmt: skip
    """Import a saved upload as a background job; its folder is removed when the job ends.
    The job's result is the import report; a refused file fails it with every bad row."""
    names = {str(upload): upload.name}

    def work(progress: Progress) -> dict[str, Any]:
        try:
            progress(0, 1, f"正在校验并导入「{upload.name}」，随后更新索引")
            report = state.import_upload(upload, actor, kind=kind, skip_bad_rows=skip_bad_rows)
        except IngestError as error:
            raise renamed(error, names, hint) from None
        finally:
            shutil.rmtree(upload.parent, ignore_errors=True)
        return _public(report, names).model_dump(mode="json")

    return state.jobs.submit("import", upload.name, actor, work)


@router.post(
    "/import", response_model=JobAccepted, status_code=202, summary="导入数据文件",
    responses={200: {"model": ImportReportPublic, "description": "wait=true：导入结果"},
               **UPLOAD_RESPONSES},
)  # fmt: skip
def import_upload(
    state: State,
    key: StaffKey,
    response: Response,
    file: Annotated[UploadFile, File(description="数据文件：.csv .tsv .jsonl .xlsx")],
    kind: Annotated[
        str | None,
        Form(description="数据类型（如 need、需求）；不填时按文件名判断（如 needs.csv）"),
    ] = None,
    skip_bad_rows: Annotated[
        bool, Form(description="跳过有问题的行，只导入正确的行；默认有任何问题都不导入")
    ] = False,
    wait: Wait = False,
) -> JobAccepted | JSONResponse:
    """导入一个文件：先校验全部行，有问题时不写入任何数据，逐条列出 文件/行/字段/原因；
    同编号的记录会被更新，导入后索引立即更新。默认在后台执行：返回 202 与任务地址，任务结果为
    导入结果，失败时任务的 result.problems 列出问题行；wait=true 时直接返回结果（有问题时 422）。"""
    name = safe_name(file.filename)
    if not kind and kind_from_filename(Path(name)) is None:
        raise invalid_field("kind", f"无法从文件名「{name}」判断数据类型，请指定 kind：{choices()}")
    if not wait:
        path = Path(tempfile.mkdtemp(prefix="matcher-upload-")) / name
        try:
            save_upload(file, path, state.settings.upload_max_mb)
        except ApiError:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        job = start_import(state, path, key.id, kind or None, skip_bad_rows)
        return accepted(job, response)
    with tempfile.TemporaryDirectory(prefix="matcher-upload-") as folder:
        path = Path(folder) / name
        save_upload(file, path, state.settings.upload_max_mb)
        names = {str(path): name}
        try:
            report = state.import_upload(
                path, key.id, kind=kind or None, skip_bad_rows=skip_bad_rows
            )
        except IngestError as error:
            return ingest_error_response(error, names)
        return finished(_public(report, names))


def _jsonl(records: list) -> Iterator[bytes]:
    for record in records:
        yield (json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n").encode()


@router.get(
    "/export/{kind}",
    summary="导出数据（JSONL）",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "每行一条记录"}},
)
def export(
    kind: Annotated[RecordKind, PathParam(description="记录类型，如 need")],
    state: State,
    key: StaffKey,
) -> StreamingResponse:
    """导出某类全部记录，每行一个 JSON 对象；导出的文件可直接再导入。"""
    records = list(state.store.load(kind).values())
    state.audit.record(key.id, "export", kind, None, f"{len(records)} 条")
    headers = {"Content-Disposition": f'attachment; filename="{kind}.jsonl"'}
    return StreamingResponse(_jsonl(records), media_type="application/x-ndjson", headers=headers)
