"""Candidate meetings for an event, scored from both sides.

Every participant brings demand items (an enterprise's needs) and supply items (an
enterprise's offers, a university's tech results, a bank's products). Needs are routed as
in recommendations (tech → tech results, finance → products, partner → offers). Each route
is searched in both directions with the product's one engine (`matcher.search`), over the
event's own items cut out of the workspace indexes (their stored vectors, the kind's
lexical channel and its calibration): every need searches the event's supply items (what
the demand side wants) and every supply item searches the event's needs (whom the supply
side wants). Each side's preference is the mean of the pair's calibrated confidence and
its relative standing among that side's own candidates (1 = its best option); a pair's
reciprocal score is the harmonic mean of the two preferences, so both must want it. Only
pairs the engine calls a match are proposed (the same threshold as recommendations), but a
need with no match gets its closest option, marked weak; finance pairs must also fail
none of the product's eligibility rules (a rule the need or enterprise does not answer is
shown as to be verified, never as passed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from matcher.eligibility import any_failed, checks_summary, product_checks
from matcher.embed.base import Encoder, query_side
from matcher.embed.cache import EmbeddingCache, encode_with_cache
from matcher.events.model import EventPlan, Meeting
from matcher.explain import snippet
from matcher.index.builder import build_indexes
from matcher.recommend import TARGET_KIND
from matcher.retrieve import Retriever
from matcher.search.engine import Hit, HybridSearch, build_search
from matcher.types import Enterprise, FinanceProduct, Need, Record
from matcher.workspace import Workspace

EVENT_NEED_KINDS = {"industry": ("tech", "partner"), "finance": ("finance",)}
EVENT_KINDS = ("need", "tech_result", "finance_product", "offer")
SUPPLY_LABELS = {"tech_result": "科技成果", "finance_product": "金融产品", "offer": "供给"}


@dataclass(frozen=True)
class Item:
    """A need or a supply record brought to the event by participant `owner`."""

    record: Record
    kind: str
    owner: str

    @property
    def text(self) -> str:
        return self.record.embed_text()


def event_items(plan: EventPlan, workspace: Workspace) -> tuple[list[Item], list[Item]]:
    """(needs, supplies) of the event's participants, in participant order."""
    store = workspace.store
    need_kinds = EVENT_NEED_KINDS[plan.event.kind]
    by_owner: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for need in store.load("need").values():
        by_owner["need", need.enterprise_id].append(need)  # type: ignore[attr-defined]
    for offer in store.load("offer").values():
        by_owner["offer", offer.enterprise_id].append(offer)  # type: ignore[attr-defined]
    for result in store.load("tech_result").values():
        by_owner["tech_result", result.university].append(result)  # type: ignore[attr-defined]
    for product in store.load("finance_product").values():
        by_owner["finance_product", product.bank].append(product)  # type: ignore[attr-defined]
    needs, supplies = [], []
    for p in plan.participants:
        if p.kind == "enterprise":
            if p.role in ("demand", "both"):
                needs += [
                    Item(n, "need", p.id) for n in by_owner["need", p.ref] if n.kind in need_kinds
                ]  # type: ignore[attr-defined]
            if p.role in ("supply", "both") and plan.event.kind == "industry":
                supplies += [Item(o, "offer", p.id) for o in by_owner["offer", p.ref]]
        else:
            kind = "tech_result" if p.kind == "university" else "finance_product"
            supplies += [Item(r, kind, p.id) for r in by_owner[kind, p.ref]]
    return needs, supplies


def _engine(retriever: Retriever, kind: str, items: list[Item], pool: int) -> HybridSearch:
    """The engine over the event's items of `kind`, cut out of the workspace's indexes."""
    whole = retriever.engine(kind)
    ids = [item.record.id for item in items]
    return build_search(
        ids, whole.dense.reconstruct(ids), [item.text for item in items], whole.fusion,
        candidates=pool, lexical=whole.lexical,
    )  # fmt: skip


def _preferences(
    workspace: Workspace,
    encoder: Encoder,
    queries: list[Item],
    docs: HybridSearch,
    owners: dict[str, str],
    k: int,
) -> list[dict[str, tuple[float, Hit]]]:
    """Per query item: doc id → (preference 0–1, hit) for its best k docs of other owners."""
    texts = [item.text for item in queries]
    search_encoder = query_side(encoder)
    cache = EmbeddingCache(workspace.cache_dir, search_encoder.name)
    query_dense = encode_with_cache(search_encoder, texts, cache, progress=False)
    found = docs.search(query_dense, docs.lexical.encoder.encode(texts))
    prefs = []
    for item, hits in zip(queries, found, strict=True):
        own = [hit for hit in hits if owners[hit.id] != item.owner][:k]
        best = max((hit.confidence for hit in own), default=0.0)
        prefs.append(
            {hit.id: ((hit.confidence + hit.confidence / best) / 2, hit) for hit in own if best > 0}
        )
    return prefs


