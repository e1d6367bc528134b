"""Back office for places: divisions, grids, estates, buildings, entrances and households.

Divisions come from the real division data and grids from the grid import or generator, so they
are not added here; their codes and boundaries are shown, not edited (the importers check them).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.core.admin import AuditedAdmin

from .models import Building, Division, Entrance, Estate, Grid, Household


@admin.register(Division)
class DivisionAdmin(AuditedAdmin[Division]):
    list_display = ["code", "name", "short_name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["code", "level"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Grid)
class GridAdmin(AuditedAdmin[Grid]):
    list_display = ["code", "name", "community", "households", "updated_at"]
    list_filter = [("community__parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "community__name"]
    list_select_related = ["community"]
    readonly_fields = [
        "code",
        "community",
        "number",
        "boundary",
        "min_lng",
        "min_lat",
        "max_lng",
        "max_lat",
        "updated_at",
    ]
    fields = ["code", "community", "number", "name", "households", *readonly_fields[3:]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class BuildingInline(admin.TabularInline[Building, Estate]):
    model = Building
    extra = 0


@admin.register(Estate)
class EstateAdmin(AuditedAdmin[Estate]):
    list_display = ["name", "community", "grid"]
    search_fields = ["name", "grid__code", "community__name"]
    list_select_related = ["community", "grid"]
    raw_id_fields = ["community", "grid"]
    inlines = [BuildingInline]


class EntranceInline(admin.TabularInline[Entrance, Building]):
    model = Entrance
    extra = 0


@admin.register(Building)
class BuildingAdmin(AuditedAdmin[Building]):
    list_display = ["__str__", "estate", "number"]
    search_fields = ["estate__name", "number"]
    list_select_related = ["estate"]
    raw_id_fields = ["estate"]
    inlines = [EntranceInline]


@admin.register(Entrance)
class EntranceAdmin(AuditedAdmin[Entrance]):
    list_display = ["__str__", "building", "number"]
    search_fields = ["building__estate__name", "number"]
    list_select_related = ["building__estate"]
    raw_id_fields = ["building"]


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin[Household]):
    list_display = ["__str__", "room", "grid_code"]
    search_fields = ["grid_code", "room", "entrance__building__estate__name"]
    list_select_related = ["entrance__building__estate"]
    raw_id_fields = ["entrance"]
