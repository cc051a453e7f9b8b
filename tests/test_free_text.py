"""Every free-text path takes whatever people type: arbitrary Unicode (hypothesis), the real
complaints in ../shared/data/complaints and the phrases of the step-5 review. Each gives an
answer or a 4xx-class error (ServiceError), never anything else.

The agents' own property tests are in tests/test_agents_robust.py.
"""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.api.app import create_app
from assistant.api.errors import status_of
from assistant.services import Services
from assistant.store.workorders import WorkOrderStore
from retrieval.errors import ServiceError
from retrieval.search import PUBLIC

pytestmark = pytest.mark.slow
COMPLAINTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "complaints"
PHRASES = ["隔壁工地四五点就开始打桩", "凌晨两三点", "晚上十点二三分", "晚上八九点大概一两万人",
           "晚上10：30楼上吵", "晚上9:30-11:00", "昨晚11点半", "十一二点", "半夜十二三点",
           "预计4500人，0001年1月5日举办", "\ud800", "身份证" + "9" * 400]
# Any code point, lone surrogates included (a buggy client can send them in JSON escapes).
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def complaint_texts() -> list[tuple[str, str]]:
    """(id, text) of every real message; skipped where the folder is missing."""
    if not COMPLAINTS.is_dir():
        pytest.skip(f"the real complaints are not at {COMPLAINTS}")
    out = []
    for path in sorted(COMPLAINTS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("text"):
                out.append((f"{path.stem}:{row.get('id')}", (row.get("title") or "") + row["text"]))
    return out


@pytest.fixture(scope="module")
def pipeline(corpus_services):
    return corpus_services.pipeline


@FUZZ
@given(question=ANY_TEXT)
def test_the_answer_pipeline_takes_any_text(pipeline, question):
    try:
        answer = pipeline.answer(question)
    except ServiceError as e:
        assert status_of(e) < 500
    else:
        assert answer.answer


def test_the_answer_pipeline_takes_every_real_complaint_and_review_phrase(pipeline):
    failed = []
    for ident, text in complaint_texts() + [(p, p) for p in PHRASES]:
        try:
            pipeline.answer(text[:2000])
        except ServiceError:
            pass
        except Exception as e:  # noqa: BLE001 - any other exception is the finding
            failed.append((ident, type(e).__name__))  # ids only: the texts are personal data
    assert failed == []


@FUZZ
@given(query=ANY_TEXT)
def test_search_takes_any_text(corpus_services, query):
    try:
        corpus_services.searcher().search(query, PUBLIC, 5)
    except ServiceError as e:
        assert status_of(e) < 500


@FUZZ
@given(note=ANY_TEXT, department=ANY_TEXT.filter(lambda d: d.strip()))
def test_a_work_order_move_takes_any_note_and_department(store, note, department):
    orders = WorkOrderStore(store.engine)
    order = orders.create(agent="noise", category="噪声", title=note[:50] or "t", summary=note,
                          department="区生态环境局", priority="P3", decision={"text": note})
    moved = orders.transition(order["id"], "dispatched", actor="fuzz", note=note,
                              department=department)
    assert moved["status"] == "dispatched" and moved["history"][-1]["department"]


def test_the_api_takes_real_complaints_in_every_text_field(corpus_services, tmp_path):
    settings_ = corpus_services.settings.model_copy(update={
        "data_dir": tmp_path, "rate_limit_per_minute": 0, "api_keys": {"k": "staff"}})
    services = Services(settings_, corpus_services.store, corpus_services.embedder)
    # Every 7th message (~110) and the phrases; lone surrogates go as JSON escapes in
    # tests/test_hardening.py (the client here cannot encode them).
    texts = complaint_texts()[::7] + [(p, p) for p in PHRASES if p.isprintable()]
    failed = []
    with TestClient(create_app(services=services)) as client:
        for ident, text in texts:
            text = text[:2000]
            for name, response in (
                ("ask", client.post("/v1/ask", json={"question": text})),
                ("search", client.post("/v1/search", json={"query": text})),
                ("chat", client.post("/v1/chat/completions",
                                     json={"messages": [{"role": "user", "content": text}]})),
            ):
                if response.status_code >= 500 or response.status_code == 422:
                    failed.append((ident, name, response.status_code))
    assert failed == []
