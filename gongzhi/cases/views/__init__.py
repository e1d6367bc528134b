"""The pages of the case platform (慧办), by theme: `report` (随手拍), `workbench` (and the command
centre's map), `case_page` (the case and its actions), `public` (my reports, the echo wall) and
`errands`.

Each view parses the request with a form, calls one action (or a scoped query) and renders. A
refused action (ActionError) comes back with its status, its message shown, and what the person
typed still in the form.
"""

from __future__ import annotations

from .case_page import act, detail, photo
from .errands import errand_act, errands
from .public import echo_wall, my_reports
from .report import report, report_hotline, report_sent
from .workbench import command_map, workbench

__all__ = [
    "act",
    "command_map",
    "detail",
    "echo_wall",
    "errand_act",
    "errands",
    "my_reports",
    "photo",
    "report",
    "report_hotline",
    "report_sent",
    "workbench",
]
