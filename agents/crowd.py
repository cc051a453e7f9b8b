"""人流密集管控 agent: zone areas and people counts over time → density, level of service,
alert level, time to the next level from the trend, and the 预案 actions; for a planned event,
the 大型群众性活动安全管理条例 permit rules."""

from datetime import date, timedelta
from typing import ClassVar, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator, with_config
from typing_extensions import TypedDict

from agents.base import MAX_TEXT, Agent, CalendarDate, ClockTime, Priority, cited, clock_minutes
from agents.errors import RuleError
from agents.rulebook import Rule, Trace

FT2 = 0.09290304  # m² per ft² (exact, by definition of the foot)
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


LevelOfService = Literal["A", "B", "C", "D", "E", "F"]


@with_config(ConfigDict(extra="forbid"))
class CrowdZoneReading(TypedDict):
    """One zone at its latest count: density, level of service, alert level and trend."""

    name: str
    area_m2: float
    time: str
    count: int
    density: float
    los: LevelOfService
    alert_level: int
    alert_name: str
    minutes_to_next: float | None
    next_level: int | None
    trend_per_min: NotRequired[float]


@with_config(ConfigDict(extra="forbid"))
class CrowdEventAssessment(TypedDict):
    """A planned event under the 大型群众性活动安全管理条例; the permit keys only when it is one."""

    expected_attendance: int
    large_scale: bool
    approver: NotRequired[str]
    apply_by: NotRequired[str]
    application_late: NotRequired[bool]
    review_days: NotRequired[int]
    capacity: NotRequired[int]
    over_capacity: NotRequired[bool]


class CrowdDecision(BaseModel):
    """What the crowd agent decides, from the most critical zone and the planned event."""

    model_config = ConfigDict(extra="forbid")
    density: float | None = Field(description="最高平均密度 人/m²")
    los: LevelOfService | None = Field(description="Fruin 服务水平")
    alert_level: int = Field(description="预警等级 1（最高）–4；0 = 无预警")
    alert_name: str | None = Field(description="预警等级名称")
    minutes_to_next: float | None = Field(description="按近期趋势到达下一级的分钟数")
    next_level: int | None = Field(description="下一级预警等级")
    actions: list[str] = Field(description="该等级的预案动作（本系统默认）")
    zones: list[CrowdZoneReading]
    event: CrowdEventAssessment | None
    legal_basis: list[str] = Field(description="引用的条款（标题 条号）")
    needs_confirmation: bool = Field(description="须值班长确认后对外通知")
    priority: Priority | None = Field(description="事件单紧急程度；null = 不建事件单")


# The plan's wording of each action (internal 预案 excerpt, 四、各级处置动作), for staff briefs.
ACTION_NAMES = {
    "monitor_closely": "加密监测", "notify_venue": "通知场所管理单位加强引导",
    "broadcast_guidance": "开启广播提示", "notify_police_station": "通知属地派出所",
    "limit_entry": "入口限流", "one_way_flow": "单向通行", "check_exits": "确认疏散通道和安全出口畅通",
    "stop_entry": "停止放行新进入人员", "open_exits": "开放备用出口、疏导滞留人群",
    "report_district_center": "报区县治理中心协同", "stand_by_medical": "准备医疗救护力量",
    "call_110": "立即拨打110", "report_city_center": "报市级治理中心总值班室",
}


def _in_band(size: int, band: dict) -> bool:
    """Whether `size` lies in a {min?, max?} band; 以上/以下 include the number itself."""
    return band.get("min", size) <= size <= band.get("max", size)


