"""The outbox and survey stores: one contract on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from storage.outbox import NewMessage, OutboxStore
from storage.surveys import Answers, SurveyStore

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _message(key: str, event: str = "EV1", participant: str = "E1") -> NewMessage:
    return NewMessage(
        dedupe_key=key, event_id=event, kind="invitation", participant_id=participant,
        channel="email", address="a@example.cn", subject="邀请", body="正文",
        payload={"meetings": [["E1", "U:青岛大学", 0, 1]]},
    )  # fmt: skip


def test_enqueue_twice_makes_one_message(engine):
    store = OutboxStore(engine)
    assert store.enqueue([_message("k1"), _message("k2")], NOW) == 2
    assert store.enqueue([_message("k1"), _message("k3")], NOW) == 1
    messages = store.messages("EV1")
    assert [m.dedupe_key for m in messages] == ["k1", "k2", "k3"]
    assert messages[0].payload == {"meetings": [["E1", "U:青岛大学", 0, 1]]}
    assert messages[0].status == "pending" and messages[0].attempts == 0
    assert messages[0].created_at == NOW
    assert store.counts("EV1") == {"pending": 3, "sending": 0, "sent": 0, "failed": 0,
                                   "unknown": 0}  # fmt: skip


def test_concurrent_enqueues_of_one_key_make_one_row(engine):
    store = OutboxStore(engine)
    added: list[int] = []
    threads = [
        threading.Thread(target=lambda: added.append(store.enqueue([_message("same")], NOW)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(added) == 1
    assert len(store.messages("EV1")) == 1


def test_claim_send_fail_and_resend(engine):
    store = OutboxStore(engine)
    store.enqueue([_message("k1"), _message("k2"), _message("x", event="EV2")], NOW)
    first = store.claim(NOW, "EV1")
    assert first is not None and first.dedupe_key == "k1"
    assert first.status == "sending" and first.attempts == 1 and first.claimed_at == NOW
    second = store.claim(NOW, "EV1")
    assert second is not None and second.dedupe_key == "k2"
    assert store.claim(NOW, "EV1") is None  # EV2's is not this event's
    assert store.mark_sent(first.id, NOW + timedelta(seconds=1))
    assert not store.mark_sent(first.id, NOW)  # only a claimed message is finished
    assert store.mark_failed(second.id, "连接被拒绝")
    by_key = {m.dedupe_key: m for m in store.messages("EV1")}
    assert by_key["k1"].status == "sent" and by_key["k1"].sent_at == NOW + timedelta(seconds=1)
    assert by_key["k2"].status == "failed" and by_key["k2"].error == "连接被拒绝"
    assert store.resend("EV1") == 1
    again = store.claim(NOW, "EV1")
    assert again is not None and again.id == second.id and again.attempts == 2
    assert store.pending_events() == ["EV2"]


def test_claims_never_overlap_between_workers(engine):
    store = OutboxStore(engine)
    store.enqueue([_message(f"k{i}") for i in range(20)], NOW)
    claimed: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        while (message := store.claim(NOW)) is not None:
            with lock:
                claimed.append(message.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 20


def test_an_unfinished_claim_becomes_unknown_not_pending(engine):
    store = OutboxStore(engine)
    store.enqueue([_message("k1"), _message("k2")], NOW)
    stuck = store.claim(NOW)
    assert stuck is not None
    assert store.expire_claims(NOW, "x") == 0  # not older than the cut-off
    assert store.expire_claims(NOW + timedelta(minutes=10), "发送中断，是否送达未知") == 1
    [unknown] = [m for m in store.messages("EV1") if m.id == stuck.id]
    assert unknown.status == "unknown" and unknown.error == "发送中断，是否送达未知"
    assert store.claim(NOW) is not None and store.claim(NOW) is None  # k2 only, never k1
    assert store.resend("EV1", ids=[stuck.id]) == 1
    assert store.counts("EV1")["pending"] == 1


def test_surveys_issue_once_and_answer_once(engine):
    store = SurveyStore(engine)
    store.issue("t1", "EV1", "E1", "U:青岛大学", "E1", NOW)
    store.issue("t1", "EV1", "E1", "U:青岛大学", "E1", NOW + timedelta(hours=1))
    survey = store.get("t1")
    assert survey is not None and survey.created_at == NOW and survey.answered_at is None
    assert store.get("nope") is None
    assert store.answered("EV1") == []
    answers = Answers(held=True, usefulness=4, intent=True, note="很有收获")
    assert store.answer("t1", answers, "到场情况：已举行", NOW)
    assert not store.answer("t1", Answers(False, None, None, ""), "", NOW)
    [done] = store.answered("EV1")
    assert (done.held, done.usefulness, done.intent, done.note) == (True, 4, True, "很有收获")
    assert done.applied == "到场情况：已举行" and done.answered_at == NOW
