"""Service settings: defaults, then a TOML config file, then environment variables.

The config file is `matcher-service.toml` in the working directory, or the file named by
`MATCHER_CONFIG`. Environment variables are `MATCHER_SERVICE_<NAME>`, except the database
URL, which is `DATABASE_URL`. The library settings of the service's workspace (every field
of `matcher.config.Settings`) are the nested `matcher` setting: a `[matcher]` table in the
config file, `MATCHER_SERVICE_MATCHER__<NAME>` in the environment. Every setting is listed
in docs/settings.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from matcher.config import Settings

CONFIG_ENV = "MATCHER_CONFIG"
DEFAULT_CONFIG_FILE = Path("matcher-service.toml")
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"


def config_file() -> Path | None:
    """The config file: `MATCHER_CONFIG` (must exist), else ./matcher-service.toml if present."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ValueError(f"配置文件「{path}」不存在（由环境变量 {CONFIG_ENV} 指定）")
        return path
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


class NotifySettings(BaseModel):
    """Notifications (the `notify` setting): SMTP for email, a webhook for SMS / WeChat
    gateways, and the dispatcher that sends the outbox, reminders and surveys."""

    model_config = ConfigDict(extra="forbid")

    smtp_host: str = Field("", description="邮件服务器地址；为空则不发送邮件")
    smtp_port: int = Field(25, ge=1, le=65535, description="邮件服务器端口")
    smtp_tls: Literal["none", "starttls", "ssl"] = Field(
        "starttls", description="加密方式：none 不加密、starttls、ssl（SMTPS，通常端口 465）"
    )
    smtp_user: str = Field("", description="邮件服务器登录用户名；为空则不登录")
    smtp_password: SecretStr = Field(SecretStr(""), description="邮件服务器登录密码")
    smtp_from: str = Field("", description="发件人，如 对接平台 <noreply@example.cn>")
    smtp_timeout_seconds: float = Field(20, gt=0, le=300, description="连接邮件服务器的超时（秒）")
    webhook_url: str = Field(
        "", description="短信 / 微信网关的 Webhook 地址（POST JSON）；为空则不发送短信"
    )
    webhook_timeout_seconds: float = Field(10, gt=0, le=300, description="Webhook 请求超时（秒）")
    dispatch_interval_seconds: int = Field(
        60, ge=0, le=3600,
        description="后台发送通知、会前提醒与会后问卷的间隔（秒）；0 为不在后台发送",
    )  # fmt: skip
    public_url: str = Field(
        "", description="消息中链接（会后问卷）使用的对外网址，如 https://match.example.cn"
    )


class ServiceSettings(BaseSettings):
    """Everything the service needs to start; see docs/settings.md."""

    model_config = SettingsConfigDict(
        env_prefix="MATCHER_SERVICE_",
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    data_dir: Path = Field(
        Path(".matcher-service"), description="数据目录：索引、向量缓存和默认的 SQLite 数据库"
    )
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
        description="数据库地址（SQLAlchemy URL）；默认为 <data_dir>/matcher.db 的 SQLite 文件",
    )
    database_schema: str | None = Field(
        None, description="PostgreSQL schema；所有表都建在其中（测试时每次运行一个）"
    )
    host: str = Field("127.0.0.1", description="监听地址")
    port: int = Field(8000, ge=1, le=65535, description="监听端口")
    seed_sample: bool = Field(False, description="数据库为空时导入示例数据")
    sample_dir: Path = Field(SAMPLE_DIR, description="示例数据目录")
    upload_max_mb: int = Field(
        100, ge=1, le=4096, description="上传文件大小上限（MB），所有上传接口和网页表单相同"
    )
    session_idle_minutes: int = Field(
        120, ge=1, le=7 * 24 * 60, description="网页会话空闲多少分钟后失效，须重新登录"
    )
    session_max_hours: int = Field(
        12, ge=1, le=30 * 24, description="网页会话自登录起最长有效多少小时（Cookie 的 Max-Age）"
    )
    cookie_secure: bool | None = Field(
        None, description="会话 Cookie 是否带 Secure；默认按请求是否为 HTTPS 决定"
    )
    trusted_origins: list[str] = Field(
        default_factory=list,
        description="除本站外允许发起网页写操作的来源（如反向代理对外的 https://match.example.cn）",
    )
    auth_failure_limit: int = Field(
        10,
        ge=0,
        description="同一来源 IP 或同一密钥前缀在时间窗内允许的登录 / 密钥失败次数；0 为不限",
    )
    auth_failure_window_seconds: int = Field(
        60, ge=1, le=24 * 3600, description="登录 / 密钥失败次数的统计时间窗（秒）"
    )
    notify: NotifySettings = Field(
        default_factory=NotifySettings,
        description="通知：邮件（SMTP）、短信 / 微信网关（Webhook）与后台发送",
    )
    matcher: Settings = Field(
        default_factory=Settings,
        description="工作区的匹配库设置（编码器、匹配阈值、检索与索引参数、参考日期、排序方式等，"
        "即 matcher.config.Settings 的全部字段）",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = config_file()
        sources: tuple[PydanticBaseSettingsSource, ...] = (init_settings, env_settings)
        if path is not None:
            sources += (TomlConfigSettingsSource(settings_cls, toml_file=path),)
        return sources

    def resolved_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'matcher.db').resolve()}"

    def library_settings(self) -> Settings:
        """The matcher library settings of the service's workspace (the `matcher` setting)."""
        return self.matcher
