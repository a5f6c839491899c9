"""Record kinds named by users: `--kind` values and data file names."""

from __future__ import annotations

import re
from pathlib import Path

from matcher.errors import IngestError
from matcher.types import KIND_LABELS, RECORD_KINDS

# Import order: enterprises first, because needs and offers cite them.
KIND_ORDER: tuple[str, ...] = (
    "enterprise", "tech_result", "finance_product", "policy", "need", "offer",
)  # fmt: skip
KIND_NAMES: dict[str, str] = {
    "enterprise": "enterprise", "enterprises": "enterprise", "company": "enterprise",
    "companies": "enterprise", "企业": "enterprise", "企业名录": "enterprise",
    "企业信息": "enterprise",
    "need": "need", "needs": "need", "需求": "need", "企业需求": "need",
    "tech_result": "tech_result", "tech_results": "tech_result", "techresult": "tech_result",
    "techresults": "tech_result", "科技成果": "tech_result", "成果": "tech_result",
    "finance_product": "finance_product", "finance_products": "finance_product",
    "product": "finance_product", "products": "finance_product",
    "金融产品": "finance_product",
    "policy": "policy", "policies": "policy", "政策": "policy",
    "offer": "offer", "offers": "offer", "供给": "offer", "企业供给": "offer",
}  # fmt: skip
_SEPARATORS = re.compile(r"[-_.\s]+")


def choices() -> str:
    """The accepted kinds, for messages."""
    return "、".join(f"{kind}（{KIND_LABELS[kind]}）" for kind in RECORD_KINDS)


def resolve_kind(name: str) -> str:
    """A record kind from an English name (singular or plural) or a Chinese label."""
    kind = KIND_NAMES.get("_".join(_SEPARATORS.split(name.strip().lower())))
    if kind is None:
        raise IngestError(f"未知的数据类型「{name}」，可选：{choices()}")
    return kind


def kind_from_filename(path: Path) -> str | None:
    """The kind a file name announces (`needs.csv`, `企业_2024.xlsx`), or None.

    The longest leading run of name parts that is a known kind wins.
    """
    parts = [p for p in _SEPARATORS.split(Path(path).stem.lower()) if p]
    for end in range(len(parts), 0, -1):
        kind = KIND_NAMES.get("_".join(parts[:end]))
        if kind is not None:
            return kind
    return None
