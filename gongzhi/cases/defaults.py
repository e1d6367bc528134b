"""The default category set shipped with gongzhi: GB/T 30428 major classes and the seeds' own.

Each minor class: (code, name, keywords, lowest tier, department name or "", radius in metres,
deadline profile). Departments are looked up by name among the district's organisations.
"""

from __future__ import annotations

# Deadline profiles: {step: [amount, clock]}.
URGENT = {
    "confirm": [1, "urgent_hours"],
    "dispatch": [1, "urgent_hours"],
    "handle": [2, "urgent_hours"],
    "verify": [4, "urgent_hours"],
    "close": [1, "working_days"],
}
QUICK = {
    "confirm": [2, "office_hours"],
    "dispatch": [2, "office_hours"],
    "handle": [4, "office_hours"],
    "verify": [1, "working_days"],
    "close": [1, "working_days"],
}
GENERAL = {
    "confirm": [4, "office_hours"],
    "dispatch": [4, "office_hours"],
    "handle": [5, "working_days"],
    "verify": [2, "working_days"],
    "close": [1, "working_days"],
}
COMPLEX = {
    "confirm": [1, "working_days"],
    "dispatch": [1, "working_days"],
    "handle": [15, "working_days"],
    "verify": [3, "working_days"],
    "close": [2, "working_days"],
}

CHENGGUAN = "双滦区城市管理综合行政执法局"
ZHUJIAN = "双滦区住房和城乡建设局"
GONGAN = "承德市公安局双滦区分局"
HUANBAO = "承德市生态环境局双滦区分局"
JIAOTONG = "双滦区交通运输局"
SHUIWU = "双滦区水务局"

EVENT_CLASSES: list[
    tuple[str, str, list[tuple[str, str, str, str, str, int, dict[str, list[object]]]]]
] = [
    (
        "01",
        "市容环境",
        [
            ("0101", "环境卫生差", "垃圾 脏乱 卫生 堆放 异味", "grid", CHENGGUAN, 50, QUICK),
            ("0102", "私搭乱建", "违建 搭建 乱建 违章 圈占", "community", CHENGGUAN, 30, COMPLEX),
            ("0103", "暴露垃圾", "垃圾 满溢 清运", "grid", CHENGGUAN, 50, QUICK),
            ("0104", "占道经营", "摊贩 占道 出店经营", "grid", CHENGGUAN, 100, QUICK),
        ],
    ),
    (
        "02",
        "宣传广告",
        [
            ("0201", "非法小广告", "小广告 张贴 涂写", "grid", CHENGGUAN, 50, QUICK),
            ("0202", "违规户外广告", "广告牌 招牌 破损", "street", CHENGGUAN, 50, GENERAL),
        ],
    ),
    (
        "03",
        "施工管理",
        [
            ("0301", "施工扰民", "施工 夜间 噪声 扬尘", "street", ZHUJIAN, 200, GENERAL),
            ("0302", "道路遗撒", "遗撒 渣土", "street", CHENGGUAN, 200, QUICK),
        ],
    ),
    (
        "04",
        "街面秩序",
        [
            ("0401", "违法停车", "停车 占道 堵路 乱停", "street", GONGAN, 50, QUICK),
            ("0402", "基础设施损毁", "损坏 破损 设施 栏杆 座椅", "street", CHENGGUAN, 30, GENERAL),
        ],
    ),
    (
        "05",
        "突发事件",
        [
            ("0501", "道路积水", "积水 内涝 排水", "street", SHUIWU, 200, URGENT),
            ("0502", "路面塌陷", "塌陷 坑洞", "command_centre", ZHUJIAN, 100, URGENT),
        ],
    ),
    (
        "06",
        "社区治理",
        [
            ("0601", "噪音扰民", "噪音 吵闹 广场舞 装修", "community", GONGAN, 50, GENERAL),
            ("0602", "物业纠纷", "物业 收费 维修 服务", "community", ZHUJIAN, 30, GENERAL),
            ("0603", "旧房改造", "老旧小区 改造 漏水 外墙", "street", ZHUJIAN, 100, COMPLEX),
            ("0604", "矛盾纠纷", "邻里 纠纷 矛盾 调解", "community", "", 30, GENERAL),
            ("0605", "环境污染", "污水 油烟 排放 异味", "street", HUANBAO, 200, GENERAL),
        ],
    ),
    (
        "99",
        "其他",
        [
            ("9901", "其他事件", "", "community", "", 50, GENERAL),
        ],
    ),
]

COMPONENT_CLASSES: list[
    tuple[str, str, list[tuple[str, str, str, str, str, int, dict[str, list[object]]]]]
] = [
    (
        "01",
        "公用设施",
        [
            ("0101", "井盖缺失或破损", "井盖 窨井 下水道", "street", CHENGGUAN, 20, URGENT),
            ("0102", "路灯损坏", "路灯 不亮 灯杆", "street", CHENGGUAN, 30, GENERAL),
            ("0103", "消防设施损坏", "消防栓 灭火器", "street", GONGAN, 30, QUICK),
        ],
    ),
    (
        "02",
        "道路交通",
        [
            ("0201", "道路破损", "路面 破损 坑槽 人行道 铺装", "street", JIAOTONG, 50, QUICK),
            ("0202", "交通标志损坏", "标志 标线 护栏 信号灯", "street", GONGAN, 50, GENERAL),
        ],
    ),
    (
        "03",
        "市容环境",
        [
            ("0301", "垃圾桶损坏", "垃圾桶 垃圾箱 果皮箱", "grid", CHENGGUAN, 30, QUICK),
            ("0302", "公厕设施损坏", "公厕 厕所", "street", CHENGGUAN, 30, GENERAL),
        ],
    ),
    (
        "04",
        "园林绿化",
        [
            ("0401", "绿地损毁", "绿地 草坪 树木 倒伏", "street", CHENGGUAN, 50, GENERAL),
        ],
    ),
    (
        "05",
        "房屋土地",
        [
            ("0501", "危房隐患", "危房 裂缝 坠落", "command_centre", ZHUJIAN, 50, URGENT),
        ],
    ),
    (
        "06",
        "其他设施",
        [
            ("0601", "健身器材损坏", "健身器材 器械", "community", "", 30, GENERAL),
        ],
    ),
]
