"""Counter rows: per day × grid × category × handling unit, one 0/1 column per workflow event.

Every indicator is a sum or a ratio of these columns, so dashboards read thousands of rows, not
millions of cases. Two roll-ups hold the same sums at a coarser grain, so that a district's month
reads a few thousand rows whatever the number of cases:
  - CaseCounterMonth: per month × grid × category × unit (whole months: categories, units);
  - GridMonthCounter and GridDayCounter: per month (day) × grid, over all categories and units
    (places without a category filter: the figures, trends and the tables of streets,
    communities, grids and grid workers).
All are written only by `insights.counters.bump`, in the case action's transaction, and
`rebuild_counters` derives them all from the case timelines and compares them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The counters of the workflow's steps: each action adds to one or more of them.
WORKFLOW_METRICS: tuple[str, ...] = (
    "reported",
    "valid",
    "declined",
    "registered",
    "dispatched",
    "responded",
    "handled",
    "handled_on_time",
    "closed",
    "closed_on_time",
    "returned",
    "escalated",
    "extended",
    "reworked",
    "shelved",
    "voided",
    "rated_satisfied",
    "rated_basically_satisfied",
    "rated_unsatisfied",
    "summoned",
    "summons_on_time",
)
METRICS: tuple[str, ...] = (
    *WORKFLOW_METRICS,
    # Time to close (close step − reported), summed, and counted in disjoint duration buckets so
    # that the average is a ratio and the median can be estimated without reading cases. Bumped
    # with `closed` and taken back with it when an unsatisfied rating reopens the case.
    "close_seconds",
)

# (column, upper bound in seconds, inclusive; None = no bound). A closure that took d seconds counts
# in the first bucket whose bound is >= d: the buckets are disjoint and together count `closed`.
HOUR, DAY = 3600, 86400
CLOSE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("close_le_1h", HOUR),
    ("close_le_4h", 4 * HOUR),
    ("close_le_8h", 8 * HOUR),
    ("close_le_1d", DAY),
    ("close_le_2d", 2 * DAY),
    ("close_le_3d", 3 * DAY),
    ("close_le_5d", 5 * DAY),
    ("close_le_7d", 7 * DAY),
    ("close_le_10d", 10 * DAY),
    ("close_le_15d", 15 * DAY),
    ("close_le_30d", 30 * DAY),
    ("close_le_60d", 60 * DAY),
    ("close_gt_60d", None),
)
METRICS = METRICS + tuple(name for name, _bound in CLOSE_BUCKETS)


class Metrics(models.Model):
    """The counter columns, shared by the counter tables."""

    reported = models.IntegerField(default=0)
    valid = models.IntegerField(default=0)
    declined = models.IntegerField(default=0)
    registered = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    handled_on_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    escalated = models.IntegerField(default=0)
    extended = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    shelved = models.IntegerField(default=0)
    voided = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_basically_satisfied = models.IntegerField(default=0)
    rated_unsatisfied = models.IntegerField(default=0)
    summoned = models.IntegerField(default=0)
    summons_on_time = models.IntegerField(default=0)
    close_seconds = models.BigIntegerField(default=0)
    close_le_1h = models.IntegerField(default=0)
    close_le_4h = models.IntegerField(default=0)
    close_le_8h = models.IntegerField(default=0)
    close_le_1d = models.IntegerField(default=0)
    close_le_2d = models.IntegerField(default=0)
    close_le_3d = models.IntegerField(default=0)
    close_le_5d = models.IntegerField(default=0)
    close_le_7d = models.IntegerField(default=0)
    close_le_10d = models.IntegerField(default=0)
    close_le_15d = models.IntegerField(default=0)
    close_le_30d = models.IntegerField(default=0)
    close_le_60d = models.IntegerField(default=0)
    close_gt_60d = models.IntegerField(default=0)

    class Meta:
        abstract = True


class CaseCounter(Metrics):
    day = models.DateField(_("day"))
    grid_code = models.CharField(_("grid code"), max_length=20)
    category_id = models.BigIntegerField(_("category"))
    # "" for cases no unit holds yet; otherwise "org:<id>" or "<tier>:<scope code>".
    unit = models.CharField(_("handling unit"), max_length=40, default="")

    class Meta:
        verbose_name = _("case counter")
        verbose_name_plural = _("case counters")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "grid_code", "category_id", "unit"], name="counter_cell_unique"
            )
        ]
        indexes = [
            models.Index(fields=["grid_code", "day"], name="counter_scope_day"),
            models.Index(fields=["unit", "day"], name="counter_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_code} {self.category_id} {self.unit}"


class CaseCounterMonth(Metrics):
    """The counters of a month (`month` is its first day), cell by cell."""

    month = models.DateField(_("month"))
    grid_code = models.CharField(_("grid code"), max_length=20)
    category_id = models.BigIntegerField(_("category"))
    unit = models.CharField(_("handling unit"), max_length=40, default="")

    class Meta:
        verbose_name = _("monthly case counter")
        verbose_name_plural = _("monthly case counters")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "grid_code", "category_id", "unit"], name="counter_month_unique"
            )
        ]
        indexes = [models.Index(fields=["unit", "month"], name="counter_month_unit")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.grid_code} {self.category_id} {self.unit}"


class GridDayCounter(Metrics):
    """The counters of a grid on a day, over all categories and units."""

    day = models.DateField(_("day"))
    grid_code = models.CharField(_("grid code"), max_length=20)

    class Meta:
        verbose_name = _("daily grid counter")
        verbose_name_plural = _("daily grid counters")
        constraints = [
            models.UniqueConstraint(fields=["day", "grid_code"], name="counter_grid_day_unique")
        ]
        indexes = [models.Index(fields=["grid_code", "day"], name="counter_grid_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_code}"


class GridMonthCounter(Metrics):
    """The counters of a grid in a month (`month` is its first day), over all categories and
    units."""

    month = models.DateField(_("month"))
    grid_code = models.CharField(_("grid code"), max_length=20)

    class Meta:
        verbose_name = _("monthly grid counter")
        verbose_name_plural = _("monthly grid counters")
        constraints = [
            models.UniqueConstraint(fields=["month", "grid_code"], name="counter_grid_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.grid_code}"
