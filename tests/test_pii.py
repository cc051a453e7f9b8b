"""Personal data never reaches the log or the store: every form the security review found
unmasked is sent through every path that writes (ask, search, chat, an agent run and its
work order, a status move, an exception), then the log and every table are searched."""

import io
import json
import logging
import urllib.parse

import httpx
import pytest
from sqlalchemy import inspect, text

from assistant.api.app import create_app
from assistant.logs import MaskingFilter
from assistant.services import Services
from tests.conftest import running

pytestmark = pytest.mark.slow
STAFF = {"Authorization": "Bearer pii-staff"}

# Each form, as written, and what must never be seen again (digits compared without spaces).
FORMS = {
    "bank card": ("银行卡6228480402564890018", ["6228480402564890018"]),
    "spaced ID": ("证件110101 19900307 7571", ["110101199003077571", "19900307"]),
    "dashed ID": ("身份证110101-19900307-7571", ["110101199003077571"]),
    "ID": ("身份证号110101199003077571", ["110101199003077571"]),
    "full-width phone": ("电话１３８１２３４５６７８", ["13812345678"]),
    "phone": ("手机13912345678", ["13912345678"]),
    "landline": ("座机(023)63881234", ["63881234"]),
    "passport": ("护照E12345678", ["E12345678"]),
    "plate": ("车牌渝A12345", ["渝A12345"]),
    "address": ("住民族路188号3单元502室", ["188号3单元502"]),
    "name, no cue": ("李建国投诉", ["李建国"]),
    "name after 本人": ("本人张伟华", ["张伟华"]),
    "e-mail": ("邮箱zhangweihua@example.com", ["zhangweihua@"]),
}
MESSAGE = "，".join(form for form, _ in FORMS.values())


def _readable(value) -> str:
    """A stored value as text; JSON columns are decoded (SQLite keeps them \\u-escaped)."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            pass
    return json.dumps(value, ensure_ascii=False, default=str)


def _leaks(haystack: str) -> list[str]:
    flat = haystack.replace(" ", "").replace("-", "")
    fullwidth = str.maketrans("０１２３４５６７８９", "0123456789")
    flat = flat.translate(fullwidth)
    return [name for name, (_, secrets) in FORMS.items()
            if any(s.replace(" ", "") in flat for s in secrets)]


def test_no_form_of_personal_data_reaches_the_log_or_any_table(corpus_services, tmp_path):
    settings = corpus_services.settings.model_copy(update={
        "data_dir": tmp_path, "api_keys": {"pii-staff": "staff"}, "rate_limit_per_minute": 0})
    services = Services(settings, corpus_services.store, corpus_services.embedder)
    app = create_app(services=services)

    @app.get("/v1/boom")
    async def boom(q: str):
        raise ValueError(f"我叫张三{q}")

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with running(app, log_level="info") as url, httpx.Client(base_url=url, timeout=60) as http:
            assert http.post("/v1/ask", json={"question": MESSAGE + "，社保卡怎么补办"}).status_code == 200
            sid = http.post("/v1/ask", json={"question": MESSAGE}).json()["session_id"]
            assert http.post("/v1/ask", json={"question": "那要多少钱？" + MESSAGE,
                                              "session_id": sid}).status_code == 200
            query = urllib.parse.quote("身份证110101199003077571" + MESSAGE[:200])
            assert http.get(f"/v1/search?q={query}").status_code == 200
            assert http.post("/v1/chat/completions", json={
                "messages": [{"role": "user", "content": MESSAGE}]}).status_code == 200
            run = http.post("/v1/agents/noise/runs", headers=STAFF, json={
                "input": {"text": "晚上11点楼上KTV很吵，" + MESSAGE, "place": MESSAGE[:200]}})
            assert run.status_code == 200 and run.json()["work_order"], run.text
            order = run.json()["work_order"]["id"]
            r = http.post(f"/v1/work-orders/{order}/status", headers=STAFF, json={
                "status": "dispatched", "note": MESSAGE, "department": "李建国13812345678"})
            assert r.status_code == 200, r.text
            assert http.get(f"/v1/boom?q={urllib.parse.quote(MESSAGE)}").status_code == 500
            assert http.get(f"/v1/work-orders/{order}", headers=STAFF).status_code == 200
    finally:
        root.removeHandler(handler)

    services.db.audit_writer.flush()  # the audit is written in the background
    log = stream.getvalue()
    assert "GET /v1/search" in log and "ValueError" in log  # the paths did log
    assert _leaks(log) == []
    engine = services.db.engine
    tables = inspect(engine).get_table_names()
    assert {"audit", "turns", "work_orders", "work_order_events"} <= set(tables)
    with engine.connect() as c:
        for table in tables:
            rows = c.execute(text(f"SELECT * FROM {table}")).all()
            assert rows, table
            dump = " ".join(_readable(v) for row in rows for v in row)
            assert _leaks(dump) == [], table
