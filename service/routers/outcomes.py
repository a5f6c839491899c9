"""跟踪问效: record what came of meetings and financing matches, their history, the overdue
list, and the follow-up sheet (download, fill in, upload).

An outcome's version comes back as `ETag` (and `version` in the body); recording accepts it
as `If-Match` (see `service.versions`), the sheet in its 版本 column."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response

from matcher.errors import IngestError
from service.deps import CurrentKey, StaffKey, State
from service.errors import ingest_error_response
from service.outcomes import (
    XLSX_TYPE,
    followup_template,
    import_followup_upload,
    overdue_items,
    readable_outcome,
    record_finance,
    record_meeting,
)
from service.schemas.common import ERROR_RESPONSES, UPLOAD_RESPONSES
from service.schemas.fields import IsoDate
from service.schemas.outcomes import (
    ChangePublic,
    FinanceOutcomeUpdate,
    FinanceRecorded,
    FollowupImported,
    MeetingOutcomeUpdate,
    MeetingRecorded,
    OutcomeHistory,
    OverdueList,
)
from service.uploads import safe_name, save_upload
from service.versions import IfMatch, expected_version, tagged

router = APIRouter(tags=["跟踪问效"], responses=ERROR_RESPONSES)

EventId = Annotated[str, PathParam(description="活动编号", examples=["ai-1"])]


def attachment(filename: str) -> dict[str, str]:
    """A download header that keeps a Chinese file name (RFC 5987)."""
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}


@router.put(
    "/events/{event_id}/meetings/outcome", response_model=MeetingRecorded, summary="记录会谈结果"
)
def put_meeting_outcome(
    event_id: EventId,
    body: MeetingOutcomeUpdate,
    state: State,
    key: StaffKey,
    response: Response,
    if_match: IfMatch = None,
) -> MeetingRecorded:
    """记录一场会谈的结果（到场情况、进展阶段、签约金额、备注、下次跟进日期）。
    只修改请求中给出的字段；每个有变化的字段在历史中记一条（记录人、时间、原值 → 新值），
    从不覆盖。会谈须在活动的配对清单中。未到场、已取消的会谈不能为签约；签约金额只能在签约时填写；
    逆漏斗方向的修改（如 签约 → 意向）须标明 correction=true。
    If-Match：读到的结果版本（尚未记录的为 "0"）。"""
    expected = expected_version(if_match)
    done = record_meeting(state, key, event_id, body.a, body.b, body.changes(), expected)
    tagged(response, done.outcome.version)
    return MeetingRecorded(outcome=done.outcome, changes=[ChangePublic.of(c) for c in done.changes])


@router.post("/finance-outcomes", response_model=FinanceRecorded, summary="记录融资对接结果")
def post_finance_outcome(
    body: FinanceOutcomeUpdate,
    state: State,
    key: CurrentKey,
    response: Response,
    if_match: IfMatch = None,
) -> FinanceRecorded:
    """记录一笔融资对接（企业 + 金融产品）的结果：已推荐 → 已申请 → 已获批 / 未获批，
    获批金额、首贷。组织方可记录全部；银行账号只能记录本行产品。每个有变化的字段在历史中记一条。
    获批金额只能在已获批时填写；已获批改为其他状态须标明 correction=true。
    If-Match：读到的结果版本（尚未记录的为 "0"）。"""
    expected = expected_version(if_match)
    changes = body.changes()
    done = record_finance(state, key, body.enterprise_id, body.product_id, changes, expected)
    tagged(response, done.outcome.version)
    return FinanceRecorded(outcome=done.outcome, changes=[ChangePublic.of(c) for c in done.changes])


@router.get("/outcomes/overdue", response_model=OverdueList, summary="逾期未跟进")
def get_overdue(
    state: State,
    key: StaffKey,
    on: Annotated[
        IsoDate | None, Query(alias="date", description="以该日为今天（YYYY-MM-DD），默认今天")
    ] = None,
) -> OverdueList:
    """下次跟进日期已过、尚未签约（会谈）或办结（融资）的事项，最早的在前，附联系人和负责人。"""
    today = on or state.workspace.settings.reference_date()
    items = overdue_items(state, today)
    return OverdueList(date=today, count=len(items), items=items)


@router.get("/outcomes/{outcome_id}/history", response_model=OutcomeHistory, summary="变更历史")
def get_history(
    outcome_id: Annotated[
        str,
        PathParam(
            description="结果编号：活动|需求方|供给方，或 企业|产品",
            examples=["ai-1|E0000123|U:青岛大学"],
        ),
    ],
    state: State,
    key: CurrentKey,
    response: Response,
) -> OutcomeHistory:
    """一个结果的当前状态和全部变更（谁、何时、由何改为何），最早的在前。
    组织方可查看全部；参会企业、高校、银行只能查看本单位自己的结果。响应头 ETag 为结果的版本。"""
    outcome = readable_outcome(state, key, outcome_id)
    tagged(response, outcome.version)
    kind = "finance" if hasattr(outcome, "product_id") else "meeting"
    changes = [ChangePublic.of(c) for c in state.outcomes.history(outcome.id)]
    return OutcomeHistory(kind=kind, outcome=outcome, changes=changes)


@router.get(
    "/events/{event_id}/followup.xlsx",
    summary="下载跟踪表",
    response_class=Response,
    responses={200: {"content": {XLSX_TYPE: {}}, "description": "跟踪表（XLSX）"}},
)
def get_followup_sheet(event_id: EventId, state: State, key: StaffKey) -> Response:
    """导出活动的跟踪表：每场会谈一行，已记录的结果预先填好；电话回访后填写再上传。导出记入审计日志。"""
    plan, data = followup_template(state, key, event_id)
    headers = attachment(f"跟踪表-{plan.event.id}.xlsx")
    return Response(data, media_type=XLSX_TYPE, headers=headers)


@router.post(
    "/events/{event_id}/followup",
    response_model=FollowupImported,
    summary="上传填好的跟踪表",
    responses=UPLOAD_RESPONSES,
)
def post_followup_sheet(
    event_id: EventId,
    state: State,
    key: StaffKey,
    file: Annotated[UploadFile, File(description="填好的跟踪表 .xlsx")],
) -> FollowupImported | JSONResponse:
    """导入填好的跟踪表：先逐行校验，任何一行有误则返回 422（逐条列出 文件/行/字段/原因），
    不写入任何内容；空白单元格表示该项不变。"""
    name = safe_name(file.filename)
    with tempfile.TemporaryDirectory(prefix="matcher-followup-") as folder:
        path = Path(folder) / name
        save_upload(file, path, state.settings.upload_max_mb)
        try:
            results = import_followup_upload(state, key, event_id, path)
        except IngestError as error:
            return ingest_error_response(error, {str(path): name})
    changed = [r for r in results if r.changes]
    changes = [ChangePublic.of(c) for r in changed for c in r.changes]
    return FollowupImported(updated=len(changed), changes=changes)
