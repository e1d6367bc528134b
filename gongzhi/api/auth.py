"""Bearer-token authentication and the rate limits, checked together before every operation.

`Authorization: Bearer <token>`: the request then acts as the token's account, and every
permission check is the one the pages make for that account. Limits (django-ratelimit over
Django's cache) count per token, and per client IP for requests without a token and for
tokens that fail; a request over the limit gets 429 with Retry-After.

A token that authenticates is named to the audit log for the rest of the request (inside the scope
that `urls.in_audit_scope` opens around every operation), so that each entry the actions write says
which token acted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja.security import HttpBearer

from gongzhi.core import audit
from gongzhi.people.models import User

from .actions import find_token, note_use
from .errors import RateLimited, Unauthorized
from .models import ApiToken

# The defaults; each can be set in the settings under the same name.
RATES = {
    "API_RATE_READ": "600/m",  # per token, GET requests
    "API_RATE_WRITE": "60/m",  # per token, other methods
    "API_RATE_ANONYMOUS": "60/m",  # per client IP, requests without a token
    "API_RATE_BAD_TOKEN": "20/m",  # per client IP, requests with a token that fails
}


def rate(name: str) -> str | None:
    """A limit such as "60/m"; None (from the settings) switches that limit off."""
    value: str | None = getattr(settings, name, RATES[name])
    return value


def _limit(request: HttpRequest, group: str, key: Any, rate_name: str) -> None:
    usage = get_usage(
        request, group=f"gongzhi.api.{group}", key=key, rate=rate(rate_name), increment=True
    )
    if usage is not None and usage["should_limit"]:
        raise RateLimited(int(usage["time_left"]))


@dataclass(frozen=True)
class Caller:
    """Who is calling: the account a token acts as, or an anonymous client."""

    user: User | AnonymousUser
    token: ApiToken | None

    @property
    def is_anonymous(self) -> bool:
        return self.token is None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. With `optional`, a request without the header goes through
    as anonymous (limited per IP); a header with a bad token is refused either way."""

    def __init__(self, *, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get(self.header, "")
        if not header.strip():
            if not self.optional:
                raise Unauthorized(_("Send your API token: Authorization: Bearer <token>."))
            _limit(request, "anonymous", "ip", "API_RATE_ANONYMOUS")
            return Caller(AnonymousUser(), None)
        scheme, _space, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized(_("Send your API token: Authorization: Bearer <token>."))
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = find_token(token)
        problem = None
        if found is None:
            problem = _("This API token is not valid.")
        elif found.revoked_at is not None:
            problem = _("This API token has been revoked.")
        elif not found.is_usable:
            problem = _("This API token has expired.")
        elif not found.user.is_active:
            problem = _("This account is disabled.")
        if problem is not None or found is None:
            _limit(request, "bad_token", "ip", "API_RATE_BAD_TOKEN")
            raise Unauthorized(problem or _("This API token is not valid."))
        write = request.method not in ("GET", "HEAD", "OPTIONS")
        _limit(
            request,
            "write" if write else "read",
            lambda group, req: f"token:{found.pk}",
            "API_RATE_WRITE" if write else "API_RATE_READ",
        )
        note_use(found)
        audit.name_credential(token_label(found))
        request.user = found.user
        return Caller(found.user, found)


token_required = TokenAuth()
token_optional = TokenAuth(optional=True)


def caller(request: HttpRequest) -> Caller:
    """The caller that authentication put on the request."""
    found: Caller = request.auth  # type: ignore[attr-defined]
    return found


def user_of(request: HttpRequest) -> User:
    """The account of the token (operations that require one)."""
    user = caller(request).user
    if not isinstance(user, User):
        raise Unauthorized(_("Send your API token: Authorization: Bearer <token>."))
    return user


def token_label(token: ApiToken) -> str:
    """How the audit log names a token: its id and the prefix shown in lists, never the secret."""
    return audit.credential_label("api_token", token.pk, token.prefix)
