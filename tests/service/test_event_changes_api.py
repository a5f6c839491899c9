"""Late changes through the API on SQLite and PostgreSQL: removing participants and meetings
onto the restore list and restoring them, editing settings (validated, version-checked),
regenerating a published plan without moving its meetings, a financing day by chain."""

from __future__ import annotations

from tests.service.test_events_api import INDUSTRY, create, pairs, post

SHIDA = "U:中国石油大学（华东）"


def generated(service, event_id: str, **setup) -> dict:
    create(service, event_id, INDUSTRY, **setup)
    response = post(service, f"/api/events/{event_id}/regenerate?wait=true")
    assert response.status_code == 200, response.text
    return response.json()


def version(service, event_id: str) -> str:
    return service.request("organiser", "GET", f"/api/events/{event_id}").headers["ETag"]


def test_a_removed_meeting_is_restored_to_its_place(service):
    detail = generated(service, "EV-chg-m")
    first = detail["meetings"][0]
    place = (first["slot"], first["table"])
    removed = post(service, "/api/events/EV-chg-m/removals", json={"a": first["a"], "b": first["b"]},
                   headers={"If-Match": version(service, "EV-chg-m")})  # fmt: skip
    assert removed.status_code == 200, removed.text
    body = removed.json()
    assert "可在「可恢复的删除」中恢复" in body["message"]
    assert frozenset((first["a"], first["b"])) not in pairs(body["event"])
    assert [item["what"] for item in body["restore"]] == ["meeting"]
    listed = service.request("organiser", "GET", "/api/events/EV-chg-m/restore").json()
    assert listed == body["restore"]
    again = post(service, "/api/events/EV-chg-m/regenerate?wait=true").json()
    assert frozenset((first["a"], first["b"])) not in pairs(again)  # removed stays removed
    back = post(service, "/api/events/EV-chg-m/restore/0")
    assert back.status_code == 200, back.text
    meeting = pairs(back.json()["event"])[frozenset((first["a"], first["b"]))]
    assert (meeting["slot"], meeting["table"]) == place or "暂未排入" in back.json()["message"]
    assert back.json()["restore"] == []
    assert post(service, "/api/events/EV-chg-m/restore/0").status_code == 404


def test_a_removed_participant_goes_with_its_meetings_and_comes_back(service):
    generated(service, "EV-chg-p")
    gone = service.request("organiser", "DELETE", f"/api/events/EV-chg-p/participants/{SHIDA}")
    assert gone.status_code == 200, gone.text
    body = gone.json()
    assert SHIDA not in {p["id"] for p in body["event"]["participants"]}
    assert all(SHIDA not in (m["a"], m["b"]) for m in body["event"]["meetings"])
    assert body["restore"][-1]["what"] == "participant"
    index = body["restore"][-1]["index"]
    back = post(service, f"/api/events/EV-chg-p/restore/{index}").json()
    assert back["message"] == "已恢复参会方 中国石油大学（华东）"
    assert SHIDA in {p["id"] for p in back["event"]["participants"]}
    missing = service.request("organiser", "DELETE", "/api/events/EV-chg-p/participants/E999")
    assert missing.status_code == 404


def test_settings_edits_are_validated_and_version_checked(service):
    generated(service, "EV-chg-s")
    tag = version(service, "EV-chg-s")
    body = {"name": "改名后的对接会", "date": "2026-12-04", "slots": 1, "tables": 3,
            "choice_mode": "requests", "reminder_minutes": 30}  # fmt: skip
    used = max(m["slot"] for m in service.request("organiser", "GET",
               "/api/events/EV-chg-s").json()["meetings"])  # fmt: skip
    path = "/api/events/EV-chg-s/settings"
    refused = service.request("organiser", "PUT", path, json=body, headers={"If-Match": tag})
    if used >= 1:
        assert refused.status_code == 422, refused.text
        assert "slots" in refused.text and "场次不能少于" in refused.text
        body["unschedule"] = True
    saved = service.request("organiser", "PUT", path, json=body, headers={"If-Match": tag})
    assert saved.status_code == 200, saved.text
    event = saved.json()["event"]
    assert event["event"]["name"] == "改名后的对接会" and len(event["event"]["slots"]) == 1
    plan = service.state.events.load("EV-chg-s")
    assert plan.event.choice_mode == "requests" and plan.event.reminder_minutes == 30
    stale = service.request("organiser", "PUT", path, json=body, headers={"If-Match": tag})
    assert stale.status_code == 409 and "数据已被他人修改，请刷新后重试" in stale.text
    assert service.request("organiser", "PUT", path, json={**body, "tables": 0}).status_code == 422
    assert service.request("e1", "PUT", path, json=body).status_code == 403


def test_regenerating_a_published_plan_keeps_its_meetings(service):
    detail = generated(service, "EV-chg-r")
    post(service, "/api/events/EV-chg-r/publish", json={"published": True})
    before = {key: (m["slot"], m["table"]) for key, m in pairs(detail).items()}
    added = post(service, "/api/events/EV-chg-r/participants",
                 json={"participants": [{"kind": "enterprise", "ref": "E2"}]})  # fmt: skip
    assert added.status_code == 200, added.text
    after = pairs(post(service, "/api/events/EV-chg-r/regenerate?wait=true").json())
    assert {key: (after[key]["slot"], after[key]["table"]) for key in before} == before


def test_a_financing_day_by_chain_adds_only_finance_needs(service):
    create(service, "EV-chg-f", kind="finance")
    added = post(service, "/api/events/EV-chg-f/participants", json={"by_chain": 30})
    assert added.status_code == 200, added.text
    ids = {p["id"] for p in added.json()["participants"]}
    assert {"E1", "E2"} <= ids and not {"E3", "E4"} & ids
    assert "B:青岛银行" in ids
