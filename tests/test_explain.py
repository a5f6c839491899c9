import jieba
import pytest

from matcher.embed.lexical import LexicalEncoder
from matcher.explain import (
    MIN_WEIGHT,
    STOPWORDS,
    is_filler,
    keyword_reason,
    shared_terms,
    snippet,
)
from matcher.types import Need, Offer

# Every sentence says 企业; most say 智能; 极片 and 缺陷 are rare, 检测 and 设备 common.
CORPUS = [
    "企业提供智能视觉检测设备，用于锂电池极片缺陷检测",
    "企业研发智能检测设备，服务汽车零部件产线",
    "智能制造企业寻找工业机器人集成商",
    "企业提供智能仓储物流系统与检测设备",
    "生物医药企业寻CRO合作方开展临床前研究",
    "企业提供智能巡检无人机和检测服务",
    "新材料企业生产碳纤维复合材料，可做检测",
    "企业需要智能网关与工业互联网平台",
    "海洋装备企业研制智能水下检测机器人",
    "企业提供智能客服和大模型应用开发",
    "食品企业寻求智能包装设备供应商",
    "企业提供智能电表和能耗监测设备",
    "纺织企业希望引进智能染色设备",
    "企业提供智能安防摄像头与视频分析",
    "企业开展智能农机与精准灌溉设备研发",
    "软件企业提供智能排产与制造执行系统",
    "企业提供医疗器械注册检测与临床试验服务",
    "企业需要智能焊接机器人和检测设备",
    "化工企业寻求智能安全监测方案",
    "企业提供智能充电桩与储能设备",
    "企业提供智能港口装卸设备",
    "家电企业需要智能控制芯片",
    "企业提供工业视觉算法与智能相机",
    "企业提供智能冷链监控设备",
    "轨道交通企业需要智能检测与运维平台",
    "企业提供智能楼宇控制系统",
    "企业提供智能纺织检测设备",
    "企业提供智能物流分拣设备",
    "船舶企业需要智能涂装设备",
    "企业提供智能水务监测设备",
    "企业提供智能电网巡检服务",
    "企业需要智能注塑设备",
    "企业提供智能检测实验室服务",
    "企业提供智能办公软件",
    "企业提供智能家居产品",
    "企业提供智能教育平台",
]


@pytest.fixture(scope="module")
def encoder() -> LexicalEncoder:
    return LexicalEncoder().fit(CORPUS)


def test_filler_is_never_cited():
    filler = "希望通过合作方式达到降本目标，联系人王经理，电话13800000000，需要资金500万元，期限3年"
    offer = "我们通过多种方式达到目标，联系人李经理、张先生，电话0532-8888，提供500万元，期限3年"
    assert shared_terms(filler, offer) == []
    assert keyword_reason(filler, offer) is None


def test_the_stop_word_list_itself_shares_no_term():
    text = "，".join(sorted(STOPWORDS))
    assert shared_terms(text, text, limit=len(STOPWORDS)) == []
    assert all(
        is_filler(word)
        for word in ("达到", "方式", "联系人", "经理", "王经理", "崂山区", "100万件", "三年", "20%")
    )
    assert not any(is_filler(word) for word in ("CRO", "5G", "临床", "极片", "碳纤维"))


def test_a_partner_need_is_matched_on_what_it_seeks_not_on_the_place(encoder):
    need = "寻CRO合作方，开展临床前研究"
    supplier = "本公司位于青岛西海岸新区，是专业CRO，提供临床前研究外包服务"
    for weight in (None, encoder.term_weight):
        terms = shared_terms(need, supplier, weight)
        assert "CRO" in terms
        assert not {"西海岸", "新区", "合作方", "研究"} & set(terms)
    reason = keyword_reason(need, supplier, encoder.term_weight)
    assert reason is not None and reason.startswith("共同关键词：") and "CRO" in reason


def test_place_words_never_count_as_shared_interest():
    need = "青岛西海岸新区园区企业寻求工业视觉检测设备"
    offer = "西海岸新区高新区园区内企业，研发视觉检测设备"
    terms = shared_terms(need, offer)
    assert terms and not {"青岛", "西海岸", "新区", "园区", "高新区"} & set(terms)


