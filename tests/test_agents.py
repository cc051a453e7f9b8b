"""Scenario agents: rules with sources, decisions, bad input, the eval targets, the API,
the CLI, and the LLM slot path against our own endpoint (a tiny random model)."""

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from agents import AGENTS, BackendModel, RunContext, get_agent, register, run_agent
from agents.crowd import CrowdDecision
from agents.errors import InvalidAgentInput, UnknownAgent
from agents.fire import FireDecision, FireEscalation
from agents.noise import NoiseAgent, NoiseDecision
from agents.rulebook import APPLIED_STATUSES, RuleBook, RuleError, all_rulebooks
from agents.slots import slot_schema
from assistant.api.app import create_app
from assistant.generation.backends.openai_backend import OpenAIBackend
from assistant.generation.registry import ModelConfig
from assistant.services import Services
from evals.agents import evaluate, load
from tests.conftest import CITIZEN_KEY, ROOT, STAFF_KEY, running

# -- rules as data -------------------------------------------------------------------------

def test_every_rule_row_has_a_source_document_and_article():
    books = all_rulebooks()
    assert {b.name for b in books} >= {"noise", "fire", "crowd", "sla"}
    for book in books:
        for rows in book.tables.values():
            for rule in rows:
                assert rule.document and rule.article.strip(), rule.id
                assert rule.status in (*APPLIED_STATUSES, "R"), rule.id


def test_a_rule_without_a_source_does_not_load():
    base = {"sources": {"law": {"title": "某法", "status": "L"}}}
    with pytest.raises(RuleError, match="no source"):
        RuleBook.parse("t", {**base, "tables": {"x": [{"id": "a", "value": 1}]}})
    with pytest.raises(RuleError, match="no source"):
        RuleBook.parse("t", {**base, "tables": {"x": [{"id": "a", "value": 1, "source": {"doc": "law"}}]}})
    with pytest.raises(RuleError, match="unknown source"):
        RuleBook.parse("t", {**base, "tables": {"x": [{"id": "a", "value": 1,
                                                       "source": {"doc": "memo", "article": "第一条"}}]}})


def test_unverified_rows_are_never_applied():
    book = RuleBook.parse("t", {"sources": {"m": {"title": "记忆", "status": "R"}},
                               "tables": {"x": [{"id": "a", "value": 9, "source": {"doc": "m", "article": "?"}}]}})
    assert book.find("x") is None


def _fired(result: dict, table: str) -> list[dict]:
    return [r for r in result["trace"]["rules_fired"] if r["table"] == table]


def test_the_numbers_a_noise_decision_applies_come_from_fired_rows():
    r = run_agent("noise", {"noise_type": "construction", "time": "23:30", "zone_class": "1",
                            "leq_db": 54, "lmax_db": 72})
    d = r["decision"]
    [limit] = _fired(r, "limits")
    [margin] = _fired(r, "night_max_margin")
    assert d["limit_db"] == limit["value"] == 55 and limit["source"].startswith("建筑施工场界")
    assert d["limit_max_db"] == limit["value"] + margin["value"] == 70
    assert d["exceeded"] is True  # Leq within 55 but Lmax 72 > 70
    assert d["department"] == "住建" and d["hours_violation"] is True
    assert d["penalty"]["fine_min"] == 10000 and d["penalty"]["fine_max"] == 100000


def test_an_unverified_margin_is_reported_not_applied():
    r = run_agent("noise", {"noise_type": "commercial_loudspeaker", "time": "23:00",
                            "zone_class": "2", "lmax_db": 70})
    assert r["decision"]["limit_db"] == 50 and r["decision"]["limit_max_db"] is None
    assert r["decision"]["exceeded"] is None  # no applicable Lmax rule, no Leq measured
    assert any("gb22337-nonsteady-lmax" in n for n in r["trace"]["notes"])
    assert not _fired(r, "night_max_margin")


