"""The audit log: who (which API key) did what to which record, and when.

An entry can join the transaction of the change it records (`connection`): then both commit
together, or neither does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from matcher.errors import MatcherError
from storage.models import AuditRow, utc_now

ACTIONS: tuple[str, ...] = (
    "create", "update", "delete", "import", "export", "rebuild", "key_create", "key_revoke",
)  # fmt: skip


@dataclass(frozen=True)
class AuditEntry:
    """One audit log entry (`actor_key_id` None: done outside the API, e.g. the CLI)."""

    id: int
    at: datetime
    actor_key_id: int | None
    action: str
    kind: str | None
    record_id: str | None
    detail: str

    @classmethod
    def of(cls, row: AuditRow) -> AuditEntry:
        return cls(
            row.id, row.at, row.actor_key_id, row.action, row.kind, row.record_id, row.detail
        )


class AuditRepository:
    """Append to and read the audit log."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self,
        actor_key_id: int | None,
        action: str,
        kind: str | None,
        record_id: str | None,
        detail: str = "",
        connection: Connection | None = None,
    ) -> AuditEntry:
        """Append one entry, stamped now (UTC): in its own transaction, or in the open
        transaction of `connection` (committed with the change it records)."""
        if action not in ACTIONS:
            raise MatcherError(f"未知的审计操作「{action}」，可选：{'、'.join(ACTIONS)}")
        values = {"at": utc_now(), "actor_key_id": actor_key_id, "action": action,
                  "kind": kind, "record_id": record_id, "detail": detail}  # fmt: skip
        if connection is None:
            with self.engine.begin() as own:
                return self._insert(own, values)
        return self._insert(connection, values)

    @staticmethod
    def _insert(connection: Connection, values: dict) -> AuditEntry:
        entry_id = connection.execute(insert(AuditRow).values(values).returning(AuditRow.id))
        return AuditEntry(id=entry_id.scalar_one(), **values)

    def list(self, offset: int = 0, limit: int = 50) -> list[AuditEntry]:
        """Entries newest first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).offset(offset).limit(limit)
        with Session(self.engine) as session:
            return [AuditEntry.of(row) for row in session.scalars(query)]
