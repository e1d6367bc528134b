"""Likely duplicates: open cases of the same category, near the new one, with similar words."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import jieba

from .models import OPEN_STATUSES, Case

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
_WORD = re.compile(r"[\w\u4e00-\u9fff]{2,}")
STOP_WORDS = frozenset(
    {
        "这里",
        "那里",
        "我们",
        "你们",
        "他们",
        "一个",
        "没有",
        "已经",
        "现在",
        "问题",
        "情况",
        "请问",
        "希望",
    }
)


def tokens(text: str) -> set[str]:
    """The words of a description, as jieba cuts them for search, without stop words."""
    return {w for w in jieba.cut_for_search(text) if _WORD.fullmatch(w) and w not in STOP_WORDS}


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Candidate:
    case: Case
    distance_m: float
    similarity: float


def likely_duplicates(
    category_id: int,
    lat: float,
    lng: float,
    text: str,
    radius_m: int,
    *,
    exclude: int | None = None,
    limit: int = 5,
    min_similarity: float = 0.2,
) -> list[Candidate]:
    """Open cases of the category within `radius_m` whose words overlap enough, closest first."""
    dlat = radius_m / 111_320
    dlng = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    near = Case.objects.filter(
        category_id=category_id,
        status__in=OPEN_STATUSES,
        lat__range=(lat - dlat, lat + dlat),
        lng__range=(lng - dlng, lng + dlng),
    )
    if exclude is not None:
        near = near.exclude(pk=exclude)
    words = tokens(text)
    found = []
    for case in near[:200]:
        d = distance_m(lat, lng, case.lat, case.lng)
        if d > radius_m:
            continue
        theirs = set(case.tokens.split())
        union = words | theirs
        # With no words on either side, being the same category in the same spot is the evidence.
        similarity = len(words & theirs) / len(union) if union else 1.0
        if similarity >= min_similarity:
            found.append(Candidate(case, d, similarity))
    found.sort(key=lambda c: (c.distance_m, -c.similarity))
    return found[:limit]