def test_decoration_hours_and_mediation_first():
    r = run_agent("noise", {"text": "楼上装修中午12点半还在用电钻打墙"})
    d = r["decision"]
    assert d["noise_type"] == "decoration" and d["hours_violation"] is True
    assert d["mediation_first"] is True and "第七十条" in r["reply"]
    assert [x["id"] for x in _fired(r, "decoration_banned_hours")] == ["cq-decoration-noon"]
    assert run_agent("noise", {"noise_type": "decoration", "time": "15:00"})["decision"]["hours_violation"] is False


def test_active_fire_is_119_and_nothing_else():
    r = run_agent("fire", {"text": "楼道里的电动车烧起来了，全是黑烟"})
    assert r["decision"]["escalate"] is True and r["work_order"] is None
    assert r["reply"].startswith("请立即拨打119")
    assert "legal_basis" not in r["trace"]["steps"] and "work_order:none" not in r["trace"]["steps"]


def test_fire_checklist_drafts_a_notice_with_sourced_deadline():
    r = run_agent("fire", {"checklist": {3: False, 7: False, 9: True}, "venue": "网吧"})
    d = r["decision"]
    assert d["hazards"] == ["extinguisher_missing", "blocked_exit"] and d["risk_level"] == "P1"
    assert "第五十四条" in d["notice"] and "由消防救援机构依法确定" in d["deadline"]
    assert {x["id"] for x in _fired(r, "checklist")} == {"item-3", "item-7"}


def test_crowd_density_level_trend_and_event_permit():
    r = run_agent("crowd", {"zones": [{"name": "解放碑", "area_m2": 10000, "counts": [
        {"time": "14:00", "count": 30000}, {"time": "14:10", "count": 38000}]}],
        "event": {"expected_attendance": 8000, "start_date": "2027-01-21",
                  "application_date": "2027-01-05"}})
    d = r["decision"]
    assert d["density"] == 3.8 and d["alert_level"] == 3 and d["los"] == "F"
    assert d["next_level"] == 2 and d["minutes_to_next"] == pytest.approx((5.55 - 3.8) / 0.08, abs=0.1)
    assert "limit_entry" in d["actions"] and "call_110" not in d["actions"]
    ev = d["event"]
    assert ev["approver"].startswith("重庆市公安局") and ev["apply_by"] == "2027-01-01"
    assert ev["application_late"] is True and ev["review_days"] == 7


@pytest.mark.parametrize("agent,payload,field", [
    ("crowd", {"zones": [{"area_m2": -5, "counts": [{"time": "10:00", "count": 10}]}]}, "zones.0.area_m2"),
    ("crowd", {"zones": [{"name": "广场", "counts": [{"time": "10:00", "count": 10}]}]}, "zones.0"),
    ("noise", {"noise_type": "construction", "leq_db": 250}, "leq_db"),
    ("noise", {"noise_type": "construction", "zone_class": "5"}, "zone_class"),
    ("noise", {"text": "   "}, "text"),
    ("noise", {"time": "25:00", "noise_type": "neighbour"}, "time"),
    ("fire", {"hazards": ["dragons"]}, "hazards"),
])
def test_bad_input_names_the_field(agent, payload, field):
    with pytest.raises(InvalidAgentInput) as e:
        run_agent(agent, payload)
    assert e.value.field == field


def test_input_schemas_state_the_time_format_and_the_date_range():
    noise = AGENTS["noise"].schema()["input_schema"]
    crowd = AGENTS["crowd"].schema()["input_schema"]["$defs"]
    time = next(t for t in noise["properties"]["time"]["anyOf"] if t["type"] == "string")
    assert time["pattern"] == crowd["Count"]["properties"]["time"]["pattern"]  # one shared type
    start = next(t for t in crowd["Event"]["properties"]["start_date"]["anyOf"]
                 if t["type"] == "string")
    assert start["format"] == "date" and "1900-01-01" in start["description"]


# -- the contracts: lazy registry, decision models, trace reducers, structured output -------

