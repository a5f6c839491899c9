"""Building an event's participant list: by id or name, from a file, or picked by chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matcher.errors import IngestError, MatcherError
from matcher.events.model import EventPlan, Participant, ParticipantKind, Role
from matcher.ingest.problems import Problem
from matcher.ingest.readers import open_table
from matcher.ingest.validate import translate_error
from matcher.workspace import Workspace

KIND_ALIASES = {
    "企业": "enterprise",
    "高校": "university",
    "高校院所": "university",
    "银行": "bank",
    "金融机构": "bank",
}
ROLE_ALIASES = {"需求方": "demand", "供给方": "supply", "供需双方": "both", "双方": "both"}
COLUMN_ALIASES = {
    "类型": "kind",
    "编号或名称": "ref",
    "编号": "ref",
    "名称": "name",
    "角色": "role",
    "最多会谈": "max_meetings",
    "可参加时段": "availability",
    "必见": "must_meet",
    "不见": "never_meet",
    "优先级": "priority",
}
LIST_FIELDS = ("availability", "must_meet", "never_meet")
PARTICIPANT_KINDS = ("enterprise", "university", "bank")


def participant_for(
    workspace: Workspace, kind: ParticipantKind, ref: str, role: Role | None = None, **extra: Any
) -> Participant:
    """A participant for an enterprise id, a university name or a bank name (checked)."""
    store = workspace.store
    if kind not in PARTICIPANT_KINDS:
        raise MatcherError(f"未知的参会方类型「{kind}」，可选：企业、高校、银行")
    if kind == "enterprise":
        enterprise = store.get("enterprise", ref)
        has_needs = any(n.enterprise_id == ref for n in store.load("need").values())  # type: ignore[attr-defined]
        has_offers = any(o.enterprise_id == ref for o in store.load("offer").values())  # type: ignore[attr-defined]
        default_role = "both" if has_needs and has_offers else "supply" if has_offers else "demand"
        return Participant(
            id=ref,
            kind=kind,
            ref=ref,
            name=enterprise.name,  # type: ignore[attr-defined]
            role=role or default_role,
            **extra,
        )
    record_kind, field = (
        ("tech_result", "university") if kind == "university" else ("finance_product", "bank")
    )
    if not any(getattr(r, field) == ref for r in store.load(record_kind).values()):
        what = "科技成果" if kind == "university" else "金融产品"
        raise MatcherError(f"「{ref}」没有任何{what}记录，无法作为参会方")
    prefix = "U" if kind == "university" else "B"
    return Participant(
        id=f"{prefix}:{ref}", kind=kind, ref=ref, name=ref, role=role or "supply", **extra
    )


def add_participants(plan: EventPlan, participants: list[Participant]) -> EventPlan:
    """Add (or replace, by id) participants."""
    by_id = {p.id: p for p in plan.participants}
    for participant in participants:
        by_id[participant.id] = participant
    plan.participants = list(by_id.values())
    return plan


def participants_by_chain(workspace: Workspace, plan: EventPlan, limit: int) -> list[Participant]:
    """Enterprises of the event's chain that bring needs or offers (up to `limit`), the
    universities with tech results in that field, and (for financing days) every bank."""
    chain = plan.event.chain
    store = workspace.store
    active = {n.enterprise_id for n in store.load("need").values()} | {  # type: ignore[attr-defined]
        o.enterprise_id for o in store.load("offer").values()
    }  # type: ignore[attr-defined]
    enterprises = [
        e.id
        for e in store.load("enterprise").values()
        if e.id in active and (chain is None or e.chain == chain)
    ][:limit]  # type: ignore[attr-defined]
    chosen = [participant_for(workspace, "enterprise", e) for e in enterprises]
    if plan.event.kind == "finance":
        banks = sorted({p.bank for p in store.load("finance_product").values()})  # type: ignore[attr-defined]
        chosen += [participant_for(workspace, "bank", bank) for bank in banks]
    else:
        universities = sorted(
            {
                r.university
                for r in store.load("tech_result").values()  # type: ignore[attr-defined]
                if chain is None or r.field == chain
            }
        )  # type: ignore[attr-defined]
        chosen += [participant_for(workspace, "university", u) for u in universities]
    return chosen


def _cells(values: dict[str, Any]) -> dict[str, Any]:
    row = {COLUMN_ALIASES.get(k.strip(), k.strip()): v for k, v in values.items()}
    row = {k: v for k, v in row.items() if v not in (None, "")}
    row["kind"] = KIND_ALIASES.get(str(row.get("kind", "")), row.get("kind"))
    if "role" in row:
        row["role"] = ROLE_ALIASES.get(str(row["role"]), row["role"])
    for name in LIST_FIELDS:
        if isinstance(row.get(name), str | int | float):
            parts = (
                str(row[name]).replace("；", ";").replace("、", ";").replace(",", ";").split(";")
            )
            row[name] = [p.strip() for p in parts if p.strip()]
    if "availability" in row:  # files count slots from 1, like the printed agenda
        row["availability"] = [int(float(v)) - 1 for v in row["availability"]]
    return row


def participants_from_file(workspace: Workspace, path: Path) -> list[Participant]:
    """Participants from CSV/XLSX/JSONL (columns 类型, 编号或名称, 角色, 最多会谈, 可参加时段
    (from 1), 必见, 不见, 优先级); every bad row is reported and nothing is added."""
    participants, problems = [], []
    with open_table(Path(path)) as table:
        for row in table.rows:
            if row.error:
                problems.append(Problem(str(path), row.number, "", row.error))
                continue
            try:
                cells = _cells(row.values)
                kind, ref = cells.pop("kind"), str(cells.pop("ref", ""))
                cells.pop("name", None)
                cells.pop("id", None)  # ids are derived from the kind and the reference
                participants.append(
                    participant_for(workspace, kind, ref, cells.pop("role", None), **cells)
                )
            except (ValidationError, ValueError, MatcherError) as error:
                problems.append(Problem(str(path), row.number, "", _reason(error)))
    if problems:
        raise IngestError(f"参会方文件有 {len(problems)} 行错误，未添加任何参会方", problems)
    return participants


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(f"{'.'.join(map(str, e['loc'][:1]))}：{translate_error(e)}"
                        for e in error.errors())  # fmt: skip
    return str(error)
