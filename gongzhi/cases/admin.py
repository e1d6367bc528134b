"""Back office for the case platform.

Categories (names, keywords, in use or not) are edited here; their rules are dated rows that are
never edited: a "new rule" page calls `actions.change_rule`, which adds the row that takes effect
at a moment, so every case keeps the rules it was registered under. Cases, summonses and errands
are shown read-only: their state changes only through the workflow actions.

The holiday notice form (core's back office) says how many open cases hold a deadline in the
notice's year and keep it: core cannot import cases, so the count is registered from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import AuditedAdmin
from gongzhi.core.clock import Clock
from gongzhi.core.errors import ActionError
from gongzhi.core.holiday_notice import counts_open_deadlines
from gongzhi.orgs.models import Organisation, OrgKind

from . import actions
from .models import (
    OPEN_STATUSES,
    Case,
    CasePhoto,
    CaseStep,
    Category,
    CategoryRule,
    Errand,
    Step,
    Summons,
    SummonsDuty,
    Tier,
)

DEADLINE_FIELDS = ("step_due_at", "handle_due_at", "close_due_at")


@counts_open_deadlines
def open_cases_due_in(year: int) -> int:
    """Open cases with a deadline (the step's, the handling's or the closure's) in `year`, Beijing
    time. Entering that year's holiday notice leaves their deadlines as they were given."""
    tz = timezone.get_default_timezone()
    start, end = dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)
    due = Q()
    for field in DEADLINE_FIELDS:
        due |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return Case.objects.filter(due, status__in=OPEN_STATUSES).count()


class ReadOnlyMixin:
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# ---------------------------------------------------------------- categories and their rules


class CategoryRuleInline(ReadOnlyMixin, admin.TabularInline[CategoryRule, Category]):
    model = CategoryRule
    extra = 0
    fields = readonly_fields = (
        "effective_from",
        "lowest_tier",
        "department",
        "deadlines",
        "duplicate_radius_m",
        "note",
        "created_by",
    )
    ordering = ["-effective_from"]


