"""Column names (English field names and Chinese aliases) and cell conversion into model input."""

from __future__ import annotations

import re
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any

from matcher.ingest.safe_json import JsonRefused, parse_json
from matcher.types import MODELS, Rule

# Chinese header aliases per record kind; the first alias is the field's display label.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "enterprise": {
        "id": ("企业ID", "企业编号", "编号"),
        "name": ("企业名称", "名称", "企业"),
        "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
        "district": ("所在区市", "所在区", "区市", "区域"),
        "chain": ("产业链", "所属产业链"),
        "tiers": ("企业梯度", "梯度", "资质"),
        "size": ("企业规模", "规模"),
        "employees": ("从业人数", "员工数", "员工人数"),
        "revenue": ("营业收入", "营收"),
        "founded": ("成立日期", "成立时间"),
        "description": ("企业简介", "简介", "描述"),
        "whitelist": ("信贷白名单", "白名单"),
        "high_tech": ("高新技术企业", "高新企业", "是否高新技术企业"),
        "invention_patents": ("发明专利", "发明专利数"),
        "utility_patents": ("实用新型专利", "实用新型专利数"),
        "rd_spend": ("研发费用", "研发投入"),
        "tax_paid": ("纳税额", "纳税总额", "上年度纳税"),
        "tax_credit": ("纳税信用等级", "纳税信用"),
        "credit_flags": ("失信及不良记录", "不良记录", "信用记录"),
        "contact_name": ("联系人",),
        "contact_phone": ("联系电话", "电话"),
        "contact_email": ("联系邮箱", "邮箱"),
    },
    "need": {
        "id": ("需求ID", "需求编号", "编号"),
        "enterprise_id": ("企业ID", "企业编号"),
        "kind": ("需求类型", "类型"),
        "text": ("需求描述", "需求内容", "描述", "内容"),
        "amount": ("金额", "融资金额"),
        "term_months": ("期限", "融资期限"),
        "collateral": ("担保方式", "抵押担保"),
        "purpose": ("用途", "资金用途"),
        "patents": ("专利数", "专利数量"),
        "deadline": ("截止日期", "截止时间"),
    },
    "tech_result": {
        "id": ("成果ID", "成果编号", "编号"),
        "university": ("高校", "高校院所", "单位"),
        "team": ("团队", "专家", "团队/专家"),
        "title": ("成果名称", "名称", "标题"),
        "abstract": ("摘要", "成果简介", "简介"),
        "field": ("领域", "技术领域"),
        "trl": ("成熟度", "技术成熟度"),
        "transfer_modes": ("转化方式", "合作方式"),
        "price": ("价格", "参考价格"),
    },
    "finance_product": {
        "id": ("产品ID", "产品编号", "编号"),
        "bank": ("银行", "金融机构"),
        "name": ("产品名称", "名称"),
        "type": ("产品类型", "类型"),
        "amount_min": ("最低额度", "额度下限", "最低金额"),
        "amount_max": ("最高额度", "额度上限", "最高金额"),
        "term_min": ("最短期限", "期限下限"),
        "term_max": ("最长期限", "期限上限"),
        "rate": ("利率", "年化利率"),
        "rules": ("适用条件", "准入规则", "规则"),
        "description": ("产品介绍", "简介", "描述"),
    },
    "policy": {
        "id": ("政策ID", "政策编号", "编号"),
        "issuer": ("发布单位", "发文单位"),
        "title": ("标题", "政策名称", "名称"),
        "text": ("正文", "政策原文", "内容"),
        "rules": ("适用条件", "申报条件", "规则"),
        "benefit": ("支持内容", "扶持内容"),
        "amount": ("金额", "最高金额", "支持金额"),
        "valid_from": ("生效日期", "开始日期"),
        "valid_to": ("失效日期", "结束日期"),
        "auto_grant": ("免申即享",),
    },
    "offer": {
        "id": ("供给ID", "供给编号", "编号"),
        "enterprise_id": ("企业ID", "企业编号"),
        "text": ("供给描述", "供给内容", "描述", "内容"),
    },
}

