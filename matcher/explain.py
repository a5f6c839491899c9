"""Chinese reasons for a recommendation: shared keywords, similarity, structured fits."""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_STOPWORDS = frozenset(
    [
        "我们",
        "公司",
        "企业",
        "需要",
        "希望",
        "寻求",
        "进行",
        "相关",
        "以及",
        "可以",
        "能够",
        "提供",
        "具有",
        "通过",
        "用于",
        "实现",
        "目前",
        "一种",
        "方面",
        "主要",
        "项目",
        "合作",
        "问题",
        "技术",
        "产品",
        "服务",
        "开展",
        "提升",
        "支持",
        "解决",
        "方法",
        "系统",
        "万元",
        "期限",
        "最大",
        "开发",
        "用于",
        "左右",
    ]
)


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for word in jieba.lcut(text):
        word = word.strip()
        if len(word) >= 2 and word not in _STOPWORDS and not word.isascii():
            seen.setdefault(word, None)
    return tuple(seen)


def shared_keywords(query: str, document: str, limit: int = 5) -> list[str]:
    """Words (2+ characters, not stopwords) of `query` that also occur in `document`."""
    doc_words = set(_words(document))
    return [w for w in _words(query) if w in doc_words or w in document][:limit]


def similarity_reason(semantic: float) -> str:
    level = "高" if semantic >= 0.5 else "中" if semantic >= 0.3 else "低"
    return f"语义相似度{semantic:.2f}（{level}）"


def keyword_reason(query: str, document: str) -> str | None:
    words = shared_keywords(query, document)
    return f"共同关键词：{'、'.join(words)}" if words else None
