"""`matcher generate` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli import app
from matcher.synth.generate import scale

runner = CliRunner()


def test_generate_writes_files_and_prints_a_chinese_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["generate", "--out", str(out), "--enterprises", "40", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "企业" in result.output and "合计" in result.output and "eval/tech-need" in result.output
    lines = (out / "need.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == scale(40)["need"]


def test_generate_json_output_matches_the_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "-o", str(tmp_path), "-n", "30", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts == scale(30)
    for kind, count in counts.items():
        assert len((tmp_path / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()) == count


def test_generate_rejects_zero_enterprises(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--enterprises", "0"])
    assert result.exit_code != 0
    assert not (tmp_path / "enterprise.jsonl").exists()
