"""One validation per field: the same bad value is refused by the domain model, the API, the
CLI and the web form, with the same Chinese reason (the rules live on the library's models;
the API schemas and the web form derive from them)."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import matcher.cli.outcome_cmd  # noqa: F401  (registers `outcome`)
from matcher.cli import app
from matcher.events.model import Event, Participant, make_slots
from matcher.ingest.validate import translate_error
from matcher.types import Need
from tests.outcomes.world import UPC, build_event_world, plans

LONG = "长" * 2001
TOO_LONG = "长度不能超过2000个字符"
MARS = "未知的产业链「火星产业链」"
BAD_ID = "格式不正确"
PRIORITY = "应小于等于10"
EVENT = {"name": "对接会", "date": "2026-12-03", "tables": 4, "slots": 2}


def _library_reason(build) -> str:
    with pytest.raises(ValidationError) as caught:
        build()
    [error] = caught.value.errors()
    return translate_error(error)


CASES = {
    "need text": (
        lambda: Need(id="N9", enterprise_id="E1", kind="tech", text=LONG),
        ("POST", "/api/needs", {"enterprise_id": "E1", "kind": "tech", "text": LONG}),
        TOO_LONG,
    ),
    "event chain": (
        lambda: Event(id="EVM", name="对接会", chain="火星产业链", date=date(2026, 12, 3),
                      tables=4, slots=make_slots(time(9), 20, 2)),
        ("POST", "/api/events", {**EVENT, "chain": "火星产业链"}),
        MARS,
    ),
    "record id": (
        lambda: Need(id="N|9", enterprise_id="E1", kind="tech", text="需要检测设备"),
        ("POST", "/api/needs", {"id": "N|9", "enterprise_id": "E1", "kind": "tech",
                                "text": "需要检测设备"}),
        BAD_ID,
    ),
    "participant priority": (
        lambda: Participant(id="E1", kind="enterprise", ref="E1", name="E1", role="demand",
                            priority=11),
        ("POST", "/api/events/EV1/participants",
         {"participants": [{"kind": "enterprise", "ref": "E1", "priority": 11}]}),
        PRIORITY,
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def site(sqlite_service):
    for plan in plans():
        sqlite_service.state.events.save(plan)
    return sqlite_service


@pytest.mark.parametrize("case", list(CASES))
def test_the_model_and_the_api_refuse_alike(site, case):
    build, (method, url, body), reason = CASES[case]
    assert reason in _library_reason(build)
    response = site.request("organiser", method, url, json=body)
    assert response.status_code == 422, response.text
    assert any(reason in d["reason"] for d in response.json()["details"]), response.text


@pytest.fixture
def workspace(tmp_path) -> Path:
    return build_event_world(tmp_path / "ws").root


def _cli(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 1, result.output
    return " ".join(result.output.split()).replace(" ", "")


def test_the_cli_refuses_alike(workspace, tmp_path):
    needs = tmp_path / "needs.jsonl"
    rows = [{"id": "N9", "enterprise_id": "E1", "kind": "tech", "text": LONG},
            {"id": "N|9", "enterprise_id": "E1", "kind": "tech", "text": "需要检测设备"}]  # fmt: skip
    needs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    refused = _cli("import", needs, "-w", workspace)
    assert TOO_LONG in refused and BAD_ID in refused
    created = _cli("event", "create", "EVM", "--name", "对接会", "--date", "2026-12-03",
                   "--chain", "火星产业链", "-w", workspace)  # fmt: skip
    assert MARS in created
    people = tmp_path / "participants.csv"
    people.write_text("类型,编号或名称,优先级\n企业,E1,11\n", "utf-8")
    assert PRIORITY in _cli("event", "add-participants", "EV1", people, "-w", workspace)
    notes = _cli("outcome", "record", "EV1", "E1", UPC, "--notes", LONG, "--who", "张三",
                 "-w", workspace)  # fmt: skip
    assert TOO_LONG in notes


def test_the_web_forms_refuse_alike(site):
    headers = site.browser("organiser")
    event = site.client.post("/events/new", data={**EVENT, "chain": "火星产业链"}, headers=headers)
    assert event.status_code == 422 and MARS in event.text
    body = {"a": "E1", "b": UPC, "attendance": "", "stage": "none", "signed_amount": "",
            "notes": LONG, "next_follow_up": ""}  # fmt: skip
    form = site.client.post("/events/EV1/outcomes/row", data=body,
                            headers={**headers, "HX-Request": "true"})  # fmt: skip
    assert form.status_code == 422 and TOO_LONG in form.text
    api = site.request("organiser", "PUT", "/api/events/EV1/meetings/outcome",
                       json={"a": "E1", "b": UPC, "notes": LONG})  # fmt: skip
    assert api.status_code == 422 and TOO_LONG in api.text
