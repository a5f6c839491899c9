"""Rows → validated records plus problems (file, row, field, Chinese reason)."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from matcher.ingest.columns import (
    CellError,
    accepted_columns,
    convert_cell,
    header_map,
    is_empty,
    normalise_header,
)
from matcher.ingest.problems import WHOLE_ROW, Problem, file_error
from matcher.ingest.readers import Row
from matcher.plain_text import visible
from matcher.types import MODELS, Record

REFERENCING_KINDS: frozenset[str] = frozenset({"need", "offer"})


@dataclass
class CheckedFile:
    """A file after validation: its good records and every problem, by row."""

    file: str
    kind: str
    rows: int = 0
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


def check_header(file: str, kind: str, columns: list[str]) -> None:
    """Reject a header with unknown or doubled columns, or a file with no header at all."""
    mapping = header_map(kind)
    named = [c for c in columns if c]
    known = [c for c in named if normalise_header(c) in mapping]
    if not known:
        shown = "、".join(named[:5])
        reason = f"缺少表头：第1行应为列名，实际为「{shown}」；可用列：{accepted_columns(kind)}"
        raise file_error(file, reason, row=1)
    unknown = [c for c in named if normalise_header(c) not in mapping]
    if unknown:
        columns_text = "、".join(f"「{c}」" for c in unknown)
        reason = f"未知列{columns_text}；可用列：{accepted_columns(kind)}"
        raise file_error(file, reason, row=1, field=unknown[0])
    seen: dict[str, str] = {}
    for column in named:
        target = mapping[normalise_header(column)]
        if target in seen:
            reason = f"列「{seen[target]}」和「{column}」都对应字段 {target}"
            raise file_error(file, reason, row=1, field=target)
        seen[target] = column


def check_rows(
    file: str, kind: str, rows: Iterable[Row], enterprise_ids: Container[str] | None = None
) -> CheckedFile:
    """Validate every row of one file. `enterprise_ids` (needs/offers) are the ids they may cite."""
    checked = CheckedFile(file, kind)
    first_row_of: dict[str, int] = {}
    for row in rows:
        checked.rows += 1
        record, values, problems = _check_row(file, kind, row)
        problems += _relation_problems(file, row.number, values, first_row_of, enterprise_ids)
        if record is not None and not problems:
            checked.records.append(record)
        checked.problems += problems
    return checked


def _check_row(
    file: str, kind: str, row: Row
) -> tuple[Record | None, dict[str, Any], list[Problem]]:
    """The record of one row (or None), its converted values and every problem found in it."""
    if row.error:
        return None, {}, [Problem(file, row.number, WHOLE_ROW, row.error)]
    mapping = header_map(kind)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    blank: set[str] = set()
    failed: set[str] = set()
    for column, raw in row.values.items():
        target = mapping.get(normalise_header(column))
        if target is None:
            reason = f"未知字段「{column}」；可用字段：{accepted_columns(kind)}"
            problems.append(Problem(file, row.number, str(column), reason))
            continue
        if target in values or target in blank or target in failed:
            problems.append(Problem(file, row.number, target, f"字段重复出现（「{column}」）"))
            continue
        if is_empty(raw):
            blank.add(target)
            continue
        try:
            values[target] = convert_cell(kind, target, raw)
        except CellError as exc:
            failed.add(target)
            problems.append(Problem(file, row.number, target, str(exc)))
    try:
        record = MODELS[kind].model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else WHOLE_ROW
            if name not in failed:
                reason = translate_error(error, blank=name in blank)
                problems.append(Problem(file, row.number, name, reason))
        return None, values, problems
    return (None if problems else record), values, problems


def _relation_problems(
    file: str,
    number: int,
    values: dict[str, Any],
    first_row_of: dict[str, int],
    enterprise_ids: Container[str] | None,
) -> list[Problem]:
    """Duplicate ids within the file and citations of enterprises that do not exist."""
    problems = []
    record_id = values.get("id")
    if isinstance(record_id, str):
        first = first_row_of.setdefault(record_id, number)
        if first != number:
            problems.append(Problem(file, number, "id", f"编号「{record_id}」与第{first}行重复"))
    cited = values.get("enterprise_id")
    if isinstance(cited, str) and enterprise_ids is not None and cited not in enterprise_ids:
        problems.append(Problem(file, number, "enterprise_id", f"企业「{cited}」不存在"))
    return problems


def translate_error(error: ErrorDetails, blank: bool = False) -> str:
    """A pydantic error as a Chinese reason."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    shown = f"「{_short(error.get('input'))}」"
    where = _nested_location(error["loc"])
    reasons = {
        "missing": "不能为空" if blank else "缺少必填字段",
        "int_parsing": f"应为整数，实际为{shown}",
        "int_from_float": f"应为整数，实际为{shown}",
        "int_type": f"应为整数，实际为{shown}",
        "float_parsing": f"应为数字，实际为{shown}",
        "float_type": f"应为数字，实际为{shown}",
        "finite_number": f"应为有限的数字（不能是 NaN 或无穷大），实际为{shown}",
        "bool_parsing": f"应为 是/否，实际为{shown}",
        "bool_type": f"应为 是/否，实际为{shown}",
        "date_parsing": f"应为日期（如 2024-01-31），实际为{shown}",
        "date_from_datetime_parsing": f"应为日期（如 2024-01-31），实际为{shown}",
        "date_from_datetime_inexact": f"应为日期（不含时间），实际为{shown}",
        "date_type": f"应为日期（如 2024-01-31），实际为{shown}",
        "greater_than": f"应大于{_number(ctx.get('gt'))}，实际为{shown}",
        "greater_than_equal": f"应大于等于{_number(ctx.get('ge'))}，实际为{shown}",
        "less_than": f"应小于{_number(ctx.get('lt'))}，实际为{shown}",
        "less_than_equal": f"应小于等于{_number(ctx.get('le'))}，实际为{shown}",
        "string_too_short": "不能为空",
        "string_too_long": f"长度不能超过{ctx.get('max_length')}个字符",
        "string_type": f"应为文本，实际为{shown}",
        "string_unicode": "含有无效的 Unicode 字符（孤立的代理字符）",
        "string_pattern_mismatch": f"格式不正确（应符合 {ctx.get('pattern')}），实际为{shown}",
        "too_long": f"最多{ctx.get('max_length')}项",
        "list_type": f"应为列表，实际为{shown}",
        "dict_type": f"应为对象（{{...}}），实际为{shown}",
        "model_type": f"应为对象（{{...}}），实际为{shown}",
        "literal_error": f"应为 {ctx.get('expected')} 之一，实际为{shown}",
        "extra_forbidden": "未知字段",
        "value_error": str(ctx.get("error", error["msg"])),
    }
    return where + reasons.get(kind, error["msg"])


def _nested_location(loc: tuple[int | str, ...]) -> str:
    parts = [f"第{p + 1}项" if isinstance(p, int) else str(p) for p in loc[1:]]
    return f"{'·'.join(parts)}：" if parts else ""


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _short(value: Any, limit: int = 30) -> str:
    text = visible(str(value))
    return text if len(text) <= limit else text[:limit] + "…"
