"""`matcher event create | add-participants | pair | schedule | adjust | show | export`."""

from __future__ import annotations

import json
import time as clock
from datetime import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.cli.app import JsonOption, WorkspaceOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.cli.import_cmd import print_problems
from matcher.errors import IngestError, MatcherError
from matcher.events.candidates import refresh_event_indexes
from matcher.events.export import export_all
from matcher.events.model import EVENT_KIND_LABELS, Event, EventKind, EventPlan, make_slots
from matcher.events.participants import (
    add_participants,
    participant_for,
    participants_by_chain,
    participants_from_file,
)
from matcher.events.planner import (
    add_must_meet,
    lock_meeting,
    pair_event,
    remove_meeting,
    schedule_event,
)
from matcher.events.store import load_plan, save_plan
from matcher.index.builder import workspace_encoder
from matcher.workspace import DEFAULT_WORKSPACE, open_workspace

console = Console()
event_app = typer.Typer(
    help="对接活动：创建活动、添加参会方、配对、排程、调整、导出。", no_args_is_help=True
)
app.add_typer(event_app, name="event")

EventArg = Annotated[str, typer.Argument(help="活动编号")]
CsvOpt = Annotated[str | None, typer.Option(help="逗号分隔的列表")]


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").replace("，", ",").split(",") if v.strip()]


