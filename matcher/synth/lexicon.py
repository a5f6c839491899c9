# ruff: noqa: E501  (Chinese prose literals: CJK characters count double width)
"""Word banks: districts and parks, chain profiles, person and company names."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.synth.topics import split
from matcher.types import CHAINS, DISTRICTS

# Administrative division codes used in credit codes (市南 … 莱西).
DIVISION_CODES: dict[str, str] = {
    "市南": "370202", "市北": "370203", "李沧": "370213", "崂山": "370212", "黄岛": "370211",
    "城阳": "370214", "即墨": "370215", "胶州": "370281", "平度": "370283", "莱西": "370285",
}  # fmt: skip
DISTRICT_FULL: dict[str, str] = {
    "市南": "市南区", "市北": "市北区", "李沧": "李沧区", "崂山": "崂山区", "黄岛": "西海岸新区",
    "城阳": "城阳区", "即墨": "即墨区", "胶州": "胶州市", "平度": "平度市", "莱西": "莱西市",
}  # fmt: skip
PARKS: dict[str, tuple[str, ...]] = {
    "市南": split("青岛软件园|中山路金融街|香港中路商务区|青岛国际创新园市南园区"),
    "市北": split("青岛中央商务区|青岛国际工业设计中心|市北区科创中心|橡胶谷"),
    "李沧": split("青岛国际院士港|李沧经济开发区|青岛新一代信息技术产业园"),
    "崂山": split("崂山区科技城|青岛国际创新园|金家岭金融区|青岛高新技术产业开发区崂山园"),
    "黄岛": split("中德生态园|董家口经济区|青岛经济技术开发区|古镇口融合区|国际经济合作区"),
    "城阳": split("青岛高新区红岛片区|城阳区新材料产业集聚区|棘洪滩街道工业园|上马街道工业园"),
    "即墨": split("青岛蓝谷|即墨经济开发区|青岛汽车产业新城|即墨区医药产业园"),
    "胶州": split("胶州经济技术开发区|上合示范区|胶州湾产业基地|胶东临空经济示范区"),
    "平度": split("平度经济开发区|同和街道美妆产业园|南村镇工业园|平度新河化工产业园"),
    "莱西": split("莱西经济开发区|姜山镇食品产业园|莱西绿色健康食品产业园|院上镇农业园区"),
}


def located(district: str, park: str) -> str:
    """District and park as an address, without naming the district twice."""
    full = DISTRICT_FULL[district]
    if park.startswith((district, full, "青岛" + full, "青岛西海岸")):
        return park
    return full + park


@dataclass(frozen=True)
class ChainProfile:
    """How a chain looks on the ground: where its firms sit and what they make."""

    chain: str
    weight: float
    district_weights: tuple[float, ...]
    name_words: tuple[str, ...]
    products: tuple[str, ...]
    customers: tuple[str, ...]
    certs: tuple[str, ...]


def _profile(
    chain: str, weight: float, weights: str, words: str, products: str, customers: str, certs: str
) -> ChainProfile:
    district_weights = tuple(float(w) for w in weights.split())
    assert len(district_weights) == len(DISTRICTS)
    return ChainProfile(
        chain,
        weight,
        district_weights,
        split(words),
        split(products),
        split(customers),
        split(certs),
    )


# District weight order: 市南 市北 李沧 崂山 黄岛 城阳 即墨 胶州 平度 莱西
# fmt: off
PROFILES: dict[str, ChainProfile] = {p.chain: p for p in (
    _profile("人工智能", 0.12, "18 16 10 28 8 8 5 3 2 2", "智能科技|人工智能|智能技术|数据科技|智算科技",
             "机器视觉检测系统|智能客服平台|工业AI质检设备|智能排产软件|视觉引导机器人工作站|行业大模型应用",
             "海尔|海信|青岛港|中车四方|澳柯玛|赛轮集团|国家电网青岛供电公司",
             "ISO9001质量管理体系认证|CMMI3级评估|ISO27001信息安全管理体系认证|软件企业评估|高新技术企业认定"),
    _profile("新一代信息技术", 0.13, "16 18 14 22 10 9 5 3 2 1", "信息技术|网络科技|电子科技|软件|通信技术",
             "工业互联网平台|边缘计算网关|MEMS传感器|5G行业终端|数据安全网关|物联网模组",
             "海尔卡奥斯|海信|歌尔|青岛港|中国移动青岛分公司|浪潮",
             "ISO9001质量管理体系认证|CMMI5级评估|ISO27001信息安全管理体系认证|网络安全等级保护三级测评|高新技术企业认定"),
    _profile("生命健康", 0.11, "6 8 8 22 18 14 12 5 4 3", "生物科技|医药|医疗器械|健康科技|生物工程",
             "体外诊断试剂|医用敷料|原料药中间体|康复训练设备|海洋生物制品|可穿戴健康监测设备",
             "青岛大学附属医院|青岛市市立医院|国药控股|华润医药|黄海制药|百洋医药",
             "药品GMP符合性检查|医疗器械生产许可|ISO13485医疗器械质量管理体系认证|二类医疗器械注册|高新技术企业认定"),
    _profile("未来产业", 0.07, "6 5 6 26 18 12 17 5 3 2", "新能源科技|量子科技|氢能科技|航空科技|储能技术",
             "储能电池系统|氢燃料电池零部件|工业无人机|北斗高精度定位终端|量子加密通信设备|钠离子电池材料",
             "国家电投|华电青岛|中车四方|青岛港|山东港口集团|特来电",
             "ISO9001质量管理体系认证|UN38.3认证|CE认证|民用无人机适航审定|高新技术企业认定"),
    _profile("智能装备", 0.15, "2 6 10 8 22 18 14 12 5 3", "智能装备|机械|自动化设备|精密机械|机器人",
             "数控加工中心|焊接机器人工作站|轨道交通转向架零部件|AGV搬运机器人|液压系统|精密减速器",
             "中车四方|海尔|一汽解放青岛汽车|北船重工|海信|特锐德",
             "ISO9001质量管理体系认证|IATF16949汽车质量管理体系认证|CRCC铁路产品认证|CE认证|高新技术企业认定"),
    _profile("绿色健康食品", 0.10, "1 2 1 2 6 4 10 6 14 54", "食品|农业科技|生物食品|农产品|食品科技",
             "花生制品|速冻调理食品|预制菜|果蔬汁|发酵乳制品|冷冻海鲜|低糖烘焙食品",
             "青岛啤酒|利客来|家乐福|盒马鲜生|永旺|日本伊藤忠|韩国乐天",
             "HACCP体系认证|ISO22000食品安全管理体系认证|SC食品生产许可|绿色食品认证|出口食品生产企业备案"),
    _profile("智能家电", 0.10, "1 2 3 10 14 8 8 46 5 3", "电器|电子|家电科技|智能家居|电子电器",
             "家电控制板|变频空调电机|冰箱箱体组件|智能家居控制器|换热器|净水器滤芯",
             "海尔|海信|澳柯玛|美的|格力|奥克斯",
             "ISO9001质量管理体系认证|CCC认证|CE认证|UL认证|IATF16949汽车质量管理体系认证"),
    _profile("美妆", 0.06, "3 3 2 5 6 5 8 8 56 4", "美妆|化妆品|生物科技|工艺品|日化",
             "假睫毛|睫毛嫁接胶|面膜|精华液|护肤膏霜|美甲贴片",
             "丝芙兰|屈臣氏|亚马逊卖家|日本大创|韩国美妆连锁|欧美美妆品牌",
             "化妆品生产许可|ISO22716化妆品良好生产规范认证|FDA注册|CE认证|BSCI验厂"),
    _profile("新材料", 0.09, "2 8 6 6 20 20 14 8 12 4", "新材料|高分子材料|化工|复合材料|材料科技",
             "高性能橡胶材料|碳纤维复合材料件|重防腐涂料|石墨烯导热膜|全生物降解塑料|水处理分离膜",
             "赛轮集团|双星轮胎|海尔|中车四方|青岛港|北船重工",
             "ISO9001质量管理体系认证|ISO14001环境管理体系认证|REACH注册|IATF16949汽车质量管理体系认证|高新技术企业认定"),
    _profile("海洋经济", 0.07, "10 6 3 14 30 6 20 4 3 4", "海洋科技|海洋生物|水产|海洋工程|船舶科技",
             "深远海养殖装备|海水淡化装置|海洋观测浮标|海藻加工品|船舶脱硫设备|海上风电防腐材料",
             "山东港口集团|北船重工|国信海洋牧场|青岛港|中国海洋大学|国家深海基地",
             "ISO9001质量管理体系认证|中国船级社认证|ISO14001环境管理体系认证|出口食品生产企业备案|高新技术企业认定"),
)}
# fmt: on
assert tuple(PROFILES) == CHAINS

# Company-name characters (字号) and organisation forms.
NAME_CHARS: str = (
    "海鑫华瑞泰恒达诚信宏源盛德安康远博创新科润丰和嘉联中天正汇明东方金鼎硕晟"
    "昊凯佳豪力拓益隆昌旭辉睿卓越腾飞扬顺祥云峰岳锦弘耀诺铭立业启航融蓝湾岛琴"
    "崂青胶莱黄渤澜鸿骏澳舜宸骐麒麟凌霄逸致远帆宇宙星辰朗润沣泽洋港屿鲲鹏"
)
ORG_FORMS: tuple[tuple[str, float], ...] = (
    ("有限公司", 0.62), ("股份有限公司", 0.14), ("集团有限公司", 0.04),
    ("有限责任公司", 0.12), ("实业有限公司", 0.08),
)  # fmt: skip

SURNAMES: str = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS: str = "建华明伟志强国庆海涛文静丽军勇杰磊超鹏飞宇晓东红梅秀英玉兰春燕雪峰立新永刚云鹤子涵思远振宇宏博俊杰嘉怡欣悦佳琪晨曦凯瑞天翼浩然家豪雨桐梓萱一鸣世杰学军卫东长青"
