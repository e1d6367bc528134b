"""Grids: their codes (community code + a zero-padded number, 15 digits unless configured), the
generated demo grids (300–500 households, polygons that tile each community's block), and the
GeoJSON import that writes all or nothing."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from shapely.geometry import Polygon, shape
from shapely.ops import unary_union

from gongzhi.conftest import SHUANGAN, XINGGONG, YUXIANGYUAN
from gongzhi.core.errors import ActionError
from gongzhi.core.models import AuditEntry, ConfigValue
from gongzhi.places.actions import save_grid
from gongzhi.places.generator import BLOCK_DEG
from gongzhi.places.models import Division, Grid

SHUSONGJI = "130803003004"  # 输送机社区: no grids in the fixture
DISTRICT = "130803"


def outline(grid: Grid) -> Polygon:
    """The grid's boundary as a shapely polygon."""
    assert grid.boundary is not None, grid.code
    polygon = shape(grid.boundary)
    assert isinstance(polygon, Polygon)
    return polygon


def generate(under: str = DISTRICT) -> str:
    out = StringIO()
    call_command("generate_grids", "--under", under, stdout=out)
    return out.getvalue()


def import_grids(path: Path) -> str:
    out = StringIO()
    call_command("import_grids", "--source", str(path), stdout=out)
    return out.getvalue()


def set_width(width: int) -> None:
    ConfigValue.objects.create(
        key="places.grid_code_width", value=width, effective_from=timezone.localdate()
    )


def square(lng: float, lat: float, size: float = 0.002) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


def feature(geometry: dict[str, Any] | None, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write_geojson(path: Path, features: list[Any]) -> Path:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8"
    )
    return path


def grid_state() -> list[tuple[Any, ...]]:
    return list(
        Grid.objects.order_by("code").values_list(
            "code", "name", "households", "boundary", "updated_at"
        )
    )


# --- codes ------------------------------------------------------------------------------------


def test_grid_codes_are_15_digits_by_default_and_extend_the_community_code(
    district: Division,
) -> None:
    grids = list(Grid.objects.select_related("community"))

    assert grids
    assert {g.community.code for g in grids} == {YUXIANGYUAN, SHUANGAN, XINGGONG}
    for grid in grids:
        assert len(grid.code) == 15 and grid.code.isdigit()
        assert grid.code == f"{grid.community.code}{grid.number:03d}"


def test_a_configured_width_of_14_makes_new_grid_codes_14_digits(district: Division) -> None:
    set_width(14)
    community = Division.objects.get(code=SHUSONGJI)

    grid, created = save_grid(None, community, 3, households=420, boundary=square(117.7, 40.9))

    assert created
    assert grid.code == "13080300300403"
    assert len(grid.code) == 14
    assert "输送机社区" in grid.name


def test_a_width_taking_effect_tomorrow_does_not_change_todays_codes(district: Division) -> None:
    ConfigValue.objects.create(
        key="places.grid_code_width",
        value=14,
        effective_from=timezone.localdate() + dt.timedelta(days=1),
    )

    grid, _ = save_grid(None, Division.objects.get(code=SHUSONGJI), 3)

    assert grid.code == "130803003004003"


def test_changing_the_width_keeps_the_codes_of_existing_grids(district: Division) -> None:
    existing = Grid.objects.filter(community__code=YUXIANGYUAN).order_by("number").first()
    assert existing is not None
    set_width(14)

    grid, created = save_grid(
        None,
        existing.community,
        existing.number,
        households=existing.households + 1,
        boundary=existing.boundary,
    )

    assert not created
    assert grid.pk == existing.pk
    assert grid.code == existing.code  # households and roles point at this code
    assert grid.households == existing.households + 1


def test_a_grid_number_too_wide_for_the_configured_width_is_refused(district: Division) -> None:
    set_width(14)
    community = Division.objects.get(code=SHUSONGJI)
    count = Grid.objects.count()

    with pytest.raises(ActionError, match="网格序号100超出了2位数字的范围"):
        save_grid(None, community, 100)

    assert Grid.objects.count() == count


def test_grids_are_cut_from_communities_only(district: Division) -> None:
    street = Division.objects.get(code="130803001")

    with pytest.raises(ActionError):
        save_grid(None, street, 1)

    assert not Grid.objects.filter(community=street).exists()


# --- generated grids --------------------------------------------------------------------------


def test_generated_grids_hold_300_to_500_households_where_the_community_has_600_or_more(
    district: Division,
) -> None:
    generate()

    communities = Division.objects.filter(level=Division.Level.COMMUNITY, code__startswith=DISTRICT)
    big = 0
    for community in communities:
        households = list(community.grids.values_list("households", flat=True))
        assert households, f"{community.code} has no grid"
        if sum(households) >= 600:
            big += 1
            assert all(300 <= h <= 500 for h in households), (community.code, households)
        else:
            assert len(households) == 1
    assert big > 0


def test_generated_grids_do_not_overlap_and_cover_each_communitys_block(district: Division) -> None:
    generate()

    grids = list(Grid.objects.select_related("community").order_by("code"))
    polygons = [outline(g) for g in grids]
    assert all(p.is_valid and p.area > 0 for p in polygons)
    for (a, pa), (b, pb) in itertools.combinations(zip(grids, polygons, strict=True), 2):
        assert pa.intersection(pb).area < 1e-12, (a.code, b.code)

    by_community: dict[str, list[Any]] = {}
    for grid, polygon in zip(grids, polygons, strict=True):
        by_community.setdefault(grid.community.code, []).append(polygon)
    assert len(by_community) == 94
    for code, parts in by_community.items():
        block = unary_union(parts)
        envelope = block.envelope
        # The parts fill their block: no gap inside, the block the generator's size.
        assert block.area == pytest.approx(envelope.area, rel=1e-9), code
        assert block.area == pytest.approx(BLOCK_DEG**2, rel=1e-6), code
        assert sum(p.area for p in parts) == pytest.approx(block.area, rel=1e-9), code


