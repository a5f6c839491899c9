"""Chinese reasons for a recommendation: shared keywords, similarity; display snippets."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# Words that say nothing about what a need or an offer is about: function words, generic
# business and contact filler, and place words (location fit is a structured reason, not a
# keyword one).
_FUNCTION_WORDS = """
    的话 一个 一些 一种 这个 这些 那些 这种 其中 其他 其它 以及 或者 并且 而且 但是 因为 所以
    如果 可以 能够 已经 正在 进行 通过 对于 关于 根据 按照 为了 以便 同时 此外 另外 包括 等等
    目前 现在 今后 未来 长期 主要 重点 一定 较为 更加 非常 特别 尤其 以上 以下 左右 之间 之一
    我们 你们 他们 本公司 我司 贵司 本司 自己 双方 各方 位于 拥有 具有 具备 用于 属于 成为 作为
"""
_BUSINESS_FILLER = """
    公司 企业 集团 有限公司 股份 单位 机构 团队 需要 需求 希望 寻求 寻找 想要 计划 打算 要求
    相关 有关 合作 合作方 合作伙伴 伙伴 对接 洽谈 交流 提供 项目 技术 服务 产品 研发 研究 开发
    能力 领域 行业 方面 方向 水平 情况 问题 解决 方案 解决方案 方法 方式 系统 支持 帮助 实现
    达到 目标 提升 提高 推动 促进 加强 发展 开展 优化 改进 应用 业务 工作 市场 客户 质量 效率 成本
    联系 联系人 联系方式 电话 手机 邮箱 微信 地址 经理 总经理 负责人 先生 女士 老师 主任
    万元 金额 资金 期限 时间 周期 预算 费用 价格 最大 最高 一年 年度
"""
_PLACE_WORDS = """
    青岛 青岛市 山东 山东省 本地 当地 本市 全市 全省 全国 国内 省内 市内 周边 附近 区域 地区
    新区 西海岸 园区 高新区 开发区 产业园 生态园 保税区 自贸区 片区 街道 市南 市北 李沧 崂山
    黄岛 城阳 即墨 胶州 平度 莱西
"""
STOPWORDS = frozenset((_FUNCTION_WORDS + _BUSINESS_FILLER + _PLACE_WORDS).split())
_PERSON_TITLES = ("经理", "总监", "总裁", "先生", "女士", "老师", "主任", "博士", "教授")
_PLACE_SUFFIXES = ("区", "市", "县")
# A number, optionally with a unit: 100、三年、五百万、20%、万件.
_QUANTITY = re.compile(
    r"[\d.,%零〇一二两三四五六七八九十百千万亿几多余数半]+"
    r"[年月日天周件台套元吨次个人家名项米克亩倍批款期种份]?"
)
_LATIN = re.compile(r"[a-z][a-z0-9+#.\-]*|[0-9]+[a-z][a-z0-9]*")

_SENTENCE_ENDS = "。！？；!?;\n"
_CLAUSE_ENDS = "，、：,:"
_TRAILING = " \t，、：；,:;（(「《“‘-—"
_ELLIPSIS = "…"
# A boundary counts only when it leaves at least this share of the window.
_MIN_SHARE = 0.5

# Below this weight a term is as common as the corpus's commonest words (with
# `LexicalEncoder.term_weight`: roughly a word found in half or more of the documents).
MIN_WEIGHT = 0.1


def _nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation as half-width (jieba splits full-width words)."""
    return unicodedata.normalize("NFKC", text)


def _fold(text: str) -> str:
    """NFKC and lower case, as the lexical channel sees text."""
    return _nfkc(text).lower()


def is_filler(word: str) -> bool:
    """True for words that are no evidence of a fit: stop words, quantities, names, places."""
    folded = _fold(word)
    if len(folded) < 2 or folded in STOPWORDS or _QUANTITY.fullmatch(folded):
        return True
    if not _LATIN.fullmatch(folded) and not re.search(r"[\u3400-\u9fff]", folded):
        return True  # punctuation, symbols, bare numbers
    person = len(folded) <= 4 and folded.endswith(_PERSON_TITLES)
    place = folded.endswith(_PLACE_SUFFIXES) and folded[:-1] in STOPWORDS
    return person or place


@lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    """Distinct non-filler jieba words of `text` (NFKC), in order of first occurrence."""
    seen: dict[str, None] = {}
    for word in jieba.lcut(_nfkc(text)):
        word = word.strip()
        if not is_filler(word):
            seen.setdefault(word, None)
    return tuple(seen)


@lru_cache(maxsize=4096)
def _index(document: str) -> tuple[frozenset[str], str]:
    """(folded jieba words, folded text) of `document`, for matching query terms."""
    folded = _fold(document)
    return frozenset(jieba.lcut(folded)), folded


def _occurs(term: str, document: str) -> bool:
    """`term` is one of the document's words, or (Chinese only) a substring of its text."""
    words, folded = _index(document)
    key = term.lower()
    return key in words or (not key.isascii() and key in folded)


def shared_terms(
    query: str,
    document: str,
    weight: Callable[[str], float] | None = None,
    limit: int = 5,
) -> list[str]:
    """Informative words of `query` (jieba, 2+ characters, not filler) that occur in `document`.

    Ordered by `weight(term)` (e.g. `LexicalEncoder.term_weight`), highest first, dropping
    terms under `MIN_WEIGHT`; without `weight`, longer words first. Ties keep query order.
    """
    found = [t for t in _terms(query) if _occurs(t, document)]
    if weight is None:
        return sorted(found, key=len, reverse=True)[:limit]
    scored = [(weight(t), t) for t in found]
    kept = [(w, t) for w, t in scored if w >= MIN_WEIGHT]
    kept.sort(key=lambda pair: (pair[0], len(pair[1])), reverse=True)
    return [t for _, t in kept[:limit]]


def keyword_reason(
    query: str, document: str, weight: Callable[[str], float] | None = None
) -> str | None:
    """「共同关键词：A、B」 from `shared_terms`, or None when they share no informative word."""
    words = shared_terms(query, document, weight)
    return f"共同关键词：{'、'.join(words)}" if words else None


def _last_boundary(window: str, marks: str) -> int:
    """Length of the prefix ending at the last of `marks` (included), or 0 if none counts."""
    end = max(window.rfind(mark) for mark in marks) + 1
    return end if end >= len(window) * _MIN_SHARE else 0


def _word_boundary(text: str, limit: int) -> int:
    """Length of the longest prefix of at most `limit` characters that ends between jieba words."""
    end = 0
    for word in jieba.lcut(text[: limit + 16]):
        if end + len(word) > limit:
            break
        end += len(word)
    return end


def snippet(text: str, limit: int) -> str:
    """`text` when it fits in `limit` characters, else a prefix of at most `limit` plus 「…」.

    The cut falls after a sentence end (。！？；) in the latter part of the window, else at a
    clause break (，、：), else between jieba words; a single word longer than `limit` is cut.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    window = text[:limit]
    sentence = _last_boundary(window, _SENTENCE_ENDS)
    if sentence:
        return window[:sentence].rstrip() + _ELLIPSIS
    clause = _last_boundary(window, _CLAUSE_ENDS)
    cut = clause - 1 if clause else _word_boundary(text, limit) or limit
    return window[:cut].rstrip(_TRAILING) + _ELLIPSIS
