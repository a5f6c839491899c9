"""Event, outcome and key writes commit with their audit entry, or not at all.

The audit insert is made to fail after it was issued inside the change's transaction (a
patched `AuditRepository.record`: no real fault makes that insert fail on demand); the change
must then be rolled back with it. A normal write leaves exactly one new audit row.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from storage.audit import AuditRepository

EVENT = {"id": "EV-atomic", "name": "原子性测试对接会", "date": "2026-12-03", "slots": 3,
         "tables": 2, "venue": "青岛国际会议中心"}  # fmt: skip
PARTICIPANTS = {"participants": [{"kind": "enterprise", "ref": "E1"},
                                 {"kind": "university", "ref": "青岛大学"}]}  # fmt: skip
FINANCE = {"enterprise": "E4", "product": "F1", "status": "applied"}


class AuditDown(RuntimeError):
    """The audit insert failing inside the transaction."""


@contextmanager
def failing_audit(monkeypatch):
    """Every audit entry is inserted, then the write fails (the transaction must roll back)."""
    original = AuditRepository.record

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise AuditDown("审计写入失败")

    with monkeypatch.context() as patch:
        patch.setattr(AuditRepository, "record", record)
        yield


def audit_rows(service) -> list[tuple[str, str | None, str | None]]:
    entries = service.state.audit.list(limit=10_000)
    return [(e.action, e.kind, e.record_id) for e in entries]


def post(service, path: str, **kwargs):
    return service.request("organiser", "POST", path, **kwargs)


def test_event_create_change_and_delete_roll_back_with_their_audit(service, monkeypatch):
    events = service.state.events
    before = audit_rows(service)
    with failing_audit(monkeypatch), pytest.raises(AuditDown):
        post(service, "/api/events", json=EVENT)
    assert not events.exists(EVENT["id"]) and audit_rows(service) == before

    assert post(service, "/api/events", json=EVENT).status_code == 201
    assert audit_rows(service) == [("create", "event", EVENT["id"]), *before]
    stored = events.load(EVENT["id"])

    before = audit_rows(service)
    with failing_audit(monkeypatch), pytest.raises(AuditDown):
        post(service, f"/api/events/{EVENT['id']}/participants", json=PARTICIPANTS)
    assert events.load(EVENT["id"]) == stored and audit_rows(service) == before
    added = post(service, f"/api/events/{EVENT['id']}/participants", json=PARTICIPANTS)
    assert added.status_code == 200, added.text
    assert audit_rows(service) == [("update", "event", EVENT["id"]), *before]
    changed = events.load(EVENT["id"])
    assert changed.version == stored.version + 1 and len(changed.participants) == 2

    before = audit_rows(service)
    with failing_audit(monkeypatch), pytest.raises(AuditDown):
        service.request("organiser", "DELETE", f"/api/events/{EVENT['id']}")
    assert events.load(EVENT["id"]) == changed and audit_rows(service) == before
    assert service.request("organiser", "DELETE", f"/api/events/{EVENT['id']}").status_code == 204
    assert not events.exists(EVENT["id"])
    assert audit_rows(service) == [("delete", "event", EVENT["id"]), *before]


def test_outcome_recording_rolls_back_with_its_audit(service, monkeypatch):
    outcomes = service.state.outcomes
    before, history = audit_rows(service), outcomes.history()
    with failing_audit(monkeypatch), pytest.raises(AuditDown):
        post(service, "/api/finance-outcomes", json=FINANCE)
    assert outcomes.finance_outcomes("E4") == {}
    assert outcomes.history() == history and audit_rows(service) == before

    recorded = post(service, "/api/finance-outcomes", json=FINANCE)
    assert recorded.status_code == 200, recorded.text
    [outcome] = outcomes.finance_outcomes("E4").values()
    assert outcome.status == "applied"
    assert len(outcomes.history()) > len(history)
    assert audit_rows(service) == [("update", "outcome", None), *before]


def test_key_create_and_revoke_roll_back_with_their_audit(service, monkeypatch):
    keys = service.state.keys
    body = {"role": "organiser", "name": "原子性测试"}
    before, listed = audit_rows(service), keys.list()
    with failing_audit(monkeypatch), pytest.raises(AuditDown):
        service.request("admin", "POST", "/api/keys", json=body)
    assert keys.list() == listed and audit_rows(service) == before

    created = service.request("admin", "POST", "/api/keys", json=body)
    assert created.status_code == 201, created.text
    key_id = str(created.json()["id"])
    assert audit_rows(service) == [("key_create", "api_key", key_id), *before]
    plaintext = created.json()["key"]

    before = audit_rows(service)
    with failing_audit(monkeypatch), pytest.raises(AuditDown):
        service.request("admin", "DELETE", f"/api/keys/{key_id}")
    assert keys.verify(plaintext) is not None and audit_rows(service) == before
    assert service.request("admin", "DELETE", f"/api/keys/{key_id}").status_code == 204
    assert keys.verify(plaintext) is None
    assert audit_rows(service) == [("key_revoke", "api_key", key_id), *before]