def test_importing_agents_builds_no_agent():
    code = ("import json, agents\n"
            "cards = [c.schema()['name'] for c in agents.AGENTS.classes()]\n"
            "print(json.dumps({'names': sorted(agents.AGENTS), 'cards': sorted(cards),\n"
            "                  'built': agents.AGENTS.built()}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    seen = json.loads(out.stdout)
    assert seen["names"] == seen["cards"] and {"noise", "fire", "crowd"} <= set(seen["names"])
    assert seen["built"] == []  # neither importing nor listing builds an agent


def test_get_agent_builds_an_agent_once_whichever_thread_asks_first():
    builds = []

    class Counted(NoiseAgent):
        name = "noise-counted"
        rules_name = "noise"

        def __init__(self):
            builds.append(1)
            time.sleep(0.05)  # a slow build, so that the threads race for it
            super().__init__()

    register(Counted)
    try:
        assert "noise-counted" in AGENTS and "noise-counted" not in AGENTS.built()
        barrier = threading.Barrier(8)

        def get(_):
            barrier.wait()
            return get_agent("noise-counted")

        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(get, range(8)))
        assert len(builds) == 1 and all(a is got[0] for a in got)
        assert AGENTS["noise-counted"] is got[0] and "noise-counted" in AGENTS.built()
    finally:
        AGENTS.unregister("noise-counted")
    with pytest.raises(UnknownAgent):
        get_agent("noise-counted")


# The keys of each decision, in order, as the JSON had them before the decision models.
DECISION_KEYS = {
    NoiseDecision: ["noise_type", "period", "zone_class", "standard", "limit_db", "limit_max_db",
                    "measured", "exceeded", "hours_violation", "department", "mediation_first",
                    "routing_code", "priority", "penalty", "legal_basis", "actions"],
    FireDecision: ["escalate", "hazards", "risk_level", "risk_score", "crowded_place", "high_rise",
                   "details", "department", "first", "deadline", "legal_basis", "notice"],
    FireEscalation: ["escalate", "call", "hazards", "risk_level", "risk_score", "department",
                     "notice", "legal_basis"],
    CrowdDecision: ["density", "los", "alert_level", "alert_name", "minutes_to_next", "next_level",
                    "actions", "zones", "event", "legal_basis", "needs_confirmation", "priority"],
}


@pytest.mark.parametrize("agent,payload,model", [
    ("noise", {"noise_type": "construction", "time": "23:30", "zone_class": "1", "leq_db": 54},
     NoiseDecision),
    ("noise", {"text": "楼上装修中午12点半还在用电钻打墙"}, NoiseDecision),
    ("noise", {"text": "有点吵"}, NoiseDecision),
    ("fire", {"checklist": {3: False, 7: False}, "venue": "网吧"}, FireDecision),
    ("fire", {"text": "一切正常"}, FireDecision),
    ("fire", {"text": "楼道里的电动车烧起来了"}, FireEscalation),
    ("crowd", {"zones": [{"name": "解放碑", "area_m2": 10000, "counts": [
        {"time": "14:00", "count": 30000}, {"time": "14:10", "count": 38000}]}],
        "event": {"expected_attendance": 5000, "start_date": "2027-01-21", "layout": "standing",
                  "area_m2": 2000}}, CrowdDecision),
    ("crowd", {"event": {"expected_attendance": 999}}, CrowdDecision),
])
def test_a_runs_decision_is_its_agents_model_and_the_json_is_as_before(agent, payload, model):
    r = run_agent(agent, payload)
    decision_type = AGENTS.agent_class(agent).decision_type()
    decision = decision_type.validate_python(r["decision"])
    assert type(decision) is model
    assert decision_type.dump_python(decision, mode="json") == r["decision"]
    assert list(r["decision"]) == DECISION_KEYS[model]
    json.dumps(r, allow_nan=False)


def test_the_trace_lists_the_steps_in_the_order_they_ran_and_each_rule_once():
    r = run_agent("noise", {"noise_type": "construction", "time": "23:30", "zone_class": "1"})
    assert r["trace"]["steps"] == ["intake", "extract:slots_given", "slots:noise_type,time,zone_class",
                                   "assess", "legal_basis", "decide", "work_order:draft", "respond"]
    assert list(r["trace"]) == ["steps", "rules_fired", "sources", "notes"]
    # An escalation: the escalation row fired in assess and read again by decide, listed once.
    r = run_agent("fire", {"active_fire": True})
    assert r["trace"]["steps"] == ["intake", "extract:slots_given", "slots:active_fire", "assess",
                                   "respond"]
    assert [x["id"] for x in r["trace"]["rules_fired"]] == ["fire-report-at-once"]


