"""Hardening: each reproducer of the step-5 security review, as a regression test.

No single request may freeze the server, crash it, corrupt a work order or leak personal data.
"""

import base64
import concurrent.futures
import io
import json

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, PngImagePlugin

from assistant.api.app import create_app
from assistant.services import Services
from tests.conftest import running

STAFF, CITIZEN = "staff-key", "citizen-key"
AUTH = {"Authorization": f"Bearer {STAFF}"}


@pytest.fixture
def make_client(corpus_services, tmp_path):
    """A TestClient over the whole corpus, with settings for the test and a fresh store."""
    clients = []

    def make(address: str = "203.0.113.7", **settings) -> tuple[TestClient, Services]:
        s = corpus_services.settings.model_copy(update={
            "data_dir": tmp_path / f"data{len(clients)}",
            "api_keys": {STAFF: "staff", CITIZEN: "citizen"}, **settings})
        services = Services(s, corpus_services.store, corpus_services.embedder)
        client = TestClient(create_app(services=services), client=(address, 50000))
        clients.append(client.__enter__())
        return client, services

    yield make
    for client in clients:
        client.__exit__(None, None, None)


# -- 2. work orders: one move wins --------------------------------------------------------

def _resolved_order(store) -> int:
    order = store.create(agent="noise", category="噪声", title="t", summary="s",
                         department="区生态环境局", priority="P3", decision={})
    for status in ("dispatched", "in_progress", "resolved"):
        store.transition(order["id"], status, actor="test")
    return order["id"]


@pytest.mark.slow
def test_concurrent_moves_exactly_one_legal_move_wins(store):
    """50 trials of 4 `closed` and 4 `in_progress` at once from `resolved`: one wins, the
    other seven get 409, and the history is an unbroken chain."""
    from assistant.errors import IllegalTransition
    from assistant.store.workorders import WorkOrderStore

    orders = WorkOrderStore(store.engine)

    def move(order_id: int, status: str) -> str:
        try:
            orders.transition(order_id, status, actor="race")
            return "ok"
        except IllegalTransition:
            return "409"

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in range(50):
            order_id = _resolved_order(orders)
            moves = ["closed", "in_progress"] * 4
            outcomes = list(pool.map(move, [order_id] * 8, moves))
            assert sorted(outcomes) == ["409"] * 7 + ["ok"]
            history = orders.get(order_id)["history"]
            assert [e["from"] for e in history[1:]] == [e["to"] for e in history[:-1]]
            assert history[-1]["to"] == orders.get(order_id)["status"]
            assert len(history) == 5


@pytest.mark.slow
def test_concurrent_status_requests_over_http_one_wins(corpus_services, tmp_path):
    """The reproducer itself: 4 `closed` and 4 `in_progress` requests at once to a real server."""
    settings = corpus_services.settings.model_copy(update={
        "data_dir": tmp_path, "api_keys": {STAFF: "staff"}, "rate_limit_per_minute": 0})
    services = Services(settings, corpus_services.store, corpus_services.embedder)
    with running(create_app(services=services)) as url, \
            concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in range(10):
            order_id = _resolved_order(services.work_orders)

            def move(status: str, order_id=order_id) -> int:
                return httpx.post(f"{url}/v1/work-orders/{order_id}/status", headers=AUTH,
                                  json={"status": status}, timeout=30).status_code

            codes = list(pool.map(move, ["closed", "in_progress"] * 4))
            assert sorted(codes) == [200] + [409] * 7
            history = services.work_orders.get(order_id)["history"]
            assert [e["from"] for e in history[1:]] == [e["to"] for e in history[:-1]]


# -- 3. sessions belong to their caller ---------------------------------------------------

@pytest.mark.slow
def test_a_session_id_is_issued_and_bound_to_its_caller(make_client):
    client, _ = make_client()
    first = client.post("/v1/ask", json={"question": "生育津贴怎么申领"}).json()
    token = first["session_id"]
    follow = client.post("/v1/ask", json={"question": "那要什么材料？", "session_id": token})
    assert follow.status_code == 200 and follow.json()["session_id"] == token
    # A made-up id (the reproducer's "s7"), an id of the right shape but not issued, another
    # caller's id: all unknown.
    for other, headers in (("s7", {}), ("A" * 24 + "." + "B" * 22, {}),
                           (token, {"Authorization": f"Bearer {CITIZEN}"})):
        r = client.post("/v1/ask", json={"question": "那要什么材料？", "session_id": other},
                        headers=headers)
        assert r.status_code in (404, 422)
        assert r.json()["error"]["code"] in ("session_not_found", "invalid_request")