def test_generated_grids_carry_their_bounding_box(district: Division) -> None:
    generate(YUXIANGYUAN)

    for grid in Grid.objects.filter(community__code=YUXIANGYUAN):
        assert (grid.min_lng, grid.min_lat, grid.max_lng, grid.max_lat) == pytest.approx(
            outline(grid).bounds
        )


def test_generating_twice_creates_and_changes_nothing_the_second_time(district: Division) -> None:
    first = generate()
    state = grid_state()
    audits = AuditEntry.objects.count()

    second = generate()

    assert "new)" in first and "(0 new)" not in first
    assert "(0 new)" in second
    assert grid_state() == state
    assert AuditEntry.objects.count() == audits


def test_generating_under_an_unknown_code_is_an_error(district: Division) -> None:
    count = Grid.objects.count()

    with pytest.raises(CommandError, match="no community under 139999"):
        generate("139999")

    assert Grid.objects.count() == count


# --- import_grids -----------------------------------------------------------------------------


def test_import_grids_from_a_valid_geojson_file_creates_grids(
    district: Division, tmp_path: Path
) -> None:
    source = write_geojson(
        tmp_path / "grids.geojson",
        [
            feature(
                square(117.70, 40.90),
                community=SHUSONGJI,
                number=1,
                name="输送机一网格",
                households=350,
            ),
            feature(square(117.702, 40.90), code=f"{SHUSONGJI}002", households="410"),
        ],
    )

    output = import_grids(source)

    first = Grid.objects.get(code=f"{SHUSONGJI}001")
    second = Grid.objects.get(code=f"{SHUSONGJI}002")
    assert (first.name, first.households, first.community.code) == ("输送机一网格", 350, SHUSONGJI)
    assert (second.number, second.households) == (2, 410)
    assert outline(first).equals(shape(square(117.70, 40.90)))
    assert (first.min_lng, first.min_lat) == pytest.approx((117.70, 40.90))
    assert "2 grids created" in output


def test_importing_the_same_grids_again_changes_nothing(district: Division, tmp_path: Path) -> None:
    source = write_geojson(
        tmp_path / "grids.geojson",
        [feature(square(117.70, 40.90), community=SHUSONGJI, number=1, households=350)],
    )
    import_grids(source)
    state = grid_state()
    audits = AuditEntry.objects.count()

    output = import_grids(source)

    assert "0 grids created" in output
    assert grid_state() == state
    assert AuditEntry.objects.count() == audits


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [[117.70, 40.90], [117.71, 40.91], [117.71, 40.90], [117.70, 40.91], [117.70, 40.90]]
    ],
}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param(
            feature(BOW_TIE, community=SHUSONGJI, number=2),
            "边界多边形无效",
            id="self-intersecting-bow-tie",
        ),
        pytest.param(
            feature({"type": "Point", "coordinates": [117.7, 40.9]}, community=SHUSONGJI, number=2),
            "网格边界必须是多边形",
            id="point",
        ),
        pytest.param(
            feature(square(117.71, 40.90), community="130803999999", number=1),
            "no community with code '130803999999'",
            id="unknown-community",
        ),
        pytest.param(
            feature(square(117.71, 40.90), community=SHUSONGJI, number="二"),
            "whole numbers",
            id="number-not-a-number",
        ),
        pytest.param(
            feature(square(117.71, 40.90), community=SHUSONGJI, number=[2]),
            "whole numbers",
            id="number-a-list",
        ),
        pytest.param("not a feature", "not a GeoJSON Feature", id="feature-a-string"),
        pytest.param(
            {"type": "Feature", "properties": ["community"], "geometry": square(117.71, 40.90)},
            "not a GeoJSON Feature",
            id="properties-a-list",
        ),
    ],
)
def test_a_bad_feature_stops_the_grid_import_and_nothing_is_written(
    district: Division, tmp_path: Path, bad: Any, message: str
) -> None:
    state = grid_state()
    source = write_geojson(
        tmp_path / "grids.geojson",
        [feature(square(117.70, 40.90), community=SHUSONGJI, number=1, households=350), bad],
    )

    with pytest.raises(CommandError) as caught:
        import_grids(source)

    assert "feature 2" in str(caught.value)
    assert message in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    assert grid_state() == state
    assert not Grid.objects.filter(community__code=SHUSONGJI).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            '{"type": "FeatureCollection", "features": [',
            "cannot read GeoJSON",
            id="malformed-json",
        ),
        pytest.param(
            '{"type": "Feature", "geometry": null}',
            "not a GeoJSON FeatureCollection",
            id="not-a-collection",
        ),
        pytest.param("[1, 2]", "not a GeoJSON FeatureCollection", id="a-list"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(
    district: Division, tmp_path: Path, content: str, message: str
) -> None:
    state = grid_state()
    source = tmp_path / "grids.geojson"
    source.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        import_grids(source)

    assert grid_state() == state


def test_a_missing_geojson_file_is_refused(district: Division, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read GeoJSON"):
        import_grids(tmp_path / "missing.geojson")
