"""The audit log records who did what, newest first, with UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from matcher.errors import MatcherError
from storage.audit import AuditEntry, AuditRepository
from storage.keys import ApiKeyRepository


@pytest.fixture
def audit(engine) -> AuditRepository:
    return AuditRepository(engine)


def test_record_and_list_newest_first(audit, engine):
    key, _ = ApiKeyRepository(engine).create("admin", None, "管理员")
    before = datetime.now(UTC)
    first = audit.record(key.id, "create", "need", "N1", "新建需求")
    audit.record(key.id, "update", "need", "N1")
    audit.record(None, "rebuild", None, None, "重建全部索引")
    entries = audit.list()
    assert [e.action for e in entries] == ["rebuild", "update", "create"]
    assert entries[-1] == first
    assert isinstance(first, AuditEntry)
    assert (first.actor_key_id, first.kind, first.record_id, first.detail) == (
        key.id, "need", "N1", "新建需求",
    )  # fmt: skip
    assert entries[1].detail == ""
    assert entries[0].actor_key_id is None and entries[0].kind is None
    assert before - timedelta(seconds=1) <= first.at <= datetime.now(UTC) + timedelta(seconds=1)
    assert first.at.utcoffset() == timedelta(0)


def test_list_pages(audit):
    for i in range(7):
        audit.record(None, "import", "enterprise", None, f"第{i}批")
    assert [e.detail for e in audit.list(offset=2, limit=3)] == ["第4批", "第3批", "第2批"]
    assert len(audit.list()) == 7


def test_unknown_action_is_rejected(audit):
    with pytest.raises(MatcherError, match="未知的审计操作「drop」"):
        audit.record(None, "drop", "need", "N1")
    assert audit.list() == []


def test_actor_must_be_a_known_key(audit):
    with pytest.raises(IntegrityError):
        audit.record(12345, "delete", "need", "N1")
