"""Scenario agents: rules with sources, decisions, bad input, the eval targets, the API,
the CLI, and the LLM slot path against our own endpoint (a tiny random model)."""

import json

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from agents import AGENTS, RunContext, register, run_agent
from agents.errors import InvalidAgentInput
from agents.noise import NoiseAgent
from agents.rulebook import APPLIED_STATUSES, RuleBook, RuleError, all_rulebooks
from assistant.api.app import create_app
from assistant.services import Services
from evals.agents import evaluate, load
from tests.conftest import CITIZEN_KEY, STAFF_KEY

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


def test_a_registered_agent_is_served_without_api_changes(api):
    class NoiseCopy(NoiseAgent):
        name = "noise-copy"
        rules_name = "noise"

    register(NoiseCopy())
    try:
        assert "noise-copy" in {a["name"] for a in api.get("/v1/agents", headers=STAFF).json()["data"]}
        r = api.post("/v1/agents/noise-copy/runs", headers=STAFF,
                     json={"input": {"noise_type": "industrial", "time": "02:00", "zone_class": "3", "leq_db": 58}})
        assert r.status_code == 200 and r.json()["decision"]["exceeded"] is True
    finally:
        AGENTS.pop("noise-copy")


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
