"""噪声扰民 agent: noise type, time and zone → the applicable limit, exceedance, the
responsible body (mediation first where the law says so), articles and penalty ranges."""

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, with_config
from typing_extensions import TypedDict

from agents.base import MAX_TEXT, Agent, ClockTime, Priority, cited, clock_minutes
from agents.rulebook import Rule, Trace

NoiseType = Literal["construction", "neighbour", "commercial_loudspeaker", "square_dance",
                    "decoration", "traffic", "industrial"]
ZoneClass = Literal["0", "1", "2", "3", "4a", "4b"]
Period = Literal["day", "night"]
Standard = Literal["gb3096", "gb22337", "gb12523"]
TYPE_NAMES = {"construction": "建筑施工噪声", "neighbour": "邻里生活噪声",
              "commercial_loudspeaker": "商业经营高音喇叭/招揽噪声", "square_dance": "广场舞/公共场所音响噪声",
              "decoration": "室内装修噪声", "traffic": "交通/改装车噪声", "industrial": "工业噪声"}
# The highest level the input takes, given or read from the text: a plausibility bound of the
# input (louder than any complaint can mean), not a rule of a standard.
MAX_DB = 150


class NoiseInput(BaseModel):
    """A noise complaint: free text and/or the fields below (given fields win over the text)."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, max_length=MAX_TEXT, description="投诉原文")
    noise_type: NoiseType | None = None
    time: ClockTime | None = Field(None, description="发生时间 HH:MM（24小时制）")
    period: Period | None = Field(None, description="昼间06:00–22:00 / 夜间")
    zone_class: ZoneClass | None = Field(None, description="GB 3096 声环境功能区类别")
    leq_db: float | None = Field(None, ge=0, le=MAX_DB, description="实测等效声级 dB(A)")
    lmax_db: float | None = Field(None, ge=0, le=MAX_DB, description="实测最大声级 dB(A)")
    place: str | None = Field(None, max_length=200)
    mediation_tried: bool | None = Field(None, description="是否已找过物业/居委会劝阻调解")

    @field_validator("zone_class", mode="before")
    @classmethod
    def _zone(cls, v):
        return v if v is None else str(v).lower().removesuffix("类")


@with_config(ConfigDict(extra="forbid"))
class NoisePenalty(TypedDict, total=False):
    """The penalty article and the fine ranges it sets (CNY), as the rules table states them."""

    article: str
    text: str
    fine_min: int
    fine_max: int
    refused_min: int
    refused_max: int
    individual_min: int
    individual_max: int
    unit_min: int
    unit_max: int


class NoiseMeasured(BaseModel):
    """The levels measured, as given or read from the text."""

    model_config = ConfigDict(extra="forbid")
    leq_db: float | None = Field(description="等效声级 dB(A)")
    lmax_db: float | None = Field(description="最大声级 dB(A)")


class NoiseDecision(BaseModel):
    """What the noise agent decides; every number comes from a fired row of noise.yaml."""

    model_config = ConfigDict(extra="forbid")
    noise_type: NoiseType | None = Field(description="噪声类型；null = 未能判断，需人工研判")
    period: Period | None = Field(description="昼间/夜间（第八十八条）；null = 时段不明")
    zone_class: ZoneClass | None = Field(description="GB 3096 声环境功能区类别")
    standard: Standard | None = Field(
        description="适用的标准；null = 法律对该噪声不设分贝限值（按行为判断）或类型不明")
    limit_db: int | float | None = Field(description="适用的等效声级限值 dB(A)")
    limit_max_db: int | float | None = Field(description="夜间最大声级限值 dB(A)（限值加裕量）")
    measured: NoiseMeasured
    exceeded: bool | None = Field(description="是否超标；null = 未测量或无适用限值")
    hours_violation: bool | None = Field(description="是否在禁止作业时段内；null = 不适用或无法判断")
    department: str = Field(description="承办部门")
    mediation_first: bool = Field(description="是否先由物业/居委劝阻调解（第七十条）")
    routing_code: str = Field(description="分拨表分类编码")
    priority: Priority = Field(description="事件单紧急程度（本系统默认）")
    penalty: NoisePenalty | None = Field(description="罚则条款与罚款幅度")
    legal_basis: list[str] = Field(description="引用的条款（标题 条号）")
    actions: list[str] = Field(description="建议处置动作")


def _within(t: int, start: str, end: str) -> bool:
    a, b = clock_minutes(start), clock_minutes(end)
    return a <= t < b if a < b else t >= a or t < b


def _minutes(window: dict) -> list[int]:
    """Every minute of a {start, end} window (it may run past midnight)."""
    return [t for t in range(24 * 60) if _within(t, window["start"], window["end"])]


class NoiseAgent(Agent[NoiseDecision]):
    name = "noise"
    title = "噪声扰民"
    category = "噪声"
    description = "判断噪声类型、时段和功能区适用的限值与是否超标，确定处理部门（需先调解的先调解），引用《噪声污染防治法》条款和罚则。"
    Input: ClassVar = NoiseInput
    Decision: ClassVar = NoiseDecision

    def patterns(self, text: str, trace: Trace) -> dict:
        from agents.patterns.noise import read

        return read(text, trace.notes)

    def assess(self, slots: dict, trace: Trace) -> dict:
        book = self.rules
        noise_type = slots.get("noise_type")
        if noise_type is None:
            trace.notes.append("未能判断噪声类型，需人工研判")
        period, minute = slots.get("period"), None
        night = book.lookup("period")  # fires where it is used
        if slots.get("time"):
            trace.fire(night)
            minute = clock_minutes(slots["time"])
            period = "night" if _within(minute, night.value["start"], night.value["end"]) else "day"
        zone = slots.get("zone_class")
        standard = limit = margin = None
        if noise_type:
            standard = book.lookup("standard", trace, noise_type=noise_type).value
        if standard and period:
            # A row that names no zone class (construction sites) holds for every zone.
            row = book.find("limits", trace, standard=standard, zone_class=zone, period=period)
            limit = row.value if row else None
            if limit is not None and period == "night":
                m = book.find("night_max_margin", trace, standard=standard)
                margin = m.value if m else None
        if standard and limit is None and not zone:
            trace.notes.append("未知声环境功能区类别，无法确定限值")
        leq, lmax = slots.get("leq_db"), slots.get("lmax_db")
        limit_max = limit + margin if limit is not None and margin is not None else None
        exceeded = None
        if limit is not None and (leq is not None or (lmax is not None and limit_max is not None)):
            exceeded = bool((leq is not None and leq > limit)
                            or (lmax is not None and limit_max is not None and lmax > limit_max))
        return {"noise_type": noise_type, "period": period, "zone_class": zone, "standard": standard,
                "limit_db": limit, "limit_max_db": limit_max, "leq_db": leq, "lmax_db": lmax,
                "exceeded": exceeded,
                "hours_violation": self._hours(noise_type, period, minute, night, trace)}

    def _hours(self, noise_type: str | None, period: str | None, minute: int | None,
               night: Rule, trace: Trace) -> bool | None:
        """Whether the noise falls in hours when the work is banned: the local decoration
        windows, or a ban on night work; None where no ban applies or the time is unknown."""
        bans = self.rules.matching("decoration_banned_hours", noise_type=noise_type)
        if not bans:
            if period == "night" and self.rules.find("night_work_ban", trace, noise_type=noise_type):
                return True
            return None
        if minute is not None:
            hits = [r for r in bans if _within(minute, r.value["start"], r.value["end"])]
        elif period == "night":
            # No clock time: only a ban window that holds the whole night is sure to apply.
            hits = [r for r in bans if set(_minutes(night.value)) <= set(_minutes(r.value))]
            if not hits:
                return None
            trace.fire(night)
        else:
            return None
        for r in hits:
            trace.fire(r)
        return bool(hits)

    def citations(self, a: dict) -> list[tuple[str, str, str]]:
        book, t = self.rules, a["noise_type"]
        refs = [(r.doc_id or "", article, r.value.get("words") or TYPE_NAMES[t])
                for r in book.matching("legal_basis", noise_type=t) for article in r.value["articles"]]
        if a["standard"]:
            doc = book.lookup("standard_docs", None, standard=a["standard"])
            refs.append((doc.doc_id or "", doc.value["section"], "噪声限值 昼间 夜间"))
        return refs

    def decide(self, slots: dict, a: dict, legal: list[dict], trace: Trace) -> NoiseDecision:
        book, t = self.rules, a["noise_type"]
        route = book.lookup("routing", trace, noise_type=t).value
        penalty = book.find("penalty", trace, noise_type=t)
        priority = book.lookup("priority", trace, period=a["period"]).value
        actions = []
        if route["mediation_first"] and not slots.get("mediation_tried"):
            article = self._mediation(trace)
            actions.append(f"物业/居委会先行劝阻、调解（噪声污染防治法{article}）")
        if a["exceeded"] is None and a["limit_db"] is not None:
            actions.append("安排测量：超标判定需要监测数据")
        actions.append(f"转{route['department']}依法处理")
        return NoiseDecision(
            noise_type=t, period=a["period"], zone_class=a["zone_class"], standard=a["standard"],
            limit_db=a["limit_db"], limit_max_db=a["limit_max_db"],
            measured=NoiseMeasured(leq_db=a["leq_db"], lmax_db=a["lmax_db"]),
            exceeded=a["exceeded"], hours_violation=a["hours_violation"],
            department=route["department"], mediation_first=route["mediation_first"],
            routing_code=route["code"], priority=priority,
            penalty=penalty.value if penalty else None,
            legal_basis=cited(legal), actions=actions)

    def _mediation(self, trace: Trace | None = None) -> str:
        """The article that puts mediation first, as replies quote it."""
        return self.rules.lookup("mediation", trace).value["article"]

    def work_order(self, d: NoiseDecision, slots: dict, trace: Trace) -> dict | None:
        name = TYPE_NAMES.get(d.noise_type or "", "噪声投诉")
        when = {"day": "昼间", "night": "夜间"}.get(d.period or "", "时段不明")
        return {"title": f"{name}（{when}）{slots.get('place') or ''}".strip(),
                "summary": slots.get("text") or name, "department": d.department,
                "priority": d.priority}

    def respond(self, d: NoiseDecision, legal: list[dict], wo: dict | None) -> tuple[str, str]:
        name = TYPE_NAMES.get(d.noise_type or "", "噪声")
        steps = []
        if d.mediation_first:
            steps.append(f"依照《噪声污染防治法》{self._mediation()}，先由物业或居（村）委会劝阻、调解；"
                         f"劝阻调解无效的，再由{d.department}依法处理")
        else:
            steps.append(f"已转{d.department}依法处理")
        if d.limit_db is not None:
            when = "昼间" if d.period == "day" else "夜间"
            steps.append(f"该情形适用的{when}限值为{d.limit_db:g} dB(A)"
                         + ("，是否超标以承办单位监测为准" if d.exceeded is None else ""))
        if d.hours_violation and d.noise_type == "decoration":
            steps.append("所述时段在本市住宅装修禁止作业时段内")
        pen = d.penalty
        if pen and pen.get("text"):
            steps.append(f"法律责任：《噪声污染防治法》{pen['article']}规定，{pen['text']}")
        reply = f"您反映的{name}问题已受理。" + "；".join(steps) + "。如需咨询可拨打12345。"
        wo_ref = f"事件单 {wo['id']}（{wo['priority']}，{wo['department']}）" if wo and wo.get("id") else "事件单草稿"
        exceeded = {True: "超标", False: "未超标", None: "未测量或无适用限值"}[d.exceeded]
        period = {"day": "昼间", "night": "夜间"}.get(d.period or "", "时段不明")
        limit = f"限值{d.limit_db:g} dB(A)" if d.limit_db is not None else "无分贝限值"
        hours = (None if d.hours_violation is None
                 else "在禁止作业时段内" if d.hours_violation else "不在禁止作业时段内")
        standard = (self.rules.lookup("standard_docs", None, standard=d.standard).value["name"]
                    if d.standard else "无适用标准")
        brief = "｜".join(x for x in (
            f"【噪声】{name}", period, f"功能区{d.zone_class or '未知'}", f"{standard} {limit}",
            exceeded, hours, f"承办{d.department}", wo_ref, "依据：" + "；".join(d.legal_basis)) if x)
        return reply, brief
