"""The navigation a person sees, from the roles they hold (a template context processor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import can, roles_of
from gongzhi.people.models import Role


@dataclass(frozen=True)
class NavItem:
    url: str
    label: Any
    icon: str  # a Bootstrap Icons name
    active: bool = False


# URL names that light up each navigation entry.
_SECTIONS = {
    "home": {"home"},
    "places": {"places", "division", "grid"},
    "organisations": {"organisations"},
    "audit": {"audit"},
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "nav_roles": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None and match.namespace == "web" else None

    def item(name: str, label: Any, icon: str) -> NavItem:
        return NavItem(reverse(f"web:{name}"), label, icon, current in _SECTIONS[name])

    items = [item("home", _("Home"), "house")]
    if can(user, "places.view"):
        items.append(item("places", _("Places and grids"), "map"))
    if can(user, "orgs.view"):
        items.append(item("organisations", _("Organisations"), "diagram-3"))
    if can(user, "core.view_audit"):
        items.append(item("audit", _("Audit log"), "journal-text"))
    if user.is_staff:
        items.append(NavItem(reverse("admin:index"), _("Back office"), "gear"))
    roles = roles_of(user)
    return {
        "nav_items": items,
        "nav_roles": [label for value, label in Role.choices if value in roles],
    }
