"""Building an event's participant list: by id or name, from a file, or picked by chain."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matcher.eligibility import any_failed, product_checks
from matcher.errors import IngestError, InvalidValue, MatcherError
from matcher.events.model import EventPlan, Participant, ParticipantKind, Role
from matcher.events.planner import resolve_participant
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
    "单位": "organisation",
    "坐台": "host",
    "桌号": "table",
    "联系人": "contact_name",
    "电话": "phone",
    "邮箱": "email",
}
HEADERS = {field: header for header, field in reversed(COLUMN_ALIASES.items())}
LIST_FIELDS = ("must_meet", "never_meet")
YES_NO = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False,
          "yes": True, "no": False, "y": True, "n": False}  # fmt: skip
_SEPARATORS = re.compile(r"[、，,；;\s]+")
_RANGE = re.compile(r"^(\d+)\s*[-－~～至—–]\s*(\d+)$")
_RANGE_SPACES = re.compile(r"\s*([-－~～至—–])\s*")
_LIST_SEPARATORS = re.compile(r"[、，,；;]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
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
    """Add (or replace, by id) participants; their must-meet and never-meet entries given by
    name or ref become participant ids (`InvalidValue` naming each entry that fits nobody)."""
    by_id = {p.id: p for p in plan.participants}
    for participant in participants:
        by_id[participant.id] = participant
    plan.participants = list(by_id.values())
    problems = []
    for participant in participants:
        for field in LIST_FIELDS:
            resolved, unknown = [], []
            for entry in getattr(participant, field):
                found = resolve_participant(plan, entry)
                (unknown if found is None else resolved).append(found or entry)
            setattr(participant, field, list(dict.fromkeys(resolved)))
            for entry in unknown:
                reason = (
                    f"参会方「{participant.name}」的{HEADERS[field]}名单：「{entry}」不是本活动的"
                    "参会方，请填写参会方编号、名称，或先添加该参会方"
                )
                problems.append((f"{participant.id}.{field}", reason))
    if problems:
        raise InvalidValue(problems, "；".join(reason for _, reason in problems[:3]))
    return plan


def finance_need_ids(workspace: Workspace) -> set[str]:
    """The enterprises that have at least one finance need."""
    needs = workspace.store.load("need").values()
    return {n.enterprise_id for n in needs if n.kind == "finance"}  # type: ignore[attr-defined]


def serving_banks(workspace: Workspace, enterprise_ids: list[str]) -> list[str]:
    """The banks with a product that some finance need of these enterprises could use (no
    eligibility rule fails), sorted."""
    store = workspace.store
    today = workspace.settings.reference_date()
    wanted = set(enterprise_ids)
    needs = [n for n in store.load("need").values()  # type: ignore[attr-defined]
             if n.kind == "finance" and n.enterprise_id in wanted]  # fmt: skip
    enterprises = {e: store.get("enterprise", e) for e in {n.enterprise_id for n in needs}}
    banks = set()
    for product in store.load("finance_product").values():
        if product.bank in banks:  # type: ignore[attr-defined]
            continue
        for need in needs:
            checks = product_checks(product, enterprises[need.enterprise_id], need, today)  # type: ignore[arg-type]
            if not any_failed(checks):
                banks.add(product.bank)  # type: ignore[attr-defined]
                break
    return sorted(banks)


def participants_by_chain(workspace: Workspace, plan: EventPlan, limit: int) -> list[Participant]:
    """Enterprises of the event's chain that bring needs or offers (up to `limit`) and the
    universities with tech results in that field; for a financing day (政金企) only the
    enterprises with a finance need and the banks with a product that could serve them."""
    chain = plan.event.chain
    store = workspace.store
    finance = plan.event.kind == "finance"
    if finance:
        active = finance_need_ids(workspace)
    else:
        active = {n.enterprise_id for n in store.load("need").values()} | {  # type: ignore[attr-defined]
            o.enterprise_id
            for o in store.load("offer").values()  # type: ignore[attr-defined]
        }
    enterprises = [
        e.id
        for e in store.load("enterprise").values()
        if e.id in active and (chain is None or e.chain == chain)  # type: ignore[attr-defined]
    ][:limit]
    chosen = [participant_for(workspace, "enterprise", e) for e in enterprises]
    if finance:
        banks = serving_banks(workspace, enterprises)
        chosen += [participant_for(workspace, "bank", bank) for bank in banks]
    else:
        universities = sorted(
            {
                r.university
                for r in store.load("tech_result").values()  # type: ignore[attr-defined]
                if chain is None or r.field == chain
            }
        )
        chosen += [participant_for(workspace, "university", u) for u in universities]
    return chosen


def parse_slots(value: Any) -> list[int]:
    """Slot numbers as a file gives them, counted from 1 (「1、2、3」, 「5-8」, 「1、3-5」, or a
    number), as indexes from 0; `ValueError` (Chinese) for anything else."""
    if isinstance(value, bool):
        raise ValueError(_bad_slots(value))
    if isinstance(value, int | float):
        if value != int(value) or value < 1:
            raise ValueError(_bad_slots(value))
        return [int(value) - 1]
    text = _RANGE_SPACES.sub(lambda m: m.group(1), str(value).strip())
    slots: list[int] = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        found = _RANGE.match(part)
        if found:
            first, last = int(found.group(1)), int(found.group(2))
            if first < 1 or last < first:
                raise ValueError(f"时段范围「{part}」无效：应从小到大，且从 1 开始")
            slots.extend(range(first - 1, last))
        elif part.isdigit() and int(part) >= 1:
            slots.append(int(part) - 1)
        else:
            raise ValueError(_bad_slots(part))
    return list(dict.fromkeys(slots))


def _bad_slots(value: Any) -> str:
    return f"无法识别「{value}」，应为时段序号如 1、2 或范围 5-8"


def _yes_no(value: Any) -> bool:
    found = YES_NO.get(str(value).strip().lower())
    if found is None:
        raise ValueError(f"无法识别「{value}」，应填「是」或「否」")
    return found


def _email(value: Any) -> str:
    text = str(value).strip()
    if not _EMAIL.match(text):
        raise ValueError(f"「{text}」不是有效的电子邮箱地址，应如 wang@example.cn")
    return text


def _whole(value: Any) -> Any:
    """Numbers read as text or float from a file (「6」, 6.0) as whole numbers when they are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


