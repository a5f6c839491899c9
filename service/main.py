"""The FastAPI application: `create_app(settings)`.

Creating the app starts the service (see `ServiceState.start`): the database is migrated,
seeded from the sample data when asked and empty, and every index that diverged from the
database is rebuilt, so the app answers from fresh indexes from its first request.
Run it with `matcher-service run`, or `uvicorn --factory service.main:create_app`.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI

from service.errors import install_error_handlers
from service.headers import SecurityHeaders
from service.openapi import install_contract
from service.plain_params import plain_parameters
from service.routers import (
    audit,
    docs,
    enterprises,
    event_changes,
    event_choice,
    event_day,
    event_notify,
    events,
    health,
    imports,
    indexes,
    jobs,
    keys,
    needs,
    offers,
    outcomes,
    policies,
    policy_calculator,
    policy_reach,
    policy_rounds,
    policy_rules,
    products,
    recommendations,
    reports,
    tech_results,
)
from service.settings import ServiceSettings
from service.state import ServiceState
from service.uploads import UploadSizeLimit
from service.web.routes import router as web_router

DESCRIPTION = """\
企业需求、高校科技成果、银行金融产品与政府政策的智能匹配服务。

- 认证：请求头 `X-API-Key: mk_...`（或网页登录后的会话 Cookie `matcher_session`：
  凭它发起的写操作须来自本站页面，并带 `X-CSRF-Token` 请求头）；
- 角色：管理员、组织方、企业、银行、高校，各自只能访问权限范围内的数据；
- 错误：统一返回 `{"code", "message", "details"}`，message 为中文说明。
"""
TAGS = [
    {"name": "企业", "description": "企业名录"},
    {"name": "需求", "description": "企业的技术、融资与合作需求"},
    {"name": "科技成果", "description": "高校院所的科技成果"},
    {"name": "金融产品", "description": "银行的金融产品及准入条件"},
    {"name": "政策", "description": "政府政策及申报条件"},
    {"name": "供给", "description": "企业向产业链提供的产品与服务"},
    {"name": "推荐", "description": "推荐结果、政策匹配与反向意向企业名单"},
    {"name": "对接活动", "description": "产业链对接会、政金企对接会：参会方、配对、日程、导出"},
    {"name": "导入导出", "description": "上传数据文件、导出数据"},
    {"name": "跟踪问效", "description": "会谈与融资对接结果、变更历史、逾期提醒、跟踪表"},
    {"name": "报告", "description": "对接活动漏斗报告与导出"},
    {"name": "索引", "description": "检索索引的状态与重建"},
    {"name": "后台任务", "description": "重建索引、导入、配对与排程等耗时操作的进度与结果"},
    {"name": "密钥", "description": "API 密钥"},
    {"name": "审计", "description": "操作记录"},
    {"name": "健康检查", "description": "存活与就绪探针"},
]


def api_router() -> APIRouter:
    """Every `/api` router."""
    api = APIRouter(prefix="/api")
    for module in (
        enterprises, needs, tech_results, products, policy_calculator, policy_reach,
        policy_rounds, policy_rules, policies, offers, recommendations,
        event_choice, event_day, event_notify, event_changes, events, imports, indexes, jobs,
        keys, audit, outcomes, reports,
    ):  # fmt: skip
        api.include_router(module.router)
    return api


def create_app(settings: ServiceSettings | None = None, progress: bool | None = None) -> FastAPI:
    """The service app over `settings` (default: env and config file), already started.

    `progress` shows progress bars while seeding and rebuilding (default: when stderr is a
    terminal).
    """
    settings = settings or ServiceSettings()
    show = sys.stderr.isatty() if progress is None else progress
    state = ServiceState.start(settings, progress=show)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="产业对接智能匹配服务",
        description=DESCRIPTION,
        version="0.1.0",
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # served by service.routers.docs from vendored files (no CDN)
        redoc_url=None,
        dependencies=[Depends(plain_parameters)],
    )
    app.state.service = state
    install_error_handlers(app)
    install_contract(app)
    app.add_middleware(UploadSizeLimit)  # inside SecurityHeaders: its 413s get them too
    app.add_middleware(SecurityHeaders)
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(api_router())
    app.include_router(web_router)
    return app
