"""「匹配」 / 「弱相关」 on the web pages over HTTP (no browser): a good need's page marks its
match, an unrelated need (added through the form) gets the 「暂无合适匹配」 notice with every
card weak, on the need page and in the htmx fragment the enterprise page loads."""

from __future__ import annotations

import html
import re

import pytest

from tests.small_world import TECH_RESULTS

WEDDING = "我想找人帮忙策划一场婚礼，预算三万元"
NOTICE = '<p class="notice no-match">'
CARD = re.compile(
    r'<article class="result card[^"]*" data-match="(true|false)">(.*?)</article>', re.S
)
VERDICT = re.compile(r'<span class="verdict (match|weak)">(匹配|弱相关)</span>')
TITLE = re.compile(r'<h3 class="result-title">(?:<a [^>]*>)?(.*?)(?:</a>)?</h3>')


@pytest.fixture(scope="module")
def web_client(sqlite_service):
    return sqlite_service


def get(service, who, url, **headers):
    cookie = service.browser(who)
    response = service.client.get(url, headers={**cookie, **headers}, follow_redirects=False)
    assert response.status_code == 200, response.text
    return response.text


def cards(page: str) -> list[tuple[str, str, str]]:
    """(data-match, verdict shown, title) of each result card, in order."""
    found = []
    for data_match, body in CARD.findall(page):
        verdict = VERDICT.search(body)
        title = TITLE.search(body)
        assert verdict and title, body
        assert (verdict[1] == "match") == (verdict[2] == "匹配")  # class agrees with text
        found.append((data_match, verdict[2], html.unescape(title[1])))
    return found


@pytest.fixture(scope="module")
def wedding_need(web_client) -> str:
    """A tech need from an unrelated domain, added by E1 through the need form."""
    cookie = web_client.browser("e1")
    response = web_client.client.post(
        "/enterprises/E1/needs/new",
        data={"kind": "tech", "text": WEDDING},
        headers=cookie,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/needs/N[0-9A-F]{12}", location)
    return location.rsplit("/", 1)[1]


def test_a_good_need_page_marks_its_match(web_client):
    page = get(web_client, "e1", "/needs/N1")
    assert NOTICE not in page and "暂无合适匹配" not in page
    shown = cards(page)
    assert shown[0][:2] == ("true", "匹配")
    assert shown[0][2].startswith("基于相变材料的动力锂电池热管理系统")
    assert all(card[:2] == ("false", "弱相关") for card in shown[1:])


def test_an_unrelated_need_page_says_no_match(web_client, wedding_need):
    page = get(web_client, "e1", f"/needs/{wedding_need}")
    assert WEDDING in page
    assert page.count(NOTICE) == 1 and "暂无合适匹配" in page
    shown = cards(page)
    assert len(shown) == len(TECH_RESULTS)  # the closest ones still come back
    assert all(card[:2] == ("false", "弱相关") for card in shown)
    assert page.index(NOTICE) < page.index('<div class="results">')


def test_the_htmx_fragment_says_the_same(web_client, wedding_need):
    weak = get(
        web_client, "e1", f"/needs/{wedding_need}/recommendations?k=3", **{"HX-Request": "true"}
    )
    assert "<html" not in weak and weak.count(NOTICE) == 1
    assert [card[0] for card in cards(weak)] == ["false"] * 3
    good = get(web_client, "e1", "/needs/N1/recommendations?k=3", **{"HX-Request": "true"})
    assert NOTICE not in good and cards(good)[0][:2] == ("true", "匹配")


def test_the_enterprise_page_loads_both_needs_fragments(web_client, wedding_need):
    page = get(web_client, "e1", "/my/enterprise")
    assert f'hx-get="/needs/{wedding_need}/recommendations?k=3"' in page
    assert 'hx-get="/needs/N1/recommendations?k=3"' in page


def test_score_parts_are_labelled_in_chinese(web_client, wedding_need):
    """Internal pair features (supply_university, demand_tier …) are not shown to users."""
    for url in ("/needs/N1", f"/needs/{wedding_need}", "/needs/N2", "/needs/N4"):
        page = get(web_client, "admin", url)
        parts = re.findall(r'<ul class="parts">(.*?)</ul>', page, re.S)
        assert parts, url
        assert not any(re.search(r"[a-z]+_[a-z]+", block) for block in parts), (url, parts)
