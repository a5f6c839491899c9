"""Versions over the API, on SQLite and PostgreSQL: one record, event plan and outcome is read
with its `ETag`; a change stating a stale `If-Match` gets 409 「数据已被他人修改，请刷新后重试」
and changes nothing; without `If-Match` changes apply as before. Two apps on one database
(two service processes) race pairs of writes on needs and outcomes and 10 meeting locks on
one event: no update is lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from tests.service.conftest import Service, settings_for
from tests.storage.test_concurrent_writes import _event, race

CONFLICT = "数据已被他人修改，请刷新后重试"
PAIRS = 30  # per race over HTTP (every write also updates the index); the stores race 100


def need_body(text: str = "需要一笔设备采购贷款") -> dict:
    return {"enterprise_id": "E1", "kind": "finance", "text": text, "amount": 50}


def test_one_record_carries_its_version_and_a_stale_write_changes_nothing(service):
    created = service.request("e1", "POST", "/api/needs", json=need_body())
    assert created.status_code == 201, created.text
    assert (created.headers["ETag"], created.json()["version"]) == ('"1"', 1)
    url = f"/api/needs/{created.json()['id']}"
    read = service.request("e1", "GET", url)
    assert (read.headers["ETag"], read.json()["version"]) == ('"1"', 1)
    first = service.request("e1", "PUT", url, json={"amount": 80}, headers={"If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert (first.headers["ETag"], first.json()["version"], first.json()["amount"]) == (
        '"2"',
        2,
        80,
    )
    stale = service.request(
        "organiser", "PUT", url, json={"amount": 10}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    message = stale.json()["message"]
    assert message.startswith(CONFLICT) and f"需求「{created.json()['id']}」" in message
    assert "现为第 2 版" in message and stale.headers["ETag"] == '"2"'
    assert stale.json()["details"] == [{"what": f"需求「{created.json()['id']}」", "current": 2,
                                         "expected": 1}]  # fmt: skip
    gone = service.request("admin", "DELETE", url, headers={"If-Match": "1"})
    assert gone.status_code == 409
    now = service.request("e1", "GET", url)
    assert (now.json()["amount"], now.headers["ETag"]) == (80, '"2"')  # neither write happened
    bad = service.request("e1", "PUT", url, json={"amount": 1}, headers={"If-Match": "v2"})
    assert bad.status_code == 422 and bad.json()["details"][0]["location"] == "header"
    # Without If-Match (or with *) a change applies as it always did.
    assert service.request("e1", "PUT", url, json={"amount": 90}).json()["version"] == 3
    assert service.request("e1", "PUT", url, json={"amount": 95},
                           headers={"If-Match": "*"}).json()["version"] == 4  # fmt: skip
    assert service.request("admin", "DELETE", url, headers={"If-Match": '"4"'}).status_code == 204


def test_an_event_change_with_a_stale_version_changes_nothing(service):
    plan = _event(10)
    plan.event.id = f"EV-ver-{service.backend}"
    service.state.events.save(plan)
    url = f"/api/events/{plan.event.id}"
    read = service.request("organiser", "GET", url)
    assert (read.headers["ETag"], read.json()["version"]) == ('"1"', 1)
    pair = {"a": "A0", "b": "B0"}
    locked = service.request("organiser", "POST", f"{url}/meetings/lock", json=pair,
                             headers={"If-Match": '"1"'})  # fmt: skip
    assert locked.status_code == 200 and locked.headers["ETag"] == '"2"'
    stale = service.request("admin", "POST", f"{url}/meetings/remove", json=pair,
                            headers={"If-Match": '"1"'})  # fmt: skip
    assert stale.status_code == 409 and stale.json()["message"].startswith(CONFLICT)
    assert "对接活动" in stale.json()["message"] and "现为第 2 版" in stale.json()["message"]
    now = service.request("organiser", "GET", url).json()
    assert now["version"] == 2 and now["removed"] == []
    unpublish = service.request("organiser", "POST", f"{url}/publish", json={"published": False})
    assert unpublish.status_code == 200 and unpublish.json()["version"] == 3  # no If-Match
    assert service.request("admin", "DELETE", url, headers={"If-Match": '"2"'}).status_code == 409
    assert service.request("admin", "DELETE", url, headers={"If-Match": '"3"'}).status_code == 204


def test_an_outcome_recorded_with_a_stale_version_changes_nothing(service):
    plan = _event(10)
    plan.event.id = f"EV-out-{service.backend}"
    service.state.events.save(plan)
    url = f"/api/events/{plan.event.id}/meetings/outcome"
    body = {"a": "A1", "b": "B0", "stage": "intent"}
    first = service.request("organiser", "PUT", url, json=body, headers={"If-Match": '"0"'})
    assert first.status_code == 200 and first.headers["ETag"] == '"1"'
    assert first.json()["outcome"]["version"] == 1
    again = service.request("admin", "PUT", url, json={**body, "notes": "也记一笔"},
                            headers={"If-Match": '"0"'})  # fmt: skip
    assert again.status_code == 409
    assert again.json()["message"] == (
        f"{CONFLICT}：会谈结果「{plan.event.id}|A1|B0」已被他人创建（现为第 1 版）"
    )
    outcome_id = first.json()["outcome"]["id"]
    shown = service.request("organiser", "GET", f"/api/outcomes/{outcome_id}/history")
    assert shown.headers["ETag"] == '"1"' and shown.json()["outcome"]["notes"] == ""
    finance = {"enterprise_id": "E1", "product_id": "F1", "status": "applied"}
    done = service.request("organiser", "POST", "/api/finance-outcomes", json=finance)
    version = done.json()["outcome"]["version"]
    late = service.request("bank", "POST", "/api/finance-outcomes",
                           json={**finance, "status": "approved"},
                           headers={"If-Match": str(version - 1)})  # fmt: skip
    assert late.status_code == 409 and "融资结果「E1|F1」" in late.json()["message"]


def test_openapi_documents_if_match_and_the_version(service):
    spec = service.client.get("/openapi.json").json()
    put = spec["paths"]["/api/needs/{record_id}"]["put"]
    [header] = [p for p in put["parameters"] if p["in"] == "header"]
    assert header["name"] == "If-Match" and "不给出时照常修改" in header["description"]
    assert "version" in spec["components"]["schemas"]["NeedDetail"]["properties"]
    lock = spec["paths"]["/api/events/{event_id}/meetings/{action}"]["post"]
    assert any(p["name"] == "If-Match" for p in lock["parameters"])


@pytest.fixture(scope="module")
def two_apps(service, tmp_path_factory) -> Iterator[tuple[Service, Service]]:
    """A second app (another service process) on the first one's database."""
    settings = service.state.settings
    url, schema = settings.resolved_database_url(), settings.database_schema
    app = create_app(settings_for(url, schema, tmp_path_factory.mktemp("second")), progress=False)
    with TestClient(app) as client:
        yield service, Service(app, client, service.keys, service.backend)


