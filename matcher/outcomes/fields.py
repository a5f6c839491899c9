"""The editable fields of outcomes: Chinese labels, parsing of user input, display values.

Values may be given as codes (`held`, `intent`) or Chinese labels (已举行, 意向); amounts as
numbers or text (`120`, `120万`); dates as dates or text (2026-12-10, 2026/12/10, 2026年12月10日).
A bad value raises ValueError with a Chinese reason.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from matcher.outcomes.model import (
    ATTENDANCE_LABELS,
    FINANCE_STATUS_LABELS,
    STAGE_LABELS,
)

MEETING_FIELDS = ("attendance", "stage", "signed_amount", "notes", "next_follow_up")
FINANCE_FIELDS = ("status", "amount", "first_loan", "event_id", "notes", "next_follow_up")
FIELD_LABELS = {
    "id": "结果编号",
    "attendance": "到场情况",
    "stage": "进展阶段",
    "signed_amount": "签约金额（万元）",
    "notes": "备注",
    "next_follow_up": "下次跟进日期",
    "status": "融资状态",
    "amount": "获批金额（万元）",
    "first_loan": "首贷",
    "event_id": "活动",
    "version": "版本",
    "correction": "更正",
}
_CHOICES = {"attendance": ATTENDANCE_LABELS, "stage": STAGE_LABELS, "status": FINANCE_STATUS_LABELS}
_TRUE = {"是", "true", "yes", "y", "1", "首贷"}
_FALSE = {"否", "false", "no", "n", "0", ""}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def label(field: str) -> str:
    """The Chinese name of a field (the follow-up sheet's column header)."""
    return FIELD_LABELS.get(field, field)


def _choice(field: str, value: Any) -> str | None:
    labels = _CHOICES[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if text in labels:
        return text
    for code, name in labels.items():
        if text == name:
            return code
    raise ValueError(f"「{text}」不是有效的{label(field)}，可填：{'、'.join(labels.values())}")


def parse_amount(value: Any) -> float | None:
    """万元: a number or text such as `120`, `120.5万`, `1,200万元`; never negative."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"「{value}」不是有效的金额")
    if isinstance(value, int | float):
        amount = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        text = text.removesuffix("万元").removesuffix("万").strip()
        try:
            amount = float(text)
        except ValueError:
            raise ValueError(f"「{value}」不是有效的金额（单位万元，填数字）") from None
    if not math.isfinite(amount):
        raise ValueError(f"「{value}」不是有效的金额")
    if amount < 0:
        raise ValueError(f"金额不能为负数（{value}）")
    return amount


def parse_date(value: Any) -> date | None:
    """A date, a datetime or text like 2026-12-10 / 2026/12/10 / 2026年12月10日."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(f"「{value}」不是有效的日期，请写成 YYYY-MM-DD")


def parse_bool(value: Any) -> bool:
    """是/否, true/false, 1/0."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"「{value}」应填 是 或 否")


def parse_field(field: str, value: Any) -> Any:
    """The canonical value of one editable field; ValueError (Chinese) when it is bad."""
    if field in _CHOICES:
        return _choice(field, value)
    if field in ("signed_amount", "amount"):
        return parse_amount(value)
    if field == "next_follow_up":
        return parse_date(value)
    if field == "first_loan":
        return parse_bool(value)
    if field == "event_id":
        text = "" if value is None else str(value).strip()
        return text or None
    if field == "notes":
        return "" if value is None else str(value).strip()
    raise ValueError(f"「{field}」不是可以修改的字段")


def stored(value: Any) -> str | None:
    """A value as kept in the history: codes, ISO dates, numbers as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def display(field: str, value: str | None) -> str:
    """A history value for people: Chinese labels, 是/否, empty as —."""
    if value is None or value == "":
        return "—"
    if field in _CHOICES:
        return _CHOICES[field].get(value, value)
    if field == "first_loan":
        return "是" if value == "true" else "否"
    return value
