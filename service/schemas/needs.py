"""Need (企业需求) request and response models."""

from __future__ import annotations

from pydantic import Field

from matcher.types import COLLATERAL_ALIASES, COLLATERALS, NeedKind, NeedText
from service.schemas.common import ApiModel, partial_model
from service.schemas.fields import NOT_BLANK, EnterpriseRef, IsoDate, NewId, RecordId, one_of


class NeedFields(ApiModel):
    """企业需求"""

    enterprise_id: EnterpriseRef
    kind: NeedKind = Field(
        description="需求类型：tech（技术需求）、finance（融资需求）、partner（合作需求）",
        examples=["tech"],
    )
    text: NeedText = Field(
        description="需求描述（用于匹配），至多 2000 字",
        examples=["电池包高温下温升过快，需要锂电池热管理和散热技术"],
        json_schema_extra=NOT_BLANK,
    )
    amount: float | None = Field(
        None, gt=0, description="融资金额，万元（融资需求）", examples=[300]
    )
    term_months: int | None = Field(
        None, gt=0, description="融资期限，月（融资需求）", examples=[12]
    )
    collateral: str | None = Field(
        None,
        description="担保方式（融资需求）：信用、抵押、质押、知识产权质押、保证；"
        "不填时从需求描述中识别",
        examples=["抵押"],
        json_schema_extra=one_of([*COLLATERALS, *COLLATERAL_ALIASES, None]),
    )
    purpose: str | None = Field(
        None, description="资金用途（融资需求），如流动资金、设备购置、研发", examples=["流动资金"]
    )
    patents: int | None = Field(None, ge=0, description="企业自述的专利数量", examples=[3])
    deadline: IsoDate | None = Field(None, description="截止日期", examples=["2026-12-31"])


class NeedCreate(NeedFields):
    """新建需求"""

    id: NewId = None


NeedUpdate = partial_model(NeedFields, "NeedUpdate")


class NeedPublic(NeedFields):
    """需求"""

    id: RecordId = Field(examples=["N0000001"])
