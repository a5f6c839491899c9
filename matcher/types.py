"""Typed, validated records (the domain) and result objects.

Amounts are in 万元 (10,000 CNY), terms in months, dates as ISO dates.
Validation messages are Chinese because they reach users through import reports.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from matcher.credit_code import credit_code_error
from matcher.explain import snippet
from matcher.plain_text import PlainTextModel

DISTRICTS: tuple[str, ...] = (
    "市南", "市北", "李沧", "崂山", "黄岛", "城阳", "即墨", "胶州", "平度", "莱西",
)  # fmt: skip
CHAINS: tuple[str, ...] = (
    "人工智能", "新一代信息技术", "生命健康", "未来产业", "智能装备",
    "绿色健康食品", "智能家电", "美妆", "新材料", "海洋经济",
)  # fmt: skip
TIERS: tuple[str, ...] = (
    "创新型中小企业", "专精特新", "小巨人", "雏鹰", "瞪羚", "隐形独角兽", "独角兽",
)  # fmt: skip
SIZES: tuple[str, ...] = ("微型", "小型", "中型", "大型")
# 纳税信用等级 as the tax bureau grades it (A best, D worst; M for new enterprises).
TAX_CREDIT_GRADES: tuple[str, ...] = ("A", "B", "M", "C", "D")
# Credit flags screened before any payout (免申即享) or loan; none of them is a good sign.
CREDIT_FLAGS: tuple[str, ...] = (
    "失信被执行人", "严重失信主体", "重大税收违法", "经营异常", "行政处罚",
)  # fmt: skip
TRANSFER_MODES: tuple[str, ...] = ("转让", "许可", "作价入股", "合作开发")
PRODUCT_TYPES: tuple[str, ...] = (
    "信用贷", "抵押贷", "知识产权质押", "供应链金融", "首贷", "贴息", "担保贷", "融资租赁",
)  # fmt: skip
# How a finance need is secured: 信用 (no collateral), 抵押 (mortgage), 质押 (pledge of
# receivables, equity…), 知识产权质押 (patents / trademarks), 保证 (a guarantor).
COLLATERALS: tuple[str, ...] = ("信用", "抵押", "质押", "知识产权质押", "保证")
COLLATERAL_ALIASES: dict[str, str] = {
    "无抵押": "信用", "信用贷": "信用", "纯信用": "信用", "专利质押": "知识产权质押",
    "商标质押": "知识产权质押", "担保": "保证",
}  # fmt: skip

NeedKind = Literal["tech", "finance", "partner"]
RecordKind = Literal["enterprise", "need", "tech_result", "finance_product", "policy", "offer"]
RECORD_KINDS: tuple[str, ...] = (
    "enterprise", "need", "tech_result", "finance_product", "policy", "offer",
)  # fmt: skip
KIND_LABELS: dict[str, str] = {
    "enterprise": "企业",
    "need": "需求",
    "tech_result": "科技成果",
    "finance_product": "金融产品",
    "policy": "政策",
    "offer": "供给",
}
NEED_KIND_LABELS: dict[str, str] = {
    "tech": "技术需求",
    "finance": "融资需求",
    "partner": "合作需求",
}

# Fields an eligibility rule may test, with their Chinese names.
RULE_FIELDS: dict[str, str] = {
    "tiers": "企业梯度",
    "chain": "产业链",
    "district": "所在区市",
    "size": "企业规模",
    "employees": "从业人数",
    "revenue": "营业收入",
    "age_years": "成立年限",
    "whitelist": "信贷白名单",
    "high_tech": "高新技术企业",
    "invention_patents": "发明专利",
    "utility_patents": "实用新型专利",
    "rd_spend": "研发费用",
    "rd_share": "研发费用占营业收入比例",
    "tax_paid": "纳税额",
    "tax_credit": "纳税信用等级",
    "credit_flags": "失信及不良记录",
    "amount": "融资金额",
    "term_months": "融资期限",
    "collateral": "担保方式",
}
RuleField = Literal[
    "tiers", "chain", "district", "size", "employees", "revenue", "age_years", "whitelist",
    "high_tech", "invention_patents", "utility_patents", "rd_spend", "rd_share", "tax_paid",
    "tax_credit", "credit_flags", "amount", "term_months", "collateral",
]  # fmt: skip
# The rule fields compared by size (ge, le, between).
NUMERIC_RULE_FIELDS: tuple[str, ...] = (
    "employees", "revenue", "age_years", "invention_patents", "utility_patents", "rd_spend",
    "rd_share", "tax_paid", "amount", "term_months",
)  # fmt: skip
CheckStatus = Literal["passed", "failed", "unknown"]
RuleOp = Literal["in", "not_in", "ge", "le", "eq", "between"]


ID_PATTERN = r"^[A-Za-z0-9_\-]+$"
RecordIdText = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
"""A record's or an event's id: letters, digits, `_` and `-` (never `|`, which joins ids
into outcome ids, nor `/`, which would break URLs), at most 64 characters."""
NEED_TEXT_MAX = 2000
NeedText = Annotated[str, Field(max_length=NEED_TEXT_MAX)]
"""A need's description: at most 2,000 characters (after trimming)."""