def test_two_workers_racing_on_needs_lose_no_update(two_apps):
    first, second = two_apps
    ids = [first.request("e1", "POST", "/api/needs", json=need_body(f"需要贷款 第{i}笔")).json()["id"]
           for i in range(PAIRS)]  # fmt: skip
    for number, record_id in enumerate(ids):  # without If-Match: both changes land
        url = f"/api/needs/{record_id}"
        results = race(
            lambda url=url, n=number: first.request("e1", "PUT", url, json={"amount": n + 100}),
            lambda url=url: second.request("e1", "PUT", url, json={"deadline": "2027-06-30"}),
        )
        assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    lost = refused_but_written = 0
    for number, record_id in enumerate(ids):  # with If-Match: a stale one is refused
        url = f"/api/needs/{record_id}"

        def put(app: Service, body: dict, url: str = url):
            tag = app.request("e1", "GET", url).headers["ETag"]
            return app.request("e1", "PUT", url, json=body, headers={"If-Match": tag})

        results = race(lambda: put(first, {"term_months": 6}),
                       lambda: put(second, {"collateral": "抵押"}))  # fmt: skip
        now = first.request("e1", "GET", url).json()
        assert (now["amount"], now["deadline"]) == (number + 100, "2027-06-30")
        applied = [now["term_months"] == 6, now["collateral"] == "抵押"]
        for response, done in zip(results, applied, strict=True):
            assert response.status_code in (200, 409), response.text
            if response.status_code == 200:
                lost += not done
            else:
                refused_but_written += done
        assert now["version"] == 3 + sum(r.status_code == 200 for r in results)
        assert any(r.status_code == 200 for r in results)  # one of a pair always lands
    assert (lost, refused_but_written) == (0, 0)


def test_ten_meeting_locks_from_two_workers_all_land(two_apps):
    first, second = two_apps
    plan = _event(10)
    plan.event.id = f"EV-locks-{first.backend}"
    first.state.events.save(plan)
    url = f"/api/events/{plan.event.id}/meetings/lock"
    locks = [
        lambda app=(first, second)[i % 2], m=m: app.request(
            "organiser", "POST", url, json={"a": m.a, "b": m.b}
        )
        for i, m in enumerate(plan.meetings)
    ]
    assert [r.status_code for r in race(*locks)] == [200] * 10
    stored = second.request("organiser", "GET", f"/api/events/{plan.event.id}").json()
    assert all(m["locked"] for m in stored["meetings"]) and stored["version"] == 11


def test_two_workers_racing_on_outcomes_lose_no_update(two_apps):
    first, second = two_apps
    plan = _event(PAIRS)
    plan.event.id = f"EV-race-{first.backend}"
    first.state.events.save(plan)
    keys = [f"{plan.event.id}|{m.a}|{m.b}" for m in plan.meetings]
    first.state.outcomes.record_meetings([(key, {"attendance": "held"}) for key in keys], "张三")
    url = f"/api/events/{plan.event.id}/meetings/outcome"
    for meeting in plan.meetings:
        pair = {"a": meeting.a, "b": meeting.b}
        results = race(
            lambda pair=pair: first.request(
                "organiser", "PUT", url, json={**pair, "stage": "intent"}
            ),
            lambda pair=pair: second.request("admin", "PUT", url, json={**pair, "notes": "已回访"}),
        )
        assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    outcomes = first.state.outcomes.meeting_outcomes(plan.event.id)
    assert all((o.stage, o.notes, o.version) == ("intent", "已回访", 3) for o in outcomes.values())
