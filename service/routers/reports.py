"""报告: the follow-up funnel (跟踪问效) as JSON with a Chinese summary, and as XLSX, printable
HTML or a PNG chart (exports are audited)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from matcher.printing import content_security_policy
from matcher.types import CHAINS
from service.deps import StaffKey, State
from service.outcomes import REPORT_FORMATS, ReportQuery, funnel_report, report_file
from service.routers.outcomes import attachment
from service.schemas.common import ERROR_RESPONSES
from service.schemas.fields import DISTRICT_NAMES, IsoDate, one_of
from service.schemas.outcomes import ReportPublic

router = APIRouter(prefix="/reports", tags=["报告"], responses=ERROR_RESPONSES)


def report_query(
    event: Annotated[str | None, Query(description="只看某场活动（活动编号）")] = None,
    chain: Annotated[
        str | None,
        Query(
            description="只看某产业链的企业，如 人工智能", json_schema_extra=one_of([*CHAINS, ""])
        ),
    ] = None,
    district: Annotated[
        str | None,
        Query(
            description="只看某区市的企业，如 黄岛（也可写全称 黄岛区）",
            json_schema_extra=one_of([*DISTRICT_NAMES, ""]),
        ),
    ] = None,
    start: Annotated[
        IsoDate | None, Query(alias="from", description="活动日期起（含），YYYY-MM-DD")
    ] = None,
    end: Annotated[
        IsoDate | None,
        Query(alias="to", description="活动日期止（含），YYYY-MM-DD，不早于 from"),
    ] = None,
) -> ReportQuery:
    return ReportQuery(event or None, chain or None, district or None, start, end)


Filters = Annotated[ReportQuery, Depends(report_query)]


@router.get("/funnel", response_model=ReportPublic, summary="漏斗报告")
def get_funnel(query: Filters, state: State, key: StaffKey) -> ReportPublic:
    """对接活动漏斗：活动 → 参会企业 → 计划会谈 → 已举行 → 意向 → 推进 → 签约，以及融资对接
    （推荐 → 申请 → 获批，首贷）；`funnel.summary` 为一句中文小结，`events` 为逐场明细。"""
    return ReportPublic.model_validate(funnel_report(state, query))


@router.get(
    "/funnel.{fmt}",
    summary="导出漏斗报告",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media, _ in REPORT_FORMATS.values()},
            "description": "xlsx：工作簿（漏斗、活动明细、融资，含图）；"
            "html：可打印页面；png：漏斗图",
        }
    },
)
def export_funnel(
    fmt: Literal["xlsx", "html", "png"], query: Filters, state: State, key: StaffKey
) -> Response:
    """导出漏斗报告（筛选条件同上）。导出记入审计日志。"""
    report = funnel_report(state, query)
    data = report_file(report, fmt)
    media, name = REPORT_FORMATS[fmt]
    state.audit.record(key.id, "export", "report", None, f"{fmt}：{report.funnel.label}")
    headers = attachment(f"{name}.{fmt}")
    if fmt == "html":  # the page's own styles (by hash), the served CJK web font
        headers["Content-Security-Policy"] = content_security_policy(data.decode("utf-8"))
    return Response(data, media_type=media, headers=headers)
