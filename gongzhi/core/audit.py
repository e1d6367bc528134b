"""Writing the audit log: one call, made by the action that changed something, in its transaction.

An adapter whose callers authenticate with a credential of their own (an API token, an Open311
key) names that credential for the length of the request, and every entry written meanwhile says
which one acted: `with audit.credential_scope(): ... audit.name_credential(...)`, or
`with audit.acting_with(...)` when the adapter holds the whole call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEntry, Channel

if TYPE_CHECKING:
    # For the annotations only: core sits below people and imports none of its modules at run time.
    from django.contrib.auth.models import AnonymousUser

    from gongzhi.people.models import User

CREDENTIAL_LENGTH = AuditEntry._meta.get_field("credential").max_length or 64


@dataclass
class _Scope:
    credential: str = ""


# One request's scope. A context variable rather than an argument: the actions that write the
# entries are the same for every channel and need not know how their caller authenticated.
_scope: ContextVar[_Scope | None] = ContextVar("gongzhi_audit_scope", default=None)


def credential_label(kind: str, pk: object, prefix: str) -> str:
    """How an entry names a credential: its kind, its id and the first characters people see in
    lists ("api_token#12 gz_AbC1234"). Never the secret itself."""
    return f"{kind}#{pk} {prefix}"[:CREDENTIAL_LENGTH]


@contextmanager
def credential_scope() -> Iterator[None]:
    """A scope, one request long, in which `name_credential` names the credential acting; the
    name is forgotten when the scope ends."""
    reset = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(reset)


def name_credential(label: str) -> None:
    """Entries written from now until the current scope ends name `label`. Outside a scope this
    does nothing: in a worker thread that serves one request after another, a name that outlived
    its request would be pinned on the next one."""
    scope = _scope.get()
    if scope is not None:
        scope.credential = label[:CREDENTIAL_LENGTH]


@contextmanager
def acting_with(label: str) -> Iterator[None]:
    """Entries written inside name `label` as the credential acting."""
    with credential_scope():
        name_credential(label)
        yield


def current_credential() -> str:
    """The credential named in the current scope, or "" (a session, a command, the system)."""
    scope = _scope.get()
    return scope.credential if scope is not None else ""


def record(
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    *,
    channel: str = Channel.WEB,
    summary: str = "",
    data: dict[str, Any] | None = None,
    scope_code: str | None = None,
) -> AuditEntry:
    """Append an entry saying that `actor` did `action` to `obj` (`actor` None: the system, or an
    operator at the command line)."""
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        scope_code=scope_code
        if scope_code is not None
        else str(getattr(obj, "scope_code", "") or ""),
        channel=channel,
        summary=summary[:255],
        data=data or {},
        credential=current_credential(),
    )
