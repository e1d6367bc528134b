"""Every change to cases: the only code that writes them. By theme:

- `rules`: categories and their dated rules;
- `intake`: a new case (report);
- `steps`: the workflow, each action one `base.transition` (lock → guard → change, with its
  counters → step → audit → notify) that reads its target status from `workflow.TRANSITIONS`;
- `summons`: 吹哨报到; `reminders`: the sweep; `errands`: 预约代办.

Callers import from here: `from gongzhi.cases import actions; actions.confirm(...)`.
"""

from __future__ import annotations

from .base import holders
from .errands import cancel_errand, complete_errand, request_errand, take_errand
from .intake import ReportResult, report
from .reminders import RemindersSent, send_reminders
from .rules import change_rule, clean_deadlines, load_default_categories, rule_in_force
from .steps import (
    MAX_EXTENSION_DAYS,
    accept,
    close,
    confirm,
    decide_extension,
    decline,
    dispatch,
    escalate,
    follow_up,
    merge,
    rate,
    register,
    request_extension,
    respond,
    return_case,
    shelve,
    supervise,
    unshelve,
    verify,
    void,
)
from .summons import report_for_duty, summon

__all__ = [
    "MAX_EXTENSION_DAYS",
    "RemindersSent",
    "ReportResult",
    "accept",
    "cancel_errand",
    "change_rule",
    "clean_deadlines",
    "close",
    "complete_errand",
    "confirm",
    "decide_extension",
    "decline",
    "dispatch",
    "escalate",
    "follow_up",
    "holders",
    "load_default_categories",
    "merge",
    "rate",
    "register",
    "report",
    "report_for_duty",
    "request_errand",
    "request_extension",
    "respond",
    "return_case",
    "rule_in_force",
    "send_reminders",
    "shelve",
    "summon",
    "supervise",
    "take_errand",
    "unshelve",
    "verify",
    "void",
]
