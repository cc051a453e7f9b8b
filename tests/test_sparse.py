"""BM25 over jieba tokens: Chinese text must produce real, overlapping terms."""

from retrieval.sparse import BM25Encoder, term_id
from retrieval.text import expand_query, tokenize


def _dot(a, b):
    weights = dict(zip(b.indices, b.values))
    return sum(v * weights.get(i, 0.0) for i, v in zip(a.indices, a.values))


def test_tokenize_segments_chinese_and_drops_function_words():
    tokens = tokenize("我的身份证丢了怎么办？")
    assert "身份证" in tokens
    assert "的" not in tokens and "？" not in tokens


def test_bm25_scores_a_chinese_match_above_zero():
    enc = BM25Encoder()
    passage = enc.encode_passage("居民身份证丢失的，应当向公安机关申请补领。")
    assert _dot(enc.encode_query("身份证丢了怎么补办"), passage) > 0
    assert _dot(enc.encode_query("公积金租房提取"), passage) == 0


def test_expand_query_adds_corpus_wording_for_colloquial_terms():
    assert "补领" in expand_query("身份证丢了咋办")
    assert "驾驶证" in expand_query("驾照到期")


def test_passage_weights_saturate_with_term_frequency():
    enc = BM25Encoder()
    once = enc.encode_passage("公积金")
    many = enc.encode_passage("公积金 " * 20)
    tid = term_id("公积金")
    w1 = dict(zip(once.indices, once.values))[tid]
    w20 = dict(zip(many.indices, many.values))[tid]
    assert w1 < w20 < enc.k1 + 1
