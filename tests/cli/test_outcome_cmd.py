"""Follow-up from the CLI: record → history → template → import → overdue → report."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import matcher.cli.outcome_cmd  # noqa: F401  (registers `outcome` and `report`)
from matcher.cli import app
from tests.outcomes.world import UPC, UQD, build_event_world

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path):
    return build_event_world(tmp_path / "ws").root


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_record_then_history(workspace):
    first = run("outcome", "record", "EV1", "E1", UPC, "--attendance", "held", "--stage", "intent",
                "--next", "2025-03-20", "--who", "张三", "-w", workspace)  # fmt: skip
    assert first.exit_code == 0, first.output
    assert "进展阶段：无进展 → 意向" in first.stdout
    second = run("outcome", "record", "EV1", UPC, "E1", "--stage", "签约", "--amount", "120",
                 "--who", "李四", "-w", workspace, "--json")  # fmt: skip
    assert second.exit_code == 0, second.output
    payload = json.loads(second.stdout)
    assert payload["outcome"]["stage"] == "signed" and payload["outcome"]["signed_amount"] == 120
    assert [c["field"] for c in payload["changes"]] == ["stage", "signed_amount"]

    shown = run("outcome", "history", f"EV1|E1|{UPC}", "-w", workspace, "--json")
    assert [(c["who"], c["field"], c["old"], c["new"]) for c in json.loads(shown.stdout)] == [
        ("张三", "attendance", None, "held"), ("张三", "stage", "none", "intent"),
        ("张三", "next_follow_up", None, "2025-03-20"), ("李四", "stage", "intent", "signed"),
        ("李四", "signed_amount", None, "120"),
    ]  # fmt: skip
    table = run("outcome", "history", f"EV1|E1|{UPC}", "-w", workspace)
    assert "洽谈推进" not in table.stdout and "签约" in table.stdout and "李四" in table.stdout


def test_user_errors_are_chinese_and_exit_1(workspace):
    no_who = run("outcome", "record", "EV1", "E1", UPC, "--stage", "intent", "-w", workspace)
    assert no_who.exit_code == 1 and "--who" in no_who.output
    bad = run("outcome", "record", "EV1", "E1", UPC, "--amount", "-5", "--who", "张三",
              "-w", workspace)  # fmt: skip
    assert bad.exit_code == 1 and "金额不能为负数" in bad.output
    missing = run("outcome", "history", "EV1|E1|E2", "-w", workspace)
    assert missing.exit_code == 1 and "没有任何记录" in missing.output
    unknown = run("report", "--event", "EV9", "-w", workspace)
    assert unknown.exit_code == 1 and "找不到活动「EV9」" in unknown.output
    chain = run("report", "--chain", "区块链", "-w", workspace)
    assert chain.exit_code == 1 and "未知的产业链「区块链」" in chain.output
    district = run("report", "--district", "莱西市", "--json", "-w", workspace)
    assert json.loads(district.stdout)["funnel"]["label"] == "全部·莱西"


def test_finance(workspace):
    done = run("outcome", "finance", "E2", "F2", "--status", "approved", "--amount", "80",
               "--first-loan", "--event", "EV2", "--who", "王五", "-w", workspace)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "融资状态：已推荐 → 已获批" in done.stdout and "首贷：否 → 是" in done.stdout
    again = run("outcome", "finance", "E2", "F2", "--status", "approved", "--who", "王五",
                "-w", workspace)  # fmt: skip
    assert again.exit_code == 0 and "没有变化" in again.stdout


def test_template_import_overdue_and_report(workspace, tmp_path):
    sheet = tmp_path / "跟踪表.xlsx"
    assert run("outcome", "template", "EV1", "--out", sheet, "-w", workspace).exit_code == 0
    book = load_workbook(sheet)
    rows = book.active
    rows["F2"], rows["G2"], rows["H2"] = "已举行", "签约", 120
    rows["F3"], rows["G3"], rows["J3"] = "已举行", "洽谈推进", "2025-03-20"
    rows["F4"], rows["G4"], rows["H4"] = "已举行", "意向", -1
    book.save(sheet)
    refused = run("outcome", "import", sheet, "--who", "赵六", "-w", workspace)
    assert refused.exit_code == 1
    assert "第4行" in refused.output and "签约金额（万元）" in refused.output
    rows["H4"] = None
    book.save(sheet)
    imported = run("outcome", "import", sheet, "--who", "赵六", "-w", workspace)
    assert imported.exit_code == 0, imported.output
    assert "更新 3 场会谈的结果，共 8 项变更" in imported.stdout

    late = json.loads(run("outcome", "overdue", "--date", "2025-04-01", "-w", workspace,
                          "--json").stdout)  # fmt: skip
    assert [(i["outcome_id"], i["days_overdue"], i["owner"]) for i in late] == [
        (f"EV1|E4|{UQD}", 12, "赵六"),
    ]
    assert "没有逾期" in run("outcome", "overdue", "--date", "2025-03-20", "-w", workspace).stdout

    printed = run("report", "--chain", "智能装备", "-w", workspace)
    assert printed.exit_code == 0, printed.output
    assert "签约（项）" in printed.stdout
    assert (
        "全部·智能装备产业链：组织2场对接活动，2家企业参加；签约1个，正在推进1个，达成意向2家"
        in printed.stdout
    )
    out = tmp_path / "report"
    as_json = run("report", "--from", "2025-01-01", "--to", "2025-06-30", "--out", out,
                  "--json", "-w", workspace)  # fmt: skip
    assert as_json.exit_code == 0, as_json.output
    funnel = json.loads(as_json.stdout)["funnel"]
    assert (funnel["events"], funnel["meetings_planned"], funnel["meetings_held"]) == (2, 5, 3)
    assert (funnel["intents"], funnel["signed"], funnel["signed_amount"]) == (3, 1, 120)
    assert sorted(p.name for p in out.iterdir()) == ["funnel.png", "report.html", "report.xlsx"]
