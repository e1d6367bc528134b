"""Back office for the shared records: the audit log (read-only), configuration values, holidays.

The holiday list says, year by year, whether the working calendar is the package's, the State
Council's notice as entered, or provisional (statutory holidays only), and links to the form where
an administrator pastes a year's notice (`holiday_notice.enter_holiday_notice`).

`AuditedAdmin` is the base of every back-office page that changes data: each add, change and
delete made there is written to the audit log like any other change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import audit
from .clock import WorkCalendar, calendar_covers, statutory_holidays
from .errors import ActionError
from .holiday_notice import EARLIEST_YEAR, LATEST_YEAR, NoticeEntered, enter_holiday_notice
from .models import AuditEntry, Channel, ConfigValue, Holiday, HolidayNotice
from .permissions import is_administrator

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


class HolidayNoticeForm(forms.Form):
    """The State Council's notice of a year: its holidays and its make-up working days, pasted."""

    year = forms.IntegerField(
        label=gettext_lazy("year"), min_value=EARLIEST_YEAR, max_value=LATEST_YEAR
    )
    holidays = forms.CharField(
        label=gettext_lazy("Holidays (放假)"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=gettext_lazy(
            "One holiday a line: dates and ranges, such as 2027-02-05, 2月5日, "
            "2027-02-05至2027-02-11, 2027-02-05~02-11 or 2月5日至11日. A line may begin with the "
            "holiday's name and a colon (春节：) and keep the notice's words (放假调休，共7天); "
            "dates without a year are in the year above."
        ),
    )
    workdays = forms.CharField(
        label=gettext_lazy("Make-up working days (调休上班)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        help_text=gettext_lazy(
            "The weekend days the notice makes working days, written the same way, such as "
            "2月20日（周六）上班. Leave empty when the notice has none."
        ),
    )


def _calendar_years(today: dt.date) -> list[dict[str, Any]]:
    """This year, the next, and every year with a notice: where each year's working days come
    from, for the holiday list."""
    notices = {n.year: n for n in HolidayNotice.objects.select_related("entered_by")}
    years = sorted({today.year, today.year + 1} | {y for y in notices if y >= today.year - 1})
    calendar = WorkCalendar()
    rows = []
    for year in years:
        notice = notices.get(year)
        if notice is not None:
            state = "entered"
            text = _("Notice entered %(at)s by %(who)s") % {
                "at": timezone.localtime(notice.entered_at).strftime("%Y-%m-%d %H:%M"),
                "who": notice.entered_by.get_full_name() if notice.entered_by else "—",
            }
        elif calendar_covers(year):
            state = "package"
            text = _("The State Council's notice, from the calendar package")
        else:
            days = "、".join(f"{d:%m-%d}" for d in sorted(statutory_holidays(year)))
            state = "provisional"
            text = _(
                "Provisional: the statutory holidays only (%(days)s); the bridging days and "
                "make-up working days are known once the notice is entered"
            ) % {"days": days}
        rows.append(
            {
                "year": year,
                "state": state,
                "provisional": calendar.is_provisional(year),
                "text": text,
                "url": reverse("admin:core_holiday_notice") + f"?year={year}",
            }
        )
    return rows


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin[Holiday]):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    change_list_template = "core/admin/holiday_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "notice/",
                self.admin_site.admin_view(self.notice_view),
                name="core_holiday_notice",
            )
        ]
        return extra + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "calendar_years": _calendar_years(timezone.localdate()),
            "may_enter_notice": is_administrator(request.user),
        }
        return super().changelist_view(request, extra_context=context)

    def notice_view(self, request: HttpRequest) -> HttpResponse:
        """Paste the State Council's notice of a year; entering it again replaces it."""
        if not is_administrator(request.user):
            raise PermissionDenied
        status = 200
        if request.method == "POST":
            form = HolidayNoticeForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    entered = enter_holiday_notice(
                        request.user, data["year"], data["holidays"], data["workdays"]
                    )
                except ActionError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                    status = exc.status
                else:
                    messages.success(request, _notice_message(entered))
                    changelist = reverse("admin:core_holiday_changelist")
                    return HttpResponseRedirect(f"{changelist}?date__year={entered.notice.year}")
            else:
                status = 400
        else:
            form = HolidayNoticeForm(initial=self._initial(request))
        year = _year_or_none(form.data.get("year") if form.is_bound else form.initial.get("year"))
        notice = HolidayNotice.objects.filter(year=year).first() if year is not None else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enter the State Council's holiday notice"),
            "form": form,
            "opts": self.model._meta,
            "entered": notice,
        }
        return TemplateResponse(request, "core/admin/holiday_notice.html", context, status=status)

    def _initial(self, request: HttpRequest) -> dict[str, Any]:
        today = timezone.localdate()
        year = _year_or_none(request.GET.get("year"))
        if year is None:
            # The first year ahead still provisional, else next year.
            calendar = WorkCalendar()
            ahead = [y for y in (today.year, today.year + 1) if calendar.is_provisional(y)]
            year = ahead[0] if ahead else today.year + 1
        initial: dict[str, Any] = {"year": year}
        notice = HolidayNotice.objects.filter(year=year).first()
        if notice is not None:
            initial |= {"holidays": notice.holiday_text, "workdays": notice.workday_text}
        return initial


def _year_or_none(value: Any) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if EARLIEST_YEAR <= year <= LATEST_YEAR else None


def _notice_message(entered: NoticeEntered) -> str:
    """What became of the year, and of the open cases' deadlines in it (they stay as given)."""
    year = entered.notice.year
    done = _(
        "The State Council's holiday notice for %(year)s is entered (holidays: %(holidays)s, "
        "make-up working days: %(workdays)s). %(year)s is no longer provisional, and deadlines "
        "given from now on follow the notice."
    ) % {"year": year, "holidays": entered.holidays, "workdays": entered.workdays}
    count = entered.open_deadlines
    if count == 0:
        kept = _("No open case has a deadline in %(year)s.") % {"year": year}
    else:
        kept = ngettext(
            "%(count)s open case has a deadline in %(year)s; it keeps the deadline it was given.",
            "%(count)s open cases have deadlines in %(year)s; they keep the deadlines they were "
            "given.",
            count,
        ) % {"count": count, "year": year}
    return f"{done} {kept}"


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin[HolidayNotice]):
    """The notices entered, read-only: a notice is entered (again) through the holiday list's form,
    which replaces the year's holiday rows with it in one audited action."""

    list_display = ["year", "entered_by", "entered_at"]
    fields = readonly_fields = ("year", "holiday_text", "workday_text", "entered_by", "entered_at")
    list_select_related = ["entered_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HolidayNotice | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: HolidayNotice | None = None) -> bool:
        return False
