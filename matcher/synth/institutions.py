"""Universities and institutes, banks and policy issuers."""

from __future__ import annotations

import random

from matcher.synth.lexicon import DISTRICT_FULL, GIVEN_CHARS, SURNAMES
from matcher.synth.phrases import person, pick
from matcher.synth.topics import split

# University → the fields it is strong in (tech results favour a strong university).
UNIVERSITIES: dict[str, tuple[str, ...]] = {
    "中国海洋大学": split("海洋科学|食品科学|生物医药|船舶与海洋工程|新材料"),
    "青岛大学": split("生物医药|医疗器械|新材料|智能制造|人工智能"),
    "山东科技大学": split("智能制造|人工智能|交通运输|新能源"),
    "青岛科技大学": split("新材料|智能制造|生物医药|新能源"),
    "中国石油大学（华东）": split("新能源|新材料|节能环保|人工智能|船舶与海洋工程"),
    "青岛理工大学": split("智能制造|节能环保|新材料|人工智能"),
    "青岛农业大学": split("食品科学|生物医药|人工智能"),
    "山东大学（青岛）": split("电子信息|人工智能|生物医药|海洋科学|量子信息"),
    "哈尔滨工业大学": split("智能制造|航空航天|新能源|新材料"),
    "南京大学": split("电子信息|量子信息|新材料|人工智能"),
    "东南大学": split("电子信息|人工智能|智能制造|交通运输"),
    "中国科学院青岛生物能源与过程研究所": split("新能源|生物医药|新材料|食品科学"),
    "中国科学院海洋研究所": split("海洋科学|生物医药"),
    "自然资源部第一海洋研究所": split("海洋科学|船舶与海洋工程"),
    "崂山实验室": split("海洋科学|船舶与海洋工程|人工智能"),
    "哈尔滨工程大学青岛创新发展基地": split("船舶与海洋工程|海洋科学|智能制造"),
    "北京航空航天大学青岛研究院": split("航空航天|人工智能|电子信息"),
    "西安交通大学": split("智能制造|新能源|电子信息"),
    "天津大学": split("新材料|生物医药|船舶与海洋工程|节能环保"),
    "浙江大学": split("人工智能|食品科学|医疗器械|电子信息"),
    "江南大学": split("食品科学|生物医药"),
    "中国科学技术大学": split("量子信息|人工智能|新能源"),
    "北京交通大学": split("轨道交通|交通运输|电子信息"),
    "西南交通大学": split("轨道交通|智能制造"),
    "齐鲁工业大学": split("食品科学|新材料|生物医药"),
    "山东第一医科大学": split("生物医药|医疗器械"),
    "北京化工大学": split("新材料|节能环保"),
    "华东理工大学": split("生物医药|新材料|节能环保"),
}
UNIVERSITY_NAMES: tuple[str, ...] = tuple(UNIVERSITIES)

LAB_SUFFIXES: tuple[str, ...] = split(
    "重点实验室|工程技术研究中心|协同创新中心|研究院|工程研究中心"
)
TITLES: tuple[tuple[str, float], ...] = (
    ("教授团队", 0.45), ("研究员团队", 0.15), ("教授课题组", 0.15),
    ("副教授团队", 0.1), ("博士团队", 0.05), ("院士团队", 0.02), ("高级工程师团队", 0.08),
)  # fmt: skip


def university_for(rng: random.Random, field: str) -> str:
    """A university, usually one strong in `field`."""
    strong = [name for name, fields in UNIVERSITIES.items() if field in fields]
    if strong and rng.random() < 0.8:
        return pick(rng, strong)
    return pick(rng, UNIVERSITY_NAMES)


def team_name(rng: random.Random, field: str) -> str:
    """An expert team such as 张建华教授团队 or a lab with its lead."""
    lead = person(rng, SURNAMES, GIVEN_CHARS)
    if rng.random() < 0.2:
        return f"{field}{pick(rng, LAB_SUFFIXES)}（{lead}）"
    titles, weights = zip(*TITLES, strict=True)
    return lead + rng.choices(titles, weights=weights, k=1)[0]


# Bank → short brand used in product names.
BANKS: dict[str, str] = {
    "青岛银行": "青银", "青岛农商银行": "青农商", "齐鲁银行": "齐鲁",
    "工商银行青岛分行": "工银", "建设银行青岛市分行": "建行", "恒丰银行": "恒丰",
    "农业银行青岛分行": "农行", "中国银行青岛市分行": "中银", "交通银行青岛分行": "交银",
    "招商银行青岛分行": "招行", "兴业银行青岛分行": "兴业", "浦发银行青岛分行": "浦发",
    "中信银行青岛分行": "中信", "邮储银行青岛分行": "邮储", "日照银行青岛分行": "日照银行",
    "威海银行青岛分行": "威海银行", "民生银行青岛分行": "民生", "光大银行青岛分行": "光大",
    "北京银行青岛分行": "北银", "华夏银行青岛分行": "华夏",
}  # fmt: skip
BANK_NAMES: tuple[str, ...] = tuple(BANKS)

CITY_ISSUERS: dict[str, tuple[str, ...]] = {
    "民营": ("青岛市民营经济局",),
    "工信": ("青岛市工业和信息化局", "山东省工业和信息化厅"),
    "科技": ("青岛市科学技术局", "山东省科学技术厅"),
    "财政": ("青岛市财政局", "青岛市民营经济局"),
    "金融": ("中共青岛市委金融委员会办公室", "青岛市民营经济局", "青岛市财政局"),
    "人才": ("青岛市人力资源和社会保障局", "中共青岛市委人才工作领导小组办公室"),
    "商务": ("青岛市商务局", "青岛市贸促会"),
    "农业": ("青岛市农业农村局",),
    "海洋": ("青岛市海洋发展局",),
}


def district_place(district: str) -> str:
    """How a notice names the district: 青岛市城阳区, 莱西市, 青岛西海岸新区."""
    if district == "黄岛":
        return "青岛西海岸新区"
    full = DISTRICT_FULL[district]
    return full if full.endswith("市") else f"青岛市{full}"


def district_issuer(rng: random.Random, district: str) -> str:
    """A district government or bureau as issuer."""
    place = district_place(district)
    government = "青岛西海岸新区管理委员会" if district == "黄岛" else f"{place}人民政府"
    bureau = "工业和信息化局" if place.endswith("市") else "科技和工业信息化局"
    return pick(rng, (government, place + bureau, place + "民营经济发展服务中心"))