def _require_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("不能为空")
    return value


def _require_member(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"未知的{what}「{value}」，可选：{'、'.join(allowed)}")
    return value


class Record(PlainTextModel):
    """Base of every stored record: a string id, unknown fields forbidden, no control
    characters in text (`matcher.plain_text`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: RecordIdText

    def embed_text(self) -> str:
        """The text that is embedded and indexed for this record."""
        raise NotImplementedError

    def display_title(self) -> str:
        """A short Chinese title for listings and results."""
        return self.id


class Rule(PlainTextModel):
    """One eligibility rule, stored as data: `field op value`."""

    model_config = ConfigDict(extra="forbid")

    field: RuleField
    op: RuleOp
    value: Any

    @model_validator(mode="after")
    def _check_value(self) -> Rule:
        value, rule = self.value, f"规则 {self.field} {self.op}"
        if self.op in ("in", "not_in") and not (
            isinstance(value, list) and all(isinstance(v, str | int | float) for v in value)
        ):
            raise ValueError(f"{rule} 需要列表值（文字或数值）")
        if self.op in ("ge", "le", "between") and self.field not in NUMERIC_RULE_FIELDS:
            raise ValueError(f"{rule}：只有数值字段（{'、'.join(NUMERIC_RULE_FIELDS)}）可比较大小")
        if self.op == "between" and not (
            isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))
        ):
            raise ValueError(f"规则 {self.field} between 需要 [下限, 上限]")
        if self.op in ("ge", "le") and not _is_number(value):
            raise ValueError(f"{rule} 需要数值")
        return self


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Enterprise(Record):
    name: str
    credit_code: str
    district: str
    chain: str
    tiers: list[str] = Field(default_factory=list)
    size: str
    employees: int = Field(ge=0)
    revenue: float = Field(ge=0, description="营业收入，万元")
    founded: date
    description: str
    whitelist: bool = False
    # Facts policies test; None is "not known" (a rule on it is to be verified, never passed).
    high_tech: bool | None = Field(default=None, description="高新技术企业")
    invention_patents: int | None = Field(default=None, ge=0, description="发明专利，件")
    utility_patents: int | None = Field(default=None, ge=0, description="实用新型专利，件")
    rd_spend: float | None = Field(default=None, ge=0, description="上年度研发费用，万元")
    tax_paid: float | None = Field(default=None, ge=0, description="上年度纳税额，万元")
    tax_credit: str | None = Field(default=None, description="纳税信用等级：A、B、M、C、D")
    credit_flags: list[str] | None = Field(
        default=None, description="失信及不良记录（空列表 = 已核查无记录；None = 未核查）"
    )
    contact_name: str | None = Field(default=None, max_length=40, description="联系人")
    contact_phone: str | None = Field(default=None, max_length=40, description="联系电话")
    contact_email: str | None = Field(default=None, max_length=120, description="联系邮箱")

    _text = field_validator("name", "description")(_require_text)

    @field_validator("tax_credit")
    @classmethod
    def _known_tax_credit(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _require_member(value.strip().upper().removesuffix("级"), TAX_CREDIT_GRADES,
                               "纳税信用等级")  # fmt: skip

    @field_validator("credit_flags")
    @classmethod
    def _known_credit_flags(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        flags = [f.strip() for f in value if f.strip() and f.strip() not in ("无", "无记录")]
        return [_require_member(flag, CREDIT_FLAGS, "不良记录") for flag in flags]

    def rd_share(self) -> float | None:
        """R&D spend as a percentage of revenue, when both are known (revenue above 0)."""
        if self.rd_spend is None or not self.revenue:
            return None
        return round(100 * self.rd_spend / self.revenue, 2)

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, value: str) -> str:
        value = value.strip().upper()
        error = credit_code_error(value)
        if error:
            raise ValueError(error)
        return value

    @field_validator("district")
    @classmethod
    def _known_district(cls, value: str) -> str:
        return _require_member(value.removesuffix("区").removesuffix("市"), DISTRICTS, "区市")

    @field_validator("chain")
    @classmethod
    def _known_chain(cls, value: str) -> str:
        return _require_member(value, CHAINS, "产业链")

    @field_validator("size")
    @classmethod
    def _known_size(cls, value: str) -> str:
        return _require_member(value, SIZES, "企业规模")

    @field_validator("tiers")
    @classmethod
    def _known_tiers(cls, value: list[str]) -> list[str]:
        return [_require_member(t.strip(), TIERS, "企业梯度") for t in value if t.strip()]

    def age_years(self, today: date) -> float:
        return (today - self.founded).days / 365.25

    def embed_text(self) -> str:
        return f"{self.name}（{self.chain}）：{self.description}"

    def display_title(self) -> str:
        return self.name


class Need(Record):
    enterprise_id: str
    kind: NeedKind
    text: NeedText
    amount: float | None = Field(default=None, gt=0, description="融资金额，万元")
    term_months: int | None = Field(default=None, gt=0)
    deadline: date | None = None
    collateral: str | None = Field(
        default=None, description="担保方式：信用、抵押、质押、知识产权质押、保证"
    )
    purpose: str | None = Field(default=None, description="资金用途，如流动资金、设备购置")
    patents: int | None = Field(default=None, ge=0, description="企业自述的专利数量")

    _text = field_validator("text")(_require_text)

    @field_validator("collateral")
    @classmethod
    def _known_collateral(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = COLLATERAL_ALIASES.get(value, value)
        return _require_member(value, COLLATERALS, "担保方式")

    def embed_text(self) -> str:
        return self.text

    def display_title(self) -> str:
        return f"{NEED_KIND_LABELS[self.kind]}：{snippet(self.text, 30)}"


class TechResult(Record):
    university: str
    team: str
    title: str
    abstract: str
    field: str
    trl: int = Field(ge=1, le=9)
    transfer_modes: list[str] = Field(default_factory=list)
    price: float | None = Field(default=None, ge=0, description="参考价格，万元")

    _text = field_validator("university", "title", "abstract")(_require_text)

    @field_validator("transfer_modes")
    @classmethod
    def _known_modes(cls, value: list[str]) -> list[str]:
        return [_require_member(m.strip(), TRANSFER_MODES, "转化方式") for m in value if m.strip()]

    def embed_text(self) -> str:
        return f"{self.title}。{self.abstract}"

    def display_title(self) -> str:
        return f"{self.title}（{self.university}）"


class FinanceProduct(Record):
    bank: str
    name: str
    type: str
    amount_min: float = Field(ge=0)
    amount_max: float = Field(gt=0)
    term_min: int = Field(ge=1)
    term_max: int = Field(ge=1)
    rate: float = Field(ge=0, le=36, description="年化利率，%")
    rules: list[Rule] = Field(default_factory=list)
    description: str

    _text = field_validator("bank", "name", "description")(_require_text)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return _require_member(value, PRODUCT_TYPES, "产品类型")

    @model_validator(mode="after")
    def _ranges(self) -> FinanceProduct:
        if self.amount_min > self.amount_max:
            raise ValueError("amount_min 不能大于 amount_max")
        if self.term_min > self.term_max:
            raise ValueError("term_min 不能大于 term_max")
        return self

    def embed_text(self) -> str:
        return f"{self.name}（{self.type}）：{self.description}"

    def display_title(self) -> str:
        return f"{self.bank}·{self.name}"


class Policy(Record):
    issuer: str
    title: str
    text: str
    rules: list[Rule] = Field(default_factory=list)
    benefit: str
    amount: float | None = Field(default=None, ge=0, description="最高支持金额，万元")
    valid_from: date
    valid_to: date | None = None
    auto_grant: bool = Field(default=False, description="免申即享")

    _text = field_validator("title", "text", "benefit")(_require_text)

    @model_validator(mode="after")
    def _dates(self) -> Policy:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to 早于 valid_from")
        return self

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def embed_text(self) -> str:
        return f"{self.title}。{self.benefit}。{self.text[:400]}"

    def display_title(self) -> str:
        return self.title


class Offer(Record):
    enterprise_id: str
    text: str

    _text = field_validator("text")(_require_text)

    def embed_text(self) -> str:
        return self.text

    def display_title(self) -> str:
        return snippet(self.text, 30)


AnyRecord = Union[Enterprise, Need, TechResult, FinanceProduct, Policy, Offer]  # noqa: UP007
MODELS: dict[str, type[Record]] = {
    "enterprise": Enterprise,
    "need": Need,
    "tech_result": TechResult,
    "finance_product": FinanceProduct,
    "policy": Policy,
    "offer": Offer,
}


class RuleCheck(BaseModel):
    """The outcome of one rule for one subject, with its Chinese reason.

    `status` is passed, failed or unknown (the subject did not give the value); `passed` is
    True exactly when status is passed. Give either one (or both, consistently).
    """

    rule: Rule
    status: CheckStatus
    passed: bool
    reason: str

    @model_validator(mode="before")
    @classmethod
    def _status_and_passed(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        status, passed = data.get("status"), data.get("passed")
        if status is None and passed is not None:
            return {**data, "status": "passed" if passed else "failed"}
        if status is not None and passed is None:
            return {**data, "passed": status == "passed"}
        if status is not None and passed != (status == "passed"):
            raise ValueError(f"passed={passed} 与 status={status} 不一致")
        return data


class Recommendation(BaseModel):
    """One recommended record with its score, score parts and reasons."""

    kind: RecordKind
    id: str
    title: str
    score: float
    parts: dict[str, float] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    checks: list[RuleCheck] = Field(default_factory=list)
    matched_id: str | None = Field(
        None, description="the record that matched, e.g. the need in a reverse view"
    )
    confidence: float = Field(
        0.0, ge=0, le=1, description="calibrated confidence (0–1) that the texts match"
    )
    match: bool = Field(
        False, description="confidence reached the match threshold (匹配); else weak (弱相关)"
    )
