"""Confidence and the match verdict through the API, on SQLite and PostgreSQL: both
recommendation endpoints carry them, an unrelated text still gets its closest records back
(all weak), the service's match_threshold setting moves the verdicts, and OpenAPI says so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from tests.service.conftest import load_world, settings_for
from tests.small_world import TECH_RESULTS
from tests.storage.backends import backend_url

WEDDING = "我想找人帮忙策划一场婚礼，预算三万元"
BATTERY = "锂电池热管理和散热技术"


def check_fields(results: list[dict]) -> None:
    for row in results:
        assert isinstance(row["match"], bool), row
        assert isinstance(row["confidence"], float) and 0.0 <= row["confidence"] <= 1.0, row
    verdicts = [row["match"] for row in results]
    assert verdicts == sorted(verdicts, reverse=True)  # matches first


def ask(service, who: str, text: str, kind: str = "tech", **extra) -> list[dict]:
    body = {"text": text, "kind": kind, "k": 10, **extra}
    response = service.request(who, "POST", "/api/recommendations", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_need_recommendations_carry_confidence_and_match(service):
    response = service.request("e1", "GET", "/api/needs/N1/recommendations?k=3")
    assert response.status_code == 200
    results = response.json()
    check_fields(results)
    assert (results[0]["id"], results[0]["match"]) == ("T1", True)
    assert [row["match"] for row in results[1:]] == [False] * (len(results) - 1)
    assert all(row["confidence"] < results[0]["confidence"] for row in results[1:])


def test_text_recommendations_carry_confidence_and_match(service):
    results = ask(service, "organiser", BATTERY)
    check_fields(results)
    assert (results[0]["id"], results[0]["match"]) == ("T1", True)


def test_an_unrelated_text_gets_a_non_empty_list_all_weak(service):
    good = ask(service, "organiser", BATTERY)[0]["confidence"]
    results = ask(service, "organiser", WEDDING)
    check_fields(results)
    assert {row["id"] for row in results} == {t.id for t in TECH_RESULTS}
    assert not any(row["match"] for row in results)
    assert all(row["confidence"] < good for row in results)
    assert all(any("弱相关" in reason for reason in row["reasons"]) for row in results)


def test_an_enterprise_asking_an_unrelated_partner_text_gets_weak_offers(service):
    results = ask(service, "e1", WEDDING, kind="partner")
    check_fields(results)
    assert results and not any(row["match"] for row in results)


@contextmanager
def service_with_threshold(root, threshold: float) -> Iterator[TestClient]:
    with backend_url("sqlite", root) as (url, schema):
        load_world(url, schema)
        settings = settings_for(url, schema, root / "data", match_threshold=threshold)
        app = create_app(settings, progress=False)
        key = app.state.service.keys.create("admin", None, "admin")[1]
        with TestClient(app, headers={"X-API-Key": key}) as client:
            yield client


def test_the_service_match_threshold_setting_moves_the_verdicts(tmp_path, monkeypatch):
    monkeypatch.delenv("MATCHER_SERVICE_MATCHER__MATCH_THRESHOLD", raising=False)
    with service_with_threshold(tmp_path / "strict", 0.99) as client:
        results = client.get("/api/needs/N1/recommendations").json()
        assert results[0]["id"] == "T1" and not any(row["match"] for row in results)
    with service_with_threshold(tmp_path / "lenient", 0.0) as client:
        body = {"text": WEDDING, "kind": "tech", "k": 10}
        results = client.post("/api/recommendations", json=body).json()
        assert results and all(row["match"] for row in results)


@pytest.fixture(scope="module")
def spec(sqlite_service) -> dict:
    return sqlite_service.client.get("/openapi.json").json()


def test_openapi_documents_confidence_and_match(spec):
    schema = spec["components"]["schemas"]["RecommendationPublic"]
    props = schema["properties"]
    assert {"confidence", "match"} <= set(schema["required"])
    assert (
        props["confidence"]["type"] == "number" and "置信度" in props["confidence"]["description"]
    )
    assert props["match"]["type"] == "boolean"
    assert "匹配" in props["match"]["description"] and "弱相关" in props["match"]["description"]
    for path, method in (("/api/needs/{need_id}/recommendations", "get"),
                         ("/api/recommendations", "post")):  # fmt: skip
        ok = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["items"]["$ref"].endswith("/RecommendationPublic"), path
