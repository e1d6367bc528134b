"""The locator: a position, in WGS-84 or as a Chinese phone map gives it (GCJ-02), to its grid."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from coord_convert.transform import wgs2gcj
from shapely.geometry import Polygon, box, mapping, shape

from gongzhi.conftest import YUXIANGYUAN, Cast
from gongzhi.core.errors import ActionError
from gongzhi.places.actions import save_grid, update_grid_boundary
from gongzhi.places.locator import GridIndex, OutOfArea, grid_index, locate
from gongzhi.places.models import Division, Grid

SHUSONGJI = "130803003004"  # 输送机社区: no grids in the fixture


def outline(grid: Grid) -> Polygon:
    """The grid's boundary as a shapely polygon."""
    assert grid.boundary is not None, grid.code
    polygon = shape(grid.boundary)
    assert isinstance(polygon, Polygon)
    return polygon


def inside(grid: Grid) -> tuple[float, float]:
    """(lat, lng) of a point surely inside the grid."""
    point = outline(grid).representative_point()
    return point.y, point.x


def yuxiangyuan_grids() -> list[Grid]:
    return list(Grid.objects.filter(community__code=YUXIANGYUAN).order_by("code"))


def test_a_point_inside_a_grid_finds_that_grid(district: Division) -> None:
    grids = list(Grid.objects.order_by("code"))
    assert len(grids) > 3

    for grid in grids:
        lat, lng = inside(grid)
        found = locate(lat, lng)
        assert found.code == grid.code
        assert found.community.code == grid.community.code


def test_the_same_point_in_gcj02_finds_the_same_grid(district: Division) -> None:
    for grid in Grid.objects.order_by("code"):
        lat, lng = inside(grid)
        gcj_lng, gcj_lat = wgs2gcj(lng, lat)
        # GCJ-02 moves the point by hundreds of metres here: without converting it back, the answer
        # would differ.
        assert math.hypot(gcj_lng - lng, gcj_lat - lat) > 0.001

        assert locate(gcj_lat, gcj_lng, crs="gcj02").code == grid.code


def test_numbers_given_as_text_are_accepted(district: Division) -> None:
    grid = yuxiangyuan_grids()[0]
    lat, lng = inside(grid)

    assert locate(str(lat), str(lng)).code == grid.code


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(0.0, 0.0), (39.9042, 116.4074), (40.958, 118.5)],
    ids=["null-island", "beijing", "east-of-the-district"],
)
def test_a_point_far_away_is_out_of_area_with_status_400(
    district: Division, lat: float, lng: float
) -> None:
    with pytest.raises(OutOfArea) as caught:
        locate(lat, lng)

    assert isinstance(caught.value, ActionError)
    assert caught.value.status == 400
    assert caught.value.field == "position"
    assert f"{lat:.5f}" in caught.value.message


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        ("abc", "117.79"),
        (None, 117.79),
        ([40.9], 117.79),
        (40.9, ""),
        ("nan", 117.79),
        (40.9, float("inf")),
    ],
)
def test_a_position_that_is_not_a_pair_of_numbers_is_refused(
    district: Division, lat: Any, lng: Any
) -> None:
    with pytest.raises(ActionError) as caught:
        locate(lat, lng)

    assert not isinstance(caught.value, OutOfArea)
    assert caught.value.status == 400
    assert caught.value.field == "position"


@pytest.mark.parametrize(
    ("lat", "lng"), [(90.5, 117.79), (-91, 117.79), (40.9, 180.01), (40.9, -181)]
)
def test_a_position_out_of_range_is_refused(district: Division, lat: float, lng: float) -> None:
    with pytest.raises(ActionError, match="该位置超出了经纬度的有效范围") as caught:
        locate(lat, lng)

    assert not isinstance(caught.value, OutOfArea)


def test_an_unknown_coordinate_system_is_refused(district: Division) -> None:
    lat, lng = inside(yuxiangyuan_grids()[0])

    with pytest.raises(ActionError, match="未知的坐标系") as caught:
        locate(lat, lng, crs="bd09")

    assert caught.value.field == "crs"