@pytest.mark.slow
def test_citizens_behind_one_address_do_not_share_a_conversation(make_client):
    client, _ = make_client()
    a = client.post("/v1/ask", json={"question": "生育津贴怎么申领"}).json()
    b = client.post("/v1/ask", json={"question": "那要什么材料？"}).json()
    assert b["session_id"] != a["session_id"]
    assert not b["service"] or "生育" not in b["service"]["name"]


# -- 7. rate limits ------------------------------------------------------------------------

@pytest.mark.slow
def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(make_client):
    client, _ = make_client(rate_limit_per_minute=10)
    codes = [client.get("/healthz", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
             for i in range(30)]
    assert codes.count(200) == 10 and codes.count(429) == 20


@pytest.mark.slow
def test_x_forwarded_for_from_a_trusted_proxy_names_the_client(make_client):
    client, _ = make_client(rate_limit_per_minute=10, trusted_proxies=["203.0.113.0/24"])
    codes = [client.get("/healthz", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
             for i in range(30)]
    assert codes == [200] * 30


@pytest.mark.slow
def test_guessing_keys_is_limited_per_address_and_blocks_even_a_good_key(make_client):
    client, _ = make_client()
    codes = [client.get("/v1/search", params={"q": "社保"},
                        headers={"Authorization": f"Bearer guess-{i}"}).status_code
             for i in range(100)]
    assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
    r = client.get("/v1/search", params={"q": "社保"}, headers=AUTH)
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
    assert r.json()["error"]["code"] == "rate_limited"


@pytest.mark.slow
def test_every_route_is_under_the_limit_and_retry_after_is_the_real_wait(make_client):
    client, _ = make_client(rate_limit_per_minute=5)
    for path in ("/healthz", "/readyz", "/metrics", "/v1/models", "/openapi.json", "/nowhere"):
        fresh, _ = make_client(rate_limit_per_minute=5, address=f"198.51.100.{len(path)}")
        codes = [fresh.get(path).status_code for _ in range(6)]
        assert codes[-1] == 429 and 429 not in codes[:5], path
    codes = [client.get("/healthz") for _ in range(6)]
    wait = int(codes[-1].headers["retry-after"])
    assert 55 <= wait <= 60 and f"retry in {wait} s" in codes[-1].json()["error"]["message"]


# -- 11. malformed Authorization -----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("header", [f"Bearer\t{STAFF}", "Token x", "Basic dXNlcjpwYXNz",
                                    STAFF, "Bearer", "Bearer  two words"])
def test_a_malformed_authorization_header_gets_401(make_client, header):
    client, _ = make_client()
    r = client.get("/v1/work-orders", headers={"Authorization": header})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["code"] == "malformed_authorization"
    assert "Authorization: Bearer <API key>" in r.json()["error"]["message"]


# -- 4. no 500s ------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("path", ["/v1/work-orders/9223372036854775808",
                                  "/v1/work-orders/2147483648", "/v1/work-orders/0"])
def test_ids_out_of_range_are_refused(make_client, path):
    client, _ = make_client()
    assert client.get(path, headers=AUTH).status_code == 422
    assert client.post(f"{path}/status", json={"status": "closed"}, headers=AUTH).status_code == 422


