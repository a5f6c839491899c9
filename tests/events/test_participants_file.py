"""The participant file: slot lists and ranges, the new columns, must-meet by name, and the
financing day's choice by chain, on the small world."""

from __future__ import annotations

import csv
from datetime import date, time

import pytest

from matcher.errors import IngestError, InvalidValue
from matcher.events.model import Event, EventPlan, make_slots
from matcher.events.participants import (
    add_participants,
    parse_slots,
    participants_by_chain,
    participants_from_file,
)
from tests.small_world import build_small_world


@pytest.fixture
def world(tmp_path):
    return build_small_world(tmp_path / "ws")


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(row)
    return path


def event_plan(kind="industry", chain=None) -> EventPlan:
    event = Event(id="EV", name="对接会", kind=kind, chain=chain, date=date(2026, 12, 3),
                  slots=make_slots(time(9), 20, 8), tables=4)  # fmt: skip
    return EventPlan(event=event)


@pytest.mark.parametrize(
    ("cell", "slots"),
    [("1、2、3", [0, 1, 2]), ("1,2", [0, 1]), ("5-8", [4, 5, 6, 7]), ("5－8", [4, 5, 6, 7]),
     ("5~8", [4, 5, 6, 7]), ("5至8", [4, 5, 6, 7]), ("1、3-5", [0, 2, 3, 4]), ("2 - 3", [1, 2]),
     (3, [2]), (3.0, [2]), ("1；1，2", [0, 1])],
)  # fmt: skip
def test_slot_cells_count_from_one(cell, slots):
    assert parse_slots(cell) == slots


@pytest.mark.parametrize("cell", ["abc", "0", "8-5", "1.5", "一"])
def test_bad_slot_cells_are_refused_in_chinese(cell):
    with pytest.raises(ValueError, match="时段") as caught:
        parse_slots(cell)
    assert "float" not in str(caught.value)


def test_a_bad_cell_names_its_row_and_column(world, tmp_path):
    path = write(tmp_path / "p.csv", [["类型", "编号或名称", "可参加时段"], ["企业", "E1", "1、2"],
                                      ["企业", "E2", "abc"]])  # fmt: skip
    with pytest.raises(IngestError) as caught:
        participants_from_file(world, path)
    message = str(caught.value)
    assert "第3行 可参加时段：无法识别「abc」，应为时段序号如 1、2 或范围 5-8" in message
    assert "could not convert" not in message
    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (3, "可参加时段")


def test_new_columns_are_read(world, tmp_path):
    header = ["类型", "编号或名称", "单位", "坐台", "桌号", "联系人", "电话", "邮箱", "可参加时段"]
    path = write(tmp_path / "p.csv", [header,
                 ["银行", "青岛银行", "青岛银行", "是", "3", "王经理", "0532-88886666",
                  "wang@example.cn", "5至8"],
                 ["企业", "E1", "", "否", "", "", "", "", ""]])  # fmt: skip
    bank, enterprise = participants_from_file(world, path)
    assert (bank.id, bank.organisation, bank.host, bank.table) == (
        "B:青岛银行",
        "青岛银行",
        True,
        3,
    )
    assert (bank.contact_name, bank.phone, bank.email) == ("王经理", "0532-88886666",
                                                           "wang@example.cn")  # fmt: skip
    assert bank.availability == [4, 5, 6, 7]
    assert enterprise.host is False and enterprise.availability is None


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [("邮箱", "wang.example.cn", "不是有效的电子邮箱"), ("坐台", "也许", "应填「是」或「否」"),
     ("桌号", "0", "")],
)  # fmt: skip
def test_bad_new_cells_name_their_column(world, tmp_path, column, value, reason):
    path = write(tmp_path / "p.csv", [["类型", "编号或名称", column], ["企业", "E1", value]])
    with pytest.raises(IngestError) as caught:
        participants_from_file(world, path)
    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (2, column)
    assert reason in problem.reason


def test_must_meet_by_university_name_resolves_within_the_file(world, tmp_path):
    path = write(tmp_path / "p.csv", [["类型", "编号或名称", "必见", "不见"],
                                      ["企业", "E1", "中国石油大学（华东）", "青岛大学"],
                                      ["高校", "中国石油大学（华东）", "", ""],
                                      ["高校", "青岛大学", "", ""]])  # fmt: skip
    plan = add_participants(event_plan(), participants_from_file(world, path))
    first = plan.participant("E1")
    assert first.must_meet == ["U:中国石油大学（华东）"]
    assert first.never_meet == ["U:青岛大学"]


def test_must_meet_resolves_against_participants_already_in_the_event(world, tmp_path):
    plan = event_plan()
    first = write(tmp_path / "a.csv", [["类型", "编号或名称"], ["高校", "青岛大学"]])
    add_participants(plan, participants_from_file(world, first))
    second = write(tmp_path / "b.csv", [["类型", "编号或名称", "必见"], ["企业", "E4", "青岛大学"]])
    add_participants(plan, participants_from_file(world, second))
    assert plan.participant("E4").must_meet == ["U:青岛大学"]


def test_an_unknown_must_meet_name_is_named_when_added(world, tmp_path):
    path = write(
        tmp_path / "p.csv", [["类型", "编号或名称", "必见"], ["企业", "E1", "中国海洋大学"]]
    )
    plan = event_plan()
    with pytest.raises(InvalidValue, match="「中国海洋大学」不是本活动的参会方") as caught:
        add_participants(plan, participants_from_file(world, path))
    assert caught.value.problems[0][0] == "E1.must_meet"
    assert "青岛海鑫新能源科技有限公司" in str(caught.value)


def test_financing_day_by_chain_takes_only_finance_needs_and_banks_that_could_serve_them(world):
    chosen = {p.id for p in participants_by_chain(world, event_plan("finance"), 30)}
    # E1 (专精特新, 300万) and E2 (小型, 80万) need money; E3 and E4 do not
    assert {"E1", "E2"} <= chosen and not {"E3", "E4"} & chosen
    # 青岛银行 serves E1 (专精特新, 100–1000), 青岛农商银行 serves E2 (小型, 10–200);
    # 齐鲁银行's 白名单快贷 (50–500, whitelist) serves E1 (whitelisted) too
    assert {p for p in chosen if p.startswith("B:")} == {
        "B:青岛银行",
        "B:青岛农商银行",
        "B:齐鲁银行",
    }
    industry = {p.id for p in participants_by_chain(world, event_plan("industry"), 30)}
    assert {"E3", "E4"} <= industry


def test_a_bank_whose_products_fit_no_need_stays_out(world):
    plan = event_plan("finance", chain="绿色健康食品")  # only E2: 小型, 80万, not whitelisted
    chosen = {p.id for p in participants_by_chain(world, plan, 30)}
    assert chosen == {"E2", "B:青岛农商银行"}
