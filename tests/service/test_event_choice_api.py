"""Participant choice through the API on SQLite and PostgreSQL: phases, recommended
counterparts, 必见 / 想见 / 不见 with the 10-must limit and stale versions, meeting requests
that expire, own-participant access, and the organiser's counts."""

from __future__ import annotations

from datetime import timedelta

from storage.models import utc_now
from tests.service.test_events_api import INDUSTRY, create, error, post

SHIDA, QINGDA = "U:中国石油大学（华东）", "U:青岛大学"


def phase(service, event_id: str, target: str, **extra):
    return post(service, f"/api/events/{event_id}/phase", json={"phase": target, **extra})


def choices(service, event_id: str, who: str, participant: str):
    return service.request(who, "GET", f"/api/events/{event_id}/choices/{participant}")


def put_picks(service, event_id: str, who: str, participant: str, picks: dict, version=None):
    headers = {"If-Match": f'"{version}"'} if version is not None else {}
    return service.request(who, "PUT", f"/api/events/{event_id}/choices/{participant}/picks",
                           json={"picks": picks}, headers=headers)  # fmt: skip


def test_phases_move_forward_and_back_with_publishing(service):
    create(service, "EV-ph", INDUSTRY)
    assert choices(service, "EV-ph", "e1", "E1").json()["phase_label"] == "报名"
    error(phase(service, "EV-ph", "provisional"), 409, "请先生成配对与日程")
    moved = phase(service, "EV-ph", "preferences", choice_mode="picks")
    assert moved.status_code == 200 and moved.json()["phase_label"] == "意向征集"
    assert moved.headers["ETag"] == f'"{moved.json()["version"]}"'
    error(phase(service, "EV-ph", "preferences"), 409, "已处于「意向征集」")
    stale = post(service, "/api/events/EV-ph/phase", json={"phase": "registration"},
                 headers={"If-Match": '"1"'})  # fmt: skip
    error(stale, 409, "已被他人修改")
    assert post(service, "/api/events/EV-ph/regenerate?wait=true").status_code == 200
    assert phase(service, "EV-ph", "provisional").json()["published"] is False
    mine = choices(service, "EV-ph", "e1", "E1").json()
    assert mine["provisional"] and mine["agenda"]["meetings"]
    assert service.request("e1", "GET", "/api/events/EV-ph/my-agenda").status_code == 403
    assert phase(service, "EV-ph", "published").json()["published"] is True
    assert service.request("e1", "GET", "/api/events/EV-ph/my-agenda").status_code == 200
    assert not choices(service, "EV-ph", "e1", "E1").json()["provisional"]
    back = phase(service, "EV-ph", "preferences").json()
    assert back["published"] is False and back["phase"] == "preferences"
    bad = post(service, "/api/events/EV-ph/phase", json={"phase": "later"})
    assert bad.status_code == 422
    error(phase(service, "EV-none", "preferences"), 404)


def test_picks_are_own_limited_and_versioned(service):
    create(service, "EV-pk", INDUSTRY)
    error(put_picks(service, "EV-pk", "e1", "E1", {SHIDA: "must"}), 409, "意向征集")
    phase(service, "EV-pk", "preferences")
    seen = choices(service, "EV-pk", "e1", "E1")
    body = seen.json()
    top = {c["id"]: c for c in body["counterparts"]}
    assert SHIDA in top and 0 < top[SHIDA]["score"] <= 1 and top[SHIDA]["reasons"]
    assert not any(r.startswith("双方意愿") for r in top[SHIDA]["reasons"])
    saved = put_picks(service, "EV-pk", "e1", "E1", {SHIDA: "must", "E4": "no"}, body["version"])
    assert saved.status_code == 200, saved.text
    assert saved.json()["picks"] == {SHIDA: "must", "E4": "no"}
    assert {c["id"]: c["pick"] for c in saved.json()["counterparts"]}[SHIDA] == "must"
    error(put_picks(service, "EV-pk", "e1", "E1", {SHIDA: "want"}, body["version"]), 409,
          "已被他人修改")  # fmt: skip
    stored = service.state.events.load("EV-pk").participant("E1").picks
    assert stored == {SHIDA: "must", "E4": "no"}
    error(put_picks(service, "EV-pk", "e1", "E1", {"E9": "want"}), 422, "E9")
    error(put_picks(service, "EV-pk", "e1", "E1", {"E1": "want"}), 422, "不能选择自己")
    many = {f"X{i}": "must" for i in range(11)}
    for i in range(11):  # eleven real participants, all 必见
        service.state.event_change("EV-pk", lambda p, i=i: _add_dummy(p, f"X{i}"), None)
    error(put_picks(service, "EV-pk", "e1", "E1", many), 422, "必见", "最多标记 10 个")
    # another participant's choices: 403; staff read but do not write
    error(choices(service, "EV-pk", "e1", "E3"), 403, "只能查看和修改本单位自己的意向")
    error(put_picks(service, "EV-pk", "e2", "E1", {}), 403)
    error(choices(service, "EV-pk", "e2", "E2"), 403, "未参加")
    assert choices(service, "EV-pk", "organiser", "E1").json()["picks"][SHIDA] == "must"
    error(put_picks(service, "EV-pk", "organiser", "E1", {}), 403, "组织方不能代参会方")
    error(choices(service, "EV-pk", "organiser", "E9"), 404)
    counts = service.request("organiser", "GET", "/api/events/EV-pk/choices").json()
    row = {r["participant"]: r for r in counts["rows"]}
    assert (row["E1"]["must"], row["E1"]["no"], row["E1"]["chosen"]) == (1, 1, True)
    assert not row["E3"]["chosen"] and counts["not_chosen"] == len(counts["rows"]) - 1
    assert service.request("e1", "GET", "/api/events/EV-pk/choices").status_code == 403


