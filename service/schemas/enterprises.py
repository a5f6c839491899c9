"""Enterprise (企业) request and response models."""

from __future__ import annotations

from pydantic import Field

from matcher.types import CHAINS, CREDIT_FLAGS, DISTRICTS, SIZES, TAX_CREDIT_GRADES, TIERS
from service.schemas.common import ApiModel, partial_model
from service.schemas.fields import (
    CREDIT_CODE,
    DISTRICT_NAMES,
    NOT_BLANK,
    IsoDate,
    NewId,
    RecordId,
    each_of,
    one_of,
)


class EnterpriseFields(ApiModel):
    """企业信息"""

    name: str = Field(
        description="企业名称", examples=["青岛海鑫新能源科技有限公司"], json_schema_extra=NOT_BLANK
    )
    credit_code: str = Field(
        description="统一社会信用代码（18位，不含 I、O、S、V、Z；校验位按 GB 32100 核验）",
        examples=["91370283786588941A"],
        json_schema_extra=CREDIT_CODE,
    )
    district: str = Field(
        description=f"所在区市，可选：{'、'.join(DISTRICTS)}（也可写全称，如 黄岛区）",
        examples=["黄岛"],
        json_schema_extra=one_of(DISTRICT_NAMES),
    )
    chain: str = Field(
        description=f"所属产业链，可选：{'、'.join(CHAINS)}",
        examples=["智能装备"],
        json_schema_extra=one_of(CHAINS),
    )
    tiers: list[str] = Field(
        default_factory=list,
        description=f"企业梯度（可多选）：{'、'.join(TIERS)}",
        examples=[["专精特新"]],
        json_schema_extra=each_of(TIERS),
    )
    size: str = Field(
        description=f"企业规模，可选：{'、'.join(SIZES)}",
        examples=["小型"],
        json_schema_extra=one_of(SIZES),
    )
    employees: int = Field(ge=0, description="从业人数", examples=[120])
    revenue: float = Field(ge=0, description="营业收入，万元", examples=[3000])
    founded: IsoDate = Field(description="成立日期", examples=["2016-05-01"])
    description: str = Field(
        description="企业简介（用于匹配）",
        examples=["生产储能电池包与电池管理系统"],
        json_schema_extra=NOT_BLANK,
    )
    whitelist: bool = Field(False, description="是否在信贷白名单中", examples=[True])
    high_tech: bool | None = Field(
        None, description="是否高新技术企业（空 = 未核实）", examples=[True]
    )
    invention_patents: int | None = Field(None, ge=0, description="发明专利，件", examples=[3])
    utility_patents: int | None = Field(None, ge=0, description="实用新型专利，件", examples=[12])
    rd_spend: float | None = Field(None, ge=0, description="上年度研发费用，万元", examples=[260])
    tax_paid: float | None = Field(None, ge=0, description="上年度纳税额，万元", examples=[85])
    tax_credit: str | None = Field(
        None,
        description=f"纳税信用等级，可选：{'、'.join(TAX_CREDIT_GRADES)}（空 = 未核实）",
        examples=["A"],
        json_schema_extra=one_of([*TAX_CREDIT_GRADES, None]),
    )
    credit_flags: list[str] | None = Field(
        None,
        description=f"失信及不良记录：{'、'.join(CREDIT_FLAGS)}；[] = 已核查无记录，空 = 未核查",
        examples=[[]],
        json_schema_extra=each_of(CREDIT_FLAGS),
    )
    contact_name: str | None = Field(None, max_length=40, description="联系人", examples=["王经理"])
    contact_phone: str | None = Field(
        None, max_length=40, description="联系电话", examples=["0532-88886666"]
    )
    contact_email: str | None = Field(
        None, max_length=120, description="联系邮箱", examples=["contact@example.cn"]
    )


class EnterpriseCreate(EnterpriseFields):
    """新建企业"""

    id: NewId = None


EnterpriseUpdate = partial_model(EnterpriseFields, "EnterpriseUpdate")


class EnterprisePublic(EnterpriseFields):
    """企业"""

    id: RecordId = Field(examples=["E0000001"])
