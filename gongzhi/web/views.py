"""The pages of the web UI: parse the request, ask a scoped query or an action, render a template."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gongzhi.cases import labels as cases_labels
from gongzhi.core.errors import ActionError, NotAllowed, NotFound
from gongzhi.core.models import AuditEntry, Notification
from gongzhi.core.permissions import can, scoped
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.actions import Contact, contact_for
from gongzhi.people.actions import reveal_personal_data as reveal_action
from gongzhi.people.models import Membership, Role, User
from gongzhi.places.models import Division, Estate, Grid
from gongzhi.places.queries import (
    get_division,
    get_grid,
    grid_team,
    grids_feature_collection,
    top_divisions,
    visible_children,
    visible_grids,
)
from gongzhi.web.pages import current_user as _user
from gongzhi.web.pages import is_htmx as _is_htmx
from gongzhi.web.pages import page_view
from gongzhi.web.pages import paginate as _page

GRIDS_PER_PAGE = 100
ORGANISATIONS_PER_PAGE = 100
AUDIT_ENTRIES_PER_PAGE = 50
NOTIFICATIONS_PER_PAGE = 30
# Roles whose daily work is one grid: their home page lists those grids first.
GRID_ROLES = frozenset(
    {Role.GRID_WORKER, Role.GRID_LEADER, Role.BUILDING_HEAD, Role.ENTRANCE_HEAD, Role.RESIDENT}
)
# What the audit log calls each action, for people; unknown actions show their code.
AUDIT_ACTION_LABELS: dict[str, Any] = {
    "people.view_personal_data": gettext_lazy("Viewed full phone / ID number"),
    "people.assign_role": gettext_lazy("Assigned a role"),
    "people.end_membership": gettext_lazy("Ended a role"),
    "places.create_grid": gettext_lazy("Created a grid"),
    "places.update_grid": gettext_lazy("Changed a grid"),
    "places.update_grid_boundary": gettext_lazy("Redrew a grid boundary"),
    "orgs.create": gettext_lazy("Added an organisation"),
    "orgs.add_committee_seat": gettext_lazy("Seated a committee member"),
    "places.import_divisions": gettext_lazy("Imported divisions"),
    "admin.add": gettext_lazy("Added in the back office"),
    "admin.change": gettext_lazy("Changed in the back office"),
    "admin.delete": gettext_lazy("Deleted in the back office"),
    "people.load_demo_residents": gettext_lazy("Loaded the demo residents"),
    "core.enter_holiday_notice": gettext_lazy("Entered the State Council's holiday notice"),
    "api.issue_token": gettext_lazy("Issued an API token"),
    "api.revoke_token": gettext_lazy("Revoked an API token"),
    "open311.issue_key": gettext_lazy("Issued an Open311 key"),
    "open311.revoke_key": gettext_lazy("Revoked an Open311 key"),
    "open311.apply_defaults": gettext_lazy("Applied the Open311 service defaults"),
    "open311.refuse_request": gettext_lazy("Refused an Open311 request"),
    "open311.view_personal_data": gettext_lazy("Viewed personal data through Open311"),
    # Each domain app names its own actions in its labels module.
    **cases_labels.AUDIT,
}


# ---------------------------------------------------------------- plumbing


def _place_names(user: User, codes: Iterable[str]) -> dict[str, str]:
    """Names of the places (divisions or grids) behind scope codes, as far as `user` may see them."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    divisions = scoped(user, "places.view", Division.objects.filter(code__in=wanted), field="code")
    names = {d.code: d.short_name for d in divisions}
    names.update(visible_grids(user).filter(code__in=wanted).values_list("code", "name"))
    return names


def _place_label(names: dict[str, str], code: str) -> str:
    if not code:
        return _("All places")
    return names.get(code, code)


# ---------------------------------------------------------------- signing in


