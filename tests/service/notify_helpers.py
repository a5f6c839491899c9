"""Real receivers for notification tests: an SMTP server (aiosmtpd) and an HTTP webhook
receiver (http.server), both on 127.0.0.1 and a free port, and an event with contacts."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.service.conftest import Service

CONTACTS = {  # participant id → (contact, phone, email)
    "E1": ("李经理", "13800000001", "e1@example.cn"),
    "E2": ("王总", "13800000002", "e2@example.cn"),
    "U:青岛大学": ("张教授", "13800000003", "qdu@example.cn"),
    "B:青岛银行": ("赵行长", "", "bank@example.cn"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    """A real SMTP server; yields its inbox and port."""
    inbox, port = _Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Receiver:
    """What the webhook receiver got, and the status it answers with."""

    port: int
    status: int = 200
    requests: list[tuple[dict[str, str], dict]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/gateway"


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    """A local HTTP server recording every POST (headers, JSON body)."""
    receiver = Receiver(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            receiver.requests.append((dict(self.headers), body))
            self.send_response(receiver.status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def published_event(service: Service, event_id: str, publish: bool = True) -> dict:
    """An event of E1, E2, 青岛大学 and 青岛银行, paired and scheduled, contacts set on its
    participants (and published); returns its detail."""

    def ok(method: str, url: str, **kwargs: Any) -> dict:
        response = service.request("organiser", method, url, **kwargs)
        assert response.status_code < 300, (url, response.text)
        return response.json() if response.content else {}

    ok("POST", "/api/events", json={"id": event_id, "name": "通知测试对接会", "date": "2026-12-10",
                                    "venue": "青岛国际会议中心"})  # fmt: skip
    people = [{"kind": "enterprise", "ref": "E1"}, {"kind": "enterprise", "ref": "E2"},
              {"kind": "university", "ref": "青岛大学"}, {"kind": "bank", "ref": "青岛银行"}]  # fmt: skip
    ok("POST", f"/api/events/{event_id}/participants", json={"participants": people})
    ok("POST", f"/api/events/{event_id}/regenerate", params={"wait": "true"})

    def contacts(plan) -> str:
        for participant in plan.participants:
            name, phone, email = CONTACTS.get(participant.id, ("", "", ""))
            participant.contact_name, participant.phone, participant.email = name, phone, email
        return "联系方式"

    service.state.event_change(event_id, contacts, None)
    if publish:
        ok("POST", f"/api/events/{event_id}/publish")
    return ok("GET", f"/api/events/{event_id}")
