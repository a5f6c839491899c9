"""`matcher embed`: record texts streamed into the workspace cache, which `matcher index` uses."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli import app
from matcher.ingest import import_path
from matcher.synth.generate import generate, province_scale
from matcher.workspace import init_workspace

runner = CliRunner()


def test_embed_caches_every_text_once_and_index_embeds_nothing_more(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, seed=2, progress=False, sizes=province_scale(0.0002))
    workspace = init_workspace(tmp_path / "ws")
    import_path(workspace.store, data, progress=False)
    args = ["embed", "--kind", "tech_result", "--chunk", "7", "-w", str(workspace.root)]
    first = runner.invoke(app, [*args, "--json"])
    assert first.exit_code == 0, first.output
    (summary,) = json.loads(first.stdout)
    assert (summary["kind"], summary["texts"], summary["embedded"]) == ("tech_result", 20, 20)
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "已缓存" in again.stdout and "local" in again.stdout
    index = runner.invoke(
        app, ["index", "--kind", "tech_result", "-w", str(workspace.root), "--json"]
    )
    assert index.exit_code == 0, index.output
    (built,) = json.loads(index.stdout)
    assert (built["count"], built["embedded"]) == (20, 0)


def test_embed_rejects_an_unknown_kind(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "ws")
    result = runner.invoke(app, ["embed", "--kind", "robots", "-w", str(workspace.root)])
    assert result.exit_code == 1 and "未知的记录类型" in result.output