def test_informative_words_come_first_given_an_idf(encoder):
    need = "锂电池极片缺陷检测设备"
    offer = "企业提供锂电池极片缺陷检测设备，支持在线检测"
    weighted = shared_terms(need, offer, encoder.term_weight)
    weights = [encoder.term_weight(t) for t in weighted]
    assert weights == sorted(weights, reverse=True)
    assert weighted.index("极片") < weighted.index("检测")
    assert weighted.index("缺陷") < weighted.index("设备")
    assert shared_terms(need, offer)[0] == "锂电池"  # no idf: longer words first
    # a rare short word outranks a common longer one once the idf is known
    need, offer = "工业机器人极片焊接", "企业提供工业机器人，用于极片焊接"
    assert shared_terms(need, offer) == ["机器人", "工业", "极片", "焊接"]
    assert shared_terms(need, offer, encoder.term_weight) == ["极片", "焊接", "机器人", "工业"]


def test_terms_found_in_most_documents_are_dropped(encoder):
    assert encoder.term_weight("智能") < MIN_WEIGHT <= encoder.term_weight("视觉")
    terms = shared_terms("智能视觉相机", "企业提供工业视觉算法与智能相机", encoder.term_weight)
    assert "智能" not in terms
    assert "视觉" in terms
    assert "智能" in shared_terms("智能视觉相机", "企业提供工业视觉算法与智能相机")


def test_limit_and_full_width_latin():
    assert shared_terms("ＣＲＯ服务", "专业cro外包") == ["CRO"]
    assert shared_terms("AI芯片", "MAIL系统") == []  # latin words match whole, not inside words
    long_need = "锂电池 极片 缺陷 碳纤维 注塑 焊接 涂装 染色"
    assert len(shared_terms(long_need, long_need, limit=3)) == 3


TEXTS = [
    "面向小微企业的信用贷款产品，最高额度五百万元。支持知识产权质押融资，审批快速便捷。",
    "研发一种用于锂电池极片缺陷检测的工业视觉系统并实现产线在线部署与数据追溯",
    "寻CRO合作方，开展临床前研究；要求具备GLP资质、动物实验平台和三年以上项目经验",
    "需要一台五轴联动数控加工中心：加工航空铝合金结构件、钛合金零件，精度0.01毫米",
]


def _word_ends(text: str) -> set[int]:
    ends, at = set(), 0
    for word in jieba.lcut(text):
        at += len(word)
        ends.add(at)
    return ends


@pytest.mark.parametrize("text", TEXTS)
def test_snippets_never_cut_a_word(text):
    ends = _word_ends(text)
    for limit in range(4, len(text) + 3):
        short = snippet(text, limit)
        if len(text) <= limit:
            assert short == text
            continue
        assert short.endswith("…")
        body = short[:-1]
        assert len(body) <= limit
        assert text.startswith(body)
        assert len(body) in ends, (limit, short)


def test_snippets_prefer_a_sentence_end_then_a_clause_break():
    text = TEXTS[0]  # the first sentence ends at character 26
    assert snippet(text, 30) == "面向小微企业的信用贷款产品，最高额度五百万元。…"
    assert snippet(text, 20) == "面向小微企业的信用贷款产品…"
    assert snippet(TEXTS[2], 30) == "寻CRO合作方，开展临床前研究；…"
    # the 「；」 at 16 is too early in a 40-character window: cut at the last 「、」 instead
    assert snippet(TEXTS[2], 40) == "寻CRO合作方，开展临床前研究；要求具备GLP资质…"
    assert snippet("短句。", 10) == "短句。"
    assert snippet("  前后有空格  ", 10) == "前后有空格"


def test_display_titles_end_on_a_word():
    text = TEXTS[1]
    need = Need(id="N1", enterprise_id="E1", kind="tech", text=text)
    offer = Offer(id="O1", enterprise_id="E1", text=text)
    assert need.display_title() == "技术需求：" + snippet(text, 30)
    assert offer.display_title() == snippet(text, 30)
    assert offer.display_title().endswith("在线…")
    assert Offer(id="O2", enterprise_id="E1", text="工业视觉检测").display_title() == "工业视觉检测"
