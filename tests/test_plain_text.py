"""Control characters and non-finite numbers are refused on every model that holds user input."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from matcher.events.model import Event, Participant, TimeSlot
from matcher.outcomes.model import MeetingOutcome
from matcher.plain_text import control_char_error, visible
from matcher.types import FinanceProduct, Need, Rule
from tests.conftest import make_enterprise


@pytest.mark.parametrize(
    ("value", "multiline", "reason"),
    [
        ("电池\x00热管理", True, "不能包含控制字符（第3个字符为 NUL）"),
        ("a\x1bb", True, "不能包含控制字符（第2个字符为 U+001B）"),
        ("a\x85", True, "不能包含控制字符（第2个字符为 U+0085）"),
        ("evil\u202etxt", True, "不能包含控制字符（第5个字符为 U+202E）"),
        ("N\n1", False, "不能包含换行符或制表符（第2个字符为 换行符）"),
        ("N\t1", False, "不能包含换行符或制表符（第2个字符为 制表符）"),
        ("N\u20281", False, "不能包含换行符或制表符（第2个字符为 U+2028）"),
    ],
)
def test_refused_characters_are_named_with_their_position(
    value: str, multiline: bool, reason: str
) -> None:
    assert control_char_error(value, multiline) == reason


def test_line_breaks_and_ordinary_text_are_accepted_where_they_belong() -> None:
    assert control_char_error("第一行\n第二行\r\n\t缩进", multiline=True) is None
    assert control_char_error("青岛海鑫新能源科技有限公司（黄岛）😀") is None


def test_visible_escapes_every_refused_character() -> None:
    assert visible("id\x00\n\u202e") == "id\\x00\\n\\u202e"
    assert visible("普通文字") == "普通文字"


def _error(model: type, **fields: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        model(**fields)
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in caught.value.errors()]


def test_every_string_field_of_a_record_is_checked_lists_and_rules_included() -> None:
    need = {"id": "N1", "enterprise_id": "E1", "kind": "tech", "text": "需要散热技术"}
    assert Need(**{**need, "text": "第一行\n第二行"}).text == "第一行\n第二行"
    ((field, message),) = _error(Need, **{**need, "text": "需要\x00散热"})
    assert field == "text" and "NUL" in message
    for name, reason in (("青岛\n海鑫", "换行符"), ("青岛\x00海鑫", "NUL")):
        with pytest.raises(ValidationError, match=f"name\n.*{reason}"):
            make_enterprise("E1", name=name)
    with pytest.raises(ValidationError, match="tiers"):
        make_enterprise("E1", tiers=["专精特新\x07"])
    assert "控制字符" in _error(Rule, field="tiers", op="in", value=["专精\x00特新"])[0][1]


def test_numbers_must_be_finite() -> None:
    need = {"id": "N1", "enterprise_id": "E1", "kind": "finance", "text": "贷款"}
    for amount in (float("inf"), "nan", "1e999", "9" * 400):
        ((field, message),) = _error(Need, **need, amount=amount)
        assert field == "amount" and "finite" in message
    product = {"id": "F1", "bank": "青岛银行", "name": "贷", "type": "信用贷", "amount_min": 1,
               "amount_max": float("inf"), "term_min": 1, "term_max": 2, "rate": 3,
               "description": "说明"}  # fmt: skip
    assert _error(FinanceProduct, **product)[0][0] == "amount_max"


def test_events_participants_and_outcomes_are_checked_too() -> None:
    slot = TimeSlot(start="09:00", end="09:20")
    event = {"id": "EV1", "name": "对接会", "date": date(2026, 12, 3), "slots": [slot], "tables": 2}
    assert _error(Event, **{**event, "venue": "会议\x00中心"})[0][0] == "venue"
    person = {"id": "E1", "kind": "enterprise", "ref": "E1", "name": "甲\x1b", "role": "demand"}
    assert _error(Participant, **person)[0][0] == "name"
    outcome = {"id": "EV1|E1|E2", "event_id": "EV1", "a": "E1", "b": "E2"}
    assert MeetingOutcome(**outcome, notes="电话回访：\n有意向").notes.endswith("有意向")
    assert _error(MeetingOutcome, **outcome, notes="a\x00")[0][0] == "notes"
    assert _error(MeetingOutcome, **outcome, signed_amount=float("nan"))[0][0] == "signed_amount"
