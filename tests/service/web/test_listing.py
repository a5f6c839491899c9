"""List definitions: columns render every record of the small world, paging links keep filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from service.web.listing import LISTINGS, PAGE_SIZE, page_links, record_url
from tests.service.conftest import WORLD


@pytest.mark.parametrize("slug", sorted(LISTINGS))
def test_every_column_renders_every_record_as_text(slug):
    listing = LISTINGS[slug]
    names = {e.id: e.name for e in WORLD["enterprise"]}
    for record in WORLD[listing.kind]:
        values = [column.value(record, names) for column in listing.columns]
        assert all(isinstance(v, str) and v for v in values), (slug, record.id, values)


def test_rows_that_cite_an_enterprise_show_its_name():
    need = next(n for n in WORLD["need"] if n.id == "N3")
    column = next(c for c in LISTINGS["needs"].columns if c.label == "企业")
    assert column.value(need, {"E2": "青岛蓝湾食品有限公司"}) == "青岛蓝湾食品有限公司"


def test_paging_links_keep_search_and_filters_and_stop_at_the_ends():
    listing = LISTINGS["enterprises"]
    params = {"q": "青岛", "district": "黄岛"}
    middle = page_links(listing, params, PAGE_SIZE, 3 * PAGE_SIZE)
    previous, following = urlsplit(middle["previous"]), urlsplit(middle["next"])
    assert previous.path == following.path == "/enterprises"
    assert parse_qs(previous.query) == {"q": ["青岛"], "district": ["黄岛"]}
    assert parse_qs(following.query) == {"q": ["青岛"], "district": ["黄岛"], "offset": ["40"]}
    assert page_links(listing, params, 0, 5) == {"previous": None, "next": None}
    assert page_links(listing, {}, 2 * PAGE_SIZE, 3 * PAGE_SIZE)["next"] is None


def test_policies_have_no_detail_page():
    assert record_url("policy", "P1") is None
    assert record_url("finance_product", "F1") == "/products/F1"
