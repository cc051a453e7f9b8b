"""Noise complaint slots from free text by keywords and patterns (the embedded default)."""

import re

from agents.noise import MAX_DB
from agents.patterns.timeparse import clock_times

# Checked in order: the first type whose words appear wins, so specific sources come first
# (装修 before 邻居, 广场舞 before 音响, 喇叭 before 店).
TYPES: list[tuple[str, tuple[str, ...]]] = [
    ("decoration", ("装修", "电钻打墙", "砸墙", "切瓷砖")),
    ("square_dance", ("广场舞", "坝坝舞", "跳舞", "舞扇", "唱歌跳舞")),
    ("construction", ("工地", "施工", "打桩", "浇混凝土", "破碎锤", "在建", "挖路", "搅拌车")),
    ("commercial_loudspeaker", ("喇叭", "扩音器", "叫卖", "招揽", "促销", "广告", "搞活动", "店门口")),
    # Road names describe where the complainant lives, not the source: only vehicles count.
    ("traffic", ("炸街", "改装", "飙车", "轰油门", "车流", "大货车", "火车", "列车", "车辆噪声", "鸣笛")),
    ("industrial", ("工厂", "厂子", "厂房", "加工厂", "作坊", "机器", "冲压", "风机", "石材厂", "车间")),
    ("neighbour", ("邻居", "楼上", "楼下", "对门", "隔壁", "住户", "狗", "宠物", "鹦鹉", "麻将", "钢琴", "卡拉OK", "吵架")),
]
# The typical areas of GB 3096 Table 1's classes (most specific first).
ZONES: list[tuple[str, tuple[str, ...]]] = [
    ("0", ("疗养院", "康复", "疗养区")),
    ("4b", ("铁路",)),
    ("4a", ("主干路", "主干道", "快速路", "高速", "轻轨", "地面段", "次干路", "一级公路", "二级公路", "内河航道")),
    ("3", ("工业园", "工业区", "仓储", "物流")),
    ("2", ("商业区", "商业街", "步行街", "商住", "集市", "菜市场", "商业金融", "混合区", "商业广场")),
    ("1", ("小区", "住宅", "居民", "宿舍", "学校", "医院", "家", "楼上", "楼下", "邻居", "隔壁", "对门", "房子", "村子", "社区")),
]
_DB = r"([0-9]{2,3}(?:\.[0-9])?)\s*(?:分贝|dB|db|分贝\(A\)|dB\(A\))"


def read(text: str, notes: list[str] | None = None) -> dict:
    """Slots stated in `text`; what is read but cannot be right (999分贝) is left out, and
    said so in `notes`."""
    notes = [] if notes is None else notes
    slots: dict = {}
    for name, words in TYPES:
        if any(w in text for w in words):
            slots["noise_type"] = name
            break
    times = clock_times(text)
    if times:
        slots["time"] = times[0]
    else:  # no clock time: the period from words alone
        if re.search(r"凌晨|半夜|深夜|夜里|夜间|晚上|每晚|通宵", text):
            slots["period"] = "night"
        elif re.search(r"白天|上午|中午|下午|早上|早晨", text):
            slots["period"] = "day"
    for cls, words in ZONES:
        if any(w in text for w in words):
            slots["zone_class"] = cls
            break
    lmax = re.search(r"最大(?:声级)?[^0-9]{0,6}" + _DB, text)
    if lmax:
        _level(slots, "lmax_db", lmax.group(1), notes)
    for m in re.finditer(_DB, text):
        if not lmax or m.start(1) != lmax.start(1):
            _level(slots, "leq_db", m.group(1), notes)
            break
    if any(w in text for w in ("找物业", "物业说", "居委会说", "调解过", "物业也")):
        slots["mediation_tried"] = True
    return slots


def _level(slots: dict, field: str, said: str, notes: list[str]) -> None:
    value = float(said)  # at most 3 digits and one decimal: no overflow
    if value <= MAX_DB:
        slots[field] = value
    else:
        notes.append(f"文中声级 {said} dB 超出合理范围（0–{MAX_DB}），未采用")
