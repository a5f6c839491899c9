"""`OutboxStore`: notifications waiting, being sent, sent or failed, on every SQL backend.

A message is enqueued once: a second enqueue with the same `dedupe_key` is ignored (the
unique key decides, so two workers enqueuing at once still make one row). Sending is
`claim` (pending → sending, in its own committed transaction, one message at a time and
never one another worker claimed), then `mark_sent` or `mark_failed`. A claim older than
the longest send (a worker killed mid-send) is turned `unknown` by `expire_claims`: it may
or may not have gone out, so it is resent only by hand (`resend`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import OutboxRow

Status = Literal["pending", "sending", "sent", "failed", "unknown"]
STATUSES: tuple[str, ...] = ("pending", "sending", "sent", "failed", "unknown")
RESENDABLE: tuple[str, ...] = ("failed", "unknown")


@dataclass(frozen=True)
class NewMessage:
    """A message to enqueue (its status starts `pending`)."""

    dedupe_key: str
    event_id: str
    kind: str
    participant_id: str
    channel: str
    address: str
    subject: str
    body: str
    scope: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxMessage:
    """A stored message and where it stands."""

    id: int
    dedupe_key: str
    event_id: str
    kind: str
    participant_id: str
    scope: str
    channel: str
    address: str
    subject: str
    body: str
    payload: dict[str, Any]
    status: str
    attempts: int
    error: str | None
    created_at: datetime
    claimed_at: datetime | None
    sent_at: datetime | None


def _message(row: Any) -> OutboxMessage:
    return OutboxMessage(**{name: getattr(row, name) for name in OutboxMessage.__annotations__})


class OutboxStore:
    """Enqueue, claim, finish and list outbox messages."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def enqueue(self, messages: Sequence[NewMessage], now: datetime) -> int:
        """Add the messages whose dedupe key is new; returns how many were added."""
        if not messages:
            return 0
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        rows = [
            {**m.__dict__, "status": "pending", "attempts": 0, "created_at": now} for m in messages
        ]
        statement = (
            dialect.insert(OutboxRow)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxRow.id)
        )
        added = 0
        with self.engine.begin() as connection:
            for row in rows:  # one by one: a new row returns its id, a duplicate nothing
                added += len(connection.execute(statement.values(**row)).all())
        return added

    def claim(self, now: datetime, event_id: str | None = None) -> OutboxMessage | None:
        """The oldest pending message (of one event), now `sending` with its claim time and
        one more attempt, committed before it is returned; None when nothing is pending."""
        while True:
            query = select(OutboxRow.id).where(OutboxRow.status == "pending")
            if event_id is not None:
                query = query.where(OutboxRow.event_id == event_id)
            with self.engine.begin() as connection:
                found = connection.scalar(query.order_by(OutboxRow.id).limit(1))
                if found is None:
                    return None
                taken = connection.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == found, OutboxRow.status == "pending")
                    .values(status="sending", claimed_at=now, attempts=OutboxRow.attempts + 1)
                ).rowcount
                if taken:
                    row = connection.execute(select(OutboxRow).where(OutboxRow.id == found)).one()
                    return _message(row)
            # another worker claimed it first: look for the next one

    def _finish(self, message_id: int, **values: Any) -> bool:
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.status == "sending")
            .values(**values)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def mark_sent(self, message_id: int, now: datetime) -> bool:
        """A claimed message went out."""
        return self._finish(message_id, status="sent", sent_at=now, error=None)

    def mark_failed(self, message_id: int, error: str) -> bool:
        """A claimed message could not be delivered (it was not sent)."""
        return self._finish(message_id, status="failed", error=error[:2000])

    def expire_claims(self, before: datetime, error: str) -> int:
        """Claims made before `before` that never finished become `unknown`."""
        statement = (
            update(OutboxRow)
            .where(OutboxRow.status == "sending", OutboxRow.claimed_at < before)
            .values(status="unknown", error=error)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount

    def resend(self, event_id: str, ids: Collection[int] | None = None) -> int:
        """Failed and unknown messages of the event (only `ids`, when given) back to pending."""
        statement = update(OutboxRow).where(
            OutboxRow.event_id == event_id, OutboxRow.status.in_(RESENDABLE)
        )
        if ids is not None:
            statement = statement.where(OutboxRow.id.in_(list(ids)))
        with self.engine.begin() as connection:
            return connection.execute(statement.values(status="pending", error=None)).rowcount

    def messages(self, event_id: str, kinds: Collection[str] | None = None) -> list[OutboxMessage]:
        """The event's messages (of some kinds), oldest first."""
        query = select(OutboxRow).where(OutboxRow.event_id == event_id)
        if kinds is not None:
            query = query.where(OutboxRow.kind.in_(list(kinds)))
        with self.engine.connect() as connection:
            return [_message(row) for row in connection.execute(query.order_by(OutboxRow.id))]

    def counts(self, event_id: str) -> dict[str, int]:
        """How many of the event's messages are in each status (every status present)."""
        query = (
            select(OutboxRow.status, func.count())
            .where(OutboxRow.event_id == event_id)
            .group_by(OutboxRow.status)
        )
        with self.engine.connect() as connection:
            found = {status: count for status, count in connection.execute(query)}
        return {status: found.get(status, 0) for status in STATUSES}

    def pending_events(self) -> list[str]:
        """The events that have pending messages."""
        query = select(OutboxRow.event_id).where(OutboxRow.status == "pending").distinct()
        with self.engine.connect() as connection:
            return sorted(connection.scalars(query))
