"""`matcher init` and `matcher import` through the real CLI, on real files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli import app
from matcher.config import load_settings
from matcher.credit_code import make_credit_code
from matcher.workspace import open_workspace

runner = CliRunner()
ENTERPRISES = (
    "企业ID,企业名称,统一社会信用代码,所在区,产业链,企业梯度,规模,从业人数,营业收入,成立日期,企业简介\n"
    "E1,青岛甲科技,{code1},崂山区,人工智能,专精特新,小型,50,1200,2018-03-05,工业视觉检测\n"
    "E2,青岛乙制造,{code2},黄岛区,智能装备,,中型,300,56000,2009-07-01,数控机床整机制造\n"
).format(code1=make_credit_code("91370200000000001"), code2=make_credit_code("91370200000000002"))


def init(workspace: Path) -> None:
    result = runner.invoke(app, ["init", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output


def test_init_creates_a_workspace_with_the_chosen_encoder(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    result = runner.invoke(app, ["init", "-w", str(workspace), "--encoder", "my-model"])
    assert result.exit_code == 0
    assert "已创建工作区" in result.stdout
    assert open_workspace(workspace).settings.encoder == "my-model"


def test_init_refuses_an_existing_workspace_without_force(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    init(workspace)
    result = runner.invoke(app, ["init", "-w", str(workspace)])
    assert result.exit_code == 1
    assert "已存在" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.output


def test_init_force_resets_records_indexes_and_cache_only(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    runner.invoke(app, ["init", "-w", str(workspace), "--encoder", "old"])
    (tmp_path / "enterprises.csv").write_text(ENTERPRISES, encoding="utf-8")
    runner.invoke(app, ["import", str(tmp_path / "enterprises.csv"), "-w", str(workspace)])
    (workspace / "indexes").mkdir()
    (workspace / "indexes" / "enterprise.faiss").write_bytes(b"x")
    (workspace / "cache").mkdir()
    (workspace / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["init", "-w", str(workspace), "--force"])
    assert result.exit_code == 0, result.output
    assert load_settings(workspace).encoder == "usem3"
    assert open_workspace(workspace).store.load("enterprise") == {}
    assert not (workspace / "indexes").exists() and not (workspace / "cache").exists()
    assert (workspace / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_import_prints_a_summary_and_reimport_counts_unchanged(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    init(workspace)
    path = tmp_path / "企业.csv"
    path.write_text(ENTERPRISES, encoding="gbk")
    first = runner.invoke(app, ["import", str(path), "-w", str(workspace)])
    assert first.exit_code == 0, first.output
    for header in ("文件", "类型", "新增", "更新", "未变", "跳过"):
        assert header in first.stdout
    assert "企业.csv" in first.stdout
    assert sorted(open_workspace(workspace).store.load("enterprise")) == ["E1", "E2"]
    again = runner.invoke(app, ["import", str(path), "-w", str(workspace), "--json"])
    (report,) = json.loads(again.stdout)
    assert (report["kind"], report["added"], report["unchanged"]) == ("enterprise", 0, 2)


def test_import_problems_go_to_stderr_with_exit_code_1(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    init(workspace)
    path = tmp_path / "needs.csv"
    path.write_text(
        "需求编号,企业ID,需求类型,需求描述,金额\nN1,E404,融资,流动资金,-5\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["import", str(path), "-w", str(workspace)])
    assert result.exit_code == 1
    for text in (
        "行",
        "字段",
        "原因",
        "needs.csv",
        "企业「E404」不存在",
        "应大于0",
        "未写入任何数据",
    ):
        assert text in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert not open_workspace(workspace).store.path("need").exists()


def test_import_json_reports_problems_and_skips_bad_rows(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    init(workspace)
    (tmp_path / "enterprises.csv").write_text(ENTERPRISES, encoding="utf-8")
    needs = tmp_path / "needs.jsonl"
    lines = [
        {"id": "N1", "enterprise_id": "E1", "kind": "tech", "text": "外观缺陷检测"},
        {
            "id": "N2",
            "enterprise_id": "E2",
            "kind": "finance",
            "text": "设备贷款",
            "amount": "很多",
        },
    ]
    needs.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    failed = runner.invoke(app, ["import", str(tmp_path), "-w", str(workspace), "--json"])
    assert failed.exit_code == 1
    payload = json.loads(failed.stdout)
    assert payload["problems"] == [
        {"file": str(needs), "row": 2, "field": "amount", "reason": "应为数字，实际为「很多」"}
    ]
    skipped = runner.invoke(
        app, ["import", str(tmp_path), "-w", str(workspace), "--json", "--skip-bad-rows"]
    )
    assert skipped.exit_code == 0, skipped.output
    reports = json.loads(skipped.stdout)
    assert [(r["kind"], r["added"], r["skipped"]) for r in reports] == [
        ("enterprise", 2, 0),
        ("need", 1, 1),
    ]


def test_user_errors_are_clean_chinese_messages(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["import", str(tmp_path), "-w", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1
    assert "matcher init" in missing.stderr and "Traceback" not in missing.output
    init(tmp_path / "ws")
    bad_kind = runner.invoke(
        app, ["import", str(tmp_path), "-w", str(tmp_path / "ws"), "--kind", "x"]
    )
    assert bad_kind.exit_code == 1
    assert "未知的数据类型「x」" in bad_kind.stderr
