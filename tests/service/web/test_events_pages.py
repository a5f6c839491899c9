"""对接活动 pages over HTTP (no browser): staff-only pages, the setup form's Chinese field
errors, htmx fragments vs redirects, row errors of an uploaded file, and 我的日程."""

from __future__ import annotations

import re

import pytest

from tests.service.job_helpers import finished

HTMX = {"HX-Request": "true"}
SETUP = {"name": "智能装备产业链对接会", "kind": "industry", "chain": "智能装备",
         "date": "2026-12-03", "start": "09:00", "minutes": "20", "gap": "5", "slots": "4",
         "tables": "3", "venue": "青岛国际会议中心", "min_meetings": "0", "fairness": "0"}  # fmt: skip


def call(service, who: str | None, method: str, url: str, htmx: bool = False, **kwargs):
    headers = service.browser(who) if who else {}
    headers |= HTMX if htmx else {}
    return service.client.request(method, url, headers=headers, follow_redirects=False, **kwargs)


@pytest.fixture(scope="module")
def event_url(sqlite_service) -> str:
    created = call(sqlite_service, "organiser", "POST", "/events/new", data=SETUP)
    assert created.status_code == 303
    return created.headers["location"]


def test_event_pages_are_for_staff(sqlite_service, event_url):
    assert call(sqlite_service, None, "GET", "/events").headers["location"] == "/login"
    for url in ("/events", "/events/new", event_url):
        page = call(sqlite_service, "e1", "GET", url)
        assert page.status_code == 403 and "无权访问" in page.text, url
    refused = call(sqlite_service, "e1", "POST", f"{event_url}/generate", htmx=True)
    assert refused.status_code == 403
    listed = call(sqlite_service, "organiser", "GET", "/events")
    assert listed.status_code == 200 and "智能装备产业链对接会" in listed.text
    assert call(sqlite_service, "organiser", "GET", "/events/EV404").status_code == 404


def test_setup_form_shows_chinese_errors_next_to_fields(sqlite_service):
    bad = {**SETUP, "name": "", "start": "9点", "tables": "0"}
    page = call(sqlite_service, "organiser", "POST", "/events/new", data=bad)
    assert page.status_code == 422
    errors = re.findall(r'<p class="field-error">(.*?)</p>', page.text)
    assert errors == [
        "请填写此项",
        "应为时间 HH:MM 或 HH:MM:SS（如 09:00），实际为「9点」",
        "应大于等于1，实际为「0」",
    ]
    late = call(
        sqlite_service, "organiser", "POST", "/events/new", data={**SETUP, "start": "23:00"}
    )
    assert late.status_code == 422 and "最后一场将在次日 00:35 结束" in late.text
    escaped = {**SETUP, "name": "<script>alert(1)</script>对接会"}
    created = call(sqlite_service, "organiser", "POST", "/events/new", data=escaped)
    page = call(sqlite_service, "organiser", "GET", created.headers["location"])
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text


def test_changes_answer_htmx_with_the_fragment_and_forms_with_a_redirect(sqlite_service, event_url):
    plain = call(sqlite_service, "organiser", "POST", f"{event_url}/participants",
                 data={"kind": "enterprise", "refs": "E1，E3\nE4"})  # fmt: skip
    assert plain.status_code == 303 and plain.headers["location"] == event_url
    fragment = call(sqlite_service, "organiser", "POST", f"{event_url}/participants", htmx=True,
                    data={"kind": "university", "refs": "青岛大学\n火星大学"})  # fmt: skip
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert "「火星大学」没有任何科技成果记录" in fragment.text
    assert 'id="event"' in fragment.text  # the event is shown as it was
    bad_rows = "类型,编号或名称\n高校,青岛大学\n企业,E404\n"
    files = {"file": ("参会方.csv", bad_rows.encode())}
    upload = call(sqlite_service, "organiser", "POST", f"{event_url}/participants/upload",
                  htmx=True, files=files)  # fmt: skip
    assert upload.status_code == 422 and "第 3 行" in upload.text and "E404" in upload.text
    added = call(sqlite_service, "organiser", "POST", f"{event_url}/participants/by-chain",
                 htmx=True, data={"limit": "10"})  # fmt: skip
    assert "已按产业链添加 1 个参会方" in added.text  # 中国石油大学（华东）
    started = call(sqlite_service, "organiser", "POST", f"{event_url}/generate", htmx=True)
    job_url = started.headers["HX-Redirect"]  # generating runs as a job, followed on its page
    assert started.status_code == 200 and job_url.startswith("/jobs/")
    job = finished(sqlite_service.state, job_url.rsplit("/", 1)[1])
    assert job.status == "done", job.error
    job_page = call(sqlite_service, "organiser", "GET", job_url)
    assert "查看活动" in job_page.text and f"{event_url}?job={job.id}" in job_page.text
    generated = call(sqlite_service, "organiser", "GET", f"{event_url}?job={job.id}")
    # two matches, and E4's machine-vision need, which matches nothing here, gets its closest
    # option marked weak
    assert generated.status_code == 200 and "已生成 3 场会谈" in generated.text
    assert generated.text.count('<tr class="meeting') == 3
    assert "弱相关：该需求没有更合适的对象" in generated.text
    assert "会谈少于期望" in generated.text
    wrong = call(sqlite_service, "organiser", "POST", f"{event_url}/meetings/lock", htmx=True,
                 data={"a": "E1", "b": "E404"})  # fmt: skip
    assert wrong.status_code == 422 and "参会方「E404」不在活动" in wrong.text