class NewRuleForm(forms.Form):
    """The rules of a minor class from a moment on; each step's deadline as an amount and a clock."""

    effective_from = forms.DateTimeField(
        label=_("effective from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    lowest_tier = forms.ChoiceField(label=_("lowest tier that may settle it"), choices=Tier.choices)
    department = forms.ModelChoiceField(
        label=_("default handling department"),
        queryset=Organisation.objects.filter(kind=OrgKind.DEPARTMENT).order_by("name"),
        required=False,
    )
    duplicate_radius_m = forms.IntegerField(
        label=_("duplicate radius (metres)"), min_value=1, max_value=5000
    )
    note = forms.CharField(label=_("reason for the change"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for step in Step:
            self.fields[f"{step.value}_amount"] = forms.FloatField(
                label=_("%(step)s: amount") % {"step": step.label}, min_value=0.01
            )
            self.fields[f"{step.value}_clock"] = forms.ChoiceField(
                label=_("%(step)s: clock") % {"step": step.label}, choices=Clock.choices
            )

    def deadlines(self) -> dict[str, list[object]]:
        data = self.cleaned_data
        return {s.value: [data[f"{s.value}_amount"], data[f"{s.value}_clock"]] for s in Step}


@admin.register(Category)
class CategoryAdmin(AuditedAdmin[Category]):
    list_display = ["code", "name", "kind", "parent", "keywords", "is_active", "rule_now"]
    list_filter = ["kind", "is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "keywords"]
    list_select_related = ["parent"]
    inlines = [CategoryRuleInline]
    change_form_template = "cases/admin/category_change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        # A category's place in the tree is fixed once cases may refer to it.
        return ["kind", "code", "parent"] if obj is not None else []

    @admin.display(description=_("rules in force"))
    def rule_now(self, obj: Category) -> str:
        if obj.parent_id is None:
            return "—"
        try:
            rule = actions.rule_in_force(obj)
        except ActionError:
            return "—"
        return f"{rule.get_lowest_tier_display()} · {rule.effective_from:%Y-%m-%d}"

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:pk>/new-rule/",
                self.admin_site.admin_view(self.new_rule_view),
                name="cases_category_new_rule",
            )
        ]
        return extra + super().get_urls()

    def new_rule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        category = get_object_or_404(Category, pk=pk)
        if not self.has_change_permission(request, category):
            raise PermissionDenied
        current = category.rules.order_by("-effective_from").first()
        initial: dict[str, Any] = {
            "effective_from": timezone.localtime() + dt.timedelta(hours=1),
            "lowest_tier": current.lowest_tier if current else Tier.GRID,
            "department": current.department_id if current else None,
            "duplicate_radius_m": current.duplicate_radius_m if current else 50,
        }
        for step in Step:
            amount, clock = (current.deadlines.get(step.value) if current else None) or [
                1,
                "working_days",
            ]
            initial[f"{step.value}_amount"] = amount
            initial[f"{step.value}_clock"] = clock
        form = NewRuleForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                actions.change_rule(
                    request.user,
                    category,
                    effective_from=data["effective_from"],
                    lowest_tier=data["lowest_tier"],
                    deadlines=form.deadlines(),
                    department=data["department"],
                    duplicate_radius_m=data["duplicate_radius_m"],
                    note=data["note"],
                )
            except ActionError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                messages.success(request, _("The new rules are recorded."))
                return HttpResponseRedirect(
                    reverse("admin:cases_category_change", args=[category.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("New rules for %(name)s") % {"name": category},
            "category": category,
            "form": form,
            "opts": self.model._meta,
            "current": current,
        }
        return TemplateResponse(request, "cases/admin/new_rule.html", context)


@admin.register(CategoryRule)
class CategoryRuleAdmin(ReadOnlyMixin, admin.ModelAdmin[CategoryRule]):
    list_display = [
        "category",
        "effective_from",
        "lowest_tier",
        "department",
        "duplicate_radius_m",
        "note",
    ]
    list_filter = ["lowest_tier", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["category__name", "category__code", "note"]
    list_select_related = ["category__parent", "department"]
    date_hierarchy = "effective_from"


# ---------------------------------------------------------------- cases


class CaseStepInline(ReadOnlyMixin, admin.TabularInline[CaseStep, Case]):
    model = CaseStep
    extra = 0
    fields = readonly_fields = (
        "at",
        "action",
        "actor",
        "from_status",
        "to_status",
        "note",
        "on_time",
    )


class CasePhotoInline(ReadOnlyMixin, admin.TabularInline[CasePhoto, Case]):
    model = CasePhoto
    extra = 0
    fields = readonly_fields = ("purpose", "image", "width", "height", "step")


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin[Case]):
    list_display = [
        "number",
        "category",
        "status",
        "source",
        "grid_code",
        "tier",
        "assigned_unit",
        "reported_at",
        "step_due_at",
    ]
    list_filter = ["status", "source", "tier", "kind", "is_public"]
    search_fields = ["number", "description", "grid_code"]
    list_select_related = ["category__parent", "assigned_unit"]
    date_hierarchy = "reported_at"
    inlines = [CaseStepInline, CasePhotoInline]
    show_full_result_count = False


class SummonsDutyInline(ReadOnlyMixin, admin.TabularInline[SummonsDuty, Summons]):
    model = SummonsDuty
    extra = 0
    fields = readonly_fields = (
        "department",
        "checked_in_at",
        "checked_in_by",
        "report",
        "reported_at",
        "is_late",
    )


@admin.register(Summons)
class SummonsAdmin(ReadOnlyMixin, admin.ModelAdmin[Summons]):
    list_display = ["case", "at", "due_at", "summoned_by"]
    search_fields = ["case__number", "note"]
    list_select_related = ["case", "summoned_by"]
    date_hierarchy = "at"
    inlines = [SummonsDutyInline]


@admin.register(Errand)
class ErrandAdmin(ReadOnlyMixin, admin.ModelAdmin[Errand]):
    list_display = ["number", "what", "state", "grid_code", "taker", "requested_at", "due_at"]
    list_filter = ["state"]
    search_fields = ["number", "what", "grid_code"]
    list_select_related = ["taker"]
    date_hierarchy = "requested_at"
