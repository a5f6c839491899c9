"""What each record list shows: its columns, its filters and where its rows link to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from matcher.explain import snippet
from matcher.types import CHAINS, DISTRICTS, NEED_KIND_LABELS, TIERS

PAGE_SIZE = 20
SLUGS: dict[str, str] = {
    "enterprise": "enterprises",
    "need": "needs",
    "tech_result": "tech-results",
    "finance_product": "products",
    "policy": "policies",
    "offer": "offers",
}
DETAIL_KINDS: tuple[str, ...] = ("enterprise", "need", "tech_result", "finance_product", "offer")
FILTERS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "district": ("区市", tuple((d, d) for d in DISTRICTS)),
    "chain": ("产业链", tuple((c, c) for c in CHAINS)),
    "tier": ("梯度", tuple((t, t) for t in TIERS)),
    "kind": ("需求类型", tuple(NEED_KIND_LABELS.items())),
}

Names = Mapping[str, str]  # enterprise id → name, for rows that cite an enterprise


def record_url(kind: str, record_id: str) -> str | None:
    """The detail page of a record, or None for kinds without one (policies)."""
    return f"/{SLUGS[kind]}/{record_id}" if kind in DETAIL_KINDS else None


def page_links(
    listing: Listing, params: dict[str, str], offset: int, total: int
) -> dict[str, str | None]:
    """The previous / next page URLs (None at either end), keeping search and filters."""

    def link(at: int) -> str:
        return f"/{listing.slug}?" + urlencode({**params, "offset": at} if at else params)

    return {
        "previous": link(max(0, offset - PAGE_SIZE)) if offset > 0 else None,
        "next": link(offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None,
    }


def _joined(values: list[str]) -> str:
    return "、".join(values) or "—"


def _range(low: float | int, high: float | int) -> str:
    return f"{low:g}–{high:g}"


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any, Names], str]


@dataclass(frozen=True)
class Listing:
    """One record list: the first column links to the record's detail page."""

    kind: str
    columns: tuple[Column, ...]
    filters: tuple[str, ...] = ()
    cites_enterprise: bool = False

    @property
    def slug(self) -> str:
        return SLUGS[self.kind]


LISTINGS: dict[str, Listing] = {
    listing.slug: listing
    for listing in (
        Listing(
            "enterprise",
            (
                Column("企业名称", lambda r, _: r.name),
                Column("区市", lambda r, _: r.district),
                Column("产业链", lambda r, _: r.chain),
                Column("梯度", lambda r, _: _joined(r.tiers)),
                Column("规模", lambda r, _: r.size),
                Column("从业人数", lambda r, _: str(r.employees)),
            ),
            filters=("district", "chain", "tier"),
        ),
        Listing(
            "need",
            (
                Column("需求", lambda r, _: snippet(r.text, 50)),
                Column("类型", lambda r, _: NEED_KIND_LABELS[r.kind]),
                Column("企业", lambda r, names: names.get(r.enterprise_id, r.enterprise_id)),
                Column("金额（万元）", lambda r, _: f"{r.amount:g}" if r.amount else "—"),
                Column("编号", lambda r, _: r.id),
            ),
            filters=("kind",),
            cites_enterprise=True,
        ),
        Listing(
            "tech_result",
            (
                Column("成果名称", lambda r, _: r.title),
                Column("高校", lambda r, _: r.university),
                Column("团队", lambda r, _: r.team),
                Column("领域", lambda r, _: r.field),
                Column("TRL", lambda r, _: str(r.trl)),
                Column("转化方式", lambda r, _: _joined(r.transfer_modes)),
            ),
        ),
        Listing(
            "finance_product",
            (
                Column("产品名称", lambda r, _: r.name),
                Column("银行", lambda r, _: r.bank),
                Column("类型", lambda r, _: r.type),
                Column("额度（万元）", lambda r, _: _range(r.amount_min, r.amount_max)),
                Column("期限（月）", lambda r, _: _range(r.term_min, r.term_max)),
                Column("年化利率", lambda r, _: f"{r.rate:g}%"),
            ),
        ),
        Listing(
            "policy",
            (
                Column("政策名称", lambda r, _: r.title),
                Column("发布单位", lambda r, _: r.issuer),
                Column("支持内容", lambda r, _: snippet(r.benefit, 40)),
                Column("有效期至", lambda r, _: r.valid_to.isoformat() if r.valid_to else "长期"),
                Column("免申即享", lambda r, _: "是" if r.auto_grant else "否"),
            ),
        ),
        Listing(
            "offer",
            (
                Column("供给内容", lambda r, _: snippet(r.text, 50)),
                Column("企业", lambda r, names: names.get(r.enterprise_id, r.enterprise_id)),
                Column("编号", lambda r, _: r.id),
            ),
            cites_enterprise=True,
        ),
    )
}
LISTING_BY_KIND: dict[str, Listing] = {listing.kind: listing for listing in LISTINGS.values()}
