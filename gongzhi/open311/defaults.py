"""The Open311 settings shipped with gongzhi: attributes for a few default categories, and one batch
service. `actions.apply_defaults` gives them to a category: the Open311 endpoints do so for a
default category that has no Open311 settings yet, and `manage.py open311_defaults` for every one.
Administrators change them in the back office."""

from __future__ import annotations

from gongzhi.cases.models import Kind

from .models import Datatype

# (kind, code) → attributes: (code, datatype, required, order, question, values)
ATTRIBUTES: dict[tuple[str, str], list[tuple[str, str, bool, int, str, list[dict[str, str]]]]] = {
    (Kind.EVENT, "0401"): [  # 违法停车
        (
            "VEHICLE",
            Datatype.SINGLEVALUELIST,
            True,
            1,
            "车辆类型",
            [
                {"key": "car", "name": "小汽车"},
                {"key": "truck", "name": "货车"},
                {"key": "e_bike", "name": "电动车或摩托车"},
                {"key": "other", "name": "其他"},
            ],
        ),
        ("PLATE", Datatype.STRING, False, 2, "车牌号（如能看清）", []),
    ],
    (Kind.EVENT, "0402"): [  # 基础设施损毁
        (
            "FACILITY",
            Datatype.MULTIVALUELIST,
            True,
            1,
            "损坏的设施",
            [
                {"key": "railing", "name": "栏杆"},
                {"key": "bench", "name": "座椅"},
                {"key": "paving", "name": "铺装"},
                {"key": "sign", "name": "指示牌"},
                {"key": "other", "name": "其他"},
            ],
        ),
        ("AREA_M2", Datatype.NUMBER, False, 2, "损坏面积（平方米）", []),
    ],
    (Kind.EVENT, "0601"): [  # 噪音扰民
        (
            "PERIOD",
            Datatype.SINGLEVALUELIST,
            True,
            1,
            "噪音出现的时段",
            [
                {"key": "day", "name": "白天"},
                {"key": "night", "name": "夜间（22时至次日6时）"},
                {"key": "both", "name": "全天"},
            ],
        ),
        ("SINCE", Datatype.DATETIME, False, 2, "最早从何时开始", []),
        ("SOURCE", Datatype.TEXT, False, 3, "噪音来源（如施工、广场舞、商铺）", []),
    ],
    (Kind.COMPONENT, "0102"): [  # 路灯损坏
        ("LAMP_NO", Datatype.STRING, False, 1, "灯杆编号（灯杆上的喷码）", []),
    ],
}
# Renovation of old housing is gathered and surveyed in batches: a token comes back at once.
BATCH: set[tuple[str, str]] = {(Kind.EVENT, "0603")}  # 旧房改造


def shipped() -> set[tuple[str, str]]:
    """The (kind, code) of every category that has shipped settings."""
    return set(ATTRIBUTES) | BATCH
