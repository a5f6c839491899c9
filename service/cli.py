"""`matcher-service`: run the service, manage API keys.

    matcher-service run [--seed-sample] [--host H] [--port P] [--workers N]
    matcher-service keys create --role R [--scope S] --name N
    matcher-service keys revoke ID
    matcher-service keys list [--json]

Settings come from the environment and the config file (docs/settings.md).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Annotated, Any

import typer
import uvicorn
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, Engine

from matcher.cli.errors import exit_on_user_error
from matcher.cli.learn_cmd import print_training
from matcher.errors import MatcherError
from matcher.ingest.validate import translate_error
from matcher.learn.train import train_ranker
from service.settings import ServiceSettings
from service.state import ServiceState
from storage.audit import AuditRepository
from storage.db import make_engine, upgrade
from storage.keys import ROLES, ApiKey, ApiKeyRepository
from storage.records import SqlRecordStore

app = typer.Typer(
    name="matcher-service",
    help="产业对接智能匹配服务：启动 Web 服务与 API，管理 API 密钥。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
keys_app = typer.Typer(help="管理 API 密钥", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
console = Console(soft_wrap=True, highlight=False)


def load_settings(**overrides: Any) -> ServiceSettings:
    """Settings from env and config file, with command-line overrides; errors in Chinese."""
    try:
        return ServiceSettings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        problems = "；".join(_setting_problem(e) for e in error.errors())
        raise MatcherError(f"配置有误：{problems}") from None
    except ValueError as error:
        raise MatcherError(str(error)) from None


def _setting_problem(error: ErrorDetails) -> str:
    """`port：…` or, for a library setting, `matcher.candidates：…` (the nested field's name)."""
    name = ".".join(str(part) for part in error["loc"])
    return f"{name}：{translate_error({**error, 'loc': error['loc'][:1]})}"


def _engine(settings: ServiceSettings) -> Engine:
    engine = make_engine(settings.resolved_database_url(), settings.database_schema)
    upgrade(engine)
    return engine


def _has_admin(keys: ApiKeyRepository) -> bool:
    return any(key.role == "admin" and key.revoked_at is None for key in keys.list())


@app.command()
@exit_on_user_error
def run(
    seed_sample: Annotated[
        bool, typer.Option("--seed-sample", help="数据库为空时导入 data/sample 示例数据")
    ] = False,
    host: Annotated[str | None, typer.Option(help="监听地址（默认 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option(help="监听端口（默认 8000）")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="工作进程数：共用一个数据库和只读索引快照（默认 1）")
    ] = 1,
) -> None:
    """迁移数据库、（可选）导入示例数据、建立索引，首次运行时创建管理员密钥，然后启动服务。"""
    from service.main import create_app

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings(host=host, port=port, seed_sample=seed_sample or None)
    service_app = create_app(settings, progress=True)
    state = service_app.state.service
    if not _has_admin(state.keys):
        _, plaintext = state.keys.create(
            "admin", None, "初始管理员",
            within=lambda c, k: state.audit.record(
                None, "key_create", "api_key", str(k.id), "admin 初始管理员", connection=c
            ),
        )  # fmt: skip
        console.print("已创建管理员密钥（只显示这一次，请妥善保存）：")
        console.print(plaintext)
    url = f"http://{settings.host}:{settings.port}"
    console.print(f"服务地址：{url}/    接口文档：{url}/docs")
    if workers == 1:
        uvicorn.run(service_app, host=settings.host, port=settings.port, log_level="info")
        return
    # Seeding and indexing are done: each worker starts on the same settings (passed through
    # the environment) and finds the database migrated and every index fresh.
    state.close()
    console.print(f"启动 {workers} 个工作进程")
    os.environ.update(_settings_environment(settings))
    uvicorn.run(
        "service.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="info",
    )


def _settings_environment(settings: ServiceSettings) -> dict[str, str]:
    """The command-line settings as environment variables for worker processes."""
    return {
        "MATCHER_SERVICE_HOST": settings.host,
        "MATCHER_SERVICE_PORT": str(settings.port),
        "MATCHER_SERVICE_SEED_SAMPLE": "false",  # already seeded by the parent when asked
    }


@keys_app.command("create")
@exit_on_user_error
def keys_create(
    role: Annotated[str, typer.Option("--role", help=f"角色：{'、'.join(ROLES)}")],
    name: Annotated[str, typer.Option("--name", help="密钥名称（备注）")],
    scope: Annotated[
        str | None, typer.Option("--scope", help="权限范围：企业编号、银行名称或高校名称")
    ] = None,
) -> None:
    """新建密钥并显示明文（只显示这一次）。"""
    engine = _engine(load_settings())
    try:
        if role == "enterprise" and scope:
            SqlRecordStore(engine).get("enterprise", scope)
        audit = AuditRepository(engine)

        def audited(connection: Connection, key: ApiKey) -> None:
            detail = " ".join(part for part in (key.role, key.scope_id, key.name) if part)
            audit.record(None, "key_create", "api_key", str(key.id), detail, connection=connection)

        key, plaintext = ApiKeyRepository(engine).create(role, scope, name, within=audited)
    finally:
        engine.dispose()
    console.print(f"已创建密钥 #{key.id}（{_describe(key)}），明文只显示这一次：")
    console.print(plaintext)


@keys_app.command("revoke")
@exit_on_user_error
def keys_revoke(key_id: Annotated[int, typer.Argument(help="密钥编号（见 keys list）")]) -> None:
    """吊销密钥，立即失效。"""
    engine = _engine(load_settings())
    try:
        audit = AuditRepository(engine)

        def audited(connection: Connection) -> None:
            audit.record(None, "key_revoke", "api_key", str(key_id), connection=connection)

        if not ApiKeyRepository(engine).revoke(key_id, within=audited):
            raise MatcherError(f"找不到有效的密钥 #{key_id}（不存在或已吊销）")
    finally:
        engine.dispose()
    console.print(f"已吊销密钥 #{key_id}")


@keys_app.command("list")
@exit_on_user_error
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（供脚本使用）")] = False,
) -> None:
    """列出全部密钥（不含明文）。"""
    engine = _engine(load_settings())
    try:
        keys = ApiKeyRepository(engine).list()
    finally:
        engine.dispose()
    if as_json:
        rows = [
            {**key.__dict__, "created_at": key.created_at.isoformat(),
             "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None}
            for key in keys
        ]  # fmt: skip
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("编号", "名称", "角色", "范围", "前缀", "创建时间", "状态")
    for key in keys:
        status = f"已吊销（{key.revoked_at:%Y-%m-%d}）" if key.revoked_at else "有效"
        table.add_row(
            str(key.id), key.name, key.role, key.scope_id or "", key.prefix,
            f"{key.created_at:%Y-%m-%d %H:%M}", status,
        )  # fmt: skip
    console.print(table)


def _describe(key: ApiKey) -> str:
    return "，".join(part for part in (key.role, key.scope_id, key.name) if part)


@app.command("train-ranker", help="用数据库中记录的会谈结果训练排序模型（按时间滚动评测后保存）。")
@exit_on_user_error
def train_ranker_command(
    model: Annotated[str, typer.Option(help="logreg（逻辑回归）| hgb（梯度提升树）")] = "logreg",
    min_labels: Annotated[int, typer.Option(min=1, help="至少需要的已标注会谈数")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    state = ServiceState.start(load_settings())
    try:
        training = train_ranker(
            state.workspace, data=state.training_examples(), model=model, min_labels=min_labels
        )
    finally:
        state.close()
    if as_json:
        typer.echo(json.dumps(training.to_dict(), ensure_ascii=False))
        return
    print_training(training)