def refresh_event_indexes(workspace: Workspace, encoder: Encoder, progress: bool = False) -> None:
    """Bring the indexes event candidates search up to date (nothing is re-embedded if fresh)."""
    build_indexes(workspace, EVENT_KINDS, progress=progress, encoder=encoder)


def _proposed(wanted: dict[str, tuple[float, Hit]]) -> list[str]:
    """The supply items a need is proposed to meet: its matches, or else its closest one.

    As in recommendations, a need with no match still gets its closest option, marked weak
    in the meeting's reasons, rather than nothing.
    """
    matches = [supply_id for supply_id, (_, hit) in wanted.items() if hit.match]
    if matches or not wanted:
        return matches
    return [max(wanted, key=lambda supply_id: wanted[supply_id][0])]


def candidate_meetings(
    plan: EventPlan, workspace: Workspace, encoder: Encoder, per_item: int = 30
) -> list[Meeting]:
    """Scored candidate meetings (demand owner `a`, supply owner `b`), best item pair kept.

    The indexes of `EVENT_KINDS` must be fresh (the service keeps them so; the CLI and the
    simulator call `refresh_event_indexes` first); `encoder` is the workspace's.
    """
    needs, supplies = event_items(plan, workspace)
    if not needs or not supplies:
        return []
    retriever = Retriever(workspace, encoder)
    priority = {p.id: p.priority for p in plan.participants}
    best: dict[tuple[str, str], Meeting] = {}
    for need_kind, supply_kind in TARGET_KIND.items():
        demand = [item for item in needs if item.record.kind == need_kind]  # type: ignore[attr-defined]
        supply = [item for item in supplies if item.kind == supply_kind]
        if not demand or not supply:
            continue
        owners = {item.record.id: item.owner for item in demand + supply}
        by_id = {item.record.id: item for item in demand + supply}
        pool = per_item + 5
        forward = _preferences(
            workspace, encoder, demand, _engine(retriever, supply_kind, supply, pool), owners,
            per_item,
        )  # fmt: skip
        backward = _preferences(
            workspace, encoder, supply, _engine(retriever, "need", demand, pool), owners, per_item
        )
        wanted_by = {item.record.id: row for item, row in zip(supply, backward, strict=True)}
        for need_item, wanted in zip(demand, forward, strict=True):
            for supply_id in _proposed(wanted):
                demand_pref, hit = wanted[supply_id]
                back = wanted_by[supply_id].get(need_item.record.id)
                if back is None:
                    continue
                meeting = _meeting(plan, workspace, need_item, by_id[supply_id], demand_pref,
                                   back[0], hit)  # fmt: skip
                if meeting is None:
                    continue
                meeting.score *= float(np.sqrt(priority[meeting.a] * priority[meeting.b]))
                key = (meeting.a, meeting.b)
                if key not in best or meeting.score > best[key].score:
                    best[key] = meeting
    return sorted(best.values(), key=lambda m: (-m.score, m.a, m.b))


def _meeting(
    plan: EventPlan,
    workspace: Workspace,
    need: Item,
    supply: Item,
    demand_pref: float,
    supply_pref: float,
    hit: Hit,
) -> Meeting | None:
    reasons = [
        f"需求「{snippet(need.record.text, 40)}」↔ {SUPPLY_LABELS[supply.kind]}"  # type: ignore[attr-defined]
        f"「{snippet(supply.record.display_title(), 40)}」"
    ]
    if supply.kind == "finance_product":
        product: FinanceProduct = supply.record  # type: ignore[assignment]
        need_record: Need = need.record  # type: ignore[assignment]
        enterprise: Enterprise = workspace.store.get("enterprise", need_record.enterprise_id)  # type: ignore[assignment]
        today = workspace.settings.reference_date()
        checks = product_checks(product, enterprise, need_record, today)
        if any_failed(checks):
            return None
        reasons.append(f"金融产品：{checks_summary(checks)}")
    if not hit.match:
        reasons.append(f"文本匹配度{hit.confidence:.2f}，弱相关：该需求没有更合适的对象，仅供参考")
    reasons.append(f"双方意愿：需求方{demand_pref:.2f}，供给方{supply_pref:.2f}")
    score = 2 * demand_pref * supply_pref / (demand_pref + supply_pref)
    parts = {
        "demand_side": round(demand_pref, 4),
        "supply_side": round(supply_pref, 4),
        "relevance": round(hit.confidence, 4),
        "semantic": round(hit.semantic, 4),
        "lexical": round(hit.lexical, 4),
    }
    return Meeting(
        a=need.owner,
        b=supply.owner,
        score=score,
        parts=parts,
        reasons=reasons,
        need_id=need.record.id,
        supply_id=supply.record.id,
    )
