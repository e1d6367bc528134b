"""Back office for the shared records: the audit log (read-only), configuration values, holidays.

`AuditedAdmin` is the base of every back-office page that changes data: each add, change and
delete made there is written to the audit log like any other change.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from . import audit
from .models import AuditEntry, Channel, ConfigValue, Holiday

M = TypeVar("M", bound=models.Model)


class AuditedAdmin(admin.ModelAdmin[M]):
    """A ModelAdmin whose saves and deletes append to the audit log in the same transaction."""

    def save_model(self, request: HttpRequest, obj: M, form: ModelForm[M], change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                request.user,
                "admin.change" if change else "admin.add",
                obj,
                channel=Channel.WEB,
                summary=str(obj),
                data={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        with transaction.atomic():
            audit.record(request.user, "admin.delete", obj, channel=Channel.WEB, summary=str(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[M]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit.record(
                    request.user, "admin.delete", obj, channel=Channel.WEB, summary=str(obj)
                )
            super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseFormSet[Any], change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            audit.record(request.user, "admin.add", obj, channel=Channel.WEB, summary=str(obj))
        for obj, fields in getattr(formset, "changed_objects", []):
            audit.record(
                request.user,
                "admin.change",
                obj,
                channel=Channel.WEB,
                summary=str(obj),
                data={"fields": sorted(fields)},
            )
        for obj in getattr(formset, "deleted_objects", []):
            audit.record(request.user, "admin.delete", obj, channel=Channel.WEB, summary=str(obj))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """The audit log can be read here, never written: no add, change or delete. The credential
    column names the API token or Open311 key an entry was made through (search "api_token#12")."""

    list_display = [
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "scope_code",
        "channel",
        "credential",
        "summary",
    ]
    list_filter = ["action", "channel", "object_type"]
    search_fields = [
        "action",
        "object_id",
        "scope_code",
        "summary",
        "credential",
        "actor__username",
        "actor__full_name",
    ]
    date_hierarchy = "at"
    list_select_related = ["actor"]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(ConfigValue)
class ConfigValueAdmin(AuditedAdmin[ConfigValue]):
    list_display = ["key", "value", "effective_from", "note", "created_at"]
    list_filter = ["key"]
    search_fields = ["key", "note"]
    date_hierarchy = "effective_from"


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin[Holiday]):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
