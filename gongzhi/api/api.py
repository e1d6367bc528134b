"""The NinjaAPI of gongzhi: its routers, error handling, and the OpenAPI document's finishing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from . import cases, catalogue, echo, errands, errors, me, places
from .docs import OfflineSwagger
from .schemas import IndexOut

DESCRIPTION = """
The native REST API of 共治 (gongzhi). Every request acts as the account of its token, with exactly
the scopes and permissions that account has in the pages; every change goes through the same
workflow actions.

**Authentication.** `Authorization: Bearer <token>`. Personal tokens are issued to a person (in the
back office under *API tokens*, or `manage.py api_token issue USERNAME`); app tokens act as a
service account the administrator sets up for an integration. Tokens are shown once, stored hashed
and can be revoked. The categories and the echo wall need no token.

**Errors.** Always JSON `{"code", "message", "field"}`: `message` is in Chinese, `field` names the
request field concerned (or is null). 400 invalid, 401 no or bad token, 403 not allowed, 404 not
found (or not yours to see), 409 the case changed or the step no longer applies, 429 too many
requests (see `Retry-After`).

**Paging.** Lists return `next_cursor`; pass it as `cursor` for the next page (null: the end).

**Times** are ISO 8601 in UTC; positions are WGS-84 unless a report says `crs: gcj02`.

**Workflow.** `GET /cases/{number}/actions` lists what you may do now; each action is
`POST /cases/{number}/actions/{name}` with its own body. Send the case's `version` as
`seen_version` to be refused (409) if the case changed since you looked.

**Rate limits.** Per token (reads and writes apart), and per client IP for requests without a
token and for failed tokens.
"""


class Utf8JSON(JSONRenderer):
    """JSON with Chinese as itself rather than as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class GongzhiAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                responses = operation.get("responses", {})
                if 429 in responses:
                    responses[429]["headers"] = {
                        "Retry-After": {
                            "description": "Seconds to wait before trying again.",
                            "schema": {"type": "integer"},
                        }
                    }
                for status, response in responses.items():
                    if status in errors.ERROR_DESCRIPTIONS:
                        response["description"] = errors.ERROR_DESCRIPTIONS[status]
                if operation.pop("x-token-optional", False):
                    # The token is optional: no security requirement is one of the choices.
                    operation["security"] = [*operation.get("security", []), {}]
        return schema


api = GongzhiAPI(
    title="共治 gongzhi REST API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=OfflineSwagger(),
    renderer=Utf8JSON(),
)
errors.install(api)
api.add_router("/cases", cases.router)
api.add_router("/snapshot-reports", cases.snapshots)
api.add_router("/errands", errands.router)
api.add_router("/places", places.router)
api.add_router("/me", me.router)
api.add_router("/echo-wall", echo.router)
api.add_router("", catalogue.router)


@api.get("/", response=IndexOut, auth=None, include_in_schema=False, url_name="index")
def index(request: HttpRequest) -> IndexOut:
    return IndexOut(
        title=api.title,
        version=api.version,
        openapi=reverse("api:openapi-json"),
        docs=reverse("api:openapi-view"),
    )
