"""Fire-inspection slots from free text: hazards by keyword patterns, the kind of place and
whether it is on fire now (the embedded default)."""

import re

from agents.rulebook import RuleBook

ACTIVE_FIRE = re.compile(r"着火|起火|失火|烧起来|火很大|火苗|冒烟|浓烟|黑烟|烟很大")
FLAMMABLES = re.compile(r"烟花|爆竹|油漆|稀料|汽油|柴油|酒精|易燃易爆")
LIVING = re.compile(r"住在店|睡在店|住人|住着人|有人睡觉|住在里面|就住在|住在车间|员工宿舍|楼上就住|住的房间")
# (hazard, pattern) checked per sentence; a sentence may hold several hazards.
HAZARDS: list[tuple[str, re.Pattern]] = [
    ("ebike_indoor", re.compile(r"(电动车|电瓶车|电动自行车).{0,20}(充电|楼道|楼梯|走廊|电梯厅|门厅)|(楼道|楼梯间|电梯厅|走廊).{0,12}(电动车|电瓶车)")),
    ("fire_lane_blocked", re.compile(r"(消防车通道|消防通道).{0,12}(停|占|堵|摊位)")),
    ("blocked_exit", re.compile(r"(安全出口|疏散通道|(?<!消防车)(?<!消防)通道|后门|楼梯间|楼梯口|走廊|只留一个门).{0,14}(堵|堆|锁|挡|占|封|过不去)")),
    ("window_obstacle", re.compile(r"防盗网|窗.{0,6}(焊死|封死)")),
    ("hydrant_blocked", re.compile(r"(消火栓|消防栓).{0,10}(挡|遮|锁|埋|圈|堆)")),
    ("facility_damaged", re.compile(r"喷淋.{0,8}(关|停)|报警主机.{0,6}停|水带.{0,8}(拿走|丢|没了)|消防设施.{0,6}(坏|停用|拆)")),
    ("extinguisher_expired", re.compile(r"灭火器.{0,8}(过期|失压|红区|没气)|过期的灭火器")),
    ("extinguisher_missing", re.compile(r"(没有|没配|无|不够|缺).{0,4}灭火器|灭火器.{0,6}(都没有|没有|不够|数量不足)")),
    ("emergency_light_broken", re.compile(r"应急(照明|灯).{0,8}(坏|不亮|没有)|没有应急(照明|灯)")),
    ("exit_sign_missing", re.compile(r"(指示灯|指示标志|疏散指示|出口标志).{0,10}(不亮|掉|坏|遮|没有)")),
    ("smoke_alarm_missing", re.compile(r"(烟感|感烟|烟雾报警).{0,8}(没|拆|坏|无)|没有(装)?(烟感|烟雾报警)")),
    ("gas_unsafe", re.compile(r"液化气|煤气罐|气瓶|燃气罐")),
    ("colored_steel", re.compile(r"彩钢板")),
    ("fire_system_untested", re.compile(r"年度检测|年检|检测报告")),
    ("no_safety_manager", re.compile(r"责任人|谁管消防|检查记录")),
    ("staff_untrained", re.compile(r"不会用|不知道.{0,8}(怎么用|报警|逃生)|没组织过演练|不会报警")),
    ("improvised_wiring", re.compile(r"(私拉|乱拉|乱接|私接|飞线|串联|大功率)(?!.{0,3}充电)")),
]
# 人员密集场所 (消防法第七十三条): the law's list and its everyday names, from the rules file.
CROWDED = tuple(w for r in RuleBook.load("fire").rows("crowded_places") for w in r.value)
VENUES = CROWDED + ("住宅", "小区", "公寓", "写字楼", "仓库", "作坊", "五金店", "便利店", "理发店", "诊所",
                    "服装店", "汽修店", "小卖部", "美容院", "书店", "培训机构", "门市", "维修店")


def read(text: str) -> dict:
    if ACTIVE_FIRE.search(text):
        return {"active_fire": True}
    hazards: list[str] = []
    for sentence in re.split(r"[。；;！!\n]", text):
        found = [name for name, pattern in HAZARDS if pattern.search(sentence)]
        # "走廊的消火栓被柜子挡住": the blocking belongs to the hydrant, not to the corridor.
        if "blocked_exit" in found and {"hydrant_blocked", "fire_lane_blocked"} & set(found) \
                and not re.search(r"安全出口|疏散通道|后门", sentence):
            found.remove("blocked_exit")
        hazards += [h for h in found if h not in hazards]
    if FLAMMABLES.search(text) and LIVING.search(text):
        hazards.append("flammables_with_dwelling")
    elif LIVING.search(text):
        hazards.append("living_in_shop")
    slots: dict = {"hazards": hazards}
    venue = next((v for v in VENUES if v in text), None)
    if venue:
        slots["venue"] = venue
    if any(v in text for v in CROWDED):
        slots["crowded_place"] = True
    if re.search(r"高层|\d{2,}楼|[十二三]{2,}层", text):
        slots["high_rise"] = True
    return slots
