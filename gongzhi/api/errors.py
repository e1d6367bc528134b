"""Every error the API answers with, as JSON {code, message, field}: the actions' own errors, request
validation (pydantic's messages put in Chinese), authentication, rate limits, unknown URLs."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from gongzhi.core.errors import ActionError, Conflict, NotAllowed, NotFound
from gongzhi.places.locator import OutOfArea

logger = logging.getLogger(__name__)
CONTENT_TYPE = "application/json; charset=utf-8"


class ErrorOut(Schema):
    """Every error: a stable code for programs, a message in Chinese for people, and the request
    field it concerns (null when it concerns the request as a whole)."""

    code: str
    message: str
    field: str | None = None


class Unauthorized(ActionError):
    """No token, or a token that is not (or no longer) valid."""

    status = 401


class RateLimited(ActionError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(
            _("Too many requests: try again in %(seconds)d seconds.")
            % {"seconds": self.retry_after}
        )


# The code of each error class; a subclass not listed takes its nearest listed ancestor's.
CODES: dict[type[ActionError], str] = {
    ActionError: "invalid",
    OutOfArea: "out_of_area",
    NotAllowed: "not_allowed",
    NotFound: "not_found",
    Conflict: "conflict",
    Unauthorized: "unauthorized",
    RateLimited: "rate_limited",
}


def error_code(exc: ActionError) -> str:
    for cls in type(exc).__mro__:
        if cls in CODES:
            return CODES[cls]
    return "invalid"


def error_response(status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
    return JsonResponse(
        {"code": code, "message": str(message), "field": field},
        status=status,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    response = error_response(exc.status, error_code(exc), exc.message, exc.field)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, Unauthorized):
        response["WWW-Authenticate"] = 'Bearer realm="gongzhi"'
    return response


# Where a parameter came from, and our own parameter names: neither is a field the client sent.
_NOT_FIELDS = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters"}


def _field(loc: Any) -> str | None:
    names = [str(part) for part in loc or () if isinstance(part, str) and part not in _NOT_FIELDS]
    return names[-1] if names else None


def validation_message(error: dict[str, Any]) -> str:
    """pydantic's error, said in Chinese through Django's own messages where it has one."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "finite_number", "decimal_parsing"):
        return _("Enter a number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind == "string_too_long" and isinstance(value, str):
        limit = int(ctx.get("max_length", 0))
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(value)}
    if kind == "string_too_short":
        return _("This field cannot be blank.")
    if kind == "too_long":
        return _("Send at most %(n)d items.") % {"n": int(ctx.get("max_length", 0))}
    if kind == "too_short":
        return _("Send at least %(n)d items.") % {"n": int(ctx.get("min_length", 0))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt"))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le", ctx.get("lt"))
        }
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": str(value)[:50]
        }
    if kind.startswith("date") and "time" not in kind:
        return _("Enter a valid date.")
    if kind.startswith("datetime"):
        return _("Enter a valid date/time.")
    if kind == "list_type":
        return _("Enter a list of values.")
    if kind == "null_characters":
        return _("Null characters are not allowed.")
    if kind in ("json_invalid", "json_type"):
        return _("The request body is not valid JSON.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object.")
    return _("Enter a valid value.")


def request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """django-ninja's validation errors (422 by default) → 400 with the first error's field."""
    first = exc.errors[0] if exc.errors else {}
    return error_response(400, "invalid", validation_message(first), _field(first.get("loc")))


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, Throttled):
        response = error_response(
            429,
            "rate_limited",
            _("Too many requests: try again in %(seconds)d seconds.")
            % {"seconds": math.ceil(exc.wait or 1)},
        )
        response["Retry-After"] = str(math.ceil(exc.wait or 1))
        return response
    if isinstance(exc, AuthenticationError):
        return action_error(
            request, Unauthorized(_("Send your API token: Authorization: Bearer <token>."))
        )
    if exc.status_code == 400:
        # django-ninja's only 400: a body that is not JSON (or not the form it expects).
        return error_response(400, "invalid", _("The request body could not be read."))
    if exc.status_code == 404:
        return error_response(404, "not_found", _("Not found."))
    if exc.status_code == 403:
        return error_response(403, "not_allowed", _("You may not do this."))
    return error_response(exc.status_code, "error", str(exc.message))


def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", _("Not found."))


def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Django's own refusals keep their status; anything else is a bug, logged and answered 500."""
    if isinstance(exc, RequestDataTooBig):
        return error_response(413, "too_large", _("The request is too large."))
    if isinstance(exc, SuspiciousOperation):
        return error_response(400, "invalid", _("The request could not be read."))
    if isinstance(exc, PermissionDenied):
        return error_response(403, "not_allowed", _("You may not do this."))
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "server_error", _("Something went wrong on our side."))


def install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ActionError, action_error),
        (ValidationError, request_invalid),
        (HttpError, http_error),
        (Http404, not_found),
        (Exception, unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


ERROR_DESCRIPTIONS = {
    400: "The request is invalid (`field` names the culprit).",
    401: "No token, or a token that is not valid.",
    403: "The caller may not do this (NotAllowed).",
    404: "No such object, or the caller may not see it.",
    409: "The object changed meanwhile, or the step no longer applies (Conflict).",
    429: "Too many requests: see Retry-After.",
}


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """An operation's responses: its successes, the errors listed, and 401 and 429 always."""
    codes = sorted({*errors, 401, 429})
    return {**ok, **dict.fromkeys(codes, ErrorOut)}