def test_my_agenda_shows_published_events_only(sqlite_service):
    created = call(sqlite_service, "organiser", "POST", "/events/new", data=SETUP)
    event_url = created.headers["location"]
    event_id = event_url.rsplit("/", 1)[1]
    for path, data in (("participants", {"kind": "enterprise", "refs": "E1\nE4"}),
                       ("participants/by-chain", {"limit": "10"}), ("generate", {})):  # fmt: skip
        done = call(sqlite_service, "organiser", "POST", f"{event_url}/{path}", data=data)
        assert done.status_code == 303
        if done.headers["location"].startswith("/jobs/"):
            finished(sqlite_service.state, done.headers["location"].rsplit("/", 1)[1])
    before = call(sqlite_service, "e1", "GET", "/my/agenda")
    assert before.status_code == 200 and event_id not in before.text
    call(sqlite_service, "organiser", "POST", f"{event_url}/publish", data={"published": "1"})
    page = call(sqlite_service, "e1", "GET", "/my/agenda")
    assert "智能装备产业链对接会" in page.text and "中国石油大学（华东）" in page.text
    assert f"/api/events/{event_id}/my-agenda.ics" in page.text
    ics = call(sqlite_service, "e1", "GET", f"/api/events/{event_id}/my-agenda.ics")
    assert ics.status_code == 200 and "BEGIN:VCALENDAR" in ics.text  # the cookie is enough
    printable = call(sqlite_service, "e1", "GET", f"/api/events/{event_id}/agenda/E1.html")
    assert "青岛海鑫新能源科技有限公司 的会谈日程" in printable.text
    assert event_id not in call(sqlite_service, "e2", "GET", "/my/agenda").text
    university = call(sqlite_service, "university", "GET", "/my/agenda")  # not invited
    assert university.status_code == 200 and "暂无已发布的对接活动日程" in university.text
    staff = call(sqlite_service, "organiser", "GET", "/my/agenda")
    assert staff.status_code == 403 and "仅供参会的企业、银行和高校账号使用" in staff.text


def test_the_event_page_says_when_the_schedule_is_the_fallback(sqlite_service, event_url):
    state, event_id = sqlite_service.state, event_url.rsplit("/", 1)[1]
    note = "精确排程未在 20 秒时限内完成，已采用贪心排程（匹配度高的会谈优先）"

    def fallback(plan) -> str:
        plan.schedule_method, plan.schedule_note = "greedy (fallback)", note
        return "测试：排程说明"

    state.event_change(event_id, fallback, None)
    page = call(sqlite_service, "organiser", "GET", event_url)
    assert f'<p class="solver-note" role="note">{note}</p>' in page.text
    organiser = state.keys.verify(sqlite_service.keys["organiser"])
    job = state.jobs.jobs.create("regenerate", event_id, organiser.id)
    result = {"meetings": 40, "placed": 38, "unplaced": 2, "locked": 1, "objective": 12.5,
              "pairing_note": None, "schedule_note": note}  # fmt: skip
    state.jobs.jobs.finish(job.id, result)
    back = call(sqlite_service, "organiser", "GET", f"{event_url}?job={job.id}")
    notice = re.search(r'<p class="notice" role="status">(.*?)</p>', back.text).group(1)
    assert notice == f"已生成 40 场会谈（保留锁定 1 场），排入时段 38 场，总分 12.50；{note}"
    other = call(sqlite_service, "admin", "GET", f"{event_url}?job=nope")
    assert other.status_code == 200 and 'class="notice"' not in other.text
