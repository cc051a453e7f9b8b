"""人流密集管控 agent: zone areas and people counts over time → density, level of service,
alert level, time to the next level from the trend, and the 预案 actions; for a planned event,
the 大型群众性活动安全管理条例 permit rules."""

from datetime import date, timedelta
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agents.base import MAX_TEXT, Agent, CalendarDate, ClockTime, clock_minutes
from agents.rulebook import Trace

FT2 = 0.09290304  # m² per ft² (exact, by definition of the foot)
EVENTS = "reg-large-scale-mass-activities-safety-regulation"
# The bounds of the input, given or read from the text. Under 1 m² a density means nothing,
# and a tiny area would make it overflow to infinity, which no JSON reply can carry.
MAX_PEOPLE = 10_000_000
MIN_AREA_M2, MAX_AREA_M2 = 1, 100_000_000


class Count(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time: ClockTime
    count: int = Field(ge=0, le=MAX_PEOPLE)


class Zone(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field("区域", max_length=100)
    area_m2: float | None = Field(None, ge=MIN_AREA_M2, le=MAX_AREA_M2, description="有效面积 m²")
    counts: list[Count] = Field(default_factory=list, description="按时间的人数")

    @model_validator(mode="after")
    def _area_for_counts(self):
        if self.counts and self.area_m2 is None:
            raise ValueError("counts need area_m2 (the zone's area in m²)")
        return self


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_attendance: int = Field(ge=1, le=MAX_PEOPLE, description="每场次预计参加人数")
    start_date: CalendarDate | None = None
    application_date: CalendarDate | None = Field(None, description="提出（或拟提出）许可申请的日期")
    cross_province: bool = False
    layout: str | None = Field(None, description="standing（无固定座位）或 exhibition（展览展销）")
    area_m2: float | None = Field(None, ge=MIN_AREA_M2, le=MAX_AREA_M2)


class CrowdInput(BaseModel):
    """Live counts per zone and/or a planned event, or free text that states them."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, max_length=MAX_TEXT)
    zones: list[Zone] | None = None
    event: Event | None = None

    @field_validator("zones")
    @classmethod
    def _some(cls, v):
        if v is not None and len(v) > 200:
            raise ValueError("at most 200 zones")
        return v


# The plan's wording of each action (internal 预案 excerpt, 四、各级处置动作), for staff briefs.
ACTION_NAMES = {
    "monitor_closely": "加密监测", "notify_venue": "通知场所管理单位加强引导",
    "broadcast_guidance": "开启广播提示", "notify_police_station": "通知属地派出所",
    "limit_entry": "入口限流", "one_way_flow": "单向通行", "check_exits": "确认疏散通道和安全出口畅通",
    "stop_entry": "停止放行新进入人员", "open_exits": "开放备用出口、疏导滞留人群",
    "report_district_center": "报区县治理中心协同", "stand_by_medical": "准备医疗救护力量",
    "call_110": "立即拨打110", "report_city_center": "报市级治理中心总值班室",
}


class CrowdAgent(Agent):
    name = "crowd"
    title = "人流密集管控"
    category = "人流密集"
    description = "由区域面积和分时人数计算人员密度、服务水平和预警等级，按趋势估计到达下一级的时间，给出对应预案动作；大型群众性活动按条例判断许可机关和申请时限。"
    Input: ClassVar = CrowdInput

    def patterns(self, text: str, trace: Trace) -> dict:
        from agents.patterns.crowd import read

        return read(text, trace.notes)

    def _level(self, density: float, trace: Trace) -> tuple[int, str]:
        for row in self.rules.rows("alert_levels"):  # most severe first
            if density >= row.value["min_density"]:
                trace.fire(row)
                return row.match["level"], row.value["name"]
        return 0, "无预警"

    def _los(self, density: float, trace: Trace) -> str:
        per_person = 1 / density if density else float("inf")
        for row in self.rules.rows("los"):  # A first: the first lower bound reached
            if per_person > row.value * FT2 or row.value == 0:
                trace.fire(row)
                return row.match["los"]
        return "F"

    def assess(self, slots: dict, trace: Trace) -> dict:
        zones_out = []
        for z in slots.get("zones") or []:
            if not z.get("counts"):
                continue
            counts = sorted(z["counts"], key=lambda c: clock_minutes(c["time"]))
            last = counts[-1]
            density = last["count"] / z["area_m2"]
            level, level_name = self._level(density, trace)
            out = {"name": z.get("name", "区域"), "area_m2": z["area_m2"], "time": last["time"],
                   "count": last["count"], "density": round(density, 2), "los": self._los(density, trace),
                   "alert_level": level, "alert_name": level_name, "minutes_to_next": None,
                   "next_level": None}
            out.update(self._trend(counts, z["area_m2"], level, trace))
            zones_out.append(out)
        worst = max(zones_out, key=lambda z: (z["alert_level"] and 5 - z["alert_level"], z["density"]),
                    default=None)
        event = self._event(slots["event"], trace) if slots.get("event") else None
        return {"zones": zones_out, "worst": worst, "event": event}

    def _trend(self, counts: list[dict], area: float, level: int, trace: Trace) -> dict:
        """Minutes until the next level's threshold at the rate of the last two counts."""
        if len(counts) < 2 or level == 1:
            return {}
        a, b = counts[-2], counts[-1]
        minutes = clock_minutes(b["time"]) - clock_minutes(a["time"])
        if minutes <= 0:
            return {}
        rate = (b["count"] - a["count"]) / area / minutes  # persons/m² per minute
        nxt = next((r for r in reversed(self.rules.rows("alert_levels"))
                    if r.value["min_density"] > b["count"] / area), None)
        if nxt is None or rate <= 0:
            return {"trend_per_min": round(rate, 4)}
        trace.fire(nxt)
        return {"trend_per_min": round(rate, 4), "next_level": nxt.match["level"],
                "minutes_to_next": round((nxt.value["min_density"] - b["count"] / area) / rate, 1)}

    def _event(self, e: dict, trace: Trace) -> dict:
        book, size = self.rules, e["expected_attendance"]
        threshold = book.get("event", "event-threshold", trace).value
        out: dict = {"expected_attendance": size, "large_scale": size >= threshold}
        if not out["large_scale"]:
            return out
        if e.get("cross_province"):
            out["approver"] = book.get("event", "permit-national", trace).value
        elif size == 5000:
            # Art 12 puts "5000人以下" in the county band and "5000人以上" in the city band;
            # in Chinese statutes 以上/以下 include the number itself, so 5000 is in both.
            county, city = (book.get("event", r, trace).value for r in ("permit-county", "permit-city"))
            out["approver"] = f"{county}或{city}（第十二条两档均含5000人本数，须向公安机关确认）"
        else:
            out["approver"] = book.get("event", "permit-city" if size > 5000 else "permit-county", trace).value
        days = book.get("event", "apply-days", trace).value
        if e.get("start_date"):
            start = date.fromisoformat(str(e["start_date"]))
            out["apply_by"] = (start - timedelta(days=days)).isoformat()
            if e.get("application_date"):
                out["application_late"] = date.fromisoformat(str(e["application_date"])) > start - timedelta(days=days)
        out["review_days"] = book.get("event", "review-days", trace).value
        layout = e.get("layout")
        if layout and e.get("area_m2"):
            row = book.find("area_per_person", trace, layout=layout)
            if row:
                out["capacity"] = int(e["area_m2"] // row.value)
                out["over_capacity"] = size > out["capacity"]
        return out

    def citations(self, a: dict) -> list[tuple[str, str, str]]:
        refs = []
        if a["worst"] and a["worst"]["alert_level"] in (1, 2, 3):
            refs.append(("reg-fire-protection-law", "第二十八条", "疏散通道 安全出口"))
        if a["event"] and a["event"]["large_scale"]:
            refs += [(EVENTS, art, "大型群众性活动 安全许可") for art in ("第二条", "第十二条", "第十三条", "第十四条")]
        if a["worst"] and a["worst"]["alert_level"] in (1, 2) and a["event"]:
            refs.append((EVENTS, "第十八条", "停止验票"))
        return refs

    def decide(self, slots: dict, a: dict, legal: list[dict], trace: Trace) -> dict:
        w = a["worst"]
        level = w["alert_level"] if w else 0
        actions = self.rules.lookup("actions", trace, level=level).value if level else []
        for act in actions:
            self.rules.find("actions", trace, action=act)
        d = {"density": w["density"] if w else None, "los": w["los"] if w else None,
             "alert_level": level, "alert_name": w["alert_name"] if w else None,
             "minutes_to_next": w["minutes_to_next"] if w else None,
             "next_level": w["next_level"] if w else None, "actions": actions, "zones": a["zones"],
             "event": a["event"], "legal_basis": [f"{c['title']} {c['article']}" for c in legal],
             "needs_confirmation": level in (1, 2, 3)}
        d["priority"] = self.rules.lookup("priority", trace).value if level in (1, 2, 3) else \
            ("P4" if a["event"] and a["event"]["large_scale"] else None)
        return d

    def work_order(self, d: dict, slots: dict) -> dict | None:
        if d["alert_level"] in (1, 2, 3):
            return {"title": f"人流密集预警 {d['alert_name']}（{d['density']}人/m²）",
                    "summary": slots.get("text") or "监测数据预警", "department": "区县公安分局+场所管理单位",
                    "priority": d["priority"]}
        if d["event"] and d["event"]["large_scale"]:
            return {"title": f"大型群众性活动许可（预计{d['event']['expected_attendance']}人）",
                    "summary": slots.get("text") or "活动许可咨询", "department": d["event"]["approver"][:64],
                    "priority": "P4"}
        return None

    def respond(self, d: dict, legal: list[dict], wo: dict | None) -> tuple[str, str]:
        parts = []
        if d["density"] is not None:
            parts.append(f"当前最高平均密度约{d['density']}人/m²（服务水平{d['los']}级）")
        if d["alert_level"]:
            parts.append("已通知管理部门加强现场引导，请听从现场工作人员指挥、有序通行")
        ev = d["event"]
        if ev and ev["large_scale"]:
            parts.append(f"预计每场次{ev['expected_attendance']}人，属于大型群众性活动（条例第二条），应向{ev['approver']}申请安全许可"
                         + (f"，最迟于{ev['apply_by']}（活动举办日20日前，条例第十三条）提出申请" if ev.get("apply_by") else "，须在活动举办日20日前提出申请（条例第十三条）")
                         + f"；公安机关自受理之日起{ev['review_days']}日内作出决定（条例第十四条）")
        elif ev:
            parts.append(f"预计每场次{ev['expected_attendance']}人，未达到大型群众性活动的1000人标准（条例第二条）")
        reply = "；".join(parts) + "。" if parts else "未收到可用于判断的人数和面积数据。"
        wo_ref = f"事件单 {wo['id']}" if wo and wo.get("id") else ("事件单草稿" if wo else "无事件单")
        trend = (f"按近期趋势约{d['minutes_to_next']}分钟后达到{d['next_level']}级" if d["minutes_to_next"] is not None else "趋势未达下一级")
        brief = (f"【人流】密度{d['density']}人/m²｜LOS {d['los']}｜预警{d['alert_name'] or '无'}｜{trend}｜"
                 f"动作：{'、'.join(ACTION_NAMES.get(a, a) for a in d['actions']) or '无'}｜{wo_ref}"
                 + ("｜三级及以上须值班长确认后对外通知" if d["needs_confirmation"] else ""))
        if ev and ev["large_scale"]:
            brief += f"｜活动许可：{ev['approver']}，申请截止{ev.get('apply_by', '未给日期')}" + ("，申请已逾期" if ev.get("application_late") else "")
        return reply, brief