CONVERTERS = {
    "availability": parse_slots,
    "host": _yes_no,
    "email": _email,
    "max_meetings": _whole,
    "table": _whole,
    "phone": _text,
    "contact_name": _text,
    "organisation": _text,
}


def _cells(values: dict[str, Any]) -> dict[str, Any]:
    """A file row as participant fields; `InvalidValue` naming the column of a bad cell."""
    row = {COLUMN_ALIASES.get(k.strip(), k.strip()): v for k, v in values.items()}
    row = {k: v for k, v in row.items() if v not in (None, "")}
    row["kind"] = KIND_ALIASES.get(str(row.get("kind", "")), row.get("kind"))
    if "role" in row:
        row["role"] = ROLE_ALIASES.get(str(row["role"]), row["role"])
    for name in LIST_FIELDS:
        if name in row:
            parts = _LIST_SEPARATORS.split(_text(row[name]))
            row[name] = [p.strip() for p in parts if p.strip()]
    for name, convert in CONVERTERS.items():
        if name in row:
            try:
                row[name] = convert(row[name])
            except ValueError as error:
                raise InvalidValue([(HEADERS[name], str(error))]) from None
    return row


def participants_from_file(workspace: Workspace, path: Path) -> list[Participant]:
    """Participants from CSV/XLSX/JSONL (columns: see `COLUMN_ALIASES`; 可参加时段 counted
    from 1); every bad row is reported with its column and nothing is added."""
    participants, problems = [], []
    with open_table(Path(path)) as table:
        for row in table.rows:
            if row.error:
                problems.append(Problem(str(path), row.number, "", row.error))
                continue
            try:
                cells = _cells(row.values)
                kind, ref = cells.pop("kind"), _text(cells.pop("ref", ""))
                cells.pop("name", None)
                cells.pop("id", None)  # ids are derived from the kind and the reference
                participants.append(
                    participant_for(workspace, kind, ref, cells.pop("role", None), **cells)
                )
            except InvalidValue as error:
                problems += [Problem(str(path), row.number, f, r) for f, r in error.problems]
            except ValidationError as error:
                problems += [Problem(str(path), row.number, f, r) for f, r in _fields(error)]
            except (ValueError, MatcherError) as error:
                problems.append(Problem(str(path), row.number, "", str(error)))
    if problems:
        shown = "；".join(_where(p) for p in problems[:3])
        raise IngestError(
            f"参会方文件有 {len({p.row for p in problems})} 行错误，未添加任何参会方：{shown}",
            problems,
        )
    return participants


def _where(problem: Problem) -> str:
    field = f" {problem.field}" if problem.field else ""
    return f"第{problem.row}行{field}：{problem.reason}"


def _fields(error: ValidationError) -> list[tuple[str, str]]:
    """(column header, reason) for each field pydantic rejected."""
    found = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        found.append((HEADERS.get(field, field), translate_error(item)))
    return found
