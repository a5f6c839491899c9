"""A whole event from the CLI on the small world: create → participants → pair → schedule →
adjust → regenerate → export, and the files open."""

from __future__ import annotations

import json

import icalendar
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from matcher.cli import app
from tests.small_world import build_small_world

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path):
    return build_small_world(tmp_path / "ws").root


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


def show(workspace):
    return json.loads(run("event", "show", "EV1", "--json", "-w", workspace).stdout)


def test_whole_event_from_the_cli(workspace, tmp_path):
    created = run(
        "event",
        "create",
        "EV1",
        "--name",
        "智能装备产业链对接会",
        "--date",
        "2026-12-03",
        "--slots",
        "4",
        "--tables",
        "3",
        "--venue",
        "青岛国际会议中心",
        "-w",
        workspace,
    )
    assert created.exit_code == 0, created.output
    people = tmp_path / "participants.csv"
    people.write_text(
        "类型,编号或名称,角色,最多会谈,可参加时段\n企业,E1,需求方,3,1;2;3;4\n"
        "企业,E3,,3,\n企业,E4,,3,\n高校,中国石油大学（华东）,,4,\n高校,青岛大学,,4,\n",
        encoding="utf-8",
    )
    added = run("event", "add-participants", "EV1", people, "-w", workspace)
    assert added.exit_code == 0, added.output
    paired = run("event", "pair", "EV1", "-w", workspace)
    assert paired.exit_code == 0 and "配对完成" in paired.stdout, paired.output
    scheduled = run("event", "schedule", "EV1", "-w", workspace)
    assert scheduled.exit_code == 0 and "未排入 0 场" in scheduled.stdout, scheduled.output
    plan = show(workspace)
    pairs = {(m["a"], m["b"]) for m in plan["meetings"]}
    assert {("E1", "U:中国石油大学（华东）"), ("E4", "U:青岛大学"), ("E3", "E4")} <= pairs
    assert all(m["slot"] is not None and m["table"] is not None for m in plan["meetings"])

    assert (
        run("event", "adjust", "EV1", "E1", "U:中国石油大学（华东）", "-w", workspace).exit_code
        == 0
    )
    assert (
        run("event", "adjust", "EV1", "E3", "E4", "--action", "remove", "-w", workspace).exit_code
        == 0
    )
    run("event", "pair", "EV1", "-w", workspace)
    run("event", "schedule", "EV1", "-w", workspace)
    plan = show(workspace)
    pairs = {(m["a"], m["b"]) for m in plan["meetings"]}
    assert ("E3", "E4") not in pairs
    assert any(m["locked"] for m in plan["meetings"])

    out = tmp_path / "out"
    exported = run("event", "export", "EV1", "--out", out, "-w", workspace)
    assert exported.exit_code == 0, exported.output
    assert load_workbook(out / "pairing.xlsx")["配对清单"].max_row == len(plan["meetings"]) + 1
    ics = icalendar.Calendar.from_ical((out / "agendas" / "E1.ics").read_bytes())
    assert len(list(ics.walk("VEVENT"))) == sum("E1" in (m["a"], m["b"]) for m in plan["meetings"])
    assert "智能装备产业链对接会" in (out / "agendas.html").read_text(encoding="utf-8")


def test_participant_file_with_a_bad_row_adds_nothing(workspace, tmp_path):
    run("event", "create", "EV1", "--name", "对接会", "--date", "2026-12-03", "-w", workspace)
    people = tmp_path / "participants.csv"
    people.write_text("类型,编号或名称\n企业,E1\n企业,E404\n银行,不存在银行\n", encoding="utf-8")
    result = run("event", "add-participants", "EV1", people, "-w", workspace)
    assert result.exit_code == 1 and "2 行错误" in result.stderr
    assert show(workspace)["participants"] == []


def test_unknown_event_and_empty_pairing_are_clear(workspace):
    missing = run("event", "pair", "EV404", "-w", workspace)
    assert missing.exit_code == 1 and "找不到活动「EV404」" in missing.stderr
    run("event", "create", "EV1", "--name", "对接会", "--date", "2026-12-03", "-w", workspace)
    empty = run("event", "pair", "EV1", "-w", workspace)
    assert empty.exit_code == 1 and "还没有参会方" in empty.stderr


def test_participant_file_with_id_column_and_unknown_kind(workspace, tmp_path):
    run("event", "create", "EV1", "--name", "对接会", "--date", "2026-12-03", "-w", workspace)
    people = tmp_path / "participants.csv"
    people.write_text("id,类型,编号或名称\nX1,企业,E1\nX2,协会,某协会\n", encoding="utf-8")
    result = run("event", "add-participants", "EV1", people, "-w", workspace)
    assert result.exit_code == 1 and "未知的参会方类型「协会」" in result.stderr
    people.write_text("id,类型,编号或名称\nX1,企业,E1\n", encoding="utf-8")
    assert run("event", "add-participants", "EV1", people, "-w", workspace).exit_code == 0
    assert [p["id"] for p in show(workspace)["participants"]] == ["E1"]
