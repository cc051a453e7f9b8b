"""消防安全 agent: an inspection note or a 九小场所 checklist → hazards, risk level and a
rectification notice (整改通知) with its legal basis. An active fire means 119, and nothing else."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.base import MAX_TEXT, Agent
from agents.errors import InvalidAgentInput
from agents.rulebook import Trace

FIRE_LAW = "reg-fire-protection-law"
HIGH_RISE = "reg-high-rise-civil-building-fire-safety"


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
        if v is not None and any(not 1 <= k <= 12 for k in v):
            raise ValueError("checklist items are numbered 1-12")
        return v


class FireAgent(Agent):
    name = "fire"
    title = "消防安全"
    category = "消防"
    description = "从检查记录或九小场所检查表识别火灾隐患、评定风险等级、起草整改通知；正在着火或冒烟的立即提示拨打119。"
    Input: ClassVar = FireInput

    def __init__(self):
        super().__init__()
        self.known = {r.match["hazard"] for r in self.rules.rows("hazards")}

    def patterns(self, text: str, trace: Trace) -> dict:
        from agents.patterns.fire import read

        return read(text)

    def escalated(self, a: dict) -> bool:
        return bool(a.get("escalate"))

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
        if slots.get("high_rise") and "ebike_indoor" in hazards:
            extra = book.lookup("hazards", trace, hazard="ebike_high_rise").value
            trace.notes.append(f"高层民用建筑：另适用{extra['name']}的规定（第三方来源，罚则未核实，不引用数额）")
        risk = min((d["level"] for d in details), key=order.index, default=None)
        return {"escalate": False, "hazards": hazards, "details": details, "risk_level": risk,
                "risk_score": score, "crowded_place": bool(crowded), "high_rise": bool(slots.get("high_rise"))}

    def citations(self, a: dict) -> list[tuple[str, str, str]]:
        refs: list[tuple[str, str, str]] = []
        for d in a["details"]:
            doc = HIGH_RISE if d["hazard"] == "ebike_high_rise" else FIRE_LAW
            refs += [(doc, b[: b.index("条") + 1], "火灾隐患 整改") for b in d["basis"]]  # 第十九条第一款 → 第十九条
        if a["high_rise"] and "ebike_indoor" in a["hazards"]:
            refs.append((HIGH_RISE, "第三十七条", "电动自行车 停放 充电"))
        refs.append((FIRE_LAW, "第五十四条", "火灾隐患 整改"))
        return list(dict.fromkeys(refs))

    def decide(self, slots: dict, a: dict, legal: list[dict], trace: Trace) -> dict:
        if a["escalate"]:
            return {"escalate": True, "call": a["call"], "hazards": [], "risk_level": None,
                    "risk_score": None, "department": "119", "notice": None,
                    "legal_basis": ["中华人民共和国消防法 第四十四条"]}
        book = self.rules
        route = book.lookup("routing", trace, hazard="ebike_indoor" if "ebike_indoor" in a["hazards"]
                            else None).value
        deadline = book.lookup("deadline", trace).value["text"] if a["hazards"] else None
        decision = {"escalate": False, "hazards": a["hazards"], "risk_level": a["risk_level"],
                    "risk_score": a["risk_score"], "crowded_place": a["crowded_place"],
                    "high_rise": a["high_rise"], "details": a["details"],
                    "department": route["department"], "first": route.get("first"),
                    "deadline": deadline,
                    "legal_basis": [f"{c['title']} {c['article']}" for c in legal]}
        decision["notice"] = self._notice(slots, decision) if a["hazards"] else None
        return decision

    def _notice(self, slots: dict, d: dict) -> str:
        lines = [f"整改通知（草稿）\n场所：{slots.get('place') or slots.get('venue') or '（待填写）'}",
                 "经检查，发现以下火灾隐患："]
        for i, h in enumerate(d["details"], 1):
            basis = "、".join(h["basis"])
            law = "《高层民用建筑消防安全管理规定》" if h["hazard"] == "ebike_high_rise" else "《消防法》"
            lines.append(f"{i}. {h['name']}（等级{h['level']}；依据{law}{basis}"
                         + (f"；罚则：{h['penalty']}" if h.get("penalty") else "") + "）")
        lines.append(f"整改期限：{d['deadline']}（《消防法》第五十四条）。")
        lines.append("逾期不改正或拒不改正的，由消防救援机构依法处理。")
        return "\n".join(lines)

    def work_order(self, d: dict, slots: dict) -> dict | None:
        if d["escalate"] or not d["hazards"]:
            return None
        return {"title": f"消防隐患：{'、'.join(h['name'] for h in d['details'][:3])}"[:200],
                "summary": slots.get("text") or "检查表不合格项", "department": d["department"],
                "priority": d["risk_level"]}

    def respond(self, d: dict, legal: list[dict], wo: dict | None) -> tuple[str, str]:
        if d["escalate"]:
            reply = "请立即拨打119报警，并先离开危险区域、不要乘坐电梯。（《消防法》第四十四条：任何人发现火灾都应当立即报警）"
            return reply, "【消防·紧急】报告正在着火或冒烟：已提示立即拨打119，不建普通工单，请值班长电话确认是否已报警。"
        if not d["hazards"]:
            return ("感谢您的反映。根据所述情况未识别出明确的火灾隐患，如有疏散通道堵塞、楼道充电等情况请补充说明。",
                    "【消防】未识别出隐患，未建事件单。")
        names = "；".join(h["name"] for h in d["details"])
        reply = (f"您反映的消防安全问题已受理，涉及：{names}。占用、堵塞疏散通道、安全出口等属于《消防法》第二十八条禁止的行为，"
                 f"已转{d['department']}核查处理" + (f"（{d['first']}）" if d.get("first") else "") + "。")
        wo_ref = f"事件单 {wo['id']}" if wo and wo.get("id") else "事件单草稿"
        brief = (f"【消防】风险{d['risk_level']}（分值{d['risk_score']}）｜"
                 f"{'人员密集场所' if d['crowded_place'] else '非人员密集场所'}｜隐患：{names}｜"
                 f"承办{d['department']}｜期限：{d['deadline']}｜{wo_ref}\n{d['notice']}")
        return reply, brief
