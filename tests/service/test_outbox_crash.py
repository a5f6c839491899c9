"""A dispatcher killed between claiming a message and sending it (a real subprocess, SIGKILL
at `notify.claimed`): that message is never sent automatically, it becomes 「状态未知」 and
goes out once when staff resend it; the others go out once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from datetime import time as clock
from pathlib import Path

from sqlalchemy import Engine

from matcher.events.model import Event, EventPlan, Meeting, Participant, TimeSlot
from service import outbox
from service.settings import ServiceSettings
from storage.audit import AuditRepository
from storage.db import make_engine, upgrade
from storage.events import EventRepository
from storage.outbox import OutboxStore
from tests.service.notify_helpers import smtp_server

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import os, sys
from service import outbox
from storage.models import utc_now
from tests.service.test_outbox_crash import light_state
state = light_state(os.environ["URL"], os.environ["DATA"], int(os.environ["PORT"]))
outbox.dispatch(state, utc_now(), "EV-C")
"""


@dataclass
class LightState:
    """What `service.outbox` needs of the service state, without indexes or encoders."""

    settings: ServiceSettings
    engine: Engine
    events: EventRepository
    audit: AuditRepository


def light_state(
    url: str, data_dir: str, port: int, timeout: float = 5, interval: int = 0
) -> LightState:
    notify = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": "none",
              "smtp_from": "noreply@example.cn", "smtp_timeout_seconds": timeout,
              "webhook_timeout_seconds": timeout, "dispatch_interval_seconds": interval}  # fmt: skip
    settings = ServiceSettings(data_dir=Path(data_dir), database_url=url, notify=notify)
    engine = make_engine(url)
    return LightState(settings, engine, EventRepository(engine), AuditRepository(engine))


def _plan() -> EventPlan:
    people = [
        Participant(id=f"E{i}", kind="enterprise", ref=f"E{i}", name=f"企业{i}", role="both",
                    email=f"e{i}@example.cn")
        for i in range(1, 5)
    ]  # fmt: skip
    event = Event(id="EV-C", name="崩溃测试", date=date(2026, 12, 10), tables=2,
                  slots=[TimeSlot(start=clock(9), end=clock(9, 20))])  # fmt: skip
    meetings = [Meeting(a="E1", b="E2", score=1, slot=0, table=1),
                Meeting(a="E3", b="E4", score=1, slot=0, table=2)]  # fmt: skip
    return EventPlan(event=event, participants=people, meetings=meetings, published=True)


def test_kill_between_claim_and_send_never_sends_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'matcher.db'}"
    engine = make_engine(url)
    upgrade(engine)
    EventRepository(engine).save(_plan())
    engine.dispose()
    with smtp_server() as (inbox, port):
        state = light_state(url, str(tmp_path / "data"), port, timeout=0.05)
        assert outbox.notify(state, "EV-C", "invitation", None).added == 4
        env = {**os.environ, "MATCHER_CRASH_AT": "notify.claimed", "URL": url,
               "DATA": str(tmp_path / "data"), "PORT": str(port), "PYTHONPATH": str(ROOT)}  # fmt: skip
        child = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, timeout=120)
        assert child.returncode == -signal.SIGKILL
        store = OutboxStore(state.engine)
        [stuck] = [m for m in store.messages("EV-C") if m.status == "sending"]
        assert inbox.messages == []
        time.sleep(outbox.claim_timeout(state).total_seconds() + 0.2)
        done = outbox.dispatch(state, stuck.created_at, "EV-C")
        assert (done.unknown, done.sent, done.failed) == (1, 3, 0)
        statuses = {m.address: m.status for m in store.messages("EV-C")}
        assert statuses[stuck.address] == "unknown"
        assert sorted(inbox.recipients) == sorted([a] for a, s in statuses.items() if s == "sent")
        assert outbox.dispatch(state, stuck.created_at, "EV-C").sent == 0  # not resent by itself
        assert store.resend("EV-C", [stuck.id]) == 1
        assert outbox.dispatch(state, stuck.created_at, "EV-C").sent == 1
        assert sorted(r[0] for r in inbox.recipients) == sorted(statuses)  # each exactly once
        state.engine.dispose()


def test_the_dispatcher_thread_sends_on_its_own(tmp_path):
    url = f"sqlite:///{tmp_path / 'matcher.db'}"
    engine = make_engine(url)
    upgrade(engine)
    EventRepository(engine).save(_plan())
    engine.dispose()
    with smtp_server() as (inbox, port):
        assert outbox.Dispatcher.started(light_state(url, str(tmp_path), port)) is None
        state = light_state(url, str(tmp_path), port, interval=1)
        dispatcher = outbox.Dispatcher.started(state)
        assert dispatcher is not None
        try:
            outbox.notify(state, "EV-C", "invitation", None)
            deadline = time.monotonic() + 30
            while len(inbox.messages) < 4 and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            dispatcher.stop()
        assert len(inbox.messages) == 4
        assert OutboxStore(state.engine).counts("EV-C")["sent"] == 4
        state.engine.dispose()
