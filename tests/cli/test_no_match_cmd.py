"""`matcher recommend --text` through the real CLI: confidence and match in JSON, and the
「暂无合适匹配」 notice and 「弱相关」 marks in the terminal output."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.cli.render import NO_MATCH
from matcher.index.builder import build_indexes
from tests.small_world import TECH_RESULTS, build_small_world

runner = CliRunner()
WEDDING = "我想找人帮忙策划一场婚礼，预算三万元"
BATTERY = "锂电池热管理和散热技术"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MATCHER_MATCH_THRESHOLD", raising=False)
        ws = build_small_world(tmp_path_factory.mktemp("cli-no-match"))
        build_indexes(ws, progress=False)
        yield ws.root


def recommend(workspace, text: str, *extra: str):
    args = ["recommend", "--text", text, "--kind", "tech", "-w", str(workspace), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


def test_json_rows_carry_confidence_and_match(workspace):
    good = json.loads(recommend(workspace, BATTERY, "--json").stdout)
    assert good[0]["id"] == "T1" and good[0]["match"] is True
    for row in good:
        assert isinstance(row["match"], bool)
        assert isinstance(row["confidence"], float) and 0.0 <= row["confidence"] <= 1.0
    weak = json.loads(recommend(workspace, WEDDING, "--json").stdout)
    assert {row["id"] for row in weak} == {t.id for t in TECH_RESULTS}
    assert [row["match"] for row in weak] == [False] * len(weak)
    assert max(row["confidence"] for row in weak) < good[0]["confidence"]


def verdicts(out: str) -> dict[str, str]:
    """Result id → the mark printed after it; rich wraps long lines, so read them unwrapped."""
    flat = out.replace("\n", "")
    return dict(re.findall(r"\((T\d)\)\s*(匹配|弱相关)", flat))


def test_plain_output_says_no_match_for_an_unrelated_text(workspace):
    out = recommend(workspace, WEDDING).stdout
    assert NO_MATCH in out.replace("\n", "")
    assert verdicts(out) == {t.id: "弱相关" for t in TECH_RESULTS}
    assert "置信度" in out


def test_plain_output_marks_a_match_and_no_notice(workspace):
    out = recommend(workspace, BATTERY).stdout
    assert "暂无合适匹配" not in out
    marks = verdicts(out)
    assert marks.pop("T1") == "匹配"
    assert marks and set(marks.values()) == {"弱相关"}
    flat = out.replace("\n", "")
    assert flat.index("(T1)") < min(flat.index(f"({other})") for other in marks)


def test_score_parts_show_only_chinese_labels(workspace):
    """Internal pair features (supply_university, demand_tier …) are not shown to users."""
    out = recommend(workspace, BATTERY).stdout
    assert "得分构成：置信度" in out
    assert not re.search(r"[a-z]+_[a-z]+", out.replace("\n", ""))
