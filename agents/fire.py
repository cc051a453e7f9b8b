"""消防安全 agent: an inspection note or a 九小场所 checklist → hazards, risk level and a
rectification notice (整改通知) with its legal basis. An active fire means 119, and nothing else."""

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, with_config
from typing_extensions import TypedDict

from agents.base import MAX_TEXT, Agent, Priority, cited
from agents.errors import InvalidAgentInput
from agents.rulebook import RuleBook, Trace

# The sources key of the law a hazard's `basis` articles belong to, unless its row names another
# (`basis_source`).
BASIS_SOURCE = "fire-law"


def checklist_items() -> set[int]:
    """The item numbers of the 九小场所 checklist (agents/rules/fire.yaml)."""
    return {r.match["item"] for r in RuleBook.load("fire").rows("checklist")}


class FireInput(BaseModel):
    """An inspection: free text and/or hazards, a checklist, and what the place is."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, max_length=MAX_TEXT, description="检查记录或举报原文")
    active_fire: bool | None = Field(None, description="正在着火或冒烟")
    hazards: list[str] | None = Field(None, description="隐患编号（见 agents/rules/fire.yaml hazards）")
    checklist: dict[int, bool] | None = Field(
        None, description="九小场所检查表：项目号1–12 → 是否合格（false = 不合格）")
    venue: str | None = Field(None, max_length=100, description="场所类型，如 饭店、网吧、住宅楼")
    crowded_place: bool | None = Field(None, description="人员密集场所（消防法第七十三条）")
    high_rise: bool | None = Field(None, description="高层民用建筑")
    place: str | None = Field(None, max_length=200)

    @field_validator("checklist")
    @classmethod
    def _items(cls, v):
        items = checklist_items()
        if v is not None and any(k not in items for k in v):
            raise ValueError(f"checklist items are numbered {min(items)}-{max(items)}")
        return v


@with_config(ConfigDict(extra="forbid"))
class FireHazardFinding(TypedDict):
    """One hazard found, graded, with the articles it breaks and their penalty."""

    hazard: str
    name: str
    level: Priority
    basis: list[str]
    penalty: str | None
    note: str | None


class FireDecision(BaseModel):
    """The fire agent's decision on an inspection: hazards, risk and the notice to serve."""

    model_config = ConfigDict(extra="forbid")
    escalate: Literal[False] = Field(description="false：不是正在发生的火灾")
    hazards: list[str] = Field(description="隐患编号")
    risk_level: Priority | None = Field(description="风险等级：各隐患中最高的等级；null = 无隐患")
    risk_score: int | float = Field(description="排序分值（各等级权重之和，本系统默认）")
    crowded_place: bool = Field(description="人员密集场所（消防法第七十三条）")
    high_rise: bool = Field(description="高层民用建筑")
    details: list[FireHazardFinding]
    department: str = Field(description="承办单位")
    first: str | None = Field(description="先行处置的一方，如物业服务人先行清理")
    deadline: str | None = Field(description="整改期限（第五十四条）；null = 无隐患")
    legal_basis: list[str] = Field(description="引用的条款（标题 条号）")
    notice: str | None = Field(description="整改通知草稿；null = 无隐患")


class FireEscalation(BaseModel):
    """The fire agent's decision on an active fire: call at once, nothing else."""

    model_config = ConfigDict(extra="forbid")
    escalate: Literal[True] = Field(description="true：正在着火或冒烟，立即报警")
    call: str = Field(description="报警电话")
    hazards: list[str] = Field(description="空：不做隐患研判")
    risk_level: None
    risk_score: None
    department: str = Field(description="报警电话（不建普通工单）")
    notice: None
    legal_basis: list[str] = Field(description="引用的条款（标题 条号）")


