"""The organisations page lists what lies inside one's places, grouped by kind, filterable by kind."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from gongzhi.conftest import DISTRICT, SHUANGAN, YUXIANGYUAN, Cast
from gongzhi.orgs.actions import create_organisation
from gongzhi.orgs.models import OrgKind, PartyStatus
from gongzhi.people.models import User

SignIn = Callable[[User], Client]


@pytest.fixture
def organisations(cast: Cast) -> None:
    create_organisation(None, "御祥园社区居委会", OrgKind.RESIDENTS_COMMITTEE, YUXIANGYUAN)
    create_organisation(
        None,
        "御祥园物业公司",
        OrgKind.PROPERTY_COMPANY,
        YUXIANGYUAN,
        party_status=PartyStatus.PARTY_INSTRUCTOR,
    )
    create_organisation(None, "双安社区居委会", OrgKind.RESIDENTS_COMMITTEE, SHUANGAN)
    create_organisation(None, "承德钢铁集团", OrgKind.PARTNER_UNIT, DISTRICT)


@pytest.mark.django_db
def test_community_worker_sees_only_their_communitys_organisations(
    client_as: SignIn, cast: Cast, organisations: None
) -> None:
    page = client_as(cast.community_worker).get("/organisations/").content.decode()
    assert "御祥园社区居委会" in page
    assert "御祥园物业公司" in page
    assert "双安社区居委会" not in page
    assert "承德钢铁集团" not in page
    assert "双滦区城市管理综合行政执法局" not in page


@pytest.mark.django_db
def test_command_centre_sees_every_organisation_grouped_by_kind(
    client_as: SignIn, cast: Cast, organisations: None
) -> None:
    response = client_as(cast.command_centre).get("/organisations/")
    page = response.content.decode()
    for name in [
        "御祥园社区居委会",
        "双安社区居委会",
        "承德钢铁集团",
        "双滦区城市管理综合行政执法局",
    ]:
        assert name in page
    assert page.count('class="card border-0 shadow-sm mb-3 gz-org-group"') == 4
    # Groups follow the order of the kinds: departments before residents' committees.
    assert page.index("双滦区城市管理综合行政执法局") < page.index("御祥园社区居委会")
    assert (
        page.index("御祥园社区居委会") < page.index("御祥园物业公司") < page.index("承德钢铁集团")
    )


@pytest.mark.django_db
def test_filter_by_kind_shows_only_that_kind(
    client_as: SignIn, cast: Cast, organisations: None
) -> None:
    page = (
        client_as(cast.command_centre)
        .get("/organisations/?kind=residents_committee")
        .content.decode()
    )
    assert "御祥园社区居委会" in page and "双安社区居委会" in page
    assert "御祥园物业公司" not in page
    assert "承德钢铁集团" not in page


@pytest.mark.django_db
def test_unknown_kind_shows_everything(client_as: SignIn, cast: Cast, organisations: None) -> None:
    response = client_as(cast.command_centre).get("/organisations/?kind=nonsense")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5


@pytest.mark.django_db
def test_organisations_show_their_place_and_party_presence(
    client_as: SignIn, cast: Cast, organisations: None
) -> None:
    page = client_as(cast.community_worker).get("/organisations/?q=物业").content.decode()
    assert "御祥园物业公司" in page
    assert "Has a party instructor" in page
    assert "御祥园社区居委会" not in page