@pytest.mark.slow
def test_offsets_out_of_range_are_refused(make_client):
    client, _ = make_client()
    r = client.get("/v1/work-orders", params={"offset": 2**63}, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["field"] == "query.offset"


@pytest.mark.slow
@pytest.mark.parametrize("payload", [
    {"zones": [{"area_m2": 100, "counts": [{"time": t, "count": 5}]}]}
    for t in ("abc", "", "10:xx", "1:2:3")] + [
    {"event": {"expected_attendance": 3000, "start_date": "0001-01-05"}}])
def test_bad_crowd_inputs_are_400_naming_the_field(make_client, payload):
    client, _ = make_client()
    r = client.post("/v1/agents/crowd/runs", json={"input": payload}, headers=AUTH)
    assert r.status_code == 400 and r.json()["error"]["field"]


@pytest.mark.slow
@pytest.mark.parametrize("text", ["预计4500人，0001年1月5日举办", "面积2000平方米 19:00 " + "9" * 400 + "人",
                                  "隔壁工地四五点就开始打桩", "晚上八九点大概一两万人", "凌晨两三点楼上还在吵"])
def test_real_phrasings_never_crash_an_agent(make_client, text):
    client, _ = make_client()
    for agent in ("noise", "fire", "crowd"):
        r = client.post(f"/v1/agents/{agent}/runs", json={"input": {"text": text}}, headers=AUTH)
        assert r.status_code in (200, 400), (agent, r.text)


@pytest.mark.slow
def test_lone_surrogates_are_replaced_not_fatal(make_client):
    client, _ = make_client()
    body = '{"question": "\\ud800身份证丢了怎么补办"}'
    headers = {"content-type": "application/json"}
    assert client.post("/v1/ask", content=body, headers=headers).status_code == 200
    r = client.post("/v1/search", content='{"query": "\\udc00社保卡"}', headers=headers)
    assert r.status_code == 200 and r.json()["query"] == "\ufffd社保卡"
    chat = '{"messages": [{"role": "user", "content": "\\ud800社保卡怎么补办"}], "stream": %s}'
    for stream in ("false", "true"):
        r = client.post("/v1/chat/completions", content=chat % stream, headers=headers)
        assert r.status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/v1/certificates/recognize", "/v1/ask", "/v1/agents/noise/runs"])
def test_json_nested_too_deep_is_400(make_client, path):
    client, _ = make_client()
    # 100,000 levels is the reproducer (a 1 MB body: the upload route takes it, the others
    # refuse its size first); 20,000 fits every route's limit.
    for depth in (100_000, 20_000, 40):
        body = '{"image": ' * depth + "1" + "}" * depth
        if len(body) > 256_000 and path != "/v1/certificates/recognize":
            continue
        r = client.post(path, content=body, headers={**AUTH, "content-type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "json_too_deep", (path, depth)


# -- 8. certificate images ------------------------------------------------------------------

def _jpeg(color) -> Image.Image:
    return Image.new("RGB", (640, 400), color)


@pytest.mark.slow
def test_a_multi_picture_jpeg_from_a_phone_is_read(make_client):
    client, _ = make_client()
    img = _jpeg("white")
    buf = io.BytesIO()
    img.save(buf, "MPO", save_all=True, append_images=[_jpeg("gray")])
    assert Image.open(io.BytesIO(buf.getvalue())).format == "MPO"
    r = client.post("/v1/certificates/recognize", content=buf.getvalue(),
                    headers={"content-type": "image/jpeg"})
    # A blank picture: the MPO is decoded (422 blank_image), no longer refused as a format.
    assert r.status_code == 422 and r.json()["error"]["code"] == "blank_image"


@pytest.mark.slow
def test_a_png_whose_text_chunk_inflates_to_50_mb_is_refused(make_client):
    client, _ = make_client()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "x" * 50_000_000, zip=True)
    buf = io.BytesIO()
    _jpeg("white").save(buf, "PNG", pnginfo=info)
    assert len(buf.getvalue()) < 1_000_000
    r = client.post("/v1/certificates/recognize",
                    json={"image": base64.b64encode(buf.getvalue()).decode()})
    assert r.status_code == 422 and r.json()["error"]["code"] == "corrupt_image"


# -- 10. the HTTP contract --------------------------------------------------------------------

@pytest.mark.slow
def test_405_says_which_methods_are_allowed(make_client):
    client, _ = make_client()
    r = client.delete("/v1/ask")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert r.json()["error"]["code"] == "method_not_allowed"
    assert client.delete("/v1/search").headers["allow"] == "GET, POST"


@pytest.mark.slow
def test_an_over_limit_chunked_body_gets_413(make_client):
    client, _ = make_client()

    def chunks():
        for _ in range(40):
            yield b'{"question": "' + b"a" * 10_000

    r = client.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


@pytest.mark.slow
def test_openapi_documents_errors_and_constraints(make_client):
    client, _ = make_client()
    spec = client.get("/openapi.json").json()
    ask = spec["paths"]["/v1/ask"]["post"]
    assert {"400", "401", "404", "413", "422", "429", "500"} <= set(ask["responses"])
    for response in ask["responses"].values():
        if response is not ask["responses"]["200"]:
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorResponse")
    question = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["maxLength"] == 2000
    assert "HTTPValidationError" not in json.dumps(spec)


# -- 5. a 500 keeps the connection usable ------------------------------------------------------

@pytest.mark.slow
def test_after_an_internal_error_the_connection_stays_usable(corpus_services, tmp_path):
    services = Services(corpus_services.settings.model_copy(update={"data_dir": tmp_path}),
                        corpus_services.store, corpus_services.embedder)
    app: FastAPI = create_app(services=services)

    @app.get("/boom")
    async def boom():
        raise ValueError("我叫张三13812345678")

    with running(app) as url, httpx.Client(base_url=url) as client:
        r = client.get("/boom")
        assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
        assert "connection" not in r.headers or r.headers["connection"] != "close"
        assert client.get("/healthz").status_code == 200  # same keep-alive connection
