"""Cutting communities into grids for demo and benchmark data.

Real grid boundaries come from the district's GIS (see import_grids); this makes plausible ones:
each community gets a block of a lattice laid over the district, cut into strips of 300–500
households each.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from shapely.geometry import box, mapping

# Roughly 双滦区, Chengde (WGS-84). Any centre works; this keeps the demo map near the real place.
DEFAULT_CENTRE = (40.958, 117.790)
BLOCK_DEG = 0.012  # about 1.0 km east-west by 1.3 km north-south at this latitude


@dataclass(frozen=True)
class PlannedGrid:
    community_code: str
    number: int
    households: int
    boundary: dict[str, object]


def plan_households(rng: random.Random, is_village: bool) -> int:
    return rng.randint(300, 1200) if is_village else rng.randint(1200, 5200)


def split_households(rng: random.Random, total: int) -> list[int]:
    """Split a community's households into grids of 300–500 where it has enough of them."""
    if total < 600:
        return [total]
    count = max(1, round(total / rng.randint(330, 470)))
    while total / count > 500:
        count += 1
    while count > 1 and total / count < 300:
        count -= 1
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def lattice_blocks(
    n: int, centre: tuple[float, float] = DEFAULT_CENTRE, size: float = BLOCK_DEG
) -> Iterator[tuple[float, float, float, float]]:
    """n blocks (min_lng, min_lat, max_lng, max_lat) in a near-square lattice around `centre`."""
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / cols)
    lat0 = centre[0] - rows * size / 2
    lng0 = centre[1] - cols * size / 2
    for i in range(n):
        r, c = divmod(i, cols)
        yield (lng0 + c * size, lat0 + r * size, lng0 + (c + 1) * size, lat0 + (r + 1) * size)


def cut_block(block: tuple[float, float, float, float], parts: int) -> list[dict[str, object]]:
    """Cut a block into `parts` strips that share borders exactly (no gaps, no overlaps)."""
    min_lng, min_lat, max_lng, max_lat = block
    cols = max(1, math.ceil(math.sqrt(parts)))
    rows = math.ceil(parts / cols)
    cells: list[dict[str, object]] = []
    for i in range(parts):
        r, c = divmod(i, cols)
        # The last row's cells stretch so that the block is covered completely.
        in_row = cols if r < rows - 1 else parts - cols * (rows - 1)
        w = (max_lng - min_lng) / in_row
        h = (max_lat - min_lat) / rows
        cells.append(
            dict(
                mapping(
                    box(
                        min_lng + c * w,
                        min_lat + r * h,
                        min_lng + (c + 1) * w,
                        min_lat + (r + 1) * h,
                    )
                )
            )
        )
    return cells


def plan_grids(
    communities: Sequence[tuple[str, bool]],
    *,
    seed: int = 2026,
    centre: tuple[float, float] = DEFAULT_CENTRE,
) -> list[PlannedGrid]:
    """Grids for each (community code, is_village), deterministic for a seed."""
    rng = random.Random(seed)
    planned: list[PlannedGrid] = []
    blocks = lattice_blocks(len(communities), centre)
    for (code, is_village), block in zip(communities, blocks, strict=False):
        sizes = split_households(rng, plan_households(rng, is_village))
        for number, (households, boundary) in enumerate(
            zip(sizes, cut_block(block, len(sizes)), strict=True), 1
        ):
            planned.append(PlannedGrid(code, number, households, boundary))
    return planned


def synthetic_grids(
    n: int, *, centre: tuple[float, float] = DEFAULT_CENTRE
) -> list[tuple[str, dict[str, object]]]:
    """n grid polygons with made-up 15-digit codes, for the locator benchmark (no database)."""
    per_block = 16
    out: list[tuple[str, dict[str, object]]] = []
    for b, block in enumerate(lattice_blocks(math.ceil(n / per_block), centre, size=0.004)):
        for k, cell in enumerate(cut_block(block, per_block), 1):
            if len(out) == n:
                return out
            out.append((f"99{b:010d}{k:03d}", cell))
    return out
