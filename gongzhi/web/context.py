"""The navigation a person sees, from what they may do (a template context processor).

Each entry asks `can()` with an action of core.permissions.ACTIONS, so the bar and the pages it
links to answer from the same table.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import Notification
from gongzhi.core.permissions import can, roles_of
from gongzhi.people.models import Role


@dataclass(frozen=True)
class NavItem:
    url: str
    label: Any
    icon: str  # a Bootstrap Icons name
    active: bool = False


# URL names ("namespace:name") that light up each navigation entry.
_SECTIONS = {
    "web:home": {"web:home"},
    "web:places": {"web:places", "web:division", "web:grid"},
    "web:organisations": {"web:organisations"},
    "web:audit": {"web:audit"},
    "cases:workbench": {
        "cases:workbench",
        "cases:detail",
        "cases:command_map",
        "cases:report_hotline",
    },
    "cases:report": {"cases:report", "cases:report_hotline", "cases:report_sent"},
    "cases:my_reports": {"cases:my_reports"},
    "cases:errands": {"cases:errands"},
    "cases:echo_wall": {"cases:echo_wall"},
    "insights:dashboard": {
        "insights:dashboard",
        "insights:cases",
        "insights:assessments",
        "insights:departments",
        "insights:report",
    },
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "nav_roles": [], "nav_unread": 0}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match is not None else None

    def item(name: str, label: Any, icon: str) -> NavItem:
        return NavItem(reverse(name), label, icon, current in _SECTIONS[name])

    held = roles_of(user)
    staff = can(user, "core.staff")
    items = [item("web:home", _("Home"), "house")]
    if staff:
        items.append(item("cases:workbench", _("Workbench"), "kanban"))
    else:
        # Staff report (patrol, phone-in) and open the case map from the workbench's buttons.
        items.append(item("cases:report", _("Report"), "camera"))
        items.append(item("cases:my_reports", _("My reports"), "list-check"))
    if can(user, "cases.errands_page"):
        items.append(item("cases:errands", _("Errands"), "person-raised-hand"))
    if not staff:
        items.append(item("cases:echo_wall", _("Echo wall"), "chat-square-quote"))
    # The same rule as insights.queries.may_use_insights, which guards the pages themselves.
    if can(user, "insights.use"):
        # (until the insights URLs are mounted in the URL map, there is nothing to link to)
        with suppress(NoReverseMatch):
            items.append(item("insights:dashboard", _("Insights"), "bar-chart-line"))
    # Residents have their own entries above; the place browser and organisations are work tools.
    if staff and can(user, "places.view"):
        items.append(item("web:places", _("Places and grids"), "map"))
    if staff and can(user, "orgs.view"):
        items.append(item("web:organisations", _("Organisations"), "diagram-3"))
    if can(user, "core.view_audit"):
        items.append(item("web:audit", _("Audit log"), "journal-text"))
    if user.is_staff:
        items.append(NavItem(reverse("admin:index"), _("Back office"), "gear"))
    return {
        "nav_items": items,
        "nav_roles": [label for value, label in Role.choices if value in held],
        "nav_unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "nav_notifications_active": current == "web:notifications",
    }