class FireAgent(Agent[FireDecision | FireEscalation]):
    name = "fire"
    title = "消防安全"
    category = "消防"
    description = "从检查记录或九小场所检查表识别火灾隐患、评定风险等级、起草整改通知；正在着火或冒烟的立即提示拨打119。"
    Input: ClassVar = FireInput
    Decision: ClassVar = FireDecision | FireEscalation

    def __init__(self) -> None:
        super().__init__()
        self.known = {r.match["hazard"] for r in self.rules.rows("hazards")}

    def patterns(self, text: str, trace: Trace) -> dict:
        from agents.patterns.fire import read

        return read(text)

    def escalated(self, a: dict) -> bool:
        return bool(a.get("escalate"))

    def _law(self, hazard: str) -> dict:
        """The source entry (doc_id, short title) of the law a hazard's basis articles cite."""
        row = self.rules.lookup("hazards", None, hazard=hazard).value
        return self.rules.sources[row.get("basis_source", BASIS_SOURCE)]

    def assess(self, slots: dict, trace: Trace) -> dict:
        book = self.rules
        if slots.get("active_fire"):
            rule = book.lookup("escalation", trace)
            return {"escalate": True, "call": rule.value["call"], "hazards": [], "risk_level": None}
        hazards = list(dict.fromkeys(slots.get("hazards") or []))
        unknown = [h for h in hazards if h not in self.known]
        if unknown:
            raise InvalidAgentInput(f"unknown hazard {unknown[0]!r}; known: {sorted(self.known)}",
                                    code="invalid_agent_input", field="hazards")
        for item, passed in sorted((slots.get("checklist") or {}).items()):
            if not passed:
                h = book.lookup("checklist", trace, item=int(item)).value
                hazards.append(h)
        hazards = list(dict.fromkeys(hazards))
        crowded = slots.get("crowded_place")
        if crowded is None and slots.get("venue"):
            rows = [r for r in book.rows("crowded_places") if any(n in slots["venue"] for n in r.value)]
            for r in rows:
                trace.fire(r)
            crowded = bool(rows)
        order = book.lookup("levels", trace).value
        details, score = [], 0
        weights = book.lookup("score_weights", trace).value
        for h in hazards:
            row = book.lookup("hazards", trace, hazard=h).value
            level = row.get("level_crowded") if crowded and row.get("level_crowded") else row.get("level")
            if level is None:
                level = book.get("levels", "level-unlisted", trace).value
            details.append({"hazard": h, "name": row["name"], "level": level,
                            "basis": row.get("basis", []), "penalty": row.get("penalty"),
                            "note": row.get("note")})
            score += weights[level]
        # In a high-rise building some findings also fall under the high-rise rules.
        extended = []
        if slots.get("high_rise"):
            for rule in book.rows("hazards"):
                if rule.value.get("extends") in hazards and book.find("hazards", trace, **rule.match):
                    extended.append(rule.match["hazard"])
                    trace.notes.append(f"高层民用建筑：另适用{rule.value['name']}的规定（第三方来源，罚则未核实，不引用数额）")
        risk = min((d["level"] for d in details), key=order.index, default=None)
        return {"escalate": False, "hazards": hazards, "details": details, "risk_level": risk,
                "risk_score": score, "crowded_place": bool(crowded),
                "high_rise": bool(slots.get("high_rise")), "extended": extended}

    def citations(self, a: dict) -> list[tuple[str, str, str]]:
        refs: list[tuple[str, str, str]] = []
        for d in a["details"]:
            doc = self._law(d["hazard"])["doc_id"]
            refs += [(doc, b[: b.index("条") + 1], "火灾隐患 整改") for b in d["basis"]]  # 第十九条第一款 → 第十九条
        for hazard in a["extended"]:
            row = self.rules.lookup("hazards", None, hazard=hazard).value
            refs += [(self._law(hazard)["doc_id"], b, row.get("words", "火灾隐患 整改"))
                     for b in row["basis"]]
        deadline = self.rules.lookup("deadline")
        refs.append((deadline.doc_id or "", deadline.article, "火灾隐患 整改"))
        return list(dict.fromkeys(refs))

    def decide(self, slots: dict, a: dict, legal: list[dict],
               trace: Trace) -> FireDecision | FireEscalation:
        book = self.rules
        if a["escalate"]:
            law = book.lookup("escalation")  # fired by assess
            return FireEscalation(escalate=True, call=a["call"], hazards=[], risk_level=None,
                                  risk_score=None, department=a["call"], notice=None,
                                  legal_basis=[f"{law.document} {law.article}"])
        # A hazard with a routing row of its own decides the route; otherwise the default row.
        routed = next((h for h in a["hazards"]
                       if any(r.match.get("hazard") == h for r in book.rows("routing"))), None)
        route = book.lookup("routing", trace, hazard=routed).value
        deadline = book.lookup("deadline", trace).value["text"] if a["hazards"] else None
        return FireDecision(
            escalate=False, hazards=a["hazards"], risk_level=a["risk_level"],
            risk_score=a["risk_score"], crowded_place=a["crowded_place"], high_rise=a["high_rise"],
            details=a["details"], department=route["department"], first=route.get("first"),
            deadline=deadline, legal_basis=cited(legal),
            notice=self._notice(slots, a["details"], deadline) if a["hazards"] else None)

    def _notice(self, slots: dict, details: list[dict], deadline: str | None) -> str:
        lines = [f"整改通知（草稿）\n场所：{slots.get('place') or slots.get('venue') or '（待填写）'}",
                 "经检查，发现以下火灾隐患："]
        for i, h in enumerate(details, 1):
            basis = "、".join(h["basis"])
            law = self._law(h["hazard"])["short"]
            lines.append(f"{i}. {h['name']}（等级{h['level']}；依据《{law}》{basis}"
                         + (f"；罚则：{h['penalty']}" if h.get("penalty") else "") + "）")
        rule = self.rules.lookup("deadline")
        lines.append(f"整改期限：{deadline}（《{self._short(rule.doc_id)}》{rule.article}）。")
        lines.append("逾期不改正或拒不改正的，由消防救援机构依法处理。")
        return "\n".join(lines)

    def _short(self, doc_id: str | None) -> str:
        """The short title replies use for a corpus document of this agent's sources."""
        return next(s["short"] for s in self.rules.sources.values()
                    if s.get("doc_id") == doc_id and s.get("short"))

    def work_order(self, d: FireDecision | FireEscalation, slots: dict,
                   trace: Trace) -> dict | None:
        if isinstance(d, FireEscalation) or not d.hazards:
            return None
        return {"title": f"消防隐患：{'、'.join(h['name'] for h in d.details[:3])}"[:200],
                "summary": slots.get("text") or "检查表不合格项", "department": d.department,
                "priority": d.risk_level}

    def respond(self, d: FireDecision | FireEscalation, legal: list[dict],
                wo: dict | None) -> tuple[str, str]:
        if isinstance(d, FireEscalation):
            law = self.rules.lookup("escalation")
            reply = (f"请立即拨打{d.call}报警，并先离开危险区域、不要乘坐电梯。"
                     f"（《{self._short(law.doc_id)}》{law.article}：任何人发现火灾都应当立即报警）")
            return reply, (f"【消防·紧急】报告正在着火或冒烟：已提示立即拨打{d.call}，不建普通工单，"
                           "请值班长电话确认是否已报警。")
        if not d.hazards:
            return ("感谢您的反映。根据所述情况未识别出明确的火灾隐患，如有疏散通道堵塞、楼道充电等情况请补充说明。",
                    "【消防】未识别出隐患，未建事件单。")
        names = "；".join(h["name"] for h in d.details)
        said = self.rules.lookup("reply_basis")
        reply = (f"您反映的消防安全问题已受理，涉及：{names}。{said.value}属于《{self._short(said.doc_id)}》"
                 f"{said.article}禁止的行为，已转{d.department}核查处理"
                 + (f"（{d.first}）" if d.first else "") + "。")
        wo_ref = f"事件单 {wo['id']}" if wo and wo.get("id") else "事件单草稿"
        brief = (f"【消防】风险{d.risk_level}（分值{d.risk_score}）｜"
                 f"{'人员密集场所' if d.crowded_place else '非人员密集场所'}｜隐患：{names}｜"
                 f"承办{d.department}｜期限：{d.deadline}｜{wo_ref}\n{d.notice}")
        return reply, brief