# Values users write for choice fields, mapped to the stored value (any format).
VALUE_ALIASES: dict[tuple[str, str], dict[str, str]] = {
    ("need", "kind"): {
        "技术": "tech", "技术需求": "tech",
        "融资": "finance", "融资需求": "finance", "金融": "finance",
        "合作": "partner", "合作需求": "partner", "产业链合作": "partner",
    },
}  # fmt: skip
TRUE_WORDS = frozenset({"是", "true", "1", "y", "yes", "有", "√", "✓"})
FALSE_WORDS = frozenset({"否", "false", "0", "n", "no", "无", "×", "✗"})
LIST_SEPARATORS = re.compile(r"[;；、,，\n]")
_UNIT_SUFFIX = re.compile(r"[（(][^（()）]*[)）]$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class CellError(ValueError):
    """A cell that cannot become a field value; the message is the Chinese reason."""


def normalise_header(name: str) -> str:
    """Header text without spaces, a trailing unit such as （万元）, and ASCII case."""
    name = "".join(str(name).split()).replace("\ufeff", "")
    name = _UNIT_SUFFIX.sub("", name) or name
    return name.lower().replace("-", "_")


@cache
def header_map(kind: str) -> dict[str, str]:
    """Normalised header → field name, for English names and Chinese aliases of `kind`."""
    mapping = {normalise_header(field): field for field in MODELS[kind].model_fields}
    for field, aliases in ALIASES[kind].items():
        for alias in aliases:
            mapping.setdefault(normalise_header(alias), field)
    return mapping


def field_label(kind: str, field: str) -> str:
    """A field's Chinese label, or the field name itself."""
    aliases = ALIASES[kind].get(field)
    return aliases[0] if aliases else field


def accepted_columns(kind: str) -> str:
    """Every accepted column of `kind`, for error messages."""
    return "；".join(
        "/".join((field, *ALIASES[kind].get(field, ()))) for field in MODELS[kind].model_fields
    )


@cache
def field_types(kind: str) -> dict[str, str]:
    """Field name → one of str, int, float, bool, date, list, rules."""
    return {name: _type_name(info.annotation) for name, info in MODELS[kind].model_fields.items()}


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _type_name(inner[0])
    if origin is list:
        return "rules" if typing.get_args(annotation)[0] is Rule else "list"
    for python_type, name in ((bool, "bool"), (int, "int"), (float, "float"), (date, "date")):
        if annotation is python_type:
            return name
    return "str"


def is_empty(value: Any) -> bool:
    """True for a missing cell: None or blank text."""
    return value is None or (isinstance(value, str) and not value.strip())


def convert_cell(kind: str, field: str, value: Any) -> Any:
    """A non-empty cell as model input: lists split, 是/否 as booleans, rules parsed from JSON,
    dates in common Chinese forms; anything else is left for the model to judge."""
    type_name = field_types(kind)[field]
    if isinstance(value, str):
        value = value.strip()
        aliases = VALUE_ALIASES.get((kind, field))
        if aliases:
            return aliases.get(value, value)
    if isinstance(value, datetime):
        return value.date() if type_name == "date" else value.isoformat(sep=" ")
    if type_name == "list":
        return _to_list(value)
    if type_name == "rules":
        return _to_rules(value)
    if type_name == "bool":
        return _to_bool(value)
    if type_name == "date" and isinstance(value, str):
        return _to_date(value)
    if type_name in ("int", "float") and isinstance(value, str):
        return value.replace(",", "").replace("，", "")
    if type_name == "str" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _to_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]
    if isinstance(value, int | float):
        return [str(value)]
    return value


def _to_rules(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return parse_json(value)
    except JsonRefused as exc:
        example = '[{"field": "tiers", "op": "in", "value": ["专精特新"]}]'
        raise CellError(f"应为 JSON 格式的规则列表，如 {example}（{exc}）") from exc


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return value


def _to_date(value: str) -> Any:
    match = _DATE.match(value)
    if not match:
        return value
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise CellError(f"日期不存在：「{value}」") from exc
