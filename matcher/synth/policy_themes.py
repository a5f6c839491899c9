# ruff: noqa: E501  (Chinese prose literals: CJK characters count double width)
"""Policy themes modelled on real 惠企政策 notices: who qualifies, what they get."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matcher.synth.topics import split

RuleSpec = tuple[str, str, Any]


@dataclass(frozen=True)
class PolicyTheme:
    """One kind of support: wording, eligibility rules and the money involved."""

    key: str
    issuer: str  # key of institutions.CITY_ISSUERS
    titles: tuple[str, ...]
    purpose: str
    target: str
    standard: str  # may contain {amount}
    benefit: str  # may contain {amount}
    amount: tuple[int, int] | None
    rules: tuple[RuleSpec, ...]
    optional: tuple[RuleSpec, ...]
    auto_share: float


def theme(
    key: str,
    issuer: str,
    titles: str,
    purpose: str,
    target: str,
    standard: str,
    benefit: str,
    amount: tuple[int, int] | None,
    rules: tuple[RuleSpec, ...] = (),
    optional: tuple[RuleSpec, ...] = (),
    auto_share: float = 0.1,
) -> PolicyTheme:
    """Build a theme; `titles` is `|`-separated and may use {place} and {year}."""
    return PolicyTheme(
        key,
        issuer,
        split(titles),
        purpose,
        target,
        standard,
        benefit,
        amount,
        rules,
        optional,
        auto_share,
    )


SMALL = ["微型", "小型"]
SME = ["微型", "小型", "中型"]
TECH_CHAINS = ["人工智能", "新一代信息技术", "未来产业", "智能装备"]

# fmt: off
THEMES: tuple[PolicyTheme, ...] = (
    theme("zjtx", "民营", "{place}专精特新中小企业奖励实施细则|关于兑现{year}年度专精特新中小企业奖励资金的通知",
          "引导中小企业走专业化、精细化、特色化、新颖化发展道路", "新认定的省级专精特新中小企业",
          "对新认定的省级专精特新中小企业给予一次性奖励{amount}", "一次性奖励{amount}", (10, 30),
          (("tiers", "in", ["专精特新"]),), (("size", "in", SME),), 0.35),
    theme("xjr", "民营", "{place}专精特新“小巨人”企业培育奖励办法|关于申报{year}年国家级专精特新“小巨人”企业奖励的通知",
          "加快培育一批国家级专精特新“小巨人”企业", "首次被认定为国家级专精特新“小巨人”的企业",
          "给予一次性奖励{amount}，重点“小巨人”企业另给予研发和技改支持", "最高奖励{amount}", (50, 100),
          (("tiers", "in", ["小巨人"]),), (), 0.3),
    theme("cxx", "民营", "{place}创新型中小企业梯度培育工作方案|{year}年创新型中小企业评价申报指南",
          "扩大优质中小企业群体、夯实梯度培育基础", "在本市注册、具有较强创新能力的中小企业",
          "纳入优质中小企业培育库，优先推荐专精特新认定，并给予{amount}培育补助", "培育补助{amount}",
          (3, 10), (("size", "in", SME),), (("age_years", "ge", 1),), 0.1),
    theme("gazelle", "民营", "{place}瞪羚、独角兽企业培育三年行动计划|关于{year}年度瞪羚独角兽企业奖励的通知",
          "支持瞪羚、独角兽企业“高跳快跑”", "新认定的瞪羚企业、隐形独角兽企业和独角兽企业",
          "分别给予最高{amount}奖励，并在融资、上市、人才等方面提供专项服务", "最高奖励{amount}",
          (30, 500), (("tiers", "in", ["瞪羚", "隐形独角兽", "独角兽"]),), (), 0.25),
    theme("chuying", "民营", "{place}雏鹰企业认定管理办法|{year}年雏鹰企业申报通知",
          "发现和培育一批初创期高成长科技型企业", "成立时间不超过5年、具有高成长性的科技型企业",
          "认定为雏鹰企业的，给予{amount}成长补助，优先推荐瞪羚企业", "成长补助{amount}", (5, 20),
          (("tiers", "in", ["雏鹰"]), ("age_years", "le", 5)), (), 0.2),
    theme("firstloan", "金融", "{place}小微企业首贷贴息实施办法|关于开展{year}年首贷培植行动的通知",
          "提升民营和小微企业首贷获得率", "首次获得银行贷款的小微企业",
          "按贷款实际利息的50%给予贴息，单户最高{amount}", "首贷贴息最高{amount}", (5, 30),
          (("size", "in", SMALL),), (("employees", "le", 300),), 0.2),
    theme("whitelist", "金融", "{place}信贷白名单企业融资支持措施|关于建立{year}年度企业信贷白名单的通知",
          "强化财政金融协同联动、引导信贷资源投向实体企业", "纳入信贷白名单的民营企业",
          "合作银行给予利率优惠和绿色审批通道，对新增贷款给予{amount}以内的贴息", "贷款贴息最高{amount}",
          (10, 100), (("whitelist", "eq", True),), (("size", "in", SME),), 0.3),
    theme("digital", "工信", "{place}中小企业数字化转型（智改数转）补助实施细则|{year}年中小企业数字化转型城市试点企业申报指南",
          "推动中小企业“智改数转”，提升数字化水平", "实施数字化改造并通过评测验收的试点企业",
          "按数字化改造投入的30%给予补助，最高{amount}", "改造补助最高{amount}", (20, 200),
          (("size", "in", SME),), (("chain", "in", ["智能家电", "智能装备", "绿色健康食品", "新材料"]),), 0.1),
    theme("techreform", "工信", "{place}工业企业技术改造专项资金管理办法|关于组织申报{year}年度技术改造项目的通知",
          "引导企业开展技术改造和设备更新", "设备投资额达到规定标准的技术改造项目",
          "按设备投资额的10%给予补助，单个项目最高{amount}", "技改补助最高{amount}", (50, 1000),
          (("revenue", "ge", 2000),), (("tiers", "in", ["专精特新", "小巨人"]),), 0.05),
    theme("rnd", "科技", "{place}企业研发投入奖励办法|关于兑现{year}年度企业研发费用奖补的通知",
          "激励企业加大研发投入", "研发费用稳定增长的科技型中小企业",
          "按研发投入增量的10%给予奖补，最高{amount}", "研发奖补最高{amount}", (20, 300),
          (("tiers", "in", ["创新型中小企业", "专精特新", "小巨人", "雏鹰", "瞪羚"]),), (("employees", "le", 1000),), 0.4),
    theme("talent", "人才", "{place}高层次人才引进支持政策|{year}年企业引进博士等高层次人才补贴申报通知",
          "支持企业引进和培养高层次创新人才", "全职引进博士、高级工程师等人才的企业",
          "给予企业每人{amount}引才补贴，并为人才提供安家和子女入学服务", "每人最高{amount}", (5, 50),
          (("employees", "ge", 20),), (("chain", "in", [*TECH_CHAINS, "生命健康"]),), 0.1),
    theme("listing", "金融", "{place}企业上市挂牌奖励办法|关于申领{year}年度企业挂牌奖励资金的通知",
          "支持企业利用多层次资本市场直接融资", "在区域性股权市场或新三板挂牌、拟上市企业",
          "在蓝海股权交易中心挂牌的给予{amount}奖励，上市辅导备案另行奖励", "挂牌奖励{amount}", (10, 200),
          (("revenue", "ge", 3000),), (("age_years", "ge", 2),), 0.05),
    theme("guarantee", "金融", "{place}融资担保费补贴办法|{year}年政府性融资担保降费奖补申报通知",
          "降低小微企业融资担保成本", "通过政府性融资担保机构获得贷款的小微企业",
          "担保费率降至1%以下，超出部分由财政补贴，单户年度最高{amount}", "担保费补贴最高{amount}", (3, 20),
          (("size", "in", SMALL),), (("employees", "le", 300),), 0.3),
    theme("leasing", "金融", "{place}融资租赁奖补政策实施细则|关于申报{year}年融资租赁奖补资金的通知",
          "发挥融资租赁支持设备更新的作用", "通过融资租赁方式购置生产设备的中小企业",
          "按融资租赁额的2%给予奖补，最高{amount}", "融资租赁奖补最高{amount}", (10, 100),
          (("size", "in", SME),), (("revenue", "ge", 500),), 0.1),
    theme("camp", "民营", "{place}“千校万企”中小企业创新训练营活动方案|关于举办{year}年专精特新企业融链固链对接活动的通知",
          "推动高校科技成果向中小企业转移转化", "有技术需求的专精特新及创新型中小企业",
          "免费组织企业赴高校重点实验室观摩，开展科技成果与专家“一对一”对接", "免费参加对接活动", None,
          (("tiers", "in", ["创新型中小企业", "专精特新", "小巨人"]),), (("chain", "in", TECH_CHAINS),), 0.0),
    theme("cluster", "工信", "{place}特色产业集群培育方案|{year}年度特色产业集群企业发展扶持政策",
          "培育壮大特色产业集群", "集群内的生产型中小企业",
          "对集群内企业的品牌建设、标准制定和展会参展给予最高{amount}支持", "集群扶持最高{amount}", (10, 80),
          (), (), 0.1),
    theme("firstset", "工信", "{place}首台（套）技术装备及关键核心零部件奖励办法|{year}年首台套首批次首版次认定通知",
          "支持首台（套）装备、首批次新材料推广应用", "研制首台（套）装备或首批次材料的企业",
          "按产品单价的20%给予奖励，最高{amount}", "首台套奖励最高{amount}", (50, 500),
          (("chain", "in", ["智能装备", "新材料", "未来产业"]),), (), 0.05),
    theme("riskcomp", "金融", "{place}小微企业贷款风险补偿资金管理办法|{year}年小微企业贷款风险补偿申报指南",
          "鼓励银行加大对小微企业的信贷投放", "获得合作银行信用贷款的小微企业",
          "对合作银行发生的不良贷款给予30%的风险补偿，引导银行对单户发放最高{amount}信用贷款", "信用贷款最高{amount}",
          (100, 1000), (("size", "in", SMALL),), (("age_years", "ge", 1),), 0.2),
    theme("marine", "海洋", "{place}海洋经济高质量发展扶持政策|{year}年度海洋新兴产业项目资金申报通知",
          "加快建设引领型现代海洋城市", "从事海洋生物医药、海洋装备、海水淡化等的企业",
          "对符合条件的项目给予最高{amount}资金支持", "项目资助最高{amount}", (50, 500),
          (("chain", "in", ["海洋经济", "生命健康"]),), (), 0.05),
    theme("hightech", "科技", "{place}高新技术企业培育奖励办法|关于{year}年度高新技术企业认定奖励的通知",
          "壮大高新技术企业群体", "首次通过高新技术企业认定的企业",
          "给予一次性奖励{amount}", "一次性奖励{amount}", (10, 30), (("age_years", "ge", 1),),
          (("chain", "in", [*TECH_CHAINS, "生命健康", "新材料"]),), 0.45),
    theme("jobs", "人才", "{place}稳岗扩岗补贴实施办法|关于发放{year}年一次性扩岗补助的通知",
          "稳定和扩大就业岗位", "吸纳高校毕业生就业并参加社会保险的企业",
          "按每人1500元给予一次性扩岗补助，单户最高{amount}", "扩岗补助最高{amount}", (3, 30),
          (("employees", "ge", 10),), (), 0.6),
    theme("export", "商务", "{place}“青帆远扬”中小企业出海支持措施|{year}年境外展会参展补贴申报通知",
          "帮助中小企业开拓国际市场", "参加境外展会、开展跨境电商的中小企业",
          "按展位费的70%给予补贴，单户最高{amount}", "参展补贴最高{amount}", (5, 50),
          (("size", "in", SME),), (("chain", "in", ["美妆", "绿色健康食品", "智能家电", "海洋经济"]),), 0.05),
    theme("contest", "民营", "“市长杯”中小企业创新创业大赛获奖项目扶持办法|第十一届“市长杯”中小企业创新创业大赛实施方案（{year}年）",
          "构建全周期创新创业展示交流平台", "在本市注册的初创企业和成长型中小企业",
          "对获奖项目给予最高{amount}奖励，并优先推荐投资机构对接", "获奖奖励最高{amount}", (5, 50),
          (("age_years", "le", 8),), (), 0.0),
    theme("green", "工信", "{place}绿色低碳转型专项支持政策|{year}年绿色工厂和节能技改项目奖励申报通知",
          "推动工业绿色低碳发展", "开展节能改造、获评绿色工厂的企业",
          "对节能改造项目按投资额的15%补助，获评国家级绿色工厂奖励{amount}", "最高奖励{amount}", (20, 200),
          (("revenue", "ge", 1000),), (("chain", "in", ["智能装备", "新材料", "智能家电", "绿色健康食品"]),), 0.1),
    theme("agri", "农业", "{place}农业产业化龙头企业扶持办法|{year}年绿色健康食品产业发展专项资金申报通知",
          "做强绿色健康食品产业链", "从事农产品加工、食品制造的企业",
          "对新建加工项目和品牌认证给予最高{amount}补助", "补助最高{amount}", (10, 150),
          (("chain", "in", ["绿色健康食品"]),), (), 0.1),
)
# fmt: on

LAWS: tuple[str, ...] = split(
    "《中华人民共和国中小企业促进法》|《中华人民共和国民营经济促进法》|《优质中小企业梯度培育管理暂行办法》|"
    "《山东省优质中小企业梯度培育管理实施细则》|《青岛市关于促进民营经济高质量发展的若干政策措施》|"
    "《关于进一步支持中小微企业发展的意见》|《青岛市瞪羚、独角兽企业培育三年行动计划（2025-2027）》"
)
