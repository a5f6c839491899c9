"""Hosts with a fixed table: which table each host (or its organisation) keeps all day.

A host (`Participant.host`) sits at `Participant.table` (1-based); hosts without one get the
lowest tables no other host named, in participant order. Under a shared schedule an
organisation is one node: it keeps the table of its first host representative.
"""

from __future__ import annotations

from matcher.errors import MatcherError
from matcher.events.model import EventPlan
from matcher.events.organisations import node_members


def host_tables(plan: EventPlan) -> dict[str, int]:
    """Node id → its fixed table, for the nodes with a host; `MatcherError` (Chinese) when
    tables are named twice, lie outside the venue, or are too few for the hosts."""
    tables = plan.event.tables
    named: dict[int, str] = {}
    unnamed: list[str] = []
    result: dict[str, int] = {}
    for node, group in node_members(plan).items():
        host = next((p for p in group if p.host), None)
        if host is None:
            continue
        if host.table is None:
            unnamed.append(node)
            continue
        if host.table > tables:
            raise MatcherError(f"坐台方「{host.name}」的桌号 {host.table} 超出会场桌数 {tables}")
        if host.table in named:
            other = plan.participant(named[host.table]).name
            raise MatcherError(f"{host.table}号桌同时分给了坐台方「{other}」和「{host.name}」")
        named[host.table] = node
        result[node] = host.table
    free = (t for t in range(1, tables + 1) if t not in named)
    for node in unnamed:
        table = next(free, None)
        if table is None:
            raise MatcherError(f"坐台方有 {len(named) + len(unnamed)} 个，超过会场桌数 {tables}")
        result[node] = table
    return result