class LoginForm(AuthenticationForm):
    """Django's login form, asking for a username or a mobile number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or mobile number")


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


# ---------------------------------------------------------------- home


@dataclass(frozen=True)
class RoleHeld:
    role: str
    place: str
    organisation: str
    title: str


def _greeting() -> str:
    hour = timezone.localtime().hour
    if hour < 11:
        return _("Good morning")
    if hour < 13:
        return _("Good day")
    if hour < 18:
        return _("Good afternoon")
    return _("Good evening")


@require_GET
@page_view
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("role")
    )
    names = _place_names(user, (m.scope_code for m in memberships))
    roles = [
        RoleHeld(
            role=m.get_role_display(),
            place=_place_label(names, m.scope_code),
            organisation=m.organisation.name if m.organisation else "",
            title=m.title,
        )
        for m in memberships
    ]
    grid_codes = {m.scope_code for m in memberships if m.role in GRID_ROLES}
    my_grids = visible_grids(user).filter(code__in=grid_codes).select_related("community")
    places = list(top_divisions(user).select_related("parent"))
    totals = visible_grids(user).aggregate(grids=Count("id"), households=Sum("households"))
    return render(
        request,
        "web/home.html",
        {
            "greeting": _greeting(),
            "roles": roles,
            "my_grids": my_grids,
            "places": places,
            "totals": totals,
            "can_view_audit": can(user, "core.view_audit"),
        },
    )


# ---------------------------------------------------------------- places


@dataclass(frozen=True)
class PlaceRow:
    division: Division
    grids: int
    households: int


def _with_grid_counts(user: User, divisions: Iterable[Division], under: str) -> list[PlaceRow]:
    """Each division with the number of grids and households the user sees inside it."""
    per_community = (
        visible_grids(user, under=under)
        .values("community__code")
        .annotate(n=Count("id"), hh=Sum("households"))
        .order_by()
    )
    rows = [(r["community__code"], r["n"], r["hh"] or 0) for r in per_community]
    result = []
    for d in divisions:
        inside = [(n, hh) for code, n, hh in rows if code.startswith(d.code)]
        result.append(PlaceRow(d, sum(n for n, _ in inside), sum(hh for _, hh in inside)))
    return result


def _breadcrumb(user: User, division: Division) -> list[Division]:
    """The divisions above `division`, from its district down, that the user may browse."""
    chain = []
    for length in (6, 9):
        if length < len(division.code):
            try:
                chain.append(get_division(user, division.code[:length]))
            except NotFound:
                continue
    return chain


def _map_settings() -> dict[str, str]:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


@require_GET
@page_view
def places(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    tops = list(top_divisions(user).select_related("parent"))
    rows: list[PlaceRow] = []
    for top in tops:
        rows.extend(_with_grid_counts(user, [top], under=top.code))
    return render(request, "web/places.html", {"rows": rows})


@require_GET
@page_view
def division(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    place = get_division(user, code)
    children = _with_grid_counts(user, visible_children(user, place), under=place.code)
    grids = visible_grids(user, under=place.code).select_related("community")
    totals = grids.aggregate(grids=Count("id"), households=Sum("households"))
    return render(
        request,
        "web/division.html",
        {
            "place": place,
            "breadcrumb": _breadcrumb(user, place),
            "children": children,
            "grids": _page(request, grids, GRIDS_PER_PAGE),
            "totals": totals,
            "geojson_url": reverse("web:division_grids_geojson", args=[place.code]),
            **_map_settings(),
        },
    )


def _feature_collection(grids: QuerySet[Grid]) -> dict[str, Any]:
    collection = grids_feature_collection(grids)
    for feature in collection["features"]:
        feature["properties"]["url"] = reverse("web:grid", args=[feature["properties"]["code"]])
    return collection


@require_GET
@login_required
def division_grids_geojson(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    try:
        place = get_division(user, code)
    except ActionError as exc:
        return JsonResponse({"error": exc.message}, status=exc.status)
    return JsonResponse(_feature_collection(visible_grids(user, under=place.code)))


@dataclass(frozen=True)
class TeamMember:
    membership: Membership
    contact: Contact


@dataclass(frozen=True)
class TeamSection:
    """One part of the "1+1+X+Y" team, as the grid page lists it."""

    key: str
    label: str
    hint: str
    members: list[TeamMember]


def _team_sections(user: User, grid: Grid) -> list[TeamSection]:
    team = grid_team(grid)
    parts = [
        ("instructors", _("Grid instructor"), _("1 · a street cadre for the community")),
        ("leaders", _("Grid leader"), _("1 · a community cadre")),
        ("workers", _("Grid workers"), _("X · full- and part-time")),
        ("others", _("Other forces"), _("Y · police, lawyers, volunteers…")),
    ]
    return [
        TeamSection(
            key, label, hint, [TeamMember(m, contact_for(user, m.user)) for m in getattr(team, key)]
        )
        for key, label, hint in parts
    ]


@require_GET
@page_view
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    grid = get_grid(user, code)
    can_see_team = can(user, "places.view_team", grid)
    estates = (
        scoped(user, "places.view", Estate.objects.filter(grid=grid), field="grid__code")
        .annotate(building_count=Count("buildings"))
        .order_by("name")
    )
    return render(
        request,
        "web/grid.html",
        {
            "grid": grid,
            "street": grid.community.parent,
            "grid_breadcrumb": [*_breadcrumb(user, grid.community), grid.community],
            "team": _team_sections(user, grid) if can_see_team else None,
            "can_reveal": can(user, "people.view_personal_data", grid),
            "estates": estates,
            "feature_collection": _feature_collection(visible_grids(user).filter(pk=grid.pk)),
            **_map_settings(),
        },
    )


@require_POST
@page_view
def reveal_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The full phone and ID number of one person, logged; refused (403) outside one's work."""
    viewer = _user(request)
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise NotAllowed(_("You may not see this person's full phone or ID number."))
    contact = reveal_action(viewer, person, reason=request.POST.get("reason", ""))
    context = {"person": person, "contact": contact}
    template = "web/_contact.html" if _is_htmx(request) else "web/reveal.html"
    return render(request, template, context)