class CrowdAgent(Agent[CrowdDecision]):
    name = "crowd"
    title = "人流密集管控"
    category = "人流密集"
    description = "由区域面积和分时人数计算人员密度、服务水平和预警等级，按趋势估计到达下一级的时间，给出对应预案动作；大型群众性活动按条例判断许可机关和申请时限。"
    Input: ClassVar = CrowdInput
    Decision: ClassVar = CrowdDecision

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

    def _confirmed_from(self, trace: Trace | None = None) -> Rule:
        """The row of the least severe level that needs the duty chief's confirmation."""
        return self.rules.lookup("confirmation", trace)

    def _needs_confirmation(self, level: int, trace: Trace | None = None) -> bool:
        # Levels count down to 1, the most severe; 0 is no alert.
        return 0 < level <= self._confirmed_from(trace).value

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
        most_severe = self.rules.rows("alert_levels")[0].match["level"]
        if len(counts) < 2 or level == most_severe:
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
        out["approver"] = self._approver(size, bool(e.get("cross_province")), trace)
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

    def _approver(self, size: int, cross_province: bool, trace: Trace) -> str:
        """Who grants the permit; where the bands overlap (at their shared bound) both, to
        confirm with the police."""
        bands = [r for r in self.rules.matching("permit", trace, cross_province=cross_province)
                 if _in_band(size, r.value)]
        if not bands:
            raise RuleError(f"{self.rules.name}: no permit band holds {size} people")
        for r in bands:
            trace.fire(r)
        if len(bands) == 1:
            return bands[0].value["approver"]
        # e.g. 第十二条 puts "5000人以下" in the county band and "5000人以上" in the city band,
        # and in Chinese statutes 以上/以下 include the number itself.
        return (f"{'或'.join(r.value['approver'] for r in bands)}"
                f"（{bands[0].article}两档均含{size}人本数，须向公安机关确认）")

    def citations(self, a: dict) -> list[tuple[str, str, str]]:
        w, ev = a["worst"], a["event"]
        actions = self._actions(w["alert_level"] if w else 0)
        facts = {"event": bool(ev), "large_event": bool(ev and ev["large_scale"])}
        return [(r.doc_id or "", r.article, r.value["words"]) for r in self.rules.rows("legal_basis")
                if r.applied and all(v in actions if k == "action" else facts[k] == v
                                     for k, v in r.match.items())]

    def _actions(self, level: int, trace: Trace | None = None) -> list[str]:
        return self.rules.lookup("actions", trace, level=level).value if level else []

    def decide(self, slots: dict, a: dict, legal: list[dict], trace: Trace) -> CrowdDecision:
        w = a["worst"]
        level = w["alert_level"] if w else 0
        actions = self._actions(level, trace)
        for act in actions:
            self.rules.find("actions", trace, action=act)
        confirm = self._needs_confirmation(level, trace if level else None)
        if confirm:
            priority = self.rules.lookup("priority", trace, kind="alert").value
        elif a["event"] and a["event"]["large_scale"]:
            priority = self.rules.lookup("priority", trace, kind="event").value
        else:
            priority = None
        return CrowdDecision(
            density=w["density"] if w else None, los=w["los"] if w else None, alert_level=level,
            alert_name=w["alert_name"] if w else None,
            minutes_to_next=w["minutes_to_next"] if w else None,
            next_level=w["next_level"] if w else None, actions=actions, zones=a["zones"],
            event=a["event"], legal_basis=cited(legal), needs_confirmation=confirm,
            priority=priority)

    def work_order(self, d: CrowdDecision, slots: dict, trace: Trace) -> dict | None:
        if d.needs_confirmation:
            return {"title": f"人流密集预警 {d.alert_name}（{d.density}人/m²）",
                    "summary": slots.get("text") or "监测数据预警",
                    "department": self.rules.lookup("department", trace, kind="alert").value,
                    "priority": d.priority}
        if d.event and d.event["large_scale"]:
            return {"title": f"大型群众性活动许可（预计{d.event['expected_attendance']}人）",
                    "summary": slots.get("text") or "活动许可咨询",
                    "department": d.event["approver"][:64], "priority": d.priority}
        return None

    def respond(self, d: CrowdDecision, legal: list[dict], wo: dict | None) -> tuple[str, str]:
        book = self.rules
        parts = []
        if d.density is not None:
            parts.append(f"当前最高平均密度约{d.density}人/m²（服务水平{d.los}级）")
        if d.alert_level:
            parts.append("已通知管理部门加强现场引导，请听从现场工作人员指挥、有序通行")
        ev = d.event
        scope = book.get("event", "event-threshold")
        if ev and ev["large_scale"]:
            apply, review = book.get("event", "apply-days"), book.get("event", "review-days")
            when = f"活动举办日{apply.value}日前"
            parts.append(f"预计每场次{ev['expected_attendance']}人，属于大型群众性活动（条例{scope.article}），应向{ev['approver']}申请安全许可"
                         + (f"，最迟于{ev['apply_by']}（{when}，条例{apply.article}）提出申请" if ev.get("apply_by") else f"，须在{when}提出申请（条例{apply.article}）")
                         + f"；公安机关自受理之日起{ev['review_days']}日内作出决定（条例{review.article}）")
        elif ev:
            parts.append(f"预计每场次{ev['expected_attendance']}人，未达到大型群众性活动的{scope.value}人标准（条例{scope.article}）")
        reply = "；".join(parts) + "。" if parts else "未收到可用于判断的人数和面积数据。"
        wo_ref = f"事件单 {wo['id']}" if wo and wo.get("id") else ("事件单草稿" if wo else "无事件单")
        trend = (f"按近期趋势约{d.minutes_to_next}分钟后达到{d.next_level}级" if d.minutes_to_next is not None else "趋势未达下一级")
        brief = (f"【人流】密度{d.density}人/m²｜LOS {d.los}｜预警{d.alert_name or '无'}｜{trend}｜"
                 f"动作：{'、'.join(ACTION_NAMES.get(a, a) for a in d.actions) or '无'}｜{wo_ref}")
        if d.needs_confirmation:
            level = book.lookup("alert_levels", None, level=self._confirmed_from().value)
            brief += f"｜{level.value['name'].split('（')[0]}及以上须值班长确认后对外通知"
        if ev and ev["large_scale"]:
            brief += f"｜活动许可：{ev['approver']}，申请截止{ev.get('apply_by', '未给日期')}" + ("，申请已逾期" if ev.get("application_late") else "")
        return reply, brief
