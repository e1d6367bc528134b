"""The back office: every model of core/places/people/orgs is there for administrators, in
Chinese; the audit log is read-only, and changes made there are themselves audited."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client

from gongzhi.conftest import Cast
from gongzhi.core.models import AuditEntry, ConfigValue, Holiday
from gongzhi.orgs.models import CommitteeSeat, Organisation
from gongzhi.people.models import Membership, PartyMemberProfile, ResidentProfile, Role, User
from gongzhi.places.models import Building, Division, Entrance, Estate, Grid, Household

MODELS = [
    AuditEntry,
    ConfigValue,
    Holiday,
    Division,
    Grid,
    Estate,
    Building,
    Entrance,
    Household,
    User,
    Membership,
    ResidentProfile,
    PartyMemberProfile,
    Organisation,
    CommitteeSeat,
]


@pytest.fixture
def admin_client_cn(client: Client, cast: Cast) -> Client:
    client.force_login(cast.administrator)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_has_a_changelist_for_the_administrator(
    admin_client_cn: Client, model: type[Model]
) -> None:
    assert admin.site.is_registered(model)
    response = admin_client_cn.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_is_in_chinese(admin_client_cn: Client) -> None:
    page = admin_client_cn.get("/admin/").content.decode()
    assert "共治 · 后台管理" in page
    assert "注销" in page


@pytest.mark.django_db
def test_audit_log_cannot_be_added_changed_or_deleted(admin_client_cn: Client, cast: Cast) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    base = "/admin/core/auditentry/"
    assert admin_client_cn.get(f"{base}add/").status_code == 403
    change = admin_client_cn.get(f"{base}{entry.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert (
        admin_client_cn.post(f"{base}{entry.pk}/change/", {"summary": "edited"}).status_code == 403
    )
    assert admin_client_cn.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.summary != "edited"


@pytest.mark.django_db
def test_a_change_in_the_back_office_is_written_to_the_audit_log(
    admin_client_cn: Client, cast: Cast
) -> None:
    response = admin_client_cn.post(
        "/admin/core/holiday/add/", {"date": "2030-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(name="国庆节")
    entry = AuditEntry.objects.get(action="admin.add", object_type="core.holiday")
    assert entry.actor == cast.administrator
    assert entry.object_id == str(holiday.pk)


@pytest.mark.django_db
def test_user_list_masks_phones_and_finds_people_by_phone(
    admin_client_cn: Client, cast: Cast
) -> None:
    page = admin_client_cn.get("/admin/people/user/?q=13812341234").content.decode()
    assert "张秀英" in page
    assert "138****1234" in page
    assert "李建国" not in page


@pytest.mark.django_db
def test_role_form_refuses_a_grid_role_on_a_community_code(
    admin_client_cn: Client, cast: Cast
) -> None:
    before = Membership.objects.count()
    response = admin_client_cn.post(
        "/admin/people/membership/add/",
        {
            "user": cast.other_resident.pk,
            "role": Role.GRID_WORKER,
            "scope_code": "130803001008",
            "title": "",
            "is_full_time": "on",
            "started_on": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert Membership.objects.count() == before
    assert "130803001008" in response.content.decode()


@pytest.mark.django_db
def test_grids_and_divisions_are_not_added_by_hand(admin_client_cn: Client) -> None:
    assert admin_client_cn.get("/admin/places/grid/add/").status_code == 403
    assert admin_client_cn.get("/admin/places/division/add/").status_code == 403
