"""`matcher outcome record | finance | history | template | import | overdue`, `matcher report`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from matcher.cli.app import JsonOption, WorkspaceOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.cli.import_cmd import print_problems
from matcher.errors import IngestError, MatcherError, NotFoundError
from matcher.events.store import list_plans, load_plan
from matcher.outcomes.fields import display, label, parse_date
from matcher.outcomes.followup_xlsx import import_followup, write_followup_template
from matcher.outcomes.funnel import amount_text
from matcher.outcomes.model import Change
from matcher.outcomes.overdue import overdue
from matcher.outcomes.report import load_report, write_report
from matcher.outcomes.rules import CORRECTION
from matcher.outcomes.store import (
    Recorded,
    history,
    load_finance_outcomes,
    load_meeting_outcomes,
    record_finance_outcomes,
    record_meeting_outcomes,
)
from matcher.workspace import DEFAULT_WORKSPACE, open_workspace

console = Console()
stderr = Console(stderr=True)
outcome_app = typer.Typer(
    help="跟踪问效：记录会谈与融资结果、查看变更历史、导出/导入跟踪表、逾期提醒。",
    no_args_is_help=True,
)
app.add_typer(outcome_app, name="outcome")

WhoOpt = Annotated[str | None, typer.Option("--who", help="记录人（必填）")]
NotesOpt = Annotated[str | None, typer.Option(help="备注")]
NextOpt = Annotated[str | None, typer.Option("--next", help="下次跟进日期 YYYY-MM-DD")]
AmountOpt = Annotated[str | None, typer.Option(help="金额（万元）")]
CorrectionOpt = Annotated[
    bool,
    typer.Option("--correction", help="标明为更正（逆漏斗方向的修改，如 签约 → 意向，必须标明）"),
]


def _who(who: str | None) -> str:
    if not who or not who.strip():
        raise MatcherError("请用 --who 填写记录人")
    return who.strip()


def _given(**options: Any) -> dict[str, Any]:
    changes = {field: value for field, value in options.items() if value is not None}
    if not changes:
        raise MatcherError("没有要记录的内容：请至少给出一项（如 --stage、--status、--next）")
    return changes


def _print_recorded(done: Recorded, as_json: bool) -> None:
    if as_json:
        payload = {
            "outcome": done.outcome.model_dump(mode="json"),
            "changes": [c.model_dump(mode="json") for c in done.changes],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if not done.changes:
        console.print(f"结果 {escape(done.outcome.id)} 没有变化", highlight=False)
        return
    console.print(f"已记录 {escape(done.outcome.id)}：", highlight=False)
    for change in done.changes:
        console.print(f"  {_change_text(change)}", highlight=False)


def _change_text(change: Change) -> str:
    text = (
        f"{label(change.field)}：{display(change.field, change.old)} → "
        f"{display(change.field, change.new)}"
    )
    return escape(text + ("（更正）" if change.correction else ""))


@outcome_app.command("record", help="记录一场会谈的结果：到场情况、进展阶段、签约金额、下次跟进。")
@exit_on_user_error
def record(
    event_id: Annotated[str, typer.Argument(help="活动编号")],
    a: Annotated[str, typer.Argument(help="参会方编号")],
    b: Annotated[str, typer.Argument(help="另一参会方编号")],
    attendance: Annotated[
        str | None, typer.Option(help="held 已举行 | no_show 未到场 | cancelled 已取消")
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(help="none 无进展 | intent 意向 | negotiating 洽谈推进 | signed 签约"),
    ] = None,
    amount: AmountOpt = None,
    notes: NotesOpt = None,
    next_date: NextOpt = None,
    correction: CorrectionOpt = False,
    who: WhoOpt = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    ws = open_workspace(workspace)
    changes = _given(
        attendance=attendance, stage=stage, signed_amount=amount, notes=notes,
        next_follow_up=next_date,
    )  # fmt: skip
    key = {"event_id": event_id, "a": a, "b": b}
    changes[CORRECTION] = correction
    [done] = record_meeting_outcomes(ws, [(key, changes)], _who(who), rows=[0])
    _print_recorded(done, as_json)


@outcome_app.command("finance", help="记录一笔融资对接的结果：已推荐→已申请→已获批/未获批。")
@exit_on_user_error
def finance(
    enterprise_id: Annotated[str, typer.Argument(help="企业编号")],
    product_id: Annotated[str, typer.Argument(help="金融产品编号")],
    status: Annotated[
        str | None,
        typer.Option(
            help="recommended 已推荐 | applied 已申请 | approved 已获批 | declined 未获批"
        ),
    ] = None,
    amount: AmountOpt = None,
    first_loan: Annotated[
        bool | None, typer.Option("--first-loan/--not-first-loan", help="是否首贷")
    ] = None,
    event: Annotated[str | None, typer.Option(help="来自哪场活动（活动编号）")] = None,
    notes: NotesOpt = None,
    next_date: NextOpt = None,
    correction: CorrectionOpt = False,
    who: WhoOpt = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    ws = open_workspace(workspace)
    changes = _given(
        status=status, amount=amount, first_loan=first_loan, event_id=event, notes=notes,
        next_follow_up=next_date,
    )  # fmt: skip
    key = {"enterprise_id": enterprise_id, "product_id": product_id}
    changes[CORRECTION] = correction
    [done] = record_finance_outcomes(ws, [(key, changes)], _who(who), rows=[0])
    _print_recorded(done, as_json)


@outcome_app.command("history", help="查看一个结果的全部变更（谁、何时、由何改为何）。")
@exit_on_user_error
def show_history(
    outcome_id: Annotated[str, typer.Argument(help="结果编号：活动|需求方|供给方 或 企业|产品")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    ws = open_workspace(workspace)
    changes = history(ws, outcome_id)
    if not changes:
        raise NotFoundError(f"结果「{outcome_id}」没有任何记录")
    if as_json:
        rows = [c.model_dump(mode="json") for c in changes]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"{outcome_id} 的变更历史", title_justify="left")
    for column in ("时间", "记录人", "字段", "原值", "新值", "说明"):
        table.add_column(column)
    for c in changes:
        table.add_row(
            f"{c.at:%Y-%m-%d %H:%M}", escape(c.who), label(c.field),
            escape(display(c.field, c.old)), escape(display(c.field, c.new)),
            "更正" if c.correction else "",
        )  # fmt: skip
    console.print(table)


@outcome_app.command("template", help="导出活动的跟踪表（XLSX），供电话回访后填写再导入。")
@exit_on_user_error
def template(
    event_id: Annotated[str, typer.Argument(help="活动编号")],
    out: Annotated[Path, typer.Option(help="输出文件 .xlsx")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    if out.suffix.lower() != ".xlsx":
        raise MatcherError(f"输出文件应为 .xlsx：{out}")
    ws = open_workspace(workspace)
    count = write_followup_template(load_plan(ws, event_id), load_meeting_outcomes(ws), out)
    console.print(f"已导出跟踪表：{count} 场会谈 → {escape(str(out))}", highlight=False)


@outcome_app.command("import", help="导入填好的跟踪表：逐行校验，任何一行有误则全部不导入。")
@exit_on_user_error
def import_sheet(
    file: Annotated[Path, typer.Argument(help="跟踪表 .xlsx")],
    who: WhoOpt = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    ws = open_workspace(workspace)
    try:
        results = import_followup(ws, file, _who(who))
    except IngestError as error:
        if as_json:
            problems = [vars(p) for p in error.problems]
            typer.echo(json.dumps({"error": str(error), "problems": problems}, ensure_ascii=False))
            raise typer.Exit(1) from error
        print_problems(stderr, error.problems, title="跟踪表问题（未导入任何内容）")
        raise
    changed = [r for r in results if r.changes]
    count = sum(len(r.changes) for r in changed)
    if as_json:
        payload = {"updated": len(changed), "changes": count}
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    console.print(f"已导入：更新 {len(changed)} 场会谈的结果，共 {count} 项变更")


@outcome_app.command("overdue", help="逾期未跟进：下次跟进日期已过且尚未签约/办结，最早的在前。")
@exit_on_user_error
def show_overdue(
    on: Annotated[str | None, typer.Option("--date", help="以该日为今天 YYYY-MM-DD")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    ws = open_workspace(workspace)
    today = _day(on, "--date") or ws.settings.reference_date()
    items = overdue(
        load_meeting_outcomes(ws), load_finance_outcomes(ws), list_plans(ws),
        ws.store.load("enterprise"), ws.store.load("finance_product"), today=today,  # type: ignore[arg-type]
    )  # fmt: skip
    if as_json:
        rows = [item.model_dump(mode="json") for item in items]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not items:
        console.print(f"截至 {today:%Y-%m-%d} 没有逾期未跟进的事项")
        return
    table = Table(
        title=f"逾期未跟进：{len(items)} 项（截至 {today:%Y-%m-%d}）", title_justify="left"
    )
    for column in ("应跟进日期", "逾期天数", "活动", "联系", "当前状态", "负责人", "结果编号"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(
            item.due.isoformat(), str(item.days_overdue), escape(item.event_name),
            escape("；".join(item.contacts)), item.state, escape(item.owner or "—"),
            escape(item.outcome_id),
        )  # fmt: skip
    console.print(table)


def _day(value: str | None, option: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError as error:
        raise MatcherError(f"{option}：{error}") from None


@app.command("report", help="跟踪问效报告：对接活动漏斗（会谈→意向→推进→签约）与融资对接。")
@exit_on_user_error
def report(
    event: Annotated[str | None, typer.Option(help="只看某场活动（活动编号）")] = None,
    chain: Annotated[str | None, typer.Option(help="只看某产业链的企业")] = None,
    district: Annotated[str | None, typer.Option(help="只看某区市的企业")] = None,
    start: Annotated[str | None, typer.Option("--from", help="活动日期起 YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option("--to", help="活动日期止 YYYY-MM-DD")] = None,
    out: Annotated[
        Path | None, typer.Option(help="输出目录：report.xlsx、report.html、funnel.png")
    ] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    ws = open_workspace(workspace)
    result = load_report(
        ws, event=event, chain=chain, district=district,
        start=_day(start, "--from"), end=_day(end, "--to"),
    )  # fmt: skip
    written = write_report(result, out) if out is not None else []
    if as_json:
        typer.echo(result.model_dump_json(indent=1))
        return
    funnel = result.funnel
    table = Table(title=f"跟踪问效：{funnel.label}", title_justify="left")
    table.add_column("指标")
    table.add_column("数值", justify="right")
    for name, value in funnel.rows():
        table.add_row(name, amount_text(value) if isinstance(value, float) else str(value))
    console.print(table)
    console.print(escape(funnel.summary), highlight=False, soft_wrap=True)
    if written:
        console.print(f"已写出：{'、'.join(escape(str(p)) for p in written)}", highlight=False)
