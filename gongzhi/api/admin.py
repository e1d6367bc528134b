"""Back office for API tokens: everyone on staff issues and revokes their own personal tokens;
administrators see all and issue app tokens for the service accounts of integrations.

A new token is shown once, on the page that follows the form, and never stored in clear.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import ActionError
from gongzhi.core.permissions import is_administrator
from gongzhi.people.models import User

from .actions import issue_token, revoke_token
from .models import ApiToken

DETAIL_FIELDS = [
    "name",
    "kind",
    "user",
    "prefix",
    "created_at",
    "created_by",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "revoked_by",
]


class IssueTokenForm(forms.ModelForm[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["name", "kind", "user", "expires_at"]

    def clean_expires_at(self) -> Any:
        value = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("The expiry date has passed."))
        return value

    def clean_user(self) -> User | None:
        user = self.cleaned_data.get("user")
        if user is not None and not user.is_active:
            raise forms.ValidationError(_("This account is disabled."))
        return user


def signed_in(request: HttpRequest) -> User:
    """The account using the back office (which lets no one in without signing in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    form = IssueTokenForm
    list_display = [
        "name",
        "shown_prefix",
        "kind",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    @admin.display(description=_("starts with"), ordering="prefix")
    def shown_prefix(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is not None:
            return DETAIL_FIELDS
        if is_administrator(request.user):
            return ["name", "kind", "user", "expires_at"]
        return ["name", "expires_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        return DETAIL_FIELDS if obj is not None else []

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        rows = super().get_queryset(request)
        return rows if is_administrator(request.user) else rows.filter(user=request.user.pk)

    def _staff(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_view_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        if not self._staff(request):
            return False
        return obj is None or is_administrator(request.user) or obj.user_id == request.user.pk

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Nothing is edited; "change" is what the list's revoke action needs.
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked, never deleted: the history stays

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: forms.ModelForm[ApiToken], change: bool
    ) -> None:
        if change:
            return
        actor = signed_in(request)
        holder: User = actor
        kind = ApiToken.Kind.PERSONAL
        if is_administrator(actor):
            holder = form.cleaned_data.get("user") or actor
            kind = form.cleaned_data.get("kind") or kind
        issued = issue_token(
            actor,
            holder,
            name=form.cleaned_data["name"],
            kind=kind,
            expires_at=form.cleaned_data.get("expires_at"),
        )
        obj.pk = issued.token.pk
        obj.user = issued.token.user
        obj._state.adding = False
        request._gongzhi_api_secret = issued.secret  # type: ignore[attr-defined]

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None  # issue_token wrote the audit log

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        """Show the token once, instead of the usual redirect."""
        return TemplateResponse(
            request,
            "api/token_issued.html",
            {
                **self.admin_site.each_context(request),
                "token": obj,
                "secret": getattr(request, "_gongzhi_api_secret", ""),
                "opts": self.opts,
                "title": _("API token issued"),
            },
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = signed_in(request)
        done = 0
        for token in queryset:
            try:
                revoke_token(actor, token)
                done += 1
            except ActionError as exc:
                self.message_user(request, f"{token}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, _("Tokens revoked: %(n)d") % {"n": done}, messages.SUCCESS)