def _add_dummy(plan, pid: str) -> str:
    from matcher.events.model import Participant

    plan.participants.append(Participant(id=pid, kind="enterprise", ref=pid, name=f"企业{pid}",
                                         role="supply"))  # fmt: skip
    return f"添加 {pid}"


def test_requests_are_answered_and_expire(service):
    create(service, "EV-rq", INDUSTRY)
    phase(service, "EV-rq", "preferences", choice_mode="requests", request_expiry_hours=2)
    url = "/api/events/EV-rq/choices/E1/requests"
    error(put_picks(service, "EV-rq", "e1", "E1", {SHIDA: "must"}), 409, "会谈邀请")
    sent = service.request("e1", "POST", url, json={"recipient": QINGDA, "message": "想了解成果"})
    assert sent.status_code == 200, sent.text
    request = sent.json()["requests"][0]
    assert (request["status_label"], request["message"]) == ("待答复", "想了解成果")
    error(service.request("e1", "POST", url, json={"recipient": QINGDA}), 409, "请等待对方答复")
    theirs = choices(service, "EV-rq", "university", QINGDA).json()
    assert theirs["requests"][0]["sender"] == "E1"
    answer = f"/api/events/EV-rq/choices/{QINGDA}/requests/answer"
    accepted = service.request("university", "POST", answer,
                               json={"other": "E1", "answer": "accept"})  # fmt: skip
    assert accepted.json()["requests"][0]["status"] == "accepted", accepted.text
    error(service.request("e1", "POST", url, json={"recipient": QINGDA}), 409, "已被接受")
    # a request past its expiry shows as 已过期 and blocks nothing
    service.request("e1", "POST", url, json={"recipient": SHIDA})

    def age(plan) -> str:
        for r in plan.requests:
            if r.recipient == SHIDA:
                r.expires = utc_now() - timedelta(minutes=1)
        return "aged"

    service.state.event_change("EV-rq", age, None)
    late = service.request("university", "GET", f"/api/events/EV-rq/choices/{SHIDA}")
    assert late.status_code == 403  # not its own
    seen = choices(service, "EV-rq", "e1", "E1").json()
    assert {r["recipient"]: r["status_label"] for r in seen["requests"]}[SHIDA] == "已过期"
    error(service.request("e1", "POST", "/api/events/EV-rq/choices/E1/requests/answer",
                          json={"other": SHIDA, "answer": "withdraw"}), 409, "已过期")  # fmt: skip
    again = service.request("e1", "POST", url, json={"recipient": SHIDA})
    assert again.status_code == 200, again.text
    counts = service.request("organiser", "GET", "/api/events/EV-rq/choices").json()
    assert counts["accepted"] == [sorted(["E1", QINGDA])]
    row = {r["participant"]: r for r in counts["rows"]}["E1"]
    assert (row["sent"], row["accepted"]) == (3, 1)
    plan = service.state.events.load("EV-rq")
    assert [r.status for r in plan.requests].count("accepted") == 1
