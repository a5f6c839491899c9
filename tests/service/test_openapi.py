"""The OpenAPI document speaks Chinese: tags, summaries, field descriptions and examples."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def spec(sqlite_service) -> dict:
    return sqlite_service.client.get("/openapi.json").json()


def operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_chinese_summary_and_tag(spec):
    tags = {tag["name"] for tag in spec["tags"]}
    for name, operation in operations(spec):
        assert not operation["summary"].isascii(), name
        assert operation["tags"] and set(operation["tags"]) <= tags, name
    assert all(not tag.isascii() for tag in tags)


def test_every_schema_field_is_described(spec):
    for name, schema in spec["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            assert prop.get("description"), f"{name}.{field}"


def test_record_schemas_carry_examples(spec):
    schemas = spec["components"]["schemas"]
    for name in ("EnterpriseCreate", "NeedCreate", "TechResultCreate", "ProductCreate",
                 "PolicyCreate", "OfferCreate"):  # fmt: skip
        described = schemas[name]["properties"]
        assert sum("examples" in prop for prop in described.values()) >= len(described) - 1, name


def test_errors_are_documented_and_the_key_header_is_a_security_scheme(spec):
    need = spec["paths"]["/api/needs/{record_id}"]["get"]
    assert need["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ErrorResponse"
    )
    schemes = spec["components"]["securitySchemes"]
    assert {scheme["name"] for scheme in schemes.values()} == {"X-API-Key", "matcher_session"}


def test_docs_page_uses_only_local_assets(sqlite_service):
    client = sqlite_service.client
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    bundle = client.get("/static/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 1_000_000
