"""The navigation a person sees, from the roles they hold."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import can, roles_of
from gongzhi.people.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "nav_roles": []}
    items: list[tuple[str, Any]] = [(reverse("web:home"), _("Home"))]
    if can(user, "places.view"):
        items.append((reverse("web:places"), _("Places and grids")))
    if can(user, "orgs.view"):
        items.append((reverse("web:organisations"), _("Organisations")))
    if can(user, "core.view_audit"):
        items.append((reverse("web:audit"), _("Audit log")))
    if user.is_staff:
        items.append((reverse("admin:index"), _("Back office")))
    roles = roles_of(user)
    return {"nav_items": items, "nav_roles": [label for value, label in Role.choices if value in roles]}
