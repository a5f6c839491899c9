"""The outcome rules hold at every entry point: the API, the web form, the follow-up sheet
upload and the CLI refuse the same updates with the same Chinese reason and store nothing;
a marked correction goes through and is recorded as one."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import matcher.cli.outcome_cmd  # noqa: F401  (registers `outcome`)
from matcher.cli import app
from matcher.events.model import Meeting, Participant
from matcher.outcomes.followup_xlsx import FOLLOWUP_HEADER
from matcher.outcomes.model import meeting_outcome_id
from tests.outcomes.world import UPC, UQD, build_event_world, plans

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_SHOW_SIGNED = "会谈未到场，进展阶段不能为「签约」"
BACK = "进展阶段不能从「签约」改回「意向」：如确为更正，请标明「更正」后再保存"
BAR = "U:大学|分校"


@pytest.fixture(scope="module")
def site(sqlite_service):
    for plan in plans():
        if plan.event.id == "EV3":  # a university whose name holds the id separator
            plan.participants.append(Participant(id=BAR, kind="university", ref=BAR[2:],
                                                 name=BAR[2:], role="supply"))  # fmt: skip
            plan.meetings.append(Meeting(a="E3", b=BAR, score=0.4, slot=1, table=1))
        sqlite_service.state.events.save(plan)
    return sqlite_service


def _put(site, **body):
    return site.request("organiser", "PUT", "/api/events/EV1/meetings/outcome", json=body)


def _form(site, **fields):
    data = {"a": "E4", "b": UQD, "attendance": "held", "stage": "none", "signed_amount": "",
            "notes": "", "next_follow_up": "", **fields}  # fmt: skip
    headers = {**site.browser("organiser"), "HX-Request": "true"}
    return site.client.post("/events/EV1/outcomes/row", data=data, headers=headers)


def test_the_api_refuses_a_signed_no_show_and_an_unmarked_move_back(site):
    before = site.state.outcomes.history()
    refused = _put(site, a="E1", b=UPC, attendance="未到场", stage="签约", signed_amount=30)
    assert refused.status_code == 422
    assert [(d["field"], d["reason"]) for d in refused.json()["details"]] == [
        ("stage", NO_SHOW_SIGNED)
    ]
    assert site.state.outcomes.history() == before
    assert _put(site, a="E1", b=UPC, attendance="held", stage="signed",
                signed_amount=30).status_code == 200  # fmt: skip
    back = _put(site, a="E1", b=UPC, stage="intent")
    assert back.status_code == 422 and back.json()["details"][0]["reason"] == BACK
    corrected = _put(site, a="E1", b=UPC, stage="intent", correction=True)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["outcome"]["signed_amount"] is None
    changes = [(c["field"], c["correction"]) for c in corrected.json()["changes"]]
    assert changes == [("stage", True), ("signed_amount", True)]


def test_the_web_form_refuses_the_same_and_takes_a_ticked_correction(site):
    assert _form(site, attendance="no_show", stage="signed").status_code == 422
    assert NO_SHOW_SIGNED in _form(site, attendance="no_show", stage="signed").text
    assert _form(site, stage="signed", signed_amount="40").status_code == 200
    key = meeting_outcome_id("EV1", "E4", UQD)
    refused = _form(site, stage="intent")
    assert refused.status_code == 422 and BACK in refused.text
    assert site.state.outcomes.get(key).stage == "signed"
    done = _form(site, stage="intent", correction="是")
    assert done.status_code == 200, done.text
    assert (site.state.outcomes.get(key).stage, site.state.outcomes.get(key).signed_amount) == (
        "intent", None,
    )  # fmt: skip
    assert [c.correction for c in site.state.outcomes.history(key)][-2:] == [True, True]


def test_a_follow_up_sheet_with_a_bar_in_a_participant_id_uploads(site):
    sheet = site.request("organiser", "GET", "/api/events/EV3/followup.xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    id_at, stage_at = FOLLOWUP_HEADER.index("结果编号"), FOLLOWUP_HEADER.index("到场情况")
    [row] = [r for r in book.active.iter_rows(min_row=2) if r[id_at].value.endswith(BAR)]
    row[stage_at].value = "已举行"
    data = io.BytesIO()
    book.save(data)
    files = {"file": ("跟踪表.xlsx", data.getvalue(), XLSX)}
    response = site.request("organiser", "POST", "/api/events/EV3/followup", files=files)
    assert response.status_code == 200, response.text
    assert site.state.outcomes.get(f"EV3|E3|{BAR}").attendance == "held"


def test_the_cli_refuses_the_same_and_takes_correction(tmp_path):
    root = build_event_world(tmp_path / "ws").root
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, ["outcome", "record", "EV1", "E1", UPC, *args, "--who", "张三",
                                   "-w", str(root)])  # fmt: skip

    refused = run("--attendance", "no_show", "--stage", "signed")
    assert refused.exit_code == 1 and NO_SHOW_SIGNED in refused.output
    assert run("--stage", "signed", "--amount", "30").exit_code == 0
    back = run("--stage", "intent")
    assert back.exit_code == 1 and BACK in " ".join(back.output.split()).replace(" ", "")
    done = run("--stage", "intent", "--correction")
    assert done.exit_code == 0, done.output
    assert "（更正）" in done.output
