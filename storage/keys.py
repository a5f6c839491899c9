"""API keys: created with a random plaintext shown once, stored only as a SHA-256 hash.

A key is `mk_` + `secrets.token_urlsafe(32)` (256 random bits). Hashing without a salt or
a slow KDF is enough for such keys: nobody can guess or brute-force a 256-bit secret, so
a leaked table reveals no usable key; and since a key is found by looking up its hash,
no secret-dependent string comparison happens (no timing side channel to protect).
Creating and revoking take an optional `within` hook that runs in their transaction (the
audit entry of the change: both commit, or neither).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session

from matcher.errors import MatcherError
from storage.models import ApiKeyRow, WebSessionRow, utc_now

ROLES: tuple[str, ...] = ("admin", "organiser", "enterprise", "bank", "university")
SCOPED_ROLES: tuple[str, ...] = ("enterprise", "bank", "university")
KEY_PREFIX = "mk_"
KEY_LENGTH = len(KEY_PREFIX) + 43
DISPLAY_PREFIX_LENGTH = 8


@dataclass(frozen=True)
class ApiKey:
    """A stored key as the service sees it (never the plaintext)."""

    id: int
    name: str
    role: str
    scope_id: str | None
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            row.id, row.name, row.role, row.scope_id, row.prefix, row.created_at, row.revoked_at
        )


def hash_key(plaintext: str) -> str:
    """The SHA-256 hex digest under which a key is stored."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def _check_role(role: str, scope_id: str | None) -> None:
    if role not in ROLES:
        raise MatcherError(f"未知的角色「{role}」，可选：{'、'.join(ROLES)}")
    if role in SCOPED_ROLES and not scope_id:
        raise MatcherError(f"角色 {role} 需要 scope_id（企业编号、银行名称或高校名称）")
    if role not in SCOPED_ROLES and scope_id:
        raise MatcherError(f"角色 {role} 不能设置 scope_id")


class ApiKeyRepository:
    """Create, verify, revoke and list API keys."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        role: str,
        scope_id: str | None,
        name: str,
        within: Callable[[Connection, ApiKey], None] | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its plaintext (shown once; only its hash is stored);
        `within(connection, key)` runs in the same transaction (when it raises, no key)."""
        _check_role(role, scope_id)
        if not name.strip():
            raise MatcherError("密钥名称不能为空")
        plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
        row = ApiKeyRow(
            name=name.strip(),
            role=role,
            scope_id=scope_id or None,
            prefix=plaintext[:DISPLAY_PREFIX_LENGTH],
            key_hash=hash_key(plaintext),
            created_at=utc_now(),
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            key = ApiKey.of(row)
            if within is not None:
                within(session.connection(), key)
        return key, plaintext

    def verify(self, plaintext: str) -> ApiKey | None:
        """The active key with this plaintext; None when unknown, malformed or revoked."""
        if not plaintext.startswith(KEY_PREFIX) or len(plaintext) != KEY_LENGTH:
            return None
        query = select(ApiKeyRow).where(
            ApiKeyRow.key_hash == hash_key(plaintext), ApiKeyRow.revoked_at.is_(None)
        )
        with Session(self.engine) as session:
            row = session.scalars(query).one_or_none()
            return None if row is None else ApiKey.of(row)

    def revoke(self, key_id: int, within: Callable[[Connection], None] | None = None) -> bool:
        """Revoke a key and its web sessions; False when there is no active key with this id.
        `within(connection)` runs in the transaction of a revocation (when it raises, the key
        stays active)."""
        statement = (
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
        sessions = (
            update(WebSessionRow)
            .where(WebSessionRow.key_id == key_id, WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
        with self.engine.begin() as connection:
            if connection.execute(statement).rowcount != 1:
                return False
            connection.execute(sessions)
            if within is not None:
                within(connection)
            return True

    def list(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with Session(self.engine) as session:
            return [
                ApiKey.of(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))
            ]