def test_concurrent_runs_of_one_agent_keep_their_traces_apart():
    payloads = [{"noise_type": "construction", "time": "23:30", "zone_class": "1", "leq_db": 54},
                {"text": "楼上装修中午12点半还在用电钻打墙"},
                {"text": "有点吵"}]
    expected = [run_agent("noise", p)["trace"] for p in payloads]
    barrier = threading.Barrier(9)

    def one(i: int) -> tuple[int, dict]:
        barrier.wait()  # all nine runs start together on the one compiled graph
        return i, run_agent("noise", payloads[i % 3])["trace"]

    for _ in range(5):
        with ThreadPoolExecutor(9) as pool:
            for i, trace in pool.map(one, range(9)):
                assert trace == expected[i % 3]


@dataclass
class FakeModel:
    """A TextModel that answers `reply` and remembers what it was asked."""

    reply: str
    name: str = "fake"
    params: dict = field(default_factory=lambda: {"max_tokens": 64})
    calls: list[dict] = field(default_factory=list)

    def complete(self, messages, *, temperature, max_tokens, response_format=None) -> str:
        self.calls.append({"messages": messages, "temperature": temperature,
                           "max_tokens": max_tokens, "response_format": response_format})
        return self.reply


def test_llm_slots_ask_for_the_input_schema_as_response_format():
    model = FakeModel(json.dumps({"noise_type": "construction", "time": "23:30", "zone_class": "1"}))
    r = run_agent("noise", {"text": "投诉一件事"}, RunContext(model=model))
    assert "extract:llm:fake" in r["trace"]["steps"] and "extract:patterns" not in r["trace"]["steps"]
    assert r["decision"]["noise_type"] == "construction" and r["decision"]["period"] == "night"
    [call] = model.calls
    fmt = call["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == "noise_slots"
    schema = fmt["json_schema"]["schema"]
    assert schema == slot_schema(get_agent("noise")) and "text" not in schema["properties"]
    assert "zone_class" in schema["properties"] and call["max_tokens"] == 64
    assert call["temperature"] == 0.0 and '"zone_class"' in call["messages"][0]["content"]


def test_llm_slots_that_do_not_validate_fall_back_to_the_patterns():
    model = FakeModel(json.dumps({"noise_type": "dragons"}))
    r = run_agent("noise", {"text": "楼上装修中午12点半还在用电钻打墙"}, RunContext(model=model))
    assert r["trace"]["steps"][1:3] == ["extract:llm_failed", "extract:patterns"]
    assert any("fake" in n and "回退" in n for n in r["trace"]["notes"])
    assert r["decision"]["noise_type"] == "decoration"


def test_the_openai_backend_sends_the_response_format_to_the_server():
    # A stand-in for vLLM (which cannot run here) that records what the SDK sends.
    seen: list[dict] = []
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await request.json()
        seen.append(body)
        content = json.dumps({"noise_type": "square_dance", "period": "night"})
        return {"id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}

    with running(app) as url:
        config = ModelConfig(name="capture", backend="openai", base_url=f"{url}/v1",
                             params={"max_tokens": 100})
        model = BackendModel(config.name, config.params, OpenAIBackend(config))
        r = run_agent("noise", {"text": "小区里有人跳舞"}, RunContext(model=model))
    [body] = seen
    assert body["response_format"]["type"] == "json_schema" and body["max_tokens"] == 100
    assert body["response_format"]["json_schema"]["schema"] == slot_schema(get_agent("noise"))
    assert "extract:llm:capture" in r["trace"]["steps"]
    assert r["decision"]["noise_type"] == "square_dance" and r["decision"]["period"] == "night"


# -- the eval targets ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["noise", "fire", "crowd"])
def test_eval_targets(name):
    items = load(name)
    assert len(items) >= 60
    result = evaluate(name, items)
    assert all(v == 1.0 for v in result["modes"]["slots"]["accuracy"].values()), result["modes"]["slots"]["misses"]
    assert all(v >= 0.9 for v in result["modes"]["text"]["accuracy"].values()), result["modes"]["text"]["misses"]


def test_legal_basis_is_retrieved_from_the_corpus(corpus_services):
    ctx = RunContext(searcher=corpus_services.searcher())
    r = run_agent("noise", {"text": "小区广场上每天晚上有人跳广场舞，音响开到十点多"}, ctx)
    cited = {(s["doc_id"], s["article"]) for s in r["trace"]["sources"]}
    assert ("reg-noise-pollution-law", "第六十四条") in cited
    assert ("reg-noise-pollution-law", "第八十二条") in cited
    assert any("第八十二条" in b for b in r["decision"]["legal_basis"])
    r = run_agent("fire", {"hazards": ["blocked_exit"], "venue": "商场"}, ctx)
    assert {s["article"] for s in r["trace"]["sources"]} >= {"第二十八条", "第五十四条"}


# -- the API -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(corpus_services, tmp_path_factory):
    settings = corpus_services.settings.model_copy(update={
        "data_dir": tmp_path_factory.mktemp("agents-api"),
        "api_keys": {STAFF_KEY: "staff", CITIZEN_KEY: "citizen"}, "rate_limit_per_minute": 0})
    services = Services(settings, corpus_services.store, corpus_services.embedder)
    with TestClient(create_app(services=services)) as client:
        yield client


STAFF = {"Authorization": f"Bearer {STAFF_KEY}"}
CITIZEN = {"Authorization": f"Bearer {CITIZEN_KEY}"}


def test_api_lists_agents_with_input_schemas(api):
    data = api.get("/v1/agents", headers=STAFF).json()["data"]
    names = {a["name"]: a for a in data}
    assert set(names) >= {"noise", "fire", "crowd"}
    assert "zone_class" in names["noise"]["input_schema"]["properties"]


def test_api_run_returns_the_decision_json_and_its_schema(api, corpus_services):
    ctx = RunContext(searcher=corpus_services.searcher())
    for name, payload in (("crowd", {"event": {"expected_attendance": 5000}}),
                          ("fire", {"active_fire": True}),
                          ("fire", {"hazards": ["blocked_exit"], "venue": "商场"})):
        r = api.post(f"/v1/agents/{name}/runs", headers=STAFF, json={"input": payload})
        assert r.status_code == 200, r.text
        assert r.json()["decision"] == run_agent(name, payload, ctx)["decision"]
    schema = api.get("/openapi.json").json()
    run = schema["components"]["schemas"]["RunResponse"]["properties"]["decision"]
    refs = {s.get("$ref", "").rsplit("/", 1)[-1] for s in run["anyOf"]}
    assert refs >= {"NoiseDecision", "FireDecision", "FireEscalation", "CrowdDecision"}


def test_api_run_creates_a_work_order_that_staff_move_through_its_lifecycle(api):
    r = api.post("/v1/agents/noise/runs", headers=STAFF,
                 json={"input": {"text": "楼下工地晚上11点半还在打桩，我们这是居民小区"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"decision", "work_order", "reply", "brief", "trace"}
    order = body["work_order"]
    assert order["status"] == "created" and order["department"] == "住建" and order["priority"] == "P2"
    oid = order["id"]
    assert api.get(f"/v1/work-orders/{oid}", headers=STAFF).json()["sla_rule"] == "sla-p2"
    bad = api.post(f"/v1/work-orders/{oid}/status", headers=STAFF, json={"status": "resolved"})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "illegal_transition"
    for status in ("dispatched", "in_progress", "resolved", "closed"):
        r = api.post(f"/v1/work-orders/{oid}/status", headers=STAFF, json={"status": status, "note": status})
        assert r.status_code == 200 and r.json()["status"] == status
    history = api.get(f"/v1/work-orders/{oid}", headers=STAFF).json()["history"]
    assert [h["to"] for h in history] == ["created", "dispatched", "in_progress", "resolved", "closed"]
    listed = api.get("/v1/work-orders", headers=STAFF, params={"status": "closed", "agent": "noise"}).json()["data"]
    assert oid in {o["id"] for o in listed}
    assert api.get("/v1/work-orders", headers=STAFF, params={"status": "nope"}).status_code == 422


def test_api_agents_and_work_orders_are_staff_only(api):
    r = api.post("/v1/agents/noise/runs", headers=CITIZEN, json={"input": {"text": "楼上很吵"}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert api.get("/v1/work-orders", headers=CITIZEN).status_code == 403
    assert api.get("/v1/work-orders").status_code == 403  # anonymous = citizen


def test_api_bad_input_is_a_400_naming_the_field(api):
    r = api.post("/v1/agents/crowd/runs", headers=STAFF,
                 json={"input": {"zones": [{"area_m2": -1, "counts": [{"time": "10:00", "count": 5}]}]}})
    assert r.status_code == 400 and r.json()["error"]["field"] == "zones.0.area_m2"
    r = api.post("/v1/agents/noise/runs", headers=STAFF, json={"input": {"text": ""}})
    assert r.status_code == 400 and r.json()["error"]["field"] == "text"
    assert api.post("/v1/agents/nope/runs", headers=STAFF, json={"input": {}}).status_code == 404


def test_a_registered_agent_is_served_without_api_changes(api, corpus_services):
    class NoiseCopy(NoiseAgent):
        name = "noise-copy"
        rules_name = "noise"

    register(NoiseCopy)
    try:
        assert "noise-copy" in {a["name"] for a in api.get("/v1/agents", headers=STAFF).json()["data"]}
        assert "noise-copy" not in AGENTS.built()  # listing builds nothing
        r = api.post("/v1/agents/noise-copy/runs", headers=STAFF,
                     json={"input": {"noise_type": "industrial", "time": "02:00", "zone_class": "3", "leq_db": 58}})
        assert r.status_code == 200 and r.json()["decision"]["exceeded"] is True
        assert r.json()["decision"] == run_agent("noise-copy", {
            "noise_type": "industrial", "time": "02:00", "zone_class": "3", "leq_db": 58},
            RunContext(searcher=corpus_services.searcher()))["decision"]
    finally:
        AGENTS.unregister("noise-copy")


def test_llm_slots_fall_back_to_patterns_when_the_model_output_is_invalid(base_url):
    # tiny-remote is a random-weight model behind our own OpenAI-compatible endpoint: its reply
    # is not a valid slot object, so the agent must fall back to the patterns and say so.
    r = httpx.post(f"{base_url}/agents/noise/runs", headers=STAFF, timeout=120, json={
        "model": "tiny-remote", "input": {"text": "楼上邻居每天晚上十二点以后还在跳绳，我们这是住宅小区"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "extract:llm_failed" in body["trace"]["steps"] and "extract:patterns" in body["trace"]["steps"]
    assert any("tiny-remote" in n and "回退" in n for n in body["trace"]["notes"])
    assert body["decision"]["noise_type"] == "neighbour" and body["decision"]["period"] == "night"


# -- the CLI -------------------------------------------------------------------------------

def test_cli_agent_runs_and_rejects_bad_input(tmp_path, monkeypatch):
    from assistant.cli import app
    from assistant.config import get_settings

    monkeypatch.setenv("YUKUAI_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        ok = runner.invoke(app, ["agent", "fire", "--input", "-", "--json"],
                           input=json.dumps({"text": "网吧后门安全出口用铁链锁住了"}))
        assert ok.exit_code == 0, ok.output
        out = json.loads(ok.stdout)
        assert out["decision"]["risk_level"] == "P1" and out["work_order"]["id"] >= 1
        bad = runner.invoke(app, ["agent", "noise", "--input", "-", "--json"],
                            input=json.dumps({"noise_type": "construction", "leq_db": 250}))
        assert bad.exit_code == 2 and json.loads(bad.stdout)["error"]["field"] == "leq_db"
    finally:
        get_settings.cache_clear()
