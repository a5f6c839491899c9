"""Facts read from the free text of a finance need: amount, term, collateral, purpose, patents.

Numbers may be Arabic (「500万元」「1.5亿」「3,000,000元」) or Chinese (「五百万」「两千万」,
read with cn2an). A number counts only in its context: an amount needs a money unit and a
clause that is not about revenue, capital or output; a term needs a clause about the loan
(「期限」「贷款」「周转」…) or the 「…年期」 form, so 「2023年」 or 「成立5年」 are not terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from matcher.types import Need

_CN_DIGIT = "零〇一二两三四五六七八九十"
_CN_NUMBER = _CN_DIGIT + "百千万亿点"
# A number not preceded by another digit, so a match never starts inside a number.
NUM = (
    rf"(?<![\d.,{_CN_NUMBER}])"
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_DIGIT}][{_CN_NUMBER}]*)"
)
_CLAUSE_END = "，。；;,、！!？?｜|\n"

# amounts ------------------------------------------------------------------------------------
_TEN_THOUSANDS = {"亿": 10_000.0, "千万": 1_000.0, "百万": 100.0, "万": 1.0, "元": 0.0001}
_MEASURE = "吨件台平套个只辆条次亩株头片瓶箱盒张支册户家字度米克斤公升千小"
_AMOUNT = re.compile(
    rf"(?P<num>{NUM})\s*"
    rf"(?P<unit>(?:亿|千万|百万|万)(?:元|人民币|块)|元|(?:亿|千万|百万|万)(?![{_MEASURE}]|人(?!民币)))"
)
_RANGE_JOIN = re.compile(r"\s*(?:-|~|～|—|–|至|到)\s*")
# Clauses about what the enterprise already has or earns, not what it needs.
_NOT_NEED = re.compile(
    r"营收|营业收入|收入|销售额|产值|利润|注册资本|注册资金|实缴|总资产|净资产|资产总额|纳税|税收|估值|出口额|年产|产能"
)
_NEED_WORDS = re.compile(r"贷|借|融资|资金|需|申请|额度|授信|金额|缺口|筹")
MIN_AMOUNT = 1.0  # 万元; smaller sums in a need are prices, not the financing asked for

# terms --------------------------------------------------------------------------------------
_TERM = re.compile(
    rf"(?<![上下前后近每今明去])(?:(?P<num>{NUM})\s*(?P<unit>年半|年|个月|月)|(?P<half>半年))"
    r"(?P<suffix>期)?(?!(?:内|之内|以内)?(?:放款|到账|到位|审批|批复|批下))"
)
_TERM_WORDS = re.compile(r"期限|为期|周期|贷|借|融资|周转|还款|还清|使用|用款|资金")
_NOT_TERM = re.compile(
    r"账期|付款|成立|经营|从业|注册|运营|创办|创立|历时|耗时|已|过去|连续|累计|工作|经验"
)
MAX_TERM_YEARS = 30

# collateral ---------------------------------------------------------------------------------
_NEGATED_SECURITY = re.compile(
    r"(?:(?:没有|无需|无须|不需要|不用|不要|不想|缺少|缺乏|无法提供|提供不了|拿不出)"
    r"(?:任何)?[^，。；;,！？可能愿提]{0,8}?|(?:无|免|没|缺))(?:抵押|担保|质押)"
)
_COLLATERAL_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "知识产权质押",
        re.compile(
            r"(?:专利|商标|知识产权|著作权)权?[^，。；;,]{0,4}?质押|知识产权融资"
            r"|质押[^，。；;,]{0,4}?(?:专利|商标|知识产权)"
        ),
    ),
    ("质押", re.compile(r"质押")),
    ("抵押", re.compile(r"抵押")),
    ("保证", re.compile(r"担保|保证人|保证担保|连带责任|联保")),
    ("信用", re.compile(r"信用贷|纯信用|信用方式")),
)

# purposes -----------------------------------------------------------------------------------
_PURPOSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("流动资金", re.compile(r"流动资金|周转|备货|原材料|订单|货款|发工资|续贷|还款压力")),
    (
        "设备购置",
        re.compile(
            r"(?:购买|购置|采购|更新|添置|引进|升级|新增|扩大|新建)[^，。；;,]{0,6}?"
            r"(?:设备|产线|生产线|机器|机床)|设备(?:购置|采购|更新)"
        ),
    ),
    (
        "厂房建设",
        re.compile(
            r"(?:建设|新建|扩建|建|购买|购置|装修)[^，。；;,]{0,4}?(?:厂房|车间)|厂房(?:建设|扩建)"
        ),
    ),
    ("技术改造", re.compile(r"技术改造|技改|智能化改造|数字化改造|智改数转|车间改造|改造升级")),
    ("研发", re.compile(r"研发|新产品开发|技术开发|科研")),
    ("市场拓展", re.compile(r"市场拓展|拓展市场|开拓市场|市场推广|营销|渠道建设")),
)
_PURPOSE_MARKER = re.compile(r"用于|用途|用来|用作")

# patents ------------------------------------------------------------------------------------
_PATENT_KINDS = r"(?:发明|实用新型|外观设计|国家|授权|有效|核心)*"
_PATENTS = re.compile(
    rf"(?P<before>{NUM})\s*(?:项|件|个)?\s*{_PATENT_KINDS}\s*专利"
    rf"|专利权?\s*(?P<after>{NUM})\s*(?:项|件|个)"
)


@dataclass(frozen=True)
class NeedFacts:
    """What a need's text says: amount in 万元, term in months, collateral, purpose, patents."""

    amount: float | None = None
    term_months: int | None = None
    collateral: str | None = None
    purpose: str | None = None
    patents: int | None = None


