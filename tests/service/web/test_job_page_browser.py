"""The 后台任务 page in a real browser: the progress bar and message follow a running job
without a reload, the finished job shows its result, a failed one its error; only the job's
creator and admins open it."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from matcher.errors import MatcherError
from tests.service.web.conftest import screenshot

pytestmark = pytest.mark.slow

SUMMARY = {"kind": "need", "count": 5, "embedded": 5, "cached": 0, "index_type": "flat",
           "seconds": 0.4, "mode": "full"}  # fmt: skip


def stepped_job(web, steps: list[threading.Event]):
    """A rebuild job of the organiser's that reports a step each time the test sets an event."""
    organiser = web.state.keys.verify(web.keys["organiser"])

    def work(progress) -> dict:
        for done, step in enumerate(steps):
            progress(done + 1, len(steps) + 1, f"第 {done + 1} 步")
            assert step.wait(60), "the test never went on"
        return {"summaries": [SUMMARY]}

    return web.state.jobs.submit("rebuild", "indexes", organiser.id, work)


def test_the_progress_bar_follows_the_job_and_the_result_appears(login, web):
    steps = [threading.Event(), threading.Event()]
    job = stepped_job(web, steps)
    page = login("organiser")
    page.goto(f"/jobs/{job.id}")
    expect(page.locator("h1")).to_have_text("重建索引")
    bar = page.locator("#job-progress")
    expect(page.locator("#job-message")).to_have_text("第 1 步")
    expect(bar).to_have_js_property("value", 33.3)
    expect(page.locator("#job-status")).to_have_text("进行中")
    screenshot(page, "job-running")
    steps[0].set()
    expect(page.locator("#job-message")).to_have_text("第 2 步")  # polled, not reloaded
    expect(page.locator("#job-percent")).to_have_text("66.7%")
    steps[1].set()
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#job-percent")).to_have_text("100%")
    expect(bar).to_have_js_property("value", 100)
    cells = page.locator("table.summary tbody td").all_inner_texts()
    assert cells == ["需求", "5", "5", "从头重建", "0.4"]
    screenshot(page, "job-done")


def test_a_failed_job_shows_its_error_and_others_may_not_open_it(login, web):
    organiser = web.state.keys.verify(web.keys["organiser"])

    def fails(progress) -> dict:
        raise MatcherError("索引文件损坏，请从头重建")

    job = web.state.jobs.submit("rebuild", "indexes", organiser.id, fails)
    page = login("organiser")
    page.goto(f"/jobs/{job.id}")
    expect(page.locator("#job-status")).to_have_text("失败")
    expect(page.get_by_role("alert")).to_have_text("索引文件损坏，请从头重建")
    enterprise = login("e1")
    response = enterprise.goto(f"/jobs/{job.id}")
    assert response.status == 403
    expect(enterprise.locator("main")).to_contain_text("只有任务的发起者或管理员可以查看此任务")
