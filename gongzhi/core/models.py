"""Shared records: the append-only audit log, dated configuration values and the holiday table."""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("REST API")
    OPEN311 = "open311", _("Open311")
    COMMAND = "command", _("Management command")
    SYSTEM = "system", _("System")


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only log."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes are refused too, not only a single row's save and delete."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are never deleted")


class AuditEntry(models.Model):
    """Who did what, when, to which object, through which channel. Never updated, never deleted.

    Python refuses changes (`save` of a stored row, `delete`, the queryset's `update` and `delete`);
    on PostgreSQL a trigger refuses UPDATE and DELETE too, so that raw SQL and other programs on the
    database cannot rewrite the log either. A migration that must change entries has to say so with
    `pgtrigger.ignore("core.AuditEntry:audit_entries_append_only")`.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    scope_code = models.CharField(_("scope code"), max_length=20, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # What the actor authenticated with when it was not a signed-in session: an API token or an
    # Open311 key, as "<kind>#<id> <shown prefix>" (never the secret). Empty for the pages, the
    # back office and the commands. Text rather than a foreign key: core sits below the apps that
    # own those credentials, and the entry must outlive them.
    credential = models.CharField(_("credential"), max_length=64, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        # PostgreSQL only (pgtrigger installs nothing elsewhere). TRUNCATE stays possible: the test
        # runner empties tables with it, and only the tables' owner may run it.
        triggers = [
            pgtrigger.Protect(
                name="audit_entries_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are never deleted")


class ConfigValue(models.Model):
    """A configuration value that takes effect on a date; the newest one in force wins."""

    key = models.CharField(_("key"), max_length=64)
    value = models.JSONField(_("value"))
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("configuration value")
        verbose_name_plural = _("configuration values")
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="config_key_date_unique")
        ]
        ordering = ["key", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r} ({self.effective_from})"


class Holiday(models.Model):
    """A day that differs from the ordinary week: a public holiday, or a make-up working day.

    The clock asks `chinese_calendar` first for the years it covers; rows here override it and are
    the only source for years it lacks.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class HolidayNotice(models.Model):
    """The State Council's holiday notice for a year, as an administrator entered it.

    Its dates are the year's `Holiday` rows; while a year has none and `chinese_calendar` lacks it,
    the clock counts that year on the statutory holidays alone and calls it provisional.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    holiday_text = models.TextField(_("holidays, as pasted"))
    workday_text = models.TextField(_("make-up working days, as pasted"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("State Council holiday notice")
        verbose_name_plural = _("State Council holiday notices")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class IdempotencyKey(models.Model):
    """A key a client sends with a request that must take effect once (a double click, a retry)."""

    key = models.CharField(max_length=64)
    scope = models.CharField(max_length=64)  # the action, e.g. "cases.report"
    user_key = models.CharField(max_length=64)  # the user's id, or "anon:<session>" for anonymous
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "user_key", "key"], name="idempotency_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class Notification(models.Model):
    """A message in a person's in-app inbox; outbound channels (email, SMS webhook) send copies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.title
