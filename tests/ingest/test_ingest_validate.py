"""Rows → records: every bad row becomes a problem with row, field and a Chinese reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import IngestError
from matcher.ingest.readers import Row
from matcher.ingest.validate import check_header, check_rows
from matcher.types import Enterprise, Need
from tests.ingest.ingest_files import ENTERPRISE_HEADER, enterprise_row


def enterprise_values(i: int = 1, **changes: object) -> dict[str, object]:
    values = dict(zip(ENTERPRISE_HEADER, enterprise_row(i), strict=True))
    values.update(changes)
    return values


def reasons(values: dict[str, object], kind: str = "enterprise") -> dict[str, str]:
    checked = check_rows("f.csv", kind, [Row(7, values)])
    assert not checked.records
    assert {p.row for p in checked.problems} == {7}
    return {p.field: p.reason for p in checked.problems}


def test_a_valid_row_becomes_a_typed_record() -> None:
    checked = check_rows("f.csv", "enterprise", [Row(2, enterprise_values())])
    assert checked.problems == []
    (record,) = checked.records
    assert isinstance(record, Enterprise)
    assert record.district == "崂山"
    assert record.tiers == ["专精特新", "雏鹰"]
    assert record.revenue == 1200.0
    assert record.whitelist is True


def test_missing_required_field() -> None:
    values = enterprise_values()
    del values["统一社会信用代码"]
    assert reasons(values) == {"credit_code": "缺少必填字段"}


def test_blank_required_cell_says_it_is_empty() -> None:
    assert reasons(enterprise_values(企业简介="  ")) == {"description": "不能为空"}


def test_wrong_types_name_the_value() -> None:
    found = reasons(
        enterprise_values(
            从业人数="abc", **{"营业收入（万元）": "很多"}, 成立日期="去年", 信贷白名单="也许"
        )
    )
    assert found == {
        "employees": "应为整数，实际为「abc」",
        "revenue": "应为数字，实际为「很多」",
        "founded": "应为日期（如 2024-01-31），实际为「去年」",
        "whitelist": "应为 是/否，实际为「也许」",
    }


def test_bad_credit_code_and_unknown_members_use_the_model_messages() -> None:
    code = enterprise_row(1)[2]
    bad_check = code[:-1] + ("0" if code[-1] != "0" else "1")
    found = reasons(
        enterprise_values(统一社会信用代码=bad_check, 所在区="浦东", 企业梯度="专精特新、超级")
    )
    assert found["credit_code"].startswith("统一社会信用代码校验位错误")
    assert found["district"].startswith("未知的区市「浦东」")
    assert "未知的企业梯度「超级」" in found["tiers"]


def test_negative_amount_and_unknown_need_kind() -> None:
    values = {"id": "N1", "enterprise_id": "E001", "kind": "借钱", "text": "贷款", "amount": "-5"}
    found = reasons(values, "need")
    assert found["amount"] == "应大于0，实际为「-5」"
    assert found["kind"].startswith("应为 'tech', 'finance' or 'partner' 之一")


def test_nested_rule_errors_say_which_rule() -> None:
    values = {
        "id": "P1", "issuer": "市民营经济局", "title": "专精特新奖励", "text": "正文",
        "benefit": "奖励", "valid_from": "2024-01-01",
    }  # fmt: skip
    values["rules"] = (
        '[{"field": "tiers", "op": "in", "value": ["专精特新"]},'
        ' {"field": "x", "op": "in", "value": []}]'
    )
    found = reasons(values, "policy")
    assert found["rules"].startswith("第2项·field：应为 ")


def test_model_level_errors_are_whole_row_problems() -> None:
    values = {"id": "P1", "issuer": "局", "title": "t", "text": "x", "benefit": "b",
              "valid_from": "2024-05-01", "valid_to": "2024-01-01"}  # fmt: skip
    assert reasons(values, "policy") == {"": "valid_to 早于 valid_from"}


def test_unknown_jsonl_key_lists_accepted_fields() -> None:
    found = reasons({"id": "O1", "enterprise_id": "E1", "text": "供应", "colour": "red"}, "offer")
    assert found["colour"].startswith("未知字段「colour」；可用字段：id/供给ID")


def test_duplicate_id_is_reported_on_the_later_row() -> None:
    rows = [
        Row(2, enterprise_values(1)),
        Row(3, enterprise_values(2)),
        Row(5, enterprise_values(1)),
    ]
    checked = check_rows("f.csv", "enterprise", rows)
    assert [r.id for r in checked.records] == ["E001", "E002"]
    assert [(p.row, p.field, p.reason) for p in checked.problems] == [
        (5, "id", "编号「E001」与第2行重复")
    ]
    assert checked.rows == 3 and checked.bad_rows == 1


def test_needs_must_cite_a_known_enterprise() -> None:
    rows = [
        Row(2, {"id": "N1", "enterprise_id": "E001", "kind": "技术", "text": "视觉检测"}),
        Row(3, {"id": "N2", "enterprise_id": "E404", "kind": "技术", "text": "视觉检测"}),
        Row(4, {"id": "N3", "enterprise_id": "E405", "kind": "技术", "text": ""}),
    ]
    checked = check_rows("n.csv", "need", rows, enterprise_ids={"E001"})
    assert [type(r) for r in checked.records] == [Need]
    assert [(p.row, p.field, p.reason) for p in checked.problems] == [
        (3, "enterprise_id", "企业「E404」不存在"),
        (4, "text", "不能为空"),
        (4, "enterprise_id", "企业「E405」不存在"),
    ]


def test_unreadable_row_is_a_whole_row_problem() -> None:
    checked = check_rows("n.jsonl", "need", [Row(4, {}, "JSON 格式错误：Expecting value（第1列）")])
    assert [(p.row, p.field) for p in checked.problems] == [(4, "")]


def test_header_with_unknown_columns_names_them_and_the_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        check_header("e.csv", "enterprise", ["企业名称", "颜色", "尺码"])
    message = str(caught.value)
    assert "e.csv" in message and "未知列「颜色」、「尺码」" in message
    assert "credit_code/统一社会信用代码" in message
    assert caught.value.problems[0].row == 1 and caught.value.problems[0].field == "颜色"


def test_header_that_is_data_is_reported_as_missing() -> None:
    with pytest.raises(IngestError, match="缺少表头"):
        check_header("e.csv", "enterprise", enterprise_row(1))


def test_two_columns_for_one_field_are_rejected() -> None:
    with pytest.raises(IngestError, match="「名称」和「企业名称」都对应字段 name"):
        check_header("e.csv", "enterprise", ["名称", "企业名称"])
