"""Web sessions on both backends: hashed ids, idle and absolute expiry, logout, key revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from storage.keys import ApiKeyRepository, hash_key
from storage.models import WebSessionRow, utc_now
from storage.sessions import SessionRepository

HOUR = timedelta(hours=1)
IDLE = timedelta(minutes=30)


@pytest.fixture
def keys(engine) -> ApiKeyRepository:
    return ApiKeyRepository(engine)


@pytest.fixture
def sessions(engine) -> SessionRepository:
    return SessionRepository(engine)


def _age(engine, **columns) -> None:
    """Move every session's timestamps back by the given amounts."""
    now = utc_now()
    values = {name: now - amount for name, amount in columns.items()}
    with engine.begin() as connection:
        connection.execute(update(WebSessionRow).values(**values))


def test_the_cookie_value_is_random_and_only_its_hash_is_stored(keys, sessions, engine):
    key, plaintext = keys.create("enterprise", "E1", "海鑫新能源")
    first, token = sessions.create(key, HOUR, IDLE)
    second, other = sessions.create(key, HOUR, IDLE)
    assert token != other and token != plaintext and len(token) >= 43
    assert first.csrf_token != second.csrf_token and first.key == key
    with engine.connect() as connection:
        stored = connection.execute(select(WebSessionRow.token_hash, WebSessionRow.key_id)).all()
    assert sorted(stored) == sorted([(hash_key(token), key.id), (hash_key(other), key.id)])
    found = sessions.resolve(token, IDLE)
    assert found is not None and found.id == first.id and found.csrf_token == first.csrf_token
    assert sessions.resolve("x" + token, IDLE) is None and sessions.resolve("", IDLE) is None


def test_a_session_ends_when_idle_or_past_its_lifetime(keys, sessions, engine):
    key, _ = keys.create("admin", None, "管理员")
    _, token = sessions.create(key, HOUR, IDLE)
    _age(engine, last_seen_at=timedelta(minutes=29))
    seen = sessions.resolve(token, IDLE)
    assert seen is not None and utc_now() - seen.last_seen_at < timedelta(seconds=5)
    assert sessions.resolve(token, IDLE) is not None  # the last request moved last-seen on
    _age(engine, last_seen_at=timedelta(minutes=31))
    assert sessions.resolve(token, IDLE) is None
    _, fresh = sessions.create(key, HOUR, IDLE)  # creating prunes the ended ones
    with engine.connect() as connection:
        assert connection.scalar(select(WebSessionRow.token_hash)) == hash_key(fresh)
    _age(engine, expires_at=timedelta(seconds=1), last_seen_at=timedelta(0))
    assert sessions.resolve(fresh, IDLE) is None


def test_logout_and_key_revocation_end_sessions(keys, sessions, engine):
    key, _ = keys.create("organiser", None, "组织方")
    other, _ = keys.create("organiser", None, "另一位组织方")
    _, first = sessions.create(key, HOUR, IDLE)
    _, second = sessions.create(key, HOUR, IDLE)
    _, kept = sessions.create(other, HOUR, IDLE)
    assert sessions.revoke(first) and not sessions.revoke(first)
    assert sessions.resolve(first, IDLE) is None and sessions.resolve(second, IDLE) is not None
    assert keys.revoke(key.id)
    assert sessions.resolve(second, IDLE) is None
    with engine.connect() as connection:
        revoked = connection.execute(
            select(WebSessionRow.key_id).where(WebSessionRow.revoked_at.is_not(None))
        ).all()
    assert sorted(revoked) == [(key.id,), (key.id,)]
    assert sessions.resolve(kept, IDLE) is not None
