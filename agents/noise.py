"""噪声扰民 agent: noise type, time and zone → the applicable limit, exceedance, the
responsible body (mediation first where the law says so), articles and penalty ranges."""

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.base import MAX_TEXT, Agent, ClockTime, clock_minutes
from agents.rulebook import Trace

NoiseType = Literal["construction", "neighbour", "commercial_loudspeaker", "square_dance",
                    "decoration", "traffic", "industrial"]
ZoneClass = Literal["0", "1", "2", "3", "4a", "4b"]
TYPE_NAMES = {"construction": "建筑施工噪声", "neighbour": "邻里生活噪声",
              "commercial_loudspeaker": "商业经营高音喇叭/招揽噪声", "square_dance": "广场舞/公共场所音响噪声",
              "decoration": "室内装修噪声", "traffic": "交通/改装车噪声", "industrial": "工业噪声"}
NOISE_LAW = "reg-noise-pollution-law"
MAX_DB = 150  # the highest level the input takes, given or read from the text


class NoiseInput(BaseModel):
    """A noise complaint: free text and/or the fields below (given fields win over the text)."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, max_length=MAX_TEXT, description="投诉原文")
    noise_type: NoiseType | None = None
    time: ClockTime | None = Field(None, description="发生时间 HH:MM（24小时制）")
    period: Literal["day", "night"] | None = Field(None, description="昼间06:00–22:00 / 夜间")
    zone_class: ZoneClass | None = Field(None, description="GB 3096 声环境功能区类别")
    leq_db: float | None = Field(None, ge=0, le=MAX_DB, description="实测等效声级 dB(A)")
    lmax_db: float | None = Field(None, ge=0, le=MAX_DB, description="实测最大声级 dB(A)")
    place: str | None = Field(None, max_length=200)
    mediation_tried: bool | None = Field(None, description="是否已找过物业/居委会劝阻调解")

    @field_validator("zone_class", mode="before")
    @classmethod
    def _zone(cls, v):
        return v if v is None else str(v).lower().removesuffix("类")


def _within(t: int, start: str, end: str) -> bool:
    a, b = clock_minutes(start), clock_minutes(end)
    return a <= t < b if a < b else t >= a or t < b


# Each standard: its name, its corpus digest and the digest's section with the limits.
STANDARDS = {
    "gb3096": ("GB 3096-2008", "reg-gb-3096-2008-acoustic-environment-quality", "表1 环境噪声限值"),
    "gb22337": ("GB 22337-2008", "reg-gb-22337-2008-social-life-noise-emission", "表1 边界噪声排放限值"),
    "gb12523": ("GB 12523-2011", "reg-gb-12523-2011-construction-site-noise", "场界噪声排放限值"),
}


class NoiseAgent(Agent):
    name = "noise"
    title = "噪声扰民"
    category = "噪声"
    description = "判断噪声类型、时段和功能区适用的限值与是否超标，确定处理部门（需先调解的先调解），引用《噪声污染防治法》条款和罚则。"
    Input: ClassVar = NoiseInput

    def patterns(self, text: str, trace: Trace) -> dict:
        from agents.patterns.noise import read

        return read(text, trace.notes)

    def assess(self, slots: dict, trace: Trace) -> dict:
        book = self.rules
        noise_type = slots.get("noise_type")
        if noise_type is None:
            trace.notes.append("未能判断噪声类型，需人工研判")
        period, minute = slots.get("period"), None
        if slots.get("time"):
            minute = clock_minutes(slots["time"])
            night = book.lookup("period", trace).value
            period = "night" if _within(minute, night["start"], night["end"]) else "day"
        zone = slots.get("zone_class")
        standard = limit = margin = None
        if noise_type:
            standard = book.lookup("standard", trace, noise_type=noise_type).value
        if standard and period and (zone or standard == "gb12523"):
            row = book.lookup("limits", trace, standard=standard, zone_class=zone, period=period)
            limit = row.value
            if period == "night":
                m = book.find("night_max_margin", trace, standard=standard)
                margin = m.value if m else None
        elif standard and not zone:
            trace.notes.append("未知声环境功能区类别，无法确定限值")
        leq, lmax = slots.get("leq_db"), slots.get("lmax_db")
        limit_max = limit + margin if limit is not None and margin is not None else None
        exceeded = None
        if limit is not None and (leq is not None or (lmax is not None and limit_max is not None)):
            exceeded = bool((leq is not None and leq > limit)
                            or (lmax is not None and limit_max is not None and lmax > limit_max))
        hours_violation = None
        if noise_type == "decoration":
            if minute is not None:
                hits = [r for r in book.rows("decoration_banned_hours")
                        if _within(minute, r.value["start"], r.value["end"])]
                for r in hits:
                    trace.fire(r)
                hours_violation = bool(hits)
            elif period == "night":  # 22:00-06:00 lies inside the 22:00-08:00 ban
                trace.fire(book.rows("decoration_banned_hours")[1])
                hours_violation = True
        elif noise_type == "construction" and period == "night":
            hours_violation = True  # Art 43: banned at night in sensitive areas unless certified
        return {"noise_type": noise_type, "period": period, "zone_class": zone, "standard": standard,
                "limit_db": limit, "limit_max_db": limit_max, "leq_db": leq, "lmax_db": lmax,
                "exceeded": exceeded, "hours_violation": hours_violation}

    def citations(self, a: dict) -> list[tuple[str, str, str]]:
        if not a["noise_type"]:
            return [(NOISE_LAW, "第七十条", "劝阻 调解 投诉")]
        articles = self.rules.lookup("legal_basis", None, noise_type=a["noise_type"]).value
        refs = [(NOISE_LAW, art, TYPE_NAMES[a["noise_type"]]) for art in articles]
        if a["standard"]:
            _, doc, section = STANDARDS[a["standard"]]
            refs.append((doc, section, "噪声限值 昼间 夜间"))
        if a["noise_type"] == "decoration":
            refs.append(("reg-chongqing-noise-pollution-measures", "住宅室内装修作业时间", "装修 作业时间"))
        return refs

    def decide(self, slots: dict, a: dict, legal: list[dict], trace: Trace) -> dict:
        book, t = self.rules, a["noise_type"]
        route = book.lookup("routing", trace, noise_type=t).value if t else \
            {"department": "待研判", "mediation_first": False, "code": "QT-00"}
        penalty = book.lookup("penalty", trace, noise_type=t).value if t else None
        priority = book.lookup("priority", trace, period=a["period"]).value if a["period"] else "P3"
        actions = []
        if route["mediation_first"] and not slots.get("mediation_tried"):
            actions.append("物业/居委会先行劝阻、调解（噪声污染防治法第七十条）")
        if a["exceeded"] is None and a["limit_db"] is not None:
            actions.append("安排测量：超标判定需要监测数据")
        actions.append(f"转{route['department']}依法处理")
        return {"noise_type": t, "period": a["period"], "zone_class": a["zone_class"],
                "standard": a["standard"], "limit_db": a["limit_db"],
                "limit_max_db": a["limit_max_db"], "measured": {"leq_db": a["leq_db"], "lmax_db": a["lmax_db"]},
                "exceeded": a["exceeded"], "hours_violation": a["hours_violation"],
                "department": route["department"], "mediation_first": route["mediation_first"],
                "routing_code": route["code"], "priority": priority, "penalty": penalty,
                "legal_basis": [f"{c['title']} {c['article']}" for c in legal], "actions": actions}

    def work_order(self, d: dict, slots: dict) -> dict | None:
        name = TYPE_NAMES.get(d["noise_type"], "噪声投诉")
        when = {"day": "昼间", "night": "夜间"}.get(d["period"], "时段不明")
        return {"title": f"{name}（{when}）{slots.get('place') or ''}".strip(),
                "summary": slots.get("text") or name, "department": d["department"],
                "priority": d["priority"]}

    def respond(self, d: dict, legal: list[dict], wo: dict | None) -> tuple[str, str]:
        name = TYPE_NAMES.get(d["noise_type"], "噪声")
        steps = []
        if d["mediation_first"]:
            steps.append("依照《噪声污染防治法》第七十条，先由物业或居（村）委会劝阻、调解；劝阻调解无效的，"
                         f"再由{d['department']}依法处理")
        else:
            steps.append(f"已转{d['department']}依法处理")
        if d["limit_db"] is not None:
            when = "昼间" if d["period"] == "day" else "夜间"
            steps.append(f"该情形适用的{when}限值为{d['limit_db']:g} dB(A)"
                         + ("，是否超标以承办单位监测为准" if d["exceeded"] is None else ""))
        if d["hours_violation"] and d["noise_type"] == "decoration":
            steps.append("所述时段在本市住宅装修禁止作业时段内")
        pen = d["penalty"]
        if pen and pen.get("text"):
            steps.append(f"法律责任：《噪声污染防治法》{pen['article']}规定，{pen['text']}")
        reply = f"您反映的{name}问题已受理。" + "；".join(steps) + "。如需咨询可拨打12345。"
        wo_ref = f"事件单 {wo['id']}（{wo['priority']}，{wo['department']}）" if wo and wo.get("id") else "事件单草稿"
        exceeded = {True: "超标", False: "未超标", None: "未测量或无适用限值"}[d["exceeded"]]
        period = {"day": "昼间", "night": "夜间"}.get(d["period"], "时段不明")
        limit = f"限值{d['limit_db']:g} dB(A)" if d["limit_db"] is not None else "无分贝限值"
        hours = {True: "在禁止作业时段内", False: "不在禁止作业时段内"}.get(d["hours_violation"])
        brief = "｜".join(x for x in (
            f"【噪声】{name}", period, f"功能区{d['zone_class'] or '未知'}",
            f"{STANDARDS[d['standard']][0] if d['standard'] else '无适用标准'} {limit}", exceeded, hours, f"承办{d['department']}",
            wo_ref, "依据：" + "；".join(d["legal_basis"])) if x)
        return reply, brief