# ---------------------------------------------------------------- organisations and the audit log


@dataclass(frozen=True)
class OrgRow:
    organisation: Organisation
    kind: str
    place: str


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    action: str
    place: str


def _kind_order() -> Case:
    return Case(
        *[When(kind=value, then=i) for i, value in enumerate(OrgKind.values)],
        default=len(OrgKind.values),
        output_field=IntegerField(),
    )


@require_GET
@page_view
def organisations(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = scoped(user, "orgs.view", Organisation.objects.all())
    counts = dict(visible.values_list("kind").annotate(n=Count("id")).order_by())
    kinds = [(value, label, counts[value]) for value, label in OrgKind.choices if value in counts]
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()
    shown = visible.filter(kind=kind) if kind in OrgKind.values else visible
    if query:
        shown = shown.filter(name__icontains=query)
    shown = shown.select_related("parent").order_by(_kind_order(), "scope_code", "name")
    page = _page(request, shown, ORGANISATIONS_PER_PAGE)
    names = _place_names(user, (o.scope_code for o in page.object_list))
    rows = [OrgRow(o, o.get_kind_display(), _place_label(names, o.scope_code)) for o in page]
    return render(
        request,
        "web/organisations.html",
        {
            "kinds": kinds,
            "kind": kind if kind in OrgKind.values else "",
            "query": query,
            "page": page,
            "rows": rows,
            "total": sum(counts.values()),
        },
    )


@require_GET
@page_view
def audit_log(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, "core.view_audit"):
        raise NotAllowed(_("Your role does not include reading the audit log."))
    visible = scoped(user, "core.view_audit", AuditEntry.objects.all())
    actions = list(visible.order_by("action").values_list("action", flat=True).distinct())
    action = request.GET.get("action", "")
    shown = visible.filter(action=action) if action else visible
    page = _page(
        request, shown.select_related("actor").order_by("-at", "-id"), AUDIT_ENTRIES_PER_PAGE
    )
    names = _place_names(user, (e.scope_code for e in page.object_list))
    rows = [
        AuditRow(
            e, AUDIT_ACTION_LABELS.get(e.action, e.action), names.get(e.scope_code, e.scope_code)
        )
        for e in page
    ]
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "rows": rows,
            "actions": [(a, AUDIT_ACTION_LABELS.get(a, a)) for a in actions],
            "action": action,
        },
    )


# ---------------------------------------------------------------- notifications


@require_GET
@page_view
def notifications(request: HttpRequest) -> HttpResponse:
    """A person's in-app messages, newest first. Opening the page marks the ones shown as read;
    they stay highlighted this once."""
    user = _user(request)
    page = _page(request, Notification.objects.filter(user=user), NOTIFICATIONS_PER_PAGE)
    rows = list(page.object_list)
    new = {n.pk for n in rows if n.read_at is None}
    if new:
        Notification.objects.filter(pk__in=new, user=user).update(read_at=timezone.now())
    return render(request, "web/notifications.html", {"page": page, "rows": rows, "new": new})
