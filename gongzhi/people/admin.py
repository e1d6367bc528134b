"""Back office for people: accounts (Django's user admin plus our fields), roles and profiles.

Lists show phone numbers masked; the change form shows them in full, to administrators only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import AuditedAdmin
from gongzhi.core.errors import ActionError

from .actions import check_scope
from .models import Membership, PartyMemberProfile, ResidentProfile, User
from .privacy import mask_phone


class MembershipForm(forms.ModelForm[Membership]):
    """Checks the scope the way assign_role does: a grid for grid roles, the right level otherwise."""

    class Meta:
        model = Membership
        fields = [
            "user",
            "role",
            "scope_code",
            "organisation",
            "title",
            "is_full_time",
            "started_on",
            "ended_on",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, scope_code = data.get("role"), data.get("scope_code")
        if role and scope_code is not None:
            try:
                check_scope(role, scope_code)
            except ActionError as exc:
                self.add_error("scope_code", exc.message)
        return data


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    form = MembershipForm
    fk_name = "user"
    extra = 0
    raw_id_fields = ["organisation"]
    fields = [
        "role",
        "scope_code",
        "organisation",
        "title",
        "is_full_time",
        "started_on",
        "ended_on",
    ]


@admin.register(User)
class UserAdmin(AuditedAdmin[User], DjangoUserAdmin[User]):
    list_display = ["username", "full_name", "masked_phone", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role"]
    search_fields = ["username", "full_name", "phone"]
    ordering = ["username"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "id_number", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "phone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("mobile phone"), ordering="phone")
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin[Membership]):
    form = MembershipForm
    list_display = [
        "user",
        "role",
        "scope_code",
        "organisation",
        "title",
        "is_full_time",
        "started_on",
        "ended_on",
    ]
    list_filter = ["role", "is_full_time"]
    search_fields = [
        "user__username",
        "user__full_name",
        "scope_code",
        "title",
        "organisation__name",
    ]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user", "organisation"]
    date_hierarchy = "started_on"


@admin.register(ResidentProfile)
class ResidentProfileAdmin(AuditedAdmin[ResidentProfile]):
    list_display = ["user", "grid_code", "household", "is_householder", "moved_in_on"]
    list_filter = ["is_householder"]
    search_fields = ["user__username", "user__full_name", "grid_code"]
    list_select_related = ["user", "household__entrance__building__estate"]
    raw_id_fields = ["user", "household"]


@admin.register(PartyMemberProfile)
class PartyMemberProfileAdmin(AuditedAdmin[PartyMemberProfile]):
    list_display = ["user", "branch", "is_in_service", "employer", "joined_on", "scope_code"]
    list_filter = ["is_in_service"]
    search_fields = ["user__username", "user__full_name", "scope_code", "branch__name"]
    list_select_related = ["user", "branch", "employer"]
    raw_id_fields = ["user", "branch", "employer"]
