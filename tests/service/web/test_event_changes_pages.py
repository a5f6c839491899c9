"""临时调整 pages over HTTP: the settings form (filled in, field errors, a stale form is a 409
and writes nothing, unscheduling on request), removing a participant and restoring it, and
the 允许调整已发布的会谈 box on a published event."""

from __future__ import annotations

import re

import pytest

from tests.service.test_event_changes_api import generated

CONFLICT = "数据已被他人修改，请刷新后重试"
HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def site(sqlite_service):
    return sqlite_service


def get(service, url, **headers):
    cookie = service.browser("organiser")
    return service.client.get(url, headers={**cookie, **headers}, follow_redirects=False)


def post(service, url, data, **headers):
    cookie = service.browser("organiser")
    return service.client.post(url, data=data, headers={**cookie, **headers},
                               follow_redirects=False)  # fmt: skip


def form_values(page: str) -> dict[str, str]:
    values = dict(re.findall(r'name="([a-z_]+)" type="[a-z]+" value="([^"]*)"', page))
    values.update(re.findall(r'name="(version|csrf_token)" value="([^"]*)"', page))
    values["kind"], values["choice_mode"] = "industry", "picks"
    return values


def test_the_settings_form_saves_refuses_and_unschedules(site):
    generated(site, "EV-web-s")
    page = get(site, "/events/EV-web-s/settings")
    assert page.status_code == 200 and "修改活动设置" in page.text
    values = form_values(page.text)
    assert values["slots"] == "4" and values["tables"] == "3" and values["minutes"] == "20"
    plan = site.state.events.load("EV-web-s")
    used = max(m.slot for m in plan.meetings if m.slot is not None)

    bad = post(site, "/events/EV-web-s/settings", {**values, "tables": "0"})
    assert bad.status_code == 422 and 'data-field="tables"' in bad.text

    if used >= 1:
        short = post(site, "/events/EV-web-s/settings", {**values, "slots": "1"})
        assert short.status_code == 422 and "场次不能少于" in short.text
        assert len(site.state.events.load("EV-web-s").event.slots) == 4

    saved = post(site, "/events/EV-web-s/settings",
                 {**values, "name": "改名的对接会", "slots": "1", "unschedule": "1",
                  "reminder_minutes": "45"})  # fmt: skip
    assert saved.status_code == 303, saved.text
    plan = site.state.events.load("EV-web-s")
    assert plan.event.name == "改名的对接会" and len(plan.event.slots) == 1
    assert plan.event.reminder_minutes == 45
    assert all(m.slot in (None, 0) for m in plan.meetings)

    stale = post(site, "/events/EV-web-s/settings", {**values, "name": "旧表单"})
    assert stale.status_code == 409 and CONFLICT in stale.text
    assert site.state.events.load("EV-web-s").event.name == "改名的对接会"


def test_removing_a_participant_and_restoring_it_from_the_event_page(site):
    generated(site, "EV-web-p")
    page = get(site, "/events/EV-web-p")
    assert "hx-confirm=" in page.text and "删除参会方" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    removed = post(site, "/events/EV-web-p/changes/participants/remove",
                   {"participant": "E4", "version": version}, **HTMX)  # fmt: skip
    assert removed.status_code == 200 and "可在「可恢复的删除」中恢复" in removed.text
    assert "E4" not in {p.id for p in site.state.events.load("EV-web-p").participants}
    stale = post(site, "/events/EV-web-p/changes/restore/0", {"version": version}, **HTMX)
    assert stale.status_code == 409 and CONFLICT in stale.text
    entries = site.state.events.load("EV-web-p").restore
    index = next(i for i, e in enumerate(entries) if e.what == "participant")
    back = post(site, f"/events/EV-web-p/changes/restore/{index}", {}, **HTMX)
    assert back.status_code == 200 and "已恢复参会方" in back.text
    assert "E4" in {p.id for p in site.state.events.load("EV-web-p").participants}


def test_a_published_event_offers_to_allow_moving_its_meetings(site):
    generated(site, "EV-web-r")
    assert "允许调整已发布的会谈" not in get(site, "/events/EV-web-r").text
    site.request("organiser", "POST", "/api/events/EV-web-r/publish", json={"published": True})
    assert 'name="allow_moves"' in get(site, "/events/EV-web-r").text