def read_need_text(text: str) -> NeedFacts:
    """The facts stated in a free-text need (None for each one it does not state)."""
    return NeedFacts(
        amount=read_amount(text),
        term_months=read_term(text),
        collateral=read_collateral(text),
        purpose=read_purpose(text),
        patents=read_patents(text),
    )


def complete_need(need: Need) -> Need:
    """A copy of `need` with its empty fields filled from its text (stated fields win)."""
    facts = read_need_text(need.text)
    found = {
        "amount": facts.amount,
        "term_months": facts.term_months,
        "collateral": facts.collateral,
        "purpose": facts.purpose,
        "patents": facts.patents,
    }
    fill = {name: value for name, value in found.items() if getattr(need, name) is None}
    return need.model_copy(update={k: v for k, v in fill.items() if v is not None})


def parse_number(token: str) -> float | None:
    """An Arabic or Chinese number (「1,500」「1.5」「两千」「一点五」), None if unreadable."""
    if token[0].isdigit():
        return float(token.replace(",", ""))
    try:
        return float(cn2an.cn2an(token, "normal"))
    except ValueError:
        return None


def _clause_before(text: str, start: int) -> str:
    """The text from the start of the clause holding position `start` up to it."""
    begin = max(text.rfind(mark, 0, start) for mark in _CLAUSE_END) + 1
    return text[begin:start]


def read_amount(text: str) -> float | None:
    """The financing amount asked for, in 万元 (a range gives its upper end)."""
    found: list[tuple[float, bool]] = []
    matches = list(_AMOUNT.finditer(text))
    for i, match in enumerate(matches):
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        if nxt and _RANGE_JOIN.fullmatch(text[match.end() : nxt.start()]):
            continue  # the lower end of 「300万到500万」
        prefix = _clause_before(text, match.start())
        number, unit = match["num"], match["unit"]
        if "亿" in number and unit.startswith("万"):  # 「两亿零五百万」: one numeral with its 万
            number, unit = number + "万", "元"
        value = parse_number(number)
        if value is None or _NOT_NEED.search(prefix):
            continue
        amount = value * _unit_value(unit)
        if amount >= MIN_AMOUNT:
            found.append((round(amount, 4), bool(_NEED_WORDS.search(prefix))))
    preferred = [amount for amount, needed in found if needed]
    return (preferred or [amount for amount, _ in found] or [None])[0]


def _unit_value(unit: str) -> float:
    """万元 per unit of 「亿元」「千万」「万人民币」「元」…"""
    base = unit.removesuffix("人民币").removesuffix("元").removesuffix("块")
    return _TEN_THOUSANDS[base or "元"]


def read_term(text: str) -> int | None:
    """The loan term in months (「期限一年」 12, 「18个月」 18, 「半年」 6, 「2年期」 24)."""
    for match in _TERM.finditer(text):
        months = _term_months(match)
        if months is None:
            continue
        prefix = _clause_before(text, match.start())
        words = _TERM_WORDS
        clause_start = match.start() - len(prefix)
        if not prefix.strip() and clause_start > 0:  # 「需要300万，18个月」: read the clause before
            prefix, words = _clause_before(text, clause_start - 1), _NEED_WORDS
        about_loan = words.search(prefix) and not _NOT_TERM.search(prefix)
        month_of_year = match["unit"] == "月" and "期限" not in prefix  # 「3月」 alone
        if (match["suffix"] or about_loan) and not month_of_year:
            return months
    return None


def _term_months(match: re.Match[str]) -> int | None:
    if match["half"]:
        return 6
    number = parse_number(match["num"])
    if number is None or number <= 0:
        return None
    if match["unit"] in ("年", "年半"):
        if number > MAX_TERM_YEARS:
            return None  # 「2023年」 is a year, not a term
        months = number * 12 + (6 if match["unit"] == "年半" else 0)
    else:
        months = number
    return round(months) if months == round(months) and months <= MAX_TERM_YEARS * 12 else None


def read_collateral(text: str) -> str | None:
    """How the need is secured: an offered security wins; 「没有抵押」 alone means 信用."""
    negated = _NEGATED_SECURITY.search(text) is not None
    rest = _NEGATED_SECURITY.sub("", text)
    for collateral, pattern in _COLLATERAL_WORDS:
        if pattern.search(rest):
            return collateral
    return "信用" if negated else None


def read_purpose(text: str) -> str | None:
    """What the money is for: the first purpose after 「用于」/「用途」, else the first named."""
    marker = _PURPOSE_MARKER.search(text)
    for start in ((marker.end(),) if marker else ()) + (0,):
        found = [
            (match.start(), purpose)
            for purpose, pattern in _PURPOSES
            if (match := pattern.search(text, start))
        ]
        if found:
            return min(found)[1]
    return None


def read_patents(text: str) -> int | None:
    """How many patents the enterprise says it holds (「3项发明专利和5项实用新型专利」 8)."""
    counts = [parse_number(match["before"] or match["after"]) for match in _PATENTS.finditer(text)]
    whole = [int(n) for n in counts if n is not None and n == int(n)]
    return sum(whole) if whole else None