@event_app.command("create", help="创建活动：名称、日期、时段、桌数。")
@exit_on_user_error
def create(
    event_id: EventArg,
    name: Annotated[str, typer.Option(help="活动名称")],
    on: Annotated[str, typer.Option("--date", help="日期 YYYY-MM-DD")],
    kind: Annotated[
        EventKind, typer.Option(help="industry 产业链对接 | finance 政金企对接")
    ] = "industry",
    chain: Annotated[str | None, typer.Option(help="产业链")] = None,
    start: Annotated[str, typer.Option(help="第一场开始时间 HH:MM")] = "09:00",
    minutes: Annotated[int, typer.Option(help="每场分钟数")] = 20,
    gap: Annotated[int, typer.Option(help="场间休息分钟数")] = 5,
    slots: Annotated[int, typer.Option(help="场次数")] = 8,
    tables: Annotated[int, typer.Option(help="洽谈桌数")] = 20,
    venue: Annotated[str, typer.Option(help="地点")] = "",
    min_meetings: Annotated[int, typer.Option(help="每位参会方至少安排的会谈数（尽力满足）")] = 0,
    fairness: Annotated[float, typer.Option(help="公平性权重（0 为只看总分）")] = 0.0,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    ws = open_workspace(workspace)
    try:
        first = time.fromisoformat(start)
    except ValueError:
        raise MatcherError(f"--start 应为时间 HH:MM（如 09:00），实际为「{start}」") from None
    event = Event.model_validate(  # the domain's rules, as for the API and the web form
        {"id": event_id, "name": name, "kind": kind, "chain": chain, "date": on, "venue": venue,
         "slots": make_slots(first, minutes, slots, gap), "tables": tables,
         "min_meetings": min_meetings, "fairness": fairness}
    )  # fmt: skip
    save_plan(ws, EventPlan(event=event))
    console.print(
        f"已创建{EVENT_KIND_LABELS[kind]}「{name}」（{event_id}）：{slots}场 × {tables}桌"
    )


@event_app.command("add-participants", help="添加参会方：文件、编号/名称列表，或按产业链自动选取。")
@exit_on_user_error
def add(
    event_id: EventArg,
    file: Annotated[Path | None, typer.Argument(help="参会方文件（CSV/XLSX/JSONL）")] = None,
    enterprises: CsvOpt = None,
    universities: CsvOpt = None,
    banks: CsvOpt = None,
    by_chain: Annotated[int, typer.Option(help="按活动产业链自动选取的企业数上限")] = 0,
    max_meetings: Annotated[int, typer.Option(help="列表方式添加时每方最多会谈数")] = 6,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    ws = open_workspace(workspace)
    plan = load_plan(ws, event_id)
    try:
        chosen = participants_from_file(ws, file) if file else []
    except IngestError as error:
        print_problems(Console(stderr=True, soft_wrap=True), error.problems, title="参会方文件问题")
        raise
    chosen += [
        participant_for(ws, "enterprise", e, max_meetings=max_meetings) for e in _split(enterprises)
    ]
    chosen += [
        participant_for(ws, "university", u, max_meetings=max_meetings)
        for u in _split(universities)
    ]
    chosen += [participant_for(ws, "bank", b, max_meetings=max_meetings) for b in _split(banks)]
    if by_chain:
        chosen += participants_by_chain(ws, plan, by_chain)
    if not chosen:
        raise MatcherError("请给出参会方文件、--enterprises/--universities/--banks 或 --by-chain")
    save_plan(ws, add_participants(plan, chosen))
    console.print(f"已添加 {len(chosen)} 个参会方，共 {len(plan.participants)} 个")


@event_app.command("pair", help="生成配对：双向候选 + 精确容量约束匹配（保留锁定的会谈）。")
@exit_on_user_error
def pair(event_id: EventArg, workspace: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    ws = open_workspace(workspace)
    started = clock.perf_counter()
    encoder = workspace_encoder(ws)
    refresh_event_indexes(ws, encoder)
    plan = pair_event(load_plan(ws, event_id), ws, encoder)
    save_plan(ws, plan)
    console.print(
        f"配对完成：{len(plan.meetings)} 场会谈，总分 {plan.objective:.2f}，"
        f"用时 {clock.perf_counter() - started:.1f} 秒"
    )
    if plan.pairing_note:
        console.print(f"注意：{plan.pairing_note}")
    _print_shortfalls(plan)


@event_app.command("schedule", help="排程：为每场会谈分配时段和桌号。")
@exit_on_user_error
def schedule(event_id: EventArg, workspace: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    ws = open_workspace(workspace)
    plan = schedule_event(load_plan(ws, event_id))
    save_plan(ws, plan)
    used = len({m.slot for m in plan.meetings if m.slot is not None})
    console.print(f"排程完成：使用 {used} 个时段，未排入 {len(plan.unplaced)} 场")
    if plan.schedule_note:
        console.print(f"注意：{plan.schedule_note}")
    for pair_key, reason in plan.unplaced.items():
        console.print(f"  未排入 {pair_key.replace('|', ' ↔ ')}：{reason}")


@event_app.command("adjust", help="调整：锁定/解锁、删除某场会谈，或指定必见（之后重新配对）。")
@exit_on_user_error
def adjust(
    event_id: EventArg,
    a: Annotated[str, typer.Argument(help="参会方编号")],
    b: Annotated[str, typer.Argument(help="参会方编号")],
    action: Annotated[str, typer.Option(help="lock | unlock | remove | must-meet")] = "lock",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    ws = open_workspace(workspace)
    plan = load_plan(ws, event_id)
    actions = {
        "lock": lambda: lock_meeting(plan, a, b),
        "unlock": lambda: lock_meeting(plan, a, b, False),
        "remove": lambda: remove_meeting(plan, a, b),
        "must-meet": lambda: add_must_meet(plan, a, b),
    }
    if action not in actions:
        raise MatcherError(f"未知的调整动作「{action}」，可选：lock、unlock、remove、must-meet")
    save_plan(ws, actions[action]())
    console.print("已调整；运行 matcher event pair 与 schedule 重新生成其余配对")


@event_app.command("show", help="查看活动：参会方、会谈、未满足与未排入。")
@exit_on_user_error
def show(
    event_id: EventArg, workspace: WorkspaceOption = DEFAULT_WORKSPACE, as_json: JsonOption = False
) -> None:
    plan = load_plan(open_workspace(workspace), event_id)
    if as_json:
        typer.echo(json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=1))
        return
    names = {p.id: p.name for p in plan.participants}
    table = Table(
        title=f"{plan.event.name}：{len(plan.participants)} 个参会方，{len(plan.meetings)} 场会谈"
    )
    for column in ("时段", "桌号", "需求方", "供给方", "匹配度", "锁定"):
        table.add_column(column)
    for m in sorted(plan.meetings, key=lambda m: (m.slot is None, m.slot or 0, m.table or 0)):
        slot = plan.event.slots[m.slot].label() if m.slot is not None else "未排入"
        table.add_row(
            slot,
            str(m.table or ""),
            names[m.a],
            names[m.b],
            f"{m.score:.3f}",
            "是" if m.locked else "",
        )
    console.print(table)
    _print_shortfalls(plan)


@event_app.command("export", help="导出配对清单（CSV/XLSX）、日程（HTML/ICS）、桌位图和席卡。")
@exit_on_user_error
def export(
    event_id: EventArg,
    out: Annotated[Path, typer.Option(help="导出目录")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    written = export_all(load_plan(open_workspace(workspace), event_id), out)
    console.print(f"已导出 {len(written)} 个文件到 {out}")


def _print_shortfalls(plan: EventPlan) -> None:
    if plan.shortfalls:
        console.print(f"{len(plan.shortfalls)} 个参会方的会谈少于期望：")
        for s in plan.shortfalls[:20]:
            console.print(
                f"  {plan.participant(s.participant).name}：{s.got}/{s.wanted}，{s.reason}"
            )
