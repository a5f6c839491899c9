"""Candidate meetings for an event, scored from both sides.

Every participant brings demand items (an enterprise's needs) and supply items (an
enterprise's offers, a university's tech results, a bank's products). Needs are routed as
in recommendations (tech → tech results, finance → products, partner → offers). For each
route, FAISS searches the event's supply vectors with every need (what the demand side
wants) and the event's need vectors with every supply item (whom the supply side wants).
Each side's preference is the mean of the pair's absolute relevance (the convex hybrid of
the raw cosines, the same from both sides) and its relative relevance among that side's own
candidates (min-max fused, 1 = its best option), so a side's best option still needs to be
relevant; a pair's reciprocal score is the harmonic mean of the two preferences, so both
must want it. Pairs below `MIN_RELEVANCE` absolute relevance are not proposed; finance pairs
must also pass every eligibility rule of the product.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import faiss
import numpy as np

from matcher.eligibility import all_passed, check_rules, product_rules, subject_values
from matcher.embed.base import Encoder
from matcher.embed.cache import EmbeddingCache, encode_with_cache
from matcher.embed.hybrid import combine, fuse_scores
from matcher.embed.lexical import LexicalEncoder
from matcher.events.model import EventPlan, Meeting
from matcher.recommend import TARGET_KIND
from matcher.types import Enterprise, FinanceProduct, Need, Record
from matcher.workspace import Workspace

EVENT_NEED_KINDS = {"industry": ("tech", "partner"), "finance": ("finance",)}
SUPPLY_LABELS = {"tech_result": "科技成果", "finance_product": "金融产品", "offer": "供给"}
MIN_RELEVANCE = 0.2  # absolute hybrid relevance below which a pair is not proposed


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


@dataclass(frozen=True)
class Side:
    """One side of a route: dense and lexical vectors and the owner of each row."""

    dense: np.ndarray
    lexical: object
    owners: list[str]


def _preferences(
    queries: Side, docs: Side, k: int, weight: float
) -> list[dict[int, tuple[float, float, float]]]:
    """Per query row: doc row → (preference 0–1, semantic, lexical) for its top-k docs.

    Docs owned by the query's own participant are left out before scaling.
    """
    index = faiss.IndexFlatIP(docs.dense.shape[1])
    index.add(docs.dense)
    _, found = index.search(queries.dense, min(k + 5, len(docs.owners)))
    prefs = []
    for row, found_row in enumerate(found):
        own = queries.owners[row]
        candidates = np.array(
            [c for c in found_row if c >= 0 and docs.owners[c] != own][:k], dtype=np.int64
        )
        if not len(candidates):
            prefs.append({})
            continue
        semantic = docs.dense[candidates] @ queries.dense[row]
        lexical = np.asarray((docs.lexical[candidates] @ queries.lexical[row].T).todense()).ravel()
        absolute = combine(semantic, lexical, weight)
        relative = fuse_scores(semantic, lexical, weight) if len(candidates) > 1 else np.ones(1)
        preference = np.where(absolute >= MIN_RELEVANCE, (absolute + relative) / 2, 0.0)
        prefs.append(
            {
                int(c): (float(p), float(s), float(x))
                for c, p, s, x in zip(candidates, preference, semantic, lexical, strict=True)
            }
        )
    return prefs


def candidate_meetings(
    plan: EventPlan, workspace: Workspace, encoder: Encoder, per_item: int = 30
) -> list[Meeting]:
    """Scored candidate meetings (demand owner `a`, supply owner `b`), best item pair kept."""
    needs, supplies = event_items(plan, workspace)
    if not needs or not supplies:
        return []
    texts = [item.text for item in needs + supplies]
    cache = EmbeddingCache(workspace.cache_dir, encoder.name)
    dense = encode_with_cache(encoder, texts, cache, progress=False)
    lexical = LexicalEncoder().fit(texts).encode(texts).tocsr()
    weight = workspace.settings.hybrid_weight
    priority = {p.id: p.priority for p in plan.participants}
    best: dict[tuple[str, str], Meeting] = {}
    for need_kind, supply_kind in TARGET_KIND.items():
        qi = [i for i, item in enumerate(needs) if item.record.kind == need_kind]  # type: ignore[attr-defined]
        di = [j for j, item in enumerate(supplies) if item.kind == supply_kind]
        if not qi or not di:
            continue
        rows = [len(needs) + j for j in di]
        demand = Side(dense[qi], lexical[qi], [needs[i].owner for i in qi])
        supply = Side(dense[rows], lexical[rows], [supplies[j].owner for j in di])
        forward = _preferences(demand, supply, per_item, weight)
        backward = _preferences(supply, demand, per_item, weight)
        for row, wanted in enumerate(forward):
            need_item = needs[qi[row]]
            for col, (f, semantic, lex) in wanted.items():
                r = backward[col].get(row, (0.0, 0.0, 0.0))[0]
                supply_item = supplies[di[col]]
                if f <= 0 or r <= 0:
                    continue
                meeting = _meeting(plan, workspace, need_item, supply_item, f, r, semantic, lex)
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
    semantic: float,
    lexical: float,
) -> Meeting | None:
    reasons = [
        f"需求「{need.record.text[:40]}」↔ {SUPPLY_LABELS[supply.kind]}"  # type: ignore[attr-defined]
        f"「{supply.record.display_title()[:40]}」"
    ]
    if supply.kind == "finance_product":
        product: FinanceProduct = supply.record  # type: ignore[assignment]
        need_record: Need = need.record  # type: ignore[assignment]
        enterprise: Enterprise = workspace.store.get("enterprise", need_record.enterprise_id)  # type: ignore[assignment]
        today = workspace.settings.reference_date()
        checks = check_rules(product_rules(product), subject_values(enterprise, today, need_record))
        if not all_passed(checks):
            return None
        reasons.append(f"满足该产品全部{len(checks)}项准入条件")
    reasons.append(f"双方意愿：需求方{demand_pref:.2f}，供给方{supply_pref:.2f}")
    score = 2 * demand_pref * supply_pref / (demand_pref + supply_pref)
    parts = {
        "demand_side": round(demand_pref, 4),
        "supply_side": round(supply_pref, 4),
        "semantic": round(semantic, 4),
        "lexical": round(lexical, 4),
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
