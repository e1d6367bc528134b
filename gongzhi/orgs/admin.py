"""Back office for organisations and the seats of the joint committees."""

from __future__ import annotations

from django.contrib import admin

from gongzhi.core.admin import AuditedAdmin

from .models import CommitteeSeat, Organisation


class CommitteeSeatInline(admin.TabularInline[CommitteeSeat, Organisation]):
    model = CommitteeSeat
    fk_name = "committee"
    extra = 0
    raw_id_fields = ["person", "from_unit"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin[Organisation]):
    list_display = ["name", "kind", "scope_code", "parent", "party_status", "is_active"]
    list_filter = ["kind", "party_status", "is_active"]
    search_fields = ["name", "scope_code", "credit_code", "address"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    inlines = [CommitteeSeatInline]


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(AuditedAdmin[CommitteeSeat]):
    list_display = ["committee", "person", "position", "from_unit"]
    list_filter = ["position"]
    search_fields = ["committee__name", "person__full_name", "person__username", "from_unit__name"]
    list_select_related = ["committee", "person", "from_unit"]
    raw_id_fields = ["committee", "person", "from_unit"]
