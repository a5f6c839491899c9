"""推荐: a need's recommendations, free-text recommendations, an enterprise's policies, and the
reverse lead lists of tech results, products and offers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from matcher.errors import NotFoundError
from matcher.leads import leads_for_offer, leads_for_product, leads_for_tech_result
from matcher.types import KIND_LABELS, Recommendation
from service.auth import ROLE_LABELS, is_staff, owns
from service.deps import CurrentKey, State, ensure
from service.routers.crud import invalid_field
from service.schemas.common import ERROR_RESPONSES
from service.schemas.recommendations import RecommendationPublic, TextQuery
from storage.keys import ApiKey

router = APIRouter(tags=["推荐"], responses=ERROR_RESPONSES)

K = Annotated[int, Query(ge=1, le=100, description="返回条数（最多 100）")]
Results = list[RecommendationPublic]


def _id(label: str) -> object:
    return Path(min_length=1, max_length=64, description=f"{label}编号")


def _public(results: list[Recommendation]) -> Results:
    return [RecommendationPublic.model_validate(r.model_dump()) for r in results]


def _owner_only(key: ApiKey, kind: str, record_id: str, what: str, state: State) -> None:
    """Staff, or the key that owns the record; 404 for unknown ids."""
    record = state.store.get(kind, record_id)
    scope = f"（{key.scope_id}）" if key.scope_id else ""
    message = (
        f"{ROLE_LABELS[key.role]}账号{scope}无权查看{KIND_LABELS[kind]}「{record_id}」的{what}"
    )
    ensure(is_staff(key) or owns(key, kind, record), message)


@router.get("/needs/{need_id}/recommendations", response_model=Results, summary="需求的推荐结果")
def need_recommendations(
    need_id: Annotated[str, _id("需求")], state: State, key: CurrentKey, k: K = 10
) -> Results:
    """技术需求 → 科技成果；融资需求 → 企业符合准入条件的金融产品；合作需求 → 其他企业的供给。
    每条结果附得分构成与理由。"""
    _owner_only(key, "need", need_id, "推荐结果", state)
    return _public(state.recommend(lambda rec: rec.for_need(need_id, k=k)))


@router.post("/recommendations", response_model=Results, summary="按文字推荐")
def text_recommendations(body: TextQuery, state: State, key: CurrentKey) -> Results:
    """按一段需求描述推荐；企业账号总是以本企业身份推荐（用于准入条件和排除自身）。
    融资需求的金额、期限、担保方式从文字中识别，也可用 amount、term_months 直接给出；
    不满足任一准入条件的产品不推荐，未能核实的条件标为「待核实」。"""
    enterprise_id = body.enterprise_id
    if key.role == "enterprise":
        ensure(
            enterprise_id in (None, key.scope_id),
            f"企业账号（{key.scope_id}）不能以其他企业「{enterprise_id}」的身份获取推荐",
        )
        enterprise_id = key.scope_id
    else:
        ensure(is_staff(key), f"{ROLE_LABELS[key.role]}账号无权获取推荐")
    if enterprise_id:
        try:
            state.store.get("enterprise", enterprise_id)
        except NotFoundError:
            raise invalid_field("enterprise_id", f"企业「{enterprise_id}」不存在") from None
    return _public(
        state.recommend(
            lambda rec: rec.for_text(
                body.text,
                body.kind,
                k=body.k,
                enterprise_id=enterprise_id,
                amount=body.amount,
                term_months=body.term_months,
            )
        )
    )


@router.get(
    "/enterprises/{enterprise_id}/policies", response_model=Results, summary="企业可享受的政策"
)
def enterprise_policies(
    enterprise_id: Annotated[str, _id("企业")],
    state: State,
    key: CurrentKey,
    k: K = 20,
    include_ineligible: Annotated[
        bool, Query(description="同时列出不符合条件的政策（附未满足的条件）")
    ] = False,
) -> Results:
    """有效期内、企业符合全部申报条件的政策，相关度高的在前；每条条件标明满足与否。"""
    _owner_only(key, "enterprise", enterprise_id, "政策匹配", state)
    return _public(
        state.recommend(
            lambda rec: rec.policies(enterprise_id, k=k, include_ineligible=include_ineligible)
        )
    )


@router.get("/tech-results/{result_id}/leads", response_model=Results, summary="科技成果的意向企业")
def tech_result_leads(
    result_id: Annotated[str, _id("科技成果")], state: State, key: CurrentKey, k: K = 10
) -> Results:
    """有技术需求、与该成果匹配的企业（每家企业取最匹配的一条需求）。"""
    _owner_only(key, "tech_result", result_id, "意向企业", state)
    return _public(state.recommend(lambda rec: leads_for_tech_result(rec, result_id, k=k)))


@router.get("/products/{product_id}/leads", response_model=Results, summary="金融产品的意向企业")
def product_leads(
    product_id: Annotated[str, _id("金融产品")], state: State, key: CurrentKey, k: K = 10
) -> Results:
    """有融资需求、满足该产品全部准入条件的企业。"""
    _owner_only(key, "finance_product", product_id, "意向企业", state)
    return _public(state.recommend(lambda rec: leads_for_product(rec, product_id, k=k)))


@router.get("/offers/{offer_id}/leads", response_model=Results, summary="供给的意向企业")
def offer_leads(
    offer_id: Annotated[str, _id("供给")], state: State, key: CurrentKey, k: K = 10
) -> Results:
    """有合作需求、与该供给匹配的其他企业。"""
    _owner_only(key, "offer", offer_id, "意向企业", state)
    return _public(state.recommend(lambda rec: leads_for_offer(rec, offer_id, k=k)))
