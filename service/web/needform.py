"""The add / edit need form: parse the submitted fields into a `Need`, or Chinese errors.

The form carries the version of the need it was filled in from (hidden; 0 for a new need),
so saving it over a need someone else changed meanwhile is refused, the input kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError

from matcher.ingest.validate import translate_error
from matcher.types import NEED_KIND_LABELS, NEED_TEXT_MAX, Need

TEXT_MAX = NEED_TEXT_MAX  # the domain's limit, so the form refuses what the API and CLI do


FORM_FIELDS = ("kind", "text", "amount", "term_months", "deadline")


@dataclass
class NeedForm:
    """The form's values as typed (strings) and its errors by field name."""

    kind: str = "tech"
    text: str = ""
    amount: str = ""
    term_months: str = ""
    deadline: str = ""
    version: str = "0"
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_need(cls, need: Need, version: int) -> NeedForm:
        return cls(
            kind=need.kind,
            text=need.text,
            amount=f"{need.amount:g}" if need.amount is not None else "",
            term_months=str(need.term_months) if need.term_months is not None else "",
            deadline=need.deadline.isoformat() if need.deadline else "",
            version=str(version),
        )

    def read_version(self) -> int | None:
        """The version the form was filled in from: None when the form sent none (not
        checked), -1 (matches none) when it is not a number."""
        raw = self.version.strip()
        if not raw:
            return None
        return int(raw) if raw.isdigit() else -1

    def to_need(self, need_id: str, enterprise_id: str) -> Need | None:
        """The need, or None with `errors` filled in."""
        self.errors = {}
        if self.kind not in NEED_KIND_LABELS:
            self.errors["kind"] = "请选择需求类型"
        text = self.text.strip()
        if not text:
            self.errors["text"] = "请填写需求描述"
        elif len(text) > TEXT_MAX:
            self.errors["text"] = f"需求描述不能超过{TEXT_MAX}字"
        amount = self._number("amount", "融资金额须为大于0的数字（万元）", float)
        term = self._number("term_months", "融资期限须为大于0的整数（月）", int)
        deadline = self._date()
        if self.errors:
            return None
        try:
            return Need(
                id=need_id,
                enterprise_id=enterprise_id,
                kind=self.kind,  # type: ignore[arg-type]
                text=text,
                amount=amount,
                term_months=term,
                deadline=deadline,
            )
        except ValidationError as error:
            for problem in error.errors():
                field = str(problem["loc"][0]) if problem["loc"] else "text"
                self.errors.setdefault(field if field in FORM_FIELDS else "text",
                                       translate_error(problem))  # fmt: skip
            return None

    def _number(self, name: str, message: str, kind: type[float] | type[int]) -> float | None:
        raw = getattr(self, name).strip()
        if not raw:
            return None
        try:
            value = kind(raw)
        except ValueError:
            value = 0
        if value <= 0 or value != value or value == float("inf"):
            self.errors[name] = message
            return None
        return value

    def _date(self) -> date | None:
        raw = self.deadline.strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors["deadline"] = "截止日期格式应为 YYYY-MM-DD"
            return None
