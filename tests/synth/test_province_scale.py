"""The generator's province-wide scale option: sizes, determinism, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.errors import MatcherError
from matcher.synth.generate import PROVINCE_SCALE, generate, province_scale
from matcher.types import RECORD_KINDS

runner = CliRunner()


def _lines(folder: Path, kind: str) -> int:
    with (folder / f"{kind}.jsonl").open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def test_full_scale_is_the_province_data_set() -> None:
    assert province_scale(1) == {
        "enterprise": 1_000_000, "need": 1_000_000, "tech_result": 100_000,
        "finance_product": 10_000, "policy": 10_000, "offer": 1_000_000,
    }  # fmt: skip
    assert province_scale(1) == PROVINCE_SCALE


def test_smaller_scales_are_proportional_with_at_least_one_of_each() -> None:
    assert province_scale(0.01) == {
        "enterprise": 10_000, "need": 10_000, "tech_result": 1000,
        "finance_product": 100, "policy": 100, "offer": 10_000,
    }  # fmt: skip
    tiny = province_scale(0.00001)
    assert tiny["enterprise"] == 10 and tiny["finance_product"] == 1 and tiny["policy"] == 1


@pytest.mark.parametrize("fraction", [0, -0.5, 10])
def test_out_of_range_scales_are_rejected_in_chinese(fraction: float) -> None:
    with pytest.raises(MatcherError, match="规模比例"):
        province_scale(fraction)


def test_generated_files_have_the_scaled_sizes_and_repeat_for_a_seed(tmp_path: Path) -> None:
    sizes = province_scale(0.0004)
    first = generate(tmp_path / "a", seed=7, progress=False, sizes=sizes)
    again = generate(tmp_path / "b", seed=7, progress=False, sizes=sizes)
    other = generate(tmp_path / "c", seed=8, progress=False, sizes=sizes)
    assert first == again == other == sizes
    for kind in RECORD_KINDS:
        assert _lines(tmp_path / "a", kind) == sizes[kind]
        same = (tmp_path / "a" / f"{kind}.jsonl").read_bytes()
        assert same == (tmp_path / "b" / f"{kind}.jsonl").read_bytes(), kind
    changed = tmp_path / "c" / "need.jsonl"
    assert changed.read_bytes() != (tmp_path / "a" / "need.jsonl").read_bytes()


def test_cli_scale_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "-o", str(tmp_path), "--scale", "0.0002", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == province_scale(0.0002)
    assert _lines(tmp_path, "offer") == 200 and _lines(tmp_path, "tech_result") == 20
    bad = runner.invoke(app, ["generate", "-o", str(tmp_path / "x"), "--scale", "0"])
    assert bad.exit_code != 0 and "规模比例" in bad.output
