"""Locator benchmark: points per second over 30,000 grid polygons.

Prints the STRtree index alone (one point at a time, and batched), and the full `locate()` path
that the report page calls (index version check + fetching the grid row), on a throwaway database.
Run: make bench   (or DEBUG=true .venv/bin/python bench/locator.py --grids 30000 --points 20000)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from gongzhi.places.generator import synthetic_grids  # noqa: E402
from gongzhi.places.locator import GridIndex, locate  # noqa: E402
from gongzhi.places.models import Division, Grid  # noqa: E402


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} points/s ({seconds * 1e6 / n:.1f} µs/point)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grids", type=int, default=30_000)
    parser.add_argument("--points", type=int, default=20_000)
    args = parser.parse_args()

    grids = synthetic_grids(args.grids)
    bounds = np.array([shape(g).bounds for _c, g in grids])
    rng = np.random.default_rng(1)
    lngs = rng.uniform(bounds[:, 0].min(), bounds[:, 2].max(), args.points)
    lats = rng.uniform(bounds[:, 1].min(), bounds[:, 3].max(), args.points)

    t = time.perf_counter()
    index = GridIndex.build(grids)
    build = time.perf_counter() - t
    print(f"grids: {len(grids):,}; index built in {build * 1000:.0f} ms")

    t = time.perf_counter()
    single = [index.locate(float(la), float(lo)) for la, lo in zip(lats, lngs, strict=True)]
    print(f"index, one point at a time: {rate(args.points, time.perf_counter() - t)}")
    t = time.perf_counter()
    batch = index.locate_many(lats, lngs)
    print(f"index, batched:             {rate(args.points, time.perf_counter() - t)}")
    assert single == batch, "batched and single lookups disagree"
    print(f"points inside a grid: {sum(c is not None for c in single):,} of {args.points:,}")

    # The full path, as a report takes it: on a throwaway database holding the same grids.
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        communities: dict[str, Division] = {}
        for code, _g in grids:
            communities.setdefault(
                code[:12], Division(code=code[:12], name=f"社区{code[:12]}", level="community")
            )
        Division.objects.bulk_create(communities.values(), batch_size=2000)
        ids = dict(Division.objects.values_list("code", "id"))
        Grid.objects.bulk_create(
            [
                Grid(
                    code=code,
                    community_id=ids[code[:12]],
                    number=int(code[12:]),
                    name=code,
                    boundary=g,
                    min_lng=b[0],
                    min_lat=b[1],
                    max_lng=b[2],
                    max_lat=b[3],
                )
                for (code, g), b in zip(grids, bounds, strict=True)
            ],
            batch_size=2000,
        )
        n = min(args.points, 5_000)
        t = time.perf_counter()
        locate(float(lats[0]), float(lngs[0]))
        print(
            f"locate(): first call (loads {len(grids):,} polygons): {(time.perf_counter() - t) * 1000:.0f} ms"
        )
        inside = [
            (float(la), float(lo)) for la, lo, c in zip(lats, lngs, single, strict=True) if c
        ][:n]
        t = time.perf_counter()
        for la, lo in inside:
            locate(la, lo)
        print(
            f"locate() with database ({connection.vendor}): {rate(len(inside), time.perf_counter() - t)}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
