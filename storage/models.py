"""SQLAlchemy tables: one per record kind, plus kind versions, API keys, web sessions, the
audit log, docking events, and meeting / financing outcomes with their change history.

A record row holds the full record as JSON (`data`, the source of truth, validated back
through the pydantic model on read) and copies of the fields that are filtered or listed
in typed, indexed columns. `content_hash` is the hash of the record's embedded text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from matcher.store import content_hash
from matcher.types import Enterprise, FinanceProduct, Need, Offer, Policy, Record, TechResult

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Record ids sort by code point on both backends (PostgreSQL's default collation may not).
RecordId = String(64).with_variant(String(64, collation="C"), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordRow(Base):
    """Columns every record table has; subclasses add their typed columns."""

    __abstract__ = True

    kind: ClassVar[str]
    search_column: ClassVar[str]
    columns_of: ClassVar[Callable[[Any], dict[str, Any]]]

    id: Mapped[str] = mapped_column(RecordId, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # bumped by every change

    @classmethod
    def row_of(cls, record: Record, now: datetime) -> dict[str, Any]:
        """The column values storing `record`."""
        return {
            "id": record.id,
            "data": record.model_dump(mode="json"),
            "content_hash": content_hash(record.embed_text()),
            "updated_at": now,
            **cls.columns_of(record),
        }


def tiers_text(tiers: list[str]) -> str:
    """Tiers as one searchable text, e.g. "|专精特新|瞪羚|" ("" when none)."""
    return f"|{'|'.join(tiers)}|" if tiers else ""


class EnterpriseRow(RecordRow):
    __tablename__ = "enterprises"
    kind = "enterprise"
    search_column = "name"

    name: Mapped[str] = mapped_column(String, index=True)
    district: Mapped[str] = mapped_column(String, index=True)
    chain: Mapped[str] = mapped_column(String, index=True)
    tiers: Mapped[str] = mapped_column(String)  # searched with LIKE '%|tier|%', not indexed
    size: Mapped[str] = mapped_column(String, index=True)

    @staticmethod
    def columns_of(record: Enterprise) -> dict[str, Any]:
        return {
            "name": record.name,
            "district": record.district,
            "chain": record.chain,
            "tiers": tiers_text(record.tiers),
            "size": record.size,
        }


class NeedRow(RecordRow):
    __tablename__ = "needs"
    kind = "need"
    search_column = "text"

    enterprise_id: Mapped[str] = mapped_column(String(64), index=True)
    kind_: Mapped[str] = mapped_column("kind", String(16), index=True)
    text: Mapped[str] = mapped_column(Text)

    @staticmethod
    def columns_of(record: Need) -> dict[str, Any]:
        return {"enterprise_id": record.enterprise_id, "kind": record.kind, "text": record.text}


class TechResultRow(RecordRow):
    __tablename__ = "tech_results"
    kind = "tech_result"
    search_column = "title"

    university: Mapped[str] = mapped_column(String, index=True)
    field: Mapped[str] = mapped_column(String, index=True)
    title: Mapped[str] = mapped_column(String, index=True)

    @staticmethod
    def columns_of(record: TechResult) -> dict[str, Any]:
        return {"university": record.university, "field": record.field, "title": record.title}


class FinanceProductRow(RecordRow):
    __tablename__ = "finance_products"
    kind = "finance_product"
    search_column = "name"

    bank: Mapped[str] = mapped_column(String, index=True)
    type: Mapped[str] = mapped_column(String, index=True)
    name: Mapped[str] = mapped_column(String, index=True)

    @staticmethod
    def columns_of(record: FinanceProduct) -> dict[str, Any]:
        return {"bank": record.bank, "type": record.type, "name": record.name}


class PolicyRow(RecordRow):
    __tablename__ = "policies"
    kind = "policy"
    search_column = "title"

    issuer: Mapped[str] = mapped_column(String, index=True)
    title: Mapped[str] = mapped_column(String, index=True)
    valid_to: Mapped[date | None] = mapped_column(index=True)

    @staticmethod
    def columns_of(record: Policy) -> dict[str, Any]:
        return {"issuer": record.issuer, "title": record.title, "valid_to": record.valid_to}


class OfferRow(RecordRow):
    __tablename__ = "offers"
    kind = "offer"
    search_column = "text"

    enterprise_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)

    @staticmethod
    def columns_of(record: Offer) -> dict[str, Any]:
        return {"enterprise_id": record.enterprise_id, "text": record.text}


RECORD_ROWS: dict[str, type[RecordRow]] = {
    row.kind: row
    for row in (EnterpriseRow, NeedRow, TechResultRow, FinanceProductRow, PolicyRow, OfferRow)
}


class KindVersion(Base):
    """A counter per record kind, bumped in the same transaction as every write to it."""

    __tablename__ = "kind_versions"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class StagedRow(Base):
    """A record set aside by an import (`batch`, file `part`) until the whole import is
    published in one transaction; never read as a stored record."""

    __tablename__ = "staged_records"

    batch: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(RecordId, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    staged_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiKeyRow(Base):
    """An API key: only its SHA-256 hash and an 8-character display prefix are stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    role: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[str | None] = mapped_column(String)
    prefix: Mapped[str] = mapped_column(String(8))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A browser session: the cookie holds a random id, stored here only as its SHA-256 hash,
    with the CSRF token of the session's forms. Ends at `expires_at`, after the idle timeout
    since `last_seen_at`, at logout (`revoked_at`) or when its key is revoked."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """Who did what to which record, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)


