"""Back office for Open311: issue and revoke client keys (the key is shown once), the services'
types and attributes, and the requests received with the submitter's personal data masked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import AuditedAdmin
from gongzhi.core.errors import ActionError
from gongzhi.core.models import Channel
from gongzhi.people.models import User
from gongzhi.people.privacy import mask_phone

from .keys import issue_key, may_manage_keys, revoke_key
from .models import ApiKey, Open311Request, ReceivedUpdate, ServiceAttribute, ServiceProfile


def signed_in(request: HttpRequest) -> User:
    """The account using the back office (which lets no one in without signing in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class ApiKeyForm(forms.ModelForm[ApiKey]):
    class Meta:
        model = ApiKey
        fields = ["name"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Adding a key issues it (with its service account); keys are revoked, never deleted."""

    form = ApiKeyForm
    list_display = ["name", "prefix", "service_account", "created_at", "created_by", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "service_account__username"]
    readonly_fields = [
        "prefix",
        "service_account",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return [*self.readonly_fields, "name"] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return ["name"] if obj is None else ["name", *self.readonly_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and may_manage_keys(request.user)

    def save_model(
        self, request: HttpRequest, obj: ApiKey, form: ModelForm[ApiKey], change: bool
    ) -> None:
        if change:
            return
        key, raw = issue_key(signed_in(request), form.cleaned_data["name"], channel=Channel.WEB)
        for name in (
            "pk",
            "prefix",
            "key_hash",
            "service_account_id",
            "created_at",
            "created_by_id",
        ):
            setattr(obj, name, getattr(key, name))
        self.message_user(
            request,
            _(
                "Key for %(name)s: %(key)s — it is shown this once; give it to the client now. "
                "Give its service account %(account)s roles to let the client post status "
                "updates or see personal data."
            )
            % {"name": key.name, "key": raw, "account": key.service_account.username},
            messages.WARNING,
        )

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        actor = signed_in(request)
        done = 0
        for key in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_key(actor, key, channel=Channel.WEB)
            except ActionError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            done += 1
        self.message_user(request, _("%(n)d keys revoked.") % {"n": done}, messages.SUCCESS)


class ServiceAttributeInline(admin.TabularInline[ServiceAttribute, Any]):
    model = ServiceAttribute
    extra = 0


@admin.register(ServiceProfile)
class ServiceProfileAdmin(AuditedAdmin[ServiceProfile]):
    list_display = ["category", "type", "notice", "updated_at"]
    list_filter = ["type"]
    raw_id_fields = ["category"]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(AuditedAdmin[ServiceAttribute]):
    list_display = ["category", "code", "datatype", "required", "order", "description"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__name"]
    raw_id_fields = ["category"]


def _mask_email(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def masked_submitter(record: Open311Request) -> str:
    """The submitter's data as the back office lists it: names kept, phone and email masked,
    device and account ids left out."""
    sub = record.submitter or {}
    parts = [f"{sub.get('last_name', '')}{sub.get('first_name', '')}".strip()]
    if sub.get("phone"):
        parts.append(mask_phone(sub["phone"]))
    if sub.get("email"):
        parts.append(_mask_email(sub["email"]))
    return " · ".join(p for p in parts if p) or "—"


REQUEST_FIELDS = (
    "received_at",
    "api_key",
    "category",
    "case",
    "state",
    "error",
    "token",
    "attributes",
    "address_id",
    "media_url",
    "submitter_",
    "processed_at",
)


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin[Open311Request]):
    """Read-only: what clients sent. Personal data shows masked."""

    list_display = ["received_at", "api_key", "category", "case", "state", "token", "submitter_"]
    list_filter = ["state", "api_key"]
    search_fields = ["case__number", "token"]
    list_select_related = ["api_key", "category", "case"]
    fields = REQUEST_FIELDS
    readonly_fields = REQUEST_FIELDS

    @admin.display(description=_("submitter"))
    def submitter_(self, obj: Open311Request) -> str:
        return masked_submitter(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReceivedUpdate)
class ReceivedUpdateAdmin(admin.ModelAdmin[ReceivedUpdate]):
    list_display = ["received_at", "api_key", "case", "status", "external_id", "step"]
    list_select_related = ["api_key", "case"]
    readonly_fields = ["received_at", "api_key", "case", "status", "external_id", "step"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
