"""The OpenAI-compatible API end to end: the official openai SDK and LangChain's ChatOpenAI
against a running server, generative backends with a tiny random-weight model served through
the project's own endpoint, and degradation when a backend is down."""

import pytest

from assistant.answering.pipeline import NOTICE_DOWN, NOTICE_GUARD
from tests.conftest import CITIZEN_KEY, STAFF_KEY

pytestmark = pytest.mark.slow


@pytest.fixture
def client(base_url):
    import openai

    return openai.OpenAI(base_url=base_url, api_key=CITIZEN_KEY, max_retries=0)


def test_openai_sdk_gets_an_answer_with_citations(client):
    reply = client.chat.completions.create(
        model="extractive", messages=[{"role": "user", "content": "身份证丢了怎么补办"}])
    text = reply.choices[0].message.content
    citations = reply.model_extra["citations"]
    assert "[1]" in text and citations and citations[0]["doc_id"] == "id-card-replacement"
    assert all(f"[{c['n']}]" in text for c in citations)
    assert reply.usage.total_tokens > 0


def test_openai_sdk_streams_and_the_last_chunk_carries_the_citations(client):
    chunks = list(client.chat.completions.create(
        model="extractive", stream=True,
        messages=[{"role": "user", "content": "公积金租房提取要带什么材料"}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
    citations = chunks[-1].model_extra["citations"]
    assert citations and all(f"[{c['n']}]" in text for c in citations)
    assert len(chunks) > 3


def test_openai_sdk_follow_up_uses_the_earlier_messages(client):
    reply = client.chat.completions.create(model="extractive", messages=[
        {"role": "user", "content": "身份证丢了怎么补办"},
        {"role": "assistant", "content": "……"},
        {"role": "user", "content": "那要多少钱？"}])
    assert "40元" in reply.choices[0].message.content


def test_langchain_chat_openai_invokes_and_streams(base_url):
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=base_url, api_key=CITIZEN_KEY, model="extractive", max_retries=0)
    question = "驾照有效期满了，换证要带什么材料"
    message = llm.invoke(question)
    assert "[1]" in message.content
    streamed = "".join(chunk.content for chunk in llm.stream(question))
    assert streamed == message.content


def test_models_lists_the_configs(client):
    ids = {m.id for m in client.models.list()}
    assert {"extractive", "qwen2.5-7b-instruct", "glm-4-9b-chat", "deepseek-r1-distill-qwen-7b",
            "internlm2.5-7b-chat", "qwen2.5-14b-instruct-awq", "tiny-raw"} <= ids


def test_a_raw_model_is_served_to_staff_only(base_url):
    import openai

    staff = openai.OpenAI(base_url=base_url, api_key=STAFF_KEY, max_retries=0)
    reply = staff.chat.completions.create(model="tiny-raw", messages=[{"role": "user", "content": "你好"}])
    assert isinstance(reply.choices[0].message.content, str)
    pieces = list(staff.chat.completions.create(model="tiny-raw", stream=True,
                                                messages=[{"role": "user", "content": "你好"}]))
    assert pieces[-1].choices[0].finish_reason == "stop"
    citizen = openai.OpenAI(base_url=base_url, api_key=CITIZEN_KEY, max_retries=0)
    with pytest.raises(openai.BadRequestError) as e:
        citizen.chat.completions.create(model="tiny-raw", messages=[{"role": "user", "content": "你好"}])
    assert e.value.body["code"] == "model_forbidden"


@pytest.mark.parametrize("model", ["tiny-local", "tiny-remote"])
def test_a_generative_answer_that_fails_the_guard_is_replaced(client, model):
    """transformers in-process, and the openai client against our own endpoint: a random model
    cannot cite, so the guard replaces its text by the extractive answer and says so."""
    reply = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "身份证丢了怎么补办"}])
    extra = reply.model_extra
    assert extra["notice"] == NOTICE_GUARD
    assert reply.choices[0].message.content.startswith(NOTICE_GUARD)
    assert "户口簿" in reply.choices[0].message.content and extra["citations"]


def test_a_backend_that_is_down_degrades_to_the_extractive_answer(client):
    reply = client.chat.completions.create(model="remote-down", messages=[{"role": "user", "content": "身份证丢了怎么补办"}])
    assert reply.model_extra["notice"] == NOTICE_DOWN and reply.model_extra["citations"]


@pytest.mark.parametrize("kwargs,status,code", [
    ({"model": "no-such-model", "messages": [{"role": "user", "content": "你好"}]}, 404, "model_not_found"),
    ({"model": "extractive", "messages": []}, 422, "invalid_request"),
    ({"model": "extractive", "messages": [{"role": "user", "content": "问" * 3000}]}, 400, "query_too_long"),
    ({"model": "extractive", "messages": [{"role": "assistant", "content": "只有助手"}]}, 400, "no_user_message"),
    ({"model": "extractive", "messages": [{"role": "user", "content": "你好"}], "temperature": "hot"}, 422, "invalid_request"),
])
def test_bad_requests_get_a_4xx_with_a_code(client, kwargs, status, code):
    import openai

    with pytest.raises(openai.APIStatusError) as e:
        client.chat.completions.create(**kwargs)
    assert e.value.status_code == status and e.value.body["code"] == code


def test_invalid_key_and_oversized_body(base_url):
    import httpx

    r = httpx.post(f"{base_url}/chat/completions", headers={"Authorization": "Bearer wrong"},
                   json={"messages": [{"role": "user", "content": "你好"}]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
    r = httpx.post(f"{base_url}/ask", content=b'{"question": "' + b"a" * 1_000_000 + b'"}',
                   headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
