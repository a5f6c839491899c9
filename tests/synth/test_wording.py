"""How the generator words needs and supply: numbers, stories, synonym maps, coverage."""

from __future__ import annotations

import random

import pytest

from matcher.synth.needs import PARTNER_LAY, QUESTION, TECH_LAY, TECH_TOPICS
from matcher.synth.partner_topics import PARTNER_TOPICS
from matcher.synth.partner_wording import PARTNER_WORDING
from matcher.synth.phrases import cn_int, money_forms, term_forms
from matcher.synth.tech_wording import TECH_WORDING
from matcher.synth.topics import Template, synonyms

NUMERALS = [(1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (115, "一百一十五"), (200, "两百"),
            (1050, "一千零五十"), (1250, "一千二百五十"), (2000, "两千"), (7200, "七千二百"),
            (10005, "一万零五"), (25000, "两万五千")]  # fmt: skip


@pytest.mark.parametrize(("number", "chinese"), NUMERALS)
def test_chinese_numerals(number: int, chinese: str) -> None:
    assert cn_int(number) == chinese


def test_money_and_term_forms() -> None:
    assert money_forms(500) == ("500万元", "500万", "五百万", "五百万元", "5000000元")
    assert money_forms(12500) == ("1.25亿元", "1.25亿", "一亿两千五百万", "一亿两千五百万元")
    assert money_forms(20000)[2] == "两亿"
    assert term_forms(12) == ("12个月", "十二个月", "一年", "1年")
    assert term_forms(18) == ("18个月", "十八个月", "一年半")
    assert term_forms(6) == ("6个月", "六个月", "半年")


def test_template_slots_draw_numbers_in_both_scripts() -> None:
    template = Template.parse("良品率只有{80~90}%，每天{6~15}个人看")
    rng = random.Random(1)
    texts = {template.render(rng) for _ in range(200)}
    assert any("百分之" in t for t in texts) and any("%" in t for t in texts)
    assert all("{" not in t for t in texts)
    assert all(t.startswith("良品率只有") and t.endswith("个人看") for t in texts)


def test_synonyms_replace_longest_term_first_in_one_pass() -> None:
    lay = synonyms("缺陷=毛病|缺陷识别=找毛病|毛病=问题")
    rng = random.Random(0)
    assert lay.apply(rng, "做缺陷识别和缺陷分拣", keep=0) == "做找毛病和毛病分拣"
    assert lay.apply(rng, "做缺陷识别", keep=1) == "做缺陷识别"


def test_every_topic_has_its_own_wording() -> None:
    assert list(TECH_WORDING) == [t.key for t in TECH_TOPICS]
    assert list(PARTNER_WORDING) == [t.key for t in PARTNER_TOPICS]
    for topic in TECH_TOPICS:
        words = TECH_WORDING[topic.key]
        assert len(words.says) >= 3 and len(words.stories) >= 2, topic.key
        assert words.lay.alternatives and words.tech.alternatives, topic.key
        # the everyday names are not the supply side's anchor terms
        assert not set(words.says) & set(topic.anchors), topic.key
    for ptopic in PARTNER_TOPICS:
        words = PARTNER_WORDING[ptopic.key]
        assert len(words.says) >= 3 and words.stories and words.lay.alternatives, ptopic.key


def test_sentence_rewrites_never_insert_questions() -> None:
    for lay in (*TECH_LAY.values(), *PARTNER_LAY.values()):
        for alternatives in lay.alternatives.values():
            assert not any(QUESTION.search(a) for a in alternatives), alternatives