def test_a_grid_added_after_a_lookup_is_found(district: Division) -> None:
    lat, lng = inside(yuxiangyuan_grids()[0])
    locate(lat, lng)  # the index is built now
    with pytest.raises(OutOfArea):
        locate(40.5005, 117.5005)

    grid, _ = save_grid(
        None,
        Division.objects.get(code=SHUSONGJI),
        1,
        boundary=mapping(box(117.5, 40.5, 117.501, 40.501)),
    )

    assert locate(40.5005, 117.5005).code == grid.code
    assert locate(lat, lng).code == yuxiangyuan_grids()[0].code


def test_a_grid_moved_after_a_lookup_is_found_in_its_new_place(cast: Cast) -> None:
    grid = cast.grid
    old_lat, old_lng = inside(grid)
    assert locate(old_lat, old_lng).code == grid.code

    update_grid_boundary(
        cast.administrator,
        grid,
        mapping(box(117.5, 40.5, 117.501, 40.501)),
        seen_updated_at=grid.updated_at,
    )

    assert locate(40.5005, 117.5005).code == grid.code
    with pytest.raises(OutOfArea):
        locate(old_lat, old_lng)


def test_a_point_on_a_shared_border_gets_the_lower_code(district: Division) -> None:
    first, second = yuxiangyuan_grids()[:2]
    border = outline(first).intersection(outline(second))
    assert border.geom_type == "LineString" and border.length > 0
    point = border.interpolate(0.5, normalized=True)
    assert outline(first).intersects(point) and outline(second).intersects(point)
    assert first.code < second.code

    assert locate(point.y, point.x).code == first.code
    # The answer does not depend on the order the index was built in.
    items = list(Grid.objects.values_list("code", "boundary"))
    for order in (items, items[::-1]):
        index = GridIndex.build(order)
        assert index.locate(point.y, point.x) == first.code
        assert index.locate_many(np.array([point.y]), np.array([point.x])) == [first.code]


def test_a_corner_shared_by_two_squares_goes_to_the_lower_code_in_any_order() -> None:
    left = ("130803001008002", box(117.0, 40.0, 117.1, 40.1))
    right = ("130803001008001", box(117.1, 40.0, 117.2, 40.1))

    for items in ([left, right], [right, left]):
        index = GridIndex.build(items)
        assert index.locate(40.05, 117.1) == "130803001008001"
        assert index.locate(40.1, 117.1) == "130803001008001"
        assert index.locate(40.05, 117.05) == "130803001008002"
        assert index.locate(40.05, 117.25) is None


def test_locate_many_agrees_with_locate_on_1000_random_points(district: Division) -> None:
    index = grid_index()
    grids = list(Grid.objects.all())
    minx = min(g.min_lng for g in grids if g.min_lng is not None)
    miny = min(g.min_lat for g in grids if g.min_lat is not None)
    maxx = max(g.max_lng for g in grids if g.max_lng is not None)
    maxy = max(g.max_lat for g in grids if g.max_lat is not None)
    rng = np.random.default_rng(2026)
    # A margin around the grids so that some points fall outside every one.
    dx, dy = (maxx - minx) * 0.2, (maxy - miny) * 0.2
    lngs = rng.uniform(minx - dx, maxx + dx, 1000)
    lats = rng.uniform(miny - dy, maxy + dy, 1000)
    # Add every vertex: corners shared by up to four grids, where ties must break the same way.
    corners = np.array([c for g in grids for c in outline(g).exterior.coords])
    lngs = np.concatenate([lngs, corners[:, 0]])
    lats = np.concatenate([lats, corners[:, 1]])

    many = index.locate_many(lats, lngs)

    one_by_one = [index.locate(float(lat), float(lng)) for lat, lng in zip(lats, lngs, strict=True)]
    assert many == one_by_one
    found = sum(code is not None for code in many[:1000])
    assert 0 < found < 1000
    for code, lat, lng in list(zip(many, lats, lngs, strict=True))[:1000:50]:
        if code is None:
            with pytest.raises(OutOfArea):
                locate(lat, lng)
        else:
            assert locate(lat, lng).code == code


def test_a_grid_deleted_elsewhere_is_out_of_area_not_a_crash(district: Division) -> None:
    grid, _ = save_grid(
        None,
        Division.objects.get(code=SHUSONGJI),
        1,
        boundary=mapping(box(117.5, 40.5, 117.501, 40.501)),
    )
    assert locate(40.5005, 117.5005).code == grid.code

    # As the admin or another process would: no grid action runs, the index is not told.
    Grid.objects.filter(pk=grid.pk).delete()

    with pytest.raises(OutOfArea):
        locate(40.5005, 117.5005)
