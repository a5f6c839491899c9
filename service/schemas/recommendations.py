"""Recommendation, policy-match and lead-list models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from matcher.types import CheckStatus, NeedKind, RecordKind
from service.schemas.common import ApiModel
from service.schemas.fields import RecordId


class RuleCheckPublic(BaseModel):
    """一条准入/申报条件的核验结果"""

    rule: dict[str, Any] = Field(
        description="条件（字段 运算 取值）",
        examples=[{"field": "tiers", "op": "in", "value": ["专精特新"]}],
    )
    status: CheckStatus = Field(
        description="核验结果：passed（满足）、failed（不满足）、unknown（未提供，待核实）",
        examples=["passed"],
    )
    passed: bool = Field(description="是否满足（仅 status 为 passed 时为 true）", examples=[True])
    reason: str = Field(description="中文说明", examples=["企业梯度：专精特新，符合"])


class RecommendationPublic(BaseModel):
    """一条推荐结果，附得分构成与推荐理由"""

    kind: RecordKind = Field(description="推荐记录的类型", examples=["tech_result"])
    id: str = Field(description="推荐记录的编号", examples=["T000001"])
    title: str = Field(
        description="标题", examples=["基于相变材料的动力锂电池热管理系统（中国石油大学（华东））"]
    )
    score: float = Field(description="综合得分", examples=[0.8731])
    parts: dict[str, float] = Field(
        description="得分构成：relevance（混合相关度）、semantic（语义）、lexical（词法）、"
        "chain（产业链）、district（区市）、rules（条件）",
        examples=[{"relevance": 0.92, "semantic": 0.71, "lexical": 0.35, "chain": 1.0}],
    )
    reasons: list[str] = Field(
        description="推荐理由（中文）",
        examples=[["语义相似度高（0.71）", "共同关键词：散热、电池"]],
    )
    checks: list[RuleCheckPublic] = Field(description="逐条条件核验（金融产品、政策）")
    matched_id: str | None = Field(
        None, description="匹配到的记录：反向名单中为企业的需求编号，合作推荐中为供给方企业编号"
    )
    confidence: float = Field(
        ge=0,
        le=1,
        description="文本匹配置信度（0–1，已在评测数据上校准，可理解为“确实相关”的概率）",
        examples=[0.82],
    )
    match: bool = Field(
        description="是否达到匹配阈值：true 为「匹配」，false 为「弱相关」（仅供参考，不作为推荐）",
        examples=[True],
    )


class TextQuery(ApiModel):
    """按一段文字推荐"""

    text: str = Field(
        min_length=1, max_length=2000, description="需求描述", examples=["需要锂电池热管理技术"]
    )
    kind: NeedKind = Field(
        description="推荐什么：tech（科技成果）、finance（金融产品）、partner（合作供给）",
        examples=["tech"],
    )
    k: int = Field(10, ge=1, le=100, description="返回条数", examples=[10])
    enterprise_id: RecordId | None = Field(
        None,
        description="以哪家企业的身份推荐（用于准入条件、排除自身、产业链加分）；"
        "企业账号默认为本企业",
        examples=["E0000001"],
    )
    amount: float | None = Field(
        None,
        gt=0,
        description="融资金额，万元（融资需求；给出时优先于从文字中识别的金额）",
        examples=[500],
    )
    term_months: int | None = Field(
        None,
        gt=0,
        description="融资期限，月（融资需求；给出时优先于从文字中识别的期限）",
        examples=[12],
    )
