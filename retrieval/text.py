"""Chinese text handling shared by indexing and querying: jieba tokens and sentence splits.

Tokenisation is the part that the general platforms get wrong (BM25 over whitespace
"tokens" scores every Chinese query zero), so it lives in one place and indexing and
querying can never drift apart.
"""

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba
import yaml

_HERE = Path(__file__).resolve().parent
jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()

# Function words, particles and punctuation: they carry no topic and would only add noise
# to BM25. Topical words common to every guide (办理, 申请) are left to IDF.
STOPWORDS = frozenset(
    "的 了 吗 呢 啊 吧 呀 哦 嘛 么 是 在 和 与 及 或 我 你 他 她 它 我们 你们 他们 自己 这 那 这个 那个 "
    "哪 哪个 哪些 什么 怎么 怎样 怎么样 如何 咋 啥 吗 呢 请问 一下 一个 有 没有 没 要 想 能 能不能 "
    "可以 可不可以 会 就 都 也 还 又 被 把 给 让 对 从 到 向 为 为了 以 之 其 等 该 应 应当 "
    "需要 得 地 着 过 上 下 里 中 后 前 时 时候 现在 已经 如果 但是 因为 所以 然后 "
    "， 。 、 ； ： ？ ！ “ ” ‘ ’ （ ） 《 》 【 】 〔 〕 … — · , . ; : ? ! \" ' ( ) [ ] / - _ ~".split()
)

_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """`text` with lone UTF-16 surrogates (half an emoji from a buggy client) replaced by
    U+FFFD: no encoder, tokenizer or database driver accepts them."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    """Colloquial term -> the wording the corpus uses (query-side expansion only)."""
    table = yaml.safe_load((_HERE / "synonyms.yaml").read_text(encoding="utf-8"))
    return {k: " ".join(v) if isinstance(v, list) else str(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(_HERE / "userdict.txt"))
    tokenizer.initialize()
    return tokenizer


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of `text`, lower-cased, without stopwords or whitespace."""
    tokenizer = _tokenizer()
    with _lock:  # jieba's Tokenizer is not safe to initialise or cut from several threads
        raw = tokenizer.lcut_for_search(text)
    return [t for t in (w.strip().lower() for w in raw) if t and t not in STOPWORDS]


def segment(text: str) -> list[str]:
    """Precise-mode jieba words of `text`, as written (no filtering)."""
    tokenizer = _tokenizer()
    with _lock:
        return tokenizer.lcut(text)


def expand_query(query: str) -> str:
    """Append the corpus wording of colloquial terms found in `query` (咋办 → 怎么办理…)."""
    extra = [canon for term, canon in _synonyms().items() if term in query]
    return query if not extra else query + " " + " ".join(extra)


def split_sentences(text: str) -> list[str]:
    """Split Chinese (and mixed) text after 。！？； and at line breaks, keeping punctuation."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def pack_sentences(text: str, max_chars: int, overlap: int = 1) -> list[str]:
    """Greedily pack sentences into pieces of at most `max_chars` (a longer sentence stands
    alone, hard-wrapped), repeating the last `overlap` sentences of a piece in the next."""
    sentences: list[str] = []
    for s in split_sentences(text):
        sentences.extend(s[i : i + max_chars] for i in range(0, len(s), max_chars))
    pieces: list[str] = []
    current: list[str] = []
    for s in sentences:
        if current and sum(map(len, current)) + len(s) > max_chars:
            pieces.append("\n".join(current))
            current = current[-overlap:] if overlap else []
            if sum(map(len, current)) + len(s) > max_chars:
                current = []
        current.append(s)
    if current and (not pieces or "\n".join(current) not in pieces[-1]):
        pieces.append("\n".join(current))
    return pieces
