"""`matcher recommend`, `policies` and `demo` through the real CLI on a small world."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.index.builder import build_indexes
from tests.small_world import build_small_world

runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = build_small_world(tmp_path_factory.mktemp("cli-world"))
    build_indexes(ws, progress=False)
    return ws.root


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_recommend_need_json(workspace):
    result = run("recommend", "N1", "-k", "2", "--json", "-w", workspace)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload[0]["id"] == "T1" and payload[0]["kind"] == "tech_result"
    assert {"semantic", "lexical"} <= set(payload[0]["parts"])
    assert payload[0]["reasons"]


def test_recommend_table_is_chinese(workspace):
    result = run("recommend", "N2", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert "得分构成" in result.stdout and "专精特新贷" in result.stdout
    assert "✓" in result.stdout


def test_recommend_free_text_and_reverse(workspace):
    text = run(
        "recommend", "--text", "机器视觉表面缺陷检测", "--kind", "tech", "--json", "-w", workspace
    )
    assert json.loads(text.stdout)[0]["id"] == "T2"
    leads = run("recommend", "--product", "F2", "--json", "-w", workspace)
    assert [lead["id"] for lead in json.loads(leads.stdout)] == ["E2"]


def test_recommend_all_needs_of_an_enterprise(workspace):
    result = run("recommend", "--enterprise", "E1", "-k", "1", "--json", "-w", workspace)
    assert [r["kind"] for r in json.loads(result.stdout)] == ["tech_result", "finance_product"]


def test_policies_with_date_and_all(workspace):
    result = run("policies", "E2", "--all", "--json", "-w", workspace)
    ids = [p["id"] for p in json.loads(result.stdout)]
    assert "P4" in ids and "P2" not in ids
    earlier = run("policies", "E1", "--date", "2025-06-01", "--json", "-w", workspace)
    assert "P2" in [p["id"] for p in json.loads(earlier.stdout)]  # still valid then


def test_demo_prints_every_kind(workspace):
    result = run("demo", "-w", workspace)
    assert result.exit_code == 0, result.output
    for heading in ("技术需求", "融资需求", "合作需求", "可享受的政策"):
        assert heading in result.stdout


def test_user_errors_are_clean(workspace, tmp_path):
    missing = run("recommend", "N404", "-w", workspace)
    assert missing.exit_code == 1 and "找不到需求「N404」" in missing.stderr
    assert "Traceback" not in missing.output
    unbuilt = build_small_world(tmp_path / "unbuilt").root
    no_index = run("policies", "E1", "-w", unbuilt)
    assert no_index.exit_code == 1 and "matcher index" in no_index.stderr
    nothing = run("recommend", "-w", workspace)
    assert nothing.exit_code != 0


def test_recommend_free_text_finance_with_amount_and_term(workspace):
    args = ["recommend", "--text", "需要一笔流动资金贷款", "--kind", "finance", "-w", workspace]
    table = run(*args, "--amount", "300", "--term", "12")
    assert table.exit_code == 0, table.output
    assert "✓ 融资金额：300万元，符合" in table.stdout
    assert "？ 企业梯度：未提供，待核实" in table.stdout  # F1 without an enterprise context
    assert "首贷通" not in table.stdout  # its 200万 ceiling is below 300万
    vague = json.loads(run(*args, "--json").stdout)
    statuses = {c["rule"]["field"]: c["status"] for r in vague for c in r["checks"]}
    assert statuses["amount"] == "unknown"
