"""API key models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.auth import SCOPED_ROLES, STAFF
from service.schemas.common import ApiModel

Role = Literal["admin", "organiser", "enterprise", "bank", "university"]
ROLE_DESCRIPTION = (
    "角色：admin（管理员）、organiser（活动组织方）、enterprise（企业）、bank（银行）、"
    "university（高校院所）"
)


class KeyCreate(ApiModel):
    """新建 API 密钥"""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [  # what `storage.keys` checks: a scope for scoped roles, none for staff
                {
                    "required": ["scope_id"],
                    "properties": {
                        "role": {"enum": list(SCOPED_ROLES)},
                        "scope_id": {"type": "string", "pattern": r"\S"},
                    },
                },
                {
                    "properties": {
                        "role": {"enum": list(STAFF)},
                        "scope_id": {"enum": [None, ""]},
                    }
                },
            ]
        }
    )
    role: Role = Field(description=ROLE_DESCRIPTION, examples=["enterprise"])
    scope_id: str | None = Field(
        None,
        max_length=200,
        description="权限范围：企业账号为企业编号，银行账号为银行名称，高校账号为高校名称；"
        "管理员和组织方不填",
        examples=["E0000001"],
    )
    name: str = Field(
        min_length=1, max_length=100, description="密钥名称（备注）", examples=["海鑫科技"]
    )


class KeyPublic(BaseModel):
    """API 密钥（不含明文）"""

    id: int = Field(description="密钥编号", examples=[3])
    name: str = Field(description="名称", examples=["海鑫科技"])
    role: Role = Field(description=ROLE_DESCRIPTION, examples=["enterprise"])
    scope_id: str | None = Field(description="权限范围", examples=["E0000001"])
    prefix: str = Field(description="密钥前 8 个字符，用于辨认", examples=["mk_Ab3dE"])
    created_at: datetime = Field(description="创建时间")
    revoked_at: datetime | None = Field(description="吊销时间；为空表示有效")


class KeyCreated(KeyPublic):
    """新建的 API 密钥，明文只返回这一次"""

    key: str = Field(description="密钥明文（只显示一次，请妥善保存）", examples=["mk_..."])
