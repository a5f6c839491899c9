"""Finance product (金融产品) request and response models."""

from __future__ import annotations

from pydantic import Field

from matcher.types import PRODUCT_TYPES
from service.schemas.common import ApiModel, partial_model
from service.schemas.fields import NOT_BLANK, NewId, RecordId, Rules, one_of


class ProductFields(ApiModel):
    """金融产品"""

    bank: str = Field(
        description="银行（金融机构）名称", examples=["青岛银行"], json_schema_extra=NOT_BLANK
    )
    name: str = Field(description="产品名称", examples=["专精特新贷"], json_schema_extra=NOT_BLANK)
    type: str = Field(
        description=f"产品类型，可选：{'、'.join(PRODUCT_TYPES)}",
        examples=["信用贷"],
        json_schema_extra=one_of(PRODUCT_TYPES),
    )
    amount_min: float = Field(ge=0, description="最低额度，万元", examples=[100])
    amount_max: float = Field(gt=0, description="最高额度，万元", examples=[1000])
    term_min: int = Field(ge=1, description="最短期限，月", examples=[6])
    term_max: int = Field(ge=1, description="最长期限，月", examples=[36])
    rate: float = Field(ge=0, le=36, description="年化利率，%", examples=[3.6])
    rules: Rules = Field(default_factory=list)
    description: str = Field(
        description="产品介绍（用于匹配）",
        examples=["面向专精特新企业的纯信用流动资金贷款"],
        json_schema_extra=NOT_BLANK,
    )


class ProductCreate(ProductFields):
    """新建金融产品"""

    id: NewId = None


ProductUpdate = partial_model(ProductFields, "ProductUpdate")


class ProductPublic(ProductFields):
    """金融产品"""

    id: RecordId = Field(examples=["F00001"])
