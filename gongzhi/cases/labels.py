"""What people call each step and action of a case, in one place: the timeline (staff), the action
names (buttons, the API), the public words (Open311, residents), and the audit log."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The timeline: each step as staff read it, and its icon (a Bootstrap Icons name).
STEP: dict[str, Promise] = {
    "report": _("Reported"),
    "confirm": _("Confirmed on checking"),
    "register": _("Registered"),
    "decline": _("Declined"),
    "dispatch": _("Dispatched"),
    "accept": _("Accepted for handling"),
    "respond": _("Responded"),
    "return": _("Returned"),
    "escalate": _("Reported up"),
    "request_extension": _("Extension asked"),
    "approve_extension": _("Extension approved"),
    "reject_extension": _("Extension refused"),
    "verify": _("Verified on site"),
    "rework": _("Sent back for rework"),
    "close": _("Closed"),
    "rate": _("Rated"),
    "follow_up": _("Called back"),
    "shelve": _("Shelved"),
    "unshelve": _("Taken up again"),
    "supervise": _("Supervised"),
    "remind": _("Reminded"),
    "void": _("Voided"),
    "merge": _("A duplicate merged in"),
    "summon": _("Departments summoned"),
    "report_for_duty": _("Checked in to the summons"),
    "duty_report": _("Reported on the summons"),
}
STEP_ICON: dict[str, str] = {
    "report": "camera",
    "confirm": "patch-check",
    "register": "journal-plus",
    "decline": "x-octagon",
    "dispatch": "send",
    "accept": "hand-thumbs-up",
    "respond": "reply",
    "return": "arrow-return-left",
    "escalate": "arrow-up-circle",
    "verify": "clipboard-check",
    "rework": "arrow-repeat",
    "close": "check-circle",
    "rate": "star",
    "summon": "megaphone",
    "void": "trash",
    "merge": "union",
}

# The names of the workflow's actions as people say them (the Chinese term in the comment).
ACTION: dict[str, Promise] = {
    "confirm": pgettext_lazy("case action", "Confirm"),  # 核实
    "register": pgettext_lazy("case action", "Register"),  # 立案
    "decline": pgettext_lazy("case action", "Decline"),  # 不予立案
    "dispatch": pgettext_lazy("case action", "Dispatch"),  # 派遣
    "accept": pgettext_lazy("case action", "Accept"),  # 受理
    "respond": pgettext_lazy("case action", "Respond"),  # 反馈
    "return": pgettext_lazy("case action", "Return"),  # 退回
    "escalate": pgettext_lazy("case action", "Escalate"),  # 上报上级
    "request_extension": pgettext_lazy("case action", "Request an extension"),  # 延期申请
    "decide_extension": pgettext_lazy("case action", "Decide on the extension"),  # 延期审批
    "verify": pgettext_lazy("case action", "Verify on site"),  # 核查
    "rework": pgettext_lazy("case action", "Send back for rework"),  # 返工
    "close": pgettext_lazy("case action", "Close"),  # 结案
    "rate": pgettext_lazy("case action", "Rate"),  # 评价
    "follow_up": pgettext_lazy("case action", "Follow up"),  # 回访
    "shelve": pgettext_lazy("case action", "Shelve"),  # 挂账
    "unshelve": pgettext_lazy("case action", "Take off the shelf"),  # 取消挂账
    "supervise": pgettext_lazy("case action", "Supervise or remind"),  # 督办/催办
    "void": pgettext_lazy("case action", "Void"),  # 作废
    "summon": pgettext_lazy("case action", "Summon departments"),  # 吹哨
}

# The steps Open311 shows, in public words. Extension requests and refusals, call-backs and the
# departments' own check-ins stay inside.
PUBLIC_STEP: dict[str, Promise] = {
    "report": _("Reported"),
    "confirm": _("Confirmed as real and in scope"),
    "register": _("Registered"),
    "decline": _("Not registered"),
    "dispatch": _("Dispatched"),
    "accept": _("Taken on by the handler"),
    "respond": _("The handler reported the result"),
    "return": _("Returned by the handler"),
    "escalate": _("Reported up to the next tier"),
    "approve_extension": _("More time granted"),
    "verify": _("Checked on site"),
    "rework": _("Sent back for rework"),
    "close": _("Closed"),
    "rate": _("Rated by the reporter"),
    "shelve": _("Recorded as not solvable for now"),
    "unshelve": _("Taken up again"),
    "supervise": _("Under supervision"),
    "remind": _("Reminder sent"),
    "void": _("Void"),
    "merge": _("Another report of the same problem joined this case"),
    "summon": _("Departments summoned"),
}

# The audit log: each recorded `cases.*` action. A step's audit entry reads as its timeline row.
AUDIT: dict[str, Promise] = {
    **{f"cases.{step}": label for step, label in STEP.items()},
    "cases.decide_extension": _("Decided on an extension"),
    "cases.remind_nearly_due": _("Reminded: nearly due"),
    "cases.remind_overdue": _("Reminded: overdue"),
    "cases.change_rule": _("Changed a category's rules"),
    "cases.load_default_categories": _("Loaded the default categories"),
    "cases.request_errand": _("Asked for an errand"),
    "cases.take_errand": _("Took an errand"),
    "cases.complete_errand": _("Completed an errand"),
    "cases.cancel_errand": _("Cancelled an errand"),
}
