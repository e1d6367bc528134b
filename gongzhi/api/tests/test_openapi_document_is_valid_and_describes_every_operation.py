"""The OpenAPI 3.1 document at /api/v1/openapi.json validates against the specification, names
each operation once, documents an error response (our JSON shape) for every status an operation
can answer with, and the interactive docs and their assets are served by gongzhi itself."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.test import Client

pytestmark = pytest.mark.django_db
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
    ]


def test_the_document_validates_against_the_openapi_specification(
    document: dict[str, Any],
) -> None:
    assert document["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(document).validate()


def test_every_operation_is_named_once_and_documents_its_errors(document: dict[str, Any]) -> None:
    found = operations(document)
    assert len(found) >= 45
    ids = [op["operationId"] for _m, _p, op in found]
    assert len(ids) == len(set(ids))
    for method, path, op in found:
        responses = op["responses"]
        assert {"401", "429"} <= set(responses), (method, path)
        for status, response in responses.items():
            schema = response["content"]["application/json"]["schema"]
            if status.startswith("4"):
                assert schema == ERROR_REF, (method, path, status)
        if op.get("parameters") or op.get("requestBody"):
            assert "400" in responses, (method, path)
        assert "Retry-After" in responses["429"]["headers"]
        assert op.get("summary"), (method, path)


def test_the_workflow_has_one_operation_per_action(document: dict[str, Any]) -> None:
    from gongzhi.cases.workflow import TRANSITIONS

    paths = set(document["paths"])
    for action in TRANSITIONS:
        assert f"/api/v1/cases/{{number}}/actions/{action}" in paths, action
    assert "/api/v1/cases/{number}/actions/report_for_duty" in paths


def test_public_operations_say_the_token_is_optional(document: dict[str, Any]) -> None:
    security = {(m, p): op.get("security") for m, p, op in operations(document)}
    assert security[("GET", "/api/v1/categories")] == [{"TokenAuth": []}, {}]
    assert security[("GET", "/api/v1/echo-wall")] == [{"TokenAuth": []}, {}]
    assert security[("GET", "/api/v1/cases")] == [{"TokenAuth": []}]
    scheme = document["components"]["securitySchemes"]["TokenAuth"]
    assert scheme == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_uses_only_local_assets() -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        served = Client().get(f"/api/v1/docs/assets/{asset}")
        assert served.status_code == 200
        assert b"".join(served.streaming_content)  # type: ignore[attr-defined]
    assert Client().get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404
    assert Client().get("/api/v1/docs/assets/openapi.py").status_code == 404