class EventRow(Base):
    """A docking event's whole plan (`matcher.events.model.EventPlan`) as JSON (`data`, the
    source of truth), with copies of what event lists show and filter on."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(RecordId, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column("date", Date, index=True)
    published: Mapped[bool] = mapped_column(Boolean, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # bumped by every save


# An outcome id joins an event id and two participant ids (`EV1|E1|U:青岛大学`) or an
# enterprise and a product id (no length limit: participant ids are names); compared by code
# point on both backends, like record ids.
OutcomeId = String().with_variant(String(collation="C"), "postgresql")


class MeetingOutcomeRow(Base):
    """The current follow-up state of one meeting (`matcher.outcomes.model.MeetingOutcome`)."""

    __tablename__ = "meeting_outcomes"

    id: Mapped[str] = mapped_column(OutcomeId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    a: Mapped[str] = mapped_column(String)
    b: Mapped[str] = mapped_column(String)
    attendance: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    signed_amount: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text)
    next_follow_up: Mapped[date | None] = mapped_column(Date, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # bumped by every change


class FinanceOutcomeRow(Base):
    """The current state of one financing match (`matcher.outcomes.model.FinanceOutcome`)."""

    __tablename__ = "finance_outcomes"

    id: Mapped[str] = mapped_column(OutcomeId, primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(64), index=True)
    product_id: Mapped[str] = mapped_column(String(64), index=True)
    event_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[float | None] = mapped_column(Float)
    first_loan: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text)
    next_follow_up: Mapped[date | None] = mapped_column(Date, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # bumped by every change


class OutcomeChangeRow(Base):
    """One field change of an outcome (`matcher.outcomes.model.Change`); rows are only ever
    inserted, never updated or deleted."""

    __tablename__ = "outcome_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome_id: Mapped[str] = mapped_column(OutcomeId, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # meeting | finance
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    who: Mapped[str] = mapped_column(String)
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    correction: Mapped[bool] = mapped_column(Boolean)


class JobRow(Base):
    """A background job (index rebuild, import, pairing, scheduling) and its progress; any
    worker can read it, the one that runs it updates it."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued|running|done|failed
    done: Mapped[int] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    actor_key_id: Mapped[int | None] = mapped_column(Integer)
    worker: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    """One notification to one recipient on one channel (`service.outbox`): enqueued once per
    `dedupe_key` (the SHA-256 of event, kind, participant, channel and meeting / slot), claimed
    (`sending`) in its own transaction before it is sent, then `sent` or `failed`; a claim
    that never finished (a crash while sending) becomes `unknown`, resent only by hand."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    participant_id: Mapped[str] = mapped_column(String)
    scope: Mapped[str] = mapped_column(String)  # the meeting / slot it is about ("" for none)
    channel: Mapped[str] = mapped_column(String(16))  # email | webhook
    address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # what it announced (agendas)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SurveyRow(Base):
    """A post-meeting survey of one participant on one meeting: its link token (an HMAC of
    the event, the pair and the participant) and, once submitted, the answers."""

    __tablename__ = "surveys"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    a: Mapped[str] = mapped_column(String)
    b: Mapped[str] = mapped_column(String)
    participant_id: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    held: Mapped[bool | None] = mapped_column(Boolean)
    usefulness: Mapped[int | None] = mapped_column(Integer)
    intent: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)
    applied: Mapped[str] = mapped_column(Text)  # what it filled in the follow-up record
