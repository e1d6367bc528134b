"""Errors an action raises for a user's mistake: each carries a message for people and an HTTP status."""

from __future__ import annotations

from django.utils.functional import Promise


class ActionError(Exception):
    """A refused action. `message` is shown to the user as it is; nothing was changed."""

    status = 400

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotAllowed(ActionError):
    status = 403


class NotFound(ActionError):
    status = 404


class Conflict(ActionError):
    """The object changed under the user (a stale form, two people at once)."""

    status = 409
