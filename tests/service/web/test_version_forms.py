"""Web forms carry the version they were filled in from (a hidden field): submitting one over
data someone else changed meanwhile shows 「数据已被他人修改，请刷新后重试」 on the form, keeps
what was typed, and writes nothing; the need form, the inline outcome form and the event
page's meeting buttons."""

from __future__ import annotations

import re

import pytest

from tests.storage.test_concurrent_writes import _event

CONFLICT = "数据已被他人修改，请刷新后重试"
HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def site(sqlite_service):
    return sqlite_service


def get(service, who, url, **headers):
    cookie = service.browser(who)
    return service.client.get(url, headers={**cookie, **headers}, follow_redirects=False)


def post(service, who, url, data, **headers):
    cookie = service.browser(who)
    return service.client.post(url, data=data, headers={**cookie, **headers},
                               follow_redirects=False)  # fmt: skip


def hidden_version(page: str) -> str:
    [version] = set(re.findall(r'name="version" value="(\d+)"', page))
    return version


def test_a_stale_need_form_keeps_the_input_and_writes_nothing(site):
    store = site.state.store
    form = get(site, "e2", "/needs/N3/edit")
    seen = hidden_version(form.text)
    assert int(seen) == store.get_versioned("need", "N3")[1]
    need = store.get("need", "N3")
    site.state.write("need", [need.model_copy(update={"amount": 123.0})], None, "update")
    typed = {"kind": "finance", "text": "采购冷链运输车，需要一笔设备贷款（已改）", "amount": "90",
             "version": seen}  # fmt: skip
    stale = post(site, "e2", "/needs/N3/edit", typed)
    assert stale.status_code == 409
    assert CONFLICT in stale.text and "需求「N3」已被他人修改" in stale.text
    assert "采购冷链运输车，需要一笔设备贷款（已改）" in stale.text and 'value="90"' in stale.text
    assert store.get("need", "N3").amount == 123.0  # the other change stays, ours is not written
    fresh = hidden_version(get(site, "e2", "/needs/N3/edit").text)
    saved = post(site, "e2", "/needs/N3/edit", {**typed, "version": fresh})
    assert saved.status_code == 303 and store.get("need", "N3").amount == 90


def test_a_stale_outcome_form_keeps_the_input_and_writes_nothing(site):
    plan = _event(4)
    plan.event.id = "EV-web-outcome"
    site.state.events.save(plan)
    key = f"{plan.event.id}|A1|B0"
    site.state.outcomes.record_meetings([(key, {"attendance": "held"})], "张三")
    row = get(site, "organiser", f"/events/{plan.event.id}/outcomes/row?a=A1&b=B0&edit=1", **HTMX)
    seen = hidden_version(row.text)
    assert seen == "1"
    site.state.outcomes.record_meetings([(key, {"stage": "signed"})], "李四")
    typed = {"a": "A1", "b": "B0", "attendance": "held", "stage": "intent", "notes": "对方有兴趣",
             "version": seen}  # fmt: skip
    stale = post(site, "organiser", f"/events/{plan.event.id}/outcomes/row", typed, **HTMX)
    assert stale.status_code == 409 and CONFLICT in stale.text and "对方有兴趣" in stale.text
    stored = site.state.outcomes.get(key)
    assert (stored.stage, stored.notes, stored.version) == ("signed", "", 2)
    saved = post(site, "organiser", f"/events/{plan.event.id}/outcomes/row",
                 {**typed, "version": "2", "correction": "是"}, **HTMX)  # fmt: skip
    assert saved.status_code == 200 and site.state.outcomes.get(key).notes == "对方有兴趣"


def test_a_meeting_button_on_a_stale_event_page_changes_nothing(site):
    plan = _event(4)
    plan.event.id = "EV-web-lock"
    site.state.events.save(plan)
    page = get(site, "organiser", f"/events/{plan.event.id}")
    seen = hidden_version(page.text)
    site.state.event_change(plan.event.id, lambda p: setattr(p, "published", False) or "", None)
    stale = post(site, "organiser", f"/events/{plan.event.id}/meetings/lock",
                 {"a": "A0", "b": "B0", "version": seen}, **HTMX)  # fmt: skip
    assert stale.status_code == 409 and CONFLICT in stale.text
    assert hidden_version(stale.text) == "2"  # the fragment shows the plan as it is now
    assert not site.state.events.load(plan.event.id).meetings[0].locked
    locked = post(site, "organiser", f"/events/{plan.event.id}/meetings/lock",
                  {"a": "A0", "b": "B0", "version": "2"}, **HTMX)  # fmt: skip
    assert locked.status_code == 200 and site.state.events.load(plan.event.id).meetings[0].locked
