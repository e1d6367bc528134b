"""Counter rows: per day × grid × category × handling unit, one 0/1 column per workflow event.

Every indicator is a sum or a ratio of these columns, so dashboards read thousands of rows, not
millions of cases. Rows are written only by `insights.counters.bump`, in the case action's
transaction.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

METRICS = (
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


class CaseCounter(models.Model):
    day = models.DateField(_("day"))
    grid_code = models.CharField(_("grid code"), max_length=20)
    category_id = models.BigIntegerField(_("category"))
    # "" for cases no unit holds yet; otherwise "org:<id>" or "<tier>:<scope code>".
    unit = models.CharField(_("handling unit"), max_length=40, default="")
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

    class Meta:
        verbose_name = _("case counter")
        verbose_name_plural = _("case counters")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "grid_code", "category_id", "unit"], name="counter_cell_unique"
            )
        ]
        indexes = [models.Index(fields=["grid_code", "day"], name="counter_scope_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_code} {self.category_id} {self.unit}"
