"""Case categories (GB/T 30428 major and minor classes of components and events) and their rules.

A category's rules (lowest tier that may settle it, default handling department, a deadline per
step with its clock, the radius for likely duplicates) are dated rows: an administrator's change
adds a row that takes effect at a moment, and a case keeps the row it was registered under.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.clock import Clock, light_at, traffic_light


class Kind(models.TextChoices):
    EVENT = "event", _("Event")
    COMPONENT = "component", _("Component")


class Tier(models.TextChoices):
    """The platform's tiers, lowest first: 小事不出网格、大事不出社区."""

    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street or department")
    COMMAND_CENTRE = "command_centre", _("Command centre")


TIER_ORDER = [Tier.GRID, Tier.COMMUNITY, Tier.STREET, Tier.COMMAND_CENTRE]


class Step(models.TextChoices):
    """The steps that have a deadline."""

    CONFIRM = "confirm", _("Confirm")
    DISPATCH = "dispatch", _("Dispatch")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", _("Verify")
    CLOSE = "close", _("Close")


class Category(models.Model):
    """A major class (2-digit code) or a minor class (major code + 2 digits) of events or components."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("major class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="category_code_unique"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, code__regex=r"^\d{2}$")
                | models.Q(parent__isnull=False, code__regex=r"^\d{4}$"),
                name="category_code_shape",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.parent_id is None else f"{self.parent} / {self.name}"


class CategoryRule(models.Model):
    """The rules of a minor class from `effective_from` until the next row takes over."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="rules"
    )
    effective_from = models.DateTimeField(_("effective from"))
    lowest_tier = models.CharField(
        _("lowest tier that may settle it"), max_length=16, choices=Tier.choices
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("default handling department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # {step: [amount, clock]} for each Step, e.g. {"handle": [5, "working_days"]}.
    deadlines = models.JSONField(_("deadlines"))
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (metres)"), default=50)
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        ordering = ["category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "effective_from"], name="rule_one_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.effective_from:%Y-%m-%d}"

    def deadline(self, step: str) -> tuple[float, Clock]:
        amount, clock = self.deadlines[step]
        return float(amount), Clock(clock)


class Source(models.TextChoices):
    """How a case came in."""

    RESIDENT_APP = "resident_app", _("Snapshot report")
    PATROL = "patrol", _("Grid patrol")
    HOTLINE = "hotline", _("12345 hotline")
    COMMAND_CENTRE = "command_centre", _("Command centre")
    OPEN311 = "open311", _("Open311")
    API = "api", _("REST API")


class Status(models.TextChoices):
    REPORTED = "reported", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed, awaiting registration")
    REGISTERED = "registered", _("Registered, awaiting dispatch")
    DISPATCHED = "dispatched", _("Dispatched, awaiting handling")
    HANDLING = "handling", _("Being handled")
    RESPONDED = "responded", _("Responded, awaiting verification")
    VERIFIED = "verified", _("Verified, awaiting closure")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    SHELVED = "shelved", _("Shelved")
    VOID = "void", _("Void")


OPEN_STATUSES = frozenset(
    {
        Status.REPORTED,
        Status.CONFIRMED,
        Status.REGISTERED,
        Status.DISPATCHED,
        Status.HANDLING,
        Status.RESPONDED,
        Status.VERIFIED,
    }
)


class Case(models.Model):
    """A reported problem and where it stands. Its history is the timeline of CaseStep rows."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    rule = models.ForeignKey(
        CategoryRule,
        verbose_name=_("rules applied"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    description = models.TextField(_("description"), max_length=4000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    grid_code = models.CharField(_("grid code"), max_length=20)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_public = models.BooleanField(_("shown on the echo wall"), default=True)
    # Who must act now: a tier over a place (scope_code), or a handling unit (a department).
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.GRID)
    assigned_scope = models.CharField(_("assigned place"), max_length=20)
    assigned_unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    # The current step's clock: the light (green/yellow/red) is derived from these and now.
    step_started_at = models.DateTimeField(_("step started at"))
    step_due_at = models.DateTimeField(_("step due at"), null=True, blank=True)
    step_clock = models.CharField(max_length=16, blank=True)
    # When the step turns yellow (80 % of its time used on its clock), and which reminders of the
    # step have gone out: 0 none, 1 "nearly due" to the holders, 2 "overdue" to the supervisors.
    step_warn_at = models.DateTimeField(_("step nearly due at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0, db_default=0)
    handle_due_at = models.DateTimeField(_("handling due at"), null=True, blank=True)
    close_due_at = models.DateTimeField(_("closure due at"), null=True, blank=True)
    pending_extension = models.PositiveSmallIntegerField(
        _("extension asked (working days)"), null=True, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    me_too = models.PositiveIntegerField(_("other reporters"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("reworked"), default=0)
    rating = models.CharField(_("rating"), max_length=20, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    public_answer = models.TextField(_("public answer"), blank=True)
    tokens = models.CharField(max_length=500, blank=True)  # jieba tokens, for likely duplicates
    reported_at = models.DateTimeField(_("reported at"))
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        indexes = [
            # The inboxes: what a place or a unit must act on now, oldest first.
            models.Index(
                fields=["assigned_scope", "status", "step_due_at"], name="case_inbox_scope"
            ),
            models.Index(fields=["assigned_unit", "status", "step_due_at"], name="case_inbox_unit"),
            models.Index(fields=["grid_code", "reported_at"], name="case_grid_time"),
            models.Index(fields=["category", "status", "lat", "lng"], name="case_duplicates"),
            models.Index(fields=["reporter", "reported_at"], name="case_reporter"),
            # Overdue now, per place: only open cases are in it, so it stays small.
            models.Index(
                fields=["grid_code", "step_due_at"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="case_open_place_due",
            ),
            # Inbox first pages: code prefixes need pattern_ops for LIKE under a non-C collation.
            models.Index(
                fields=["grid_code", "step_due_at"],
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="case_open_grid_prefix",
            ),
            models.Index(
                fields=["assigned_scope", "step_due_at"],
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="case_open_scope_prefix",
            ),
            models.Index(
                fields=["assigned_unit", "step_due_at", "id"],
                condition=models.Q(status__in=["dispatched", "handling"]),
                name="case_unit_handling_due",
            ),
            # The reminder sweep: open steps whose warning or deadline has come and not been sent.
            models.Index(
                fields=["step_warn_at"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES), reminders_sent=0),
                name="case_remind_warn",
            ),
            models.Index(
                fields=["step_due_at"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES), reminders_sent__lt=2),
                name="case_remind_due",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def scope_code(self) -> str:
        return self.grid_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def light(self, now: dt.datetime) -> str:
        """green / yellow / red for an open case with a deadline; "" otherwise."""
        if not self.is_open or self.step_due_at is None:
            return ""
        if self.step_warn_at is None:  # a step entered before warning times were stored
            clock = self.step_clock or Clock.URGENT_HOURS
            return traffic_light(self.step_started_at, self.step_due_at, now, clock)
        return light_at(now, self.step_warn_at, self.step_due_at)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class CaseStep(models.Model):
    """One row of a case's timeline: who did what, when, with which note and photos."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    note = models.TextField(_("note"), blank=True)
    on_time = models.BooleanField(null=True)
    # The handling unit the step is counted under (insights' counter key), as it stood then.
    unit = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case timeline")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.action}"


def photo_path(instance: CasePhoto, filename: str) -> str:
    return f"cases/{instance.case.reported_at:%Y/%m}/{instance.case.number}-{filename}"


class CasePhoto(models.Model):
    class Purpose(models.TextChoices):
        REPORT = "report", _("As reported")
        RESULT = "result", _("Result of handling")
        VERIFY = "verify", _("On-site verification")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    step = models.ForeignKey(
        CaseStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class Summons(models.Model):
    """吹哨报到: a street or the command centre summons departments to a case with a deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summonses")
    summoned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("summoned at"))
    due_at = models.DateTimeField(_("check in by"))
    note = models.TextField(_("what is asked"), blank=True)

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case} {self.at:%Y-%m-%d %H:%M}"


class SummonsDuty(models.Model):
    """One summoned department: it checks in (报到) and reports what it did."""

    summons = models.ForeignKey(Summons, on_delete=models.CASCADE, related_name="duties")
    department = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="summons_duties"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report = models.TextField(_("what was done"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("summoned department")
        verbose_name_plural = _("summoned departments")
        constraints = [
            models.UniqueConstraint(
                fields=["summons", "department"], name="one_duty_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.summons} {self.department}"


class Errand(models.Model):
    """预约代办: a resident asks a cadre or grid worker to run an errand; the result is returned."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        TAKEN = "taken", _("Taken")
        DONE = "done", _("Done, result returned")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("errand number"), max_length=20, unique=True)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="errands"
    )
    grid_code = models.CharField(_("grid code"), max_length=20, db_index=True)
    what = models.CharField(_("what to do"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    wanted_on = models.DateField(_("wanted on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="errands_taken",
    )
    working_days = models.PositiveSmallIntegerField(_("working days allowed"), default=3)
    taken_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("errand")
        verbose_name_plural = _("errands")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.number

    @property
    def scope_code(self) -> str:
        return self.grid_code
