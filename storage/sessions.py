"""Web sessions: a random id in the browser's cookie, only its SHA-256 hash in the database.

A session belongs to one API key and carries the CSRF token of its forms. It ends at its
absolute expiry, after `idle` without a request, at logout, or when its key is revoked (the
key's revocation revokes its sessions in the same transaction, and a lookup also checks the
key). Being in the database, a session works on every worker process.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.orm import Session

from storage.keys import ApiKey, hash_key
from storage.models import ApiKeyRow, WebSessionRow, utc_now

# `last_seen_at` is written at most this often per session (not on every request).
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class WebSession:
    """A live session as the service sees it (never its id in plaintext)."""

    id: int
    key: ApiKey
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class SessionRepository:
    """Create, resolve and revoke web sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, key: ApiKey, lifetime: timedelta, idle: timedelta) -> tuple[WebSession, str]:
        """A new session of `key` ending after `lifetime`, and its id for the cookie (shown
        once); sessions that have ended (expired, idle or revoked) are deleted meanwhile."""
        token = secrets.token_urlsafe(32)
        now = utc_now()
        row = WebSessionRow(
            token_hash=hash_key(token),
            key_id=key.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
        ended = or_(
            WebSessionRow.expires_at <= now,
            WebSessionRow.last_seen_at <= now - idle,
            WebSessionRow.revoked_at.is_not(None),
        )
        with Session(self.engine) as session, session.begin():
            session.execute(delete(WebSessionRow).where(ended))
            session.add(row)
            session.flush()
            created = _public(row, key)
        return created, token

    def resolve(self, token: str, idle: timedelta) -> WebSession | None:
        """The live session with this cookie value (its last-seen time moved on), or None when
        unknown, expired, idle for `idle` or longer, revoked, or its key is revoked."""
        if not token or len(token) > 128:
            return None
        query = (
            select(WebSessionRow, ApiKeyRow)
            .join(ApiKeyRow, ApiKeyRow.id == WebSessionRow.key_id)
            .where(
                WebSessionRow.token_hash == hash_key(token),
                WebSessionRow.revoked_at.is_(None),
                ApiKeyRow.revoked_at.is_(None),
            )
        )
        now = utc_now()
        with Session(self.engine) as session:
            found = session.execute(query).one_or_none()
            if found is None:
                return None
            live = _public(found[0], ApiKey.of(found[1]))
            if live.expires_at <= now or live.last_seen_at <= now - idle:
                return None
            if now - live.last_seen_at < TOUCH_EVERY:
                return live
            touch = update(WebSessionRow).where(WebSessionRow.id == live.id)
            session.execute(touch.values(last_seen_at=now))
            session.commit()
            return replace(live, last_seen_at=now)

    def revoke(self, token: str) -> bool:
        """End the session with this cookie value (logout); False when none was live."""
        statement = (
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == hash_key(token), WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1


def _public(row: WebSessionRow, key: ApiKey) -> WebSession:
    return WebSession(row.id, key, row.csrf_token, row.created_at, row.last_seen_at, row.expires_at)
