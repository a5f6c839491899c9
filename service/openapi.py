"""The OpenAPI document states what the validators enforce beyond what the models emit.

Every text a request carries refuses control characters (`matcher.plain_text`, enforced by
the models and `service.plain_params`): each string of a query, path or form parameter and
of a JSON body gets a `pattern` saying so, form field names too. Tab and line breaks pass
in parameters and form fields (`service.plain_params`) and in the multi-line fields of a
body; the body models refuse them elsewhere. Strings with their own choices (`enum`),
formats (dates, files) or patterns (ids, codes, times: only printable characters) keep
theirs; a not-blank pattern becomes one that says both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI

from matcher.plain_text import MULTILINE_FIELDS

_CONTROLS = r"\u0000-\u001f\u007f-\u009f"  # what a single-line text refuses
_BREAKS_KEPT = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"  # tab, LF, CR allowed
SINGLE_LINE = f"^[^{_CONTROLS}]*$"
MULTI_LINE = f"^[^{_BREAKS_KEPT}]*$"
# Text that may not be blank either (`NOT_BLANK`'s `\S`), as one pattern.
NOT_BLANK = {
    False: f"^[^{_CONTROLS}]*[^\\s{_CONTROLS}][^{_CONTROLS}]*$",
    True: f"^[^{_BREAKS_KEPT}]*[^\\s{_BREAKS_KEPT}][^{_BREAKS_KEPT}]*$",
}
_OWN_FORMATS = frozenset({"binary", "date", "date-time"})
_REF = "#/components/schemas/"
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def install_contract(app: FastAPI) -> None:
    """Make `app.openapi()` return the document with the text patterns (built once)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_text_patterns(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_text_patterns(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (changed in place) with the control-character patterns on request text."""
    components = document.get("components", {}).get("schemas", {})
    forms: set[str] = set()
    for operation in _operations(document):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") in ("query", "path"):
                _restrict(parameter.get("schema", {}), multiline=True)
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            if media in _FORMS:  # form field names are checked too
                forms.add(content.get("schema", {}).get("$ref", "")[len(_REF) :])
    for name in _request_components(document, components):
        schema = components[name]
        if name in forms:
            schema["propertyNames"] = {"pattern": MULTI_LINE}
        for field, prop in schema.get("properties", {}).items():
            _restrict(prop, multiline=name in forms or field in MULTILINE_FIELDS)
    return document


def _operations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for methods in document.get("paths", {}).values():
        yield from methods.values()


def _request_components(document: dict[str, Any], components: dict[str, Any]) -> set[str]:
    """Names of the component schemas a request body uses, directly or nested."""
    found: set[str] = set()
    todo = [
        content.get("schema", {})
        for operation in _operations(document)
        for content in operation.get("requestBody", {}).get("content", {}).values()
    ]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith(_REF) and ref[len(_REF) :] not in found:
                found.add(ref[len(_REF) :])
                todo.append(components.get(ref[len(_REF) :], {}))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found


def _restrict(schema: Any, multiline: bool) -> None:
    """Add the pattern to every plain string of `schema` (through unions and lists)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            _restrict(branch, multiline)
    _restrict(schema.get("items"), multiline)
    if schema.get("type") != "string" or "enum" in schema or "const" in schema:
        return
    if schema.get("format") in _OWN_FORMATS or "contentMediaType" in schema:
        return  # dates, times, uploaded files
    if "pattern" not in schema:
        schema["pattern"] = MULTI_LINE if multiline else SINGLE_LINE
    elif schema["pattern"] == r"\S":
        schema["pattern"] = NOT_BLANK[multiline]
    # any other pattern (ids, codes, times) already names the characters it allows
