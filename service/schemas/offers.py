"""Offer (企业供给) request and response models."""

from __future__ import annotations

from pydantic import Field

from service.schemas.common import ApiModel, partial_model
from service.schemas.fields import NOT_BLANK, EnterpriseRef, NewId, RecordId


class OfferFields(ApiModel):
    """企业供给"""

    enterprise_id: EnterpriseRef
    text: str = Field(
        description="供给描述：企业能向产业链提供什么（用于匹配）",
        examples=["承接数控精密机械加工，铝合金、不锈钢结构件加工"],
        json_schema_extra=NOT_BLANK,
    )


class OfferCreate(OfferFields):
    """新建供给"""

    id: NewId = None


OfferUpdate = partial_model(OfferFields, "OfferUpdate")


class OfferPublic(OfferFields):
    """供给"""

    id: RecordId = Field(examples=["O0000001"])
