"""Header aliases and cell conversion."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from matcher.ingest.columns import (
    CellError,
    accepted_columns,
    convert_cell,
    field_types,
    header_map,
    normalise_header,
)
from matcher.types import MODELS, RECORD_KINDS


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("enterprise", "企业名称", "name"),
        ("enterprise", "名称", "name"),
        ("enterprise", "统一社会信用代码", "credit_code"),
        ("enterprise", "区市", "district"),
        ("enterprise", "营业收入（万元）", "revenue"),
        ("enterprise", "营业收入(万元)", "revenue"),
        ("enterprise", "员工数", "employees"),
        ("enterprise", "企业ID", "id"),
        ("enterprise", " Credit_Code ", "credit_code"),
        ("need", "企业ID", "enterprise_id"),
        ("need", "需求类型", "kind"),
        ("need", "期限（月）", "term_months"),
        ("tech_result", "成果名称", "title"),
        ("tech_result", "成熟度", "trl"),
        ("finance_product", "产品名称", "name"),
        ("finance_product", "利率（%）", "rate"),
        ("finance_product", "准入规则", "rules"),
        ("policy", "免申即享", "auto_grant"),
        ("policy", "失效日期", "valid_to"),
        ("offer", "企业ID", "enterprise_id"),
    ],
)
def test_headers_map_to_fields(kind: str, header: str, field: str) -> None:
    assert header_map(kind)[normalise_header(header)] == field


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_field_is_accepted_under_its_own_name(kind: str) -> None:
    for field in MODELS[kind].model_fields:
        assert header_map(kind)[field] == field
        assert field in accepted_columns(kind)


def test_field_types_follow_the_models() -> None:
    types = field_types("enterprise")
    assert types["tiers"] == "list"
    assert types["employees"] == "int"
    assert types["revenue"] == "float"
    assert types["founded"] == "date"
    assert types["whitelist"] == "bool"
    assert field_types("need")["amount"] == "float"  # float | None
    assert field_types("policy")["rules"] == "rules"


@pytest.mark.parametrize(
    "text",
    ["专精特新;雏鹰", "专精特新；雏鹰", "专精特新、雏鹰", "专精特新, 雏鹰", "专精特新，雏鹰"],
)
def test_list_cells_split_on_every_separator(text: str) -> None:
    assert convert_cell("enterprise", "tiers", text) == ["专精特新", "雏鹰"]


def test_list_values_from_jsonl_stay_lists() -> None:
    assert convert_cell("tech_result", "transfer_modes", ["转让", "许可"]) == ["转让", "许可"]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("是", True), ("否", False), ("true", True), ("FALSE", False), ("1", True), ("0", False),
     ("Y", True), ("n", False), (True, True), ("也许", "也许")],
)  # fmt: skip
def test_boolean_words(cell: object, value: object) -> None:
    assert convert_cell("enterprise", "whitelist", cell) == value


@pytest.mark.parametrize(
    ("cell", "value"),
    [("2020-01-05", date(2020, 1, 5)), ("2020/1/5", date(2020, 1, 5)),
     ("2020年1月5日", date(2020, 1, 5)), ("2020.01.05", date(2020, 1, 5)),
     (datetime(2020, 1, 5, 0, 0), date(2020, 1, 5)), ("去年", "去年")],
)  # fmt: skip
def test_dates_in_common_forms(cell: object, value: object) -> None:
    assert convert_cell("enterprise", "founded", cell) == value


def test_impossible_date_is_a_cell_error() -> None:
    with pytest.raises(CellError, match="日期不存在"):
        convert_cell("enterprise", "founded", "2020年2月30日")


def test_numbers_lose_thousands_separators_and_ids_lose_float_tails() -> None:
    assert convert_cell("enterprise", "revenue", "1,200.5") == "1200.5"
    assert convert_cell("enterprise", "id", 1001.0) == "1001"
    assert convert_cell("enterprise", "id", 1001) == "1001"


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("技术", "tech"), ("融资需求", "finance"), ("合作", "partner"), ("tech", "tech")],
)
def test_need_kind_labels(cell: str, kind: str) -> None:
    assert convert_cell("need", "kind", cell) == kind


def test_rules_are_parsed_from_json_text() -> None:
    text = '[{"field": "tiers", "op": "in", "value": ["专精特新"]}]'
    assert convert_cell("policy", "rules", text) == [
        {"field": "tiers", "op": "in", "value": ["专精特新"]}
    ]
    with pytest.raises(CellError, match="JSON"):
        convert_cell("policy", "rules", "tiers in 专精特新")
