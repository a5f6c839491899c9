"""The follow-up page of a 政金企 day records financing outcomes (已申请 / 已获批 / 金额 /
首贷) for each enterprise–bank meeting, without the API."""

from __future__ import annotations

import re

import pytest

from tests.service.test_events_api import FINANCE, create, post

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(sqlite_service):
    return sqlite_service


def page(site, url):
    return site.client.get(url, headers=site.browser("organiser"), follow_redirects=False)


def send(site, url, data):
    return site.client.post(url, data=data, headers=site.browser("organiser"),
                            follow_redirects=False)  # fmt: skip


def test_financing_outcomes_are_recorded_from_the_follow_up_page(site):
    create(site, "EV-fin-o", FINANCE, kind="finance")
    assert post(site, "/api/events/EV-fin-o/regenerate?wait=true").status_code == 200
    shown = page(site, "/events/EV-fin-o/outcomes")
    assert shown.status_code == 200 and "融资对接结果" in shown.text
    for label in ("已申请", "已获批", "未获批", "首贷"):
        assert label in shown.text
    enterprise, product = re.search(
        r'name="enterprise_id" value="([^"]+)">\s*<input type="hidden" name="product_id" '
        r'value="([^"]+)"', shown.text).groups()  # fmt: skip
    form = {"enterprise_id": enterprise, "product_id": product, "version": "0"}
    applied = send(site, "/events/EV-fin-o/outcomes/finance", {**form, "status": "applied"})
    assert applied.status_code == 303, applied.text
    wrong = send(site, "/events/EV-fin-o/outcomes/finance",
                 {**form, "version": "1", "status": "applied", "amount": "200"})  # fmt: skip
    assert wrong.status_code == 422 and "获批金额只属于「已获批」" in wrong.text
    approved = send(site, "/events/EV-fin-o/outcomes/finance",
                    {**form, "version": "1", "status": "approved", "amount": "200",
                     "first_loan": "1"})  # fmt: skip
    assert approved.status_code == 303, approved.text
    [outcome] = site.state.outcomes.finance_outcomes(enterprise).values()
    assert (outcome.status, outcome.amount, outcome.first_loan) == ("approved", 200, True)
    assert outcome.event_id == "EV-fin-o"
    stale = send(site, "/events/EV-fin-o/outcomes/finance", {**form, "status": "declined"})
    assert stale.status_code == 409
