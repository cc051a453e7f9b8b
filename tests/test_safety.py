"""Privacy and abuse controls of the API: masked logs and audit, sessions, rate limit."""

import logging

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.logs import MaskingFilter
from assistant.services import Services

pytestmark = pytest.mark.slow
ID, PHONE = "11010519491231002X", "13812345678"


def test_log_records_are_masked(caplog):
    logger = logging.getLogger("yukuai.test")
    caplog.handler.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("GET /v1/search?q=%s 电话%s 我叫王小明", ID, PHONE)
    assert ID not in caplog.text and PHONE not in caplog.text and "王小明" not in caplog.text
    assert "110105" in caplog.text  # the region part stays: logs remain useful


@pytest.fixture
def app_client(corpus_services, tmp_path):
    def make(**settings):
        s = corpus_services.settings.model_copy(update={"data_dir": tmp_path, **settings})
        services = Services(s, corpus_services.store, corpus_services.embedder)
        return TestClient(create_app(services=services)), services
    return make


def test_audit_records_never_hold_personal_data(app_client):
    client, services = app_client()
    with client:
        r = client.post("/v1/ask", json={"question": f"我叫张三，身份证号{ID}，手机{PHONE}，身份证丢了怎么补办"})
        assert r.status_code == 200
        [record] = services.db.audit_records()
    stored = f"{record.question} {record.answer}"
    assert ID not in stored and PHONE not in stored and "张三" not in stored
    assert record.endpoint == "ask" and record.citations and record.role == "citizen"


def test_sessions_remember_the_service_under_discussion(app_client):
    client, _ = app_client()
    with client:
        first = client.post("/v1/ask", json={"question": "公积金租房提取怎么办理"}).json()
        follow = client.post("/v1/ask", json={"question": "那要多久？",
                                               "session_id": first["session_id"]}).json()
        other = client.post("/v1/ask", json={"question": "那要多久？"}).json()
        bad = client.post("/v1/ask", json={"question": "x", "session_id": "../../etc"})
    assert first["service"]["name"] == follow["service"]["name"] == "住房公积金租房提取"
    assert follow["focus"] == "time" and follow["citations"][0]["section"] == "办理时限"
    assert other["citations"] == []  # a fresh session has nothing to follow up on
    assert other["session_id"] != first["session_id"]
    assert bad.status_code == 422


def test_rate_limit_per_caller(app_client):
    client, _ = app_client(rate_limit_per_minute=3)
    with client:
        codes = [client.get("/v1/search", params={"q": "社保卡"}).status_code for _ in range(4)]
        r = client.get("/v1/search", params={"q": "社保卡"})
    assert codes == [200, 200, 200, 429]
    assert r.json()["error"]["code"] == "rate_limited" and r.headers["retry-after"]
