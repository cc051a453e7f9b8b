"""Structure-aware chunking: guide sections, one statute article per chunk, Chinese sentences."""

import re

from llama_index.core.schema import Document

from retrieval.chunking import ARTICLE, GovernanceChunker, embed_text
from retrieval.documents import load_documents
from tests.conftest import CORPUS


def test_run_splits_a_service_guide_into_its_sections():
    docs, _ = load_documents(CORPUS / "guides" / "id-card-replacement.md")
    nodes = GovernanceChunker().chunk(docs[0])
    sections = [n.metadata["section"] for n in nodes]
    assert sections[0] == "概述" and "又称：" in nodes[0].text  # aliases reach the index
    assert sections[1:] == ["受理条件", "申请材料", "办理流程", "办理时限", "收费标准",
                            "办理地点/渠道", "咨询电话", "设定依据"]
    assert [n.id_ for n in nodes] == [f"id-card-replacement#{i}" for i in range(len(nodes))]
    assert all(n.metadata["doc_type"] == "service_guide" for n in nodes)
    assert nodes[4].metadata["section"] == "办理时限" and "六十日" in nodes[4].text


def test_run_gives_one_chunk_per_article_on_the_raw_law_texts(laws_dir):
    parser = GovernanceChunker(max_chars=10_000)  # no re-splitting: count articles exactly
    for path in sorted(laws_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        expected = re.findall(rf"^\s*({ARTICLE})", text, re.MULTILINE)
        nodes = parser.chunk(Document(id_=path.name, text=text, metadata={"title": path.stem}))
        articles = [n.metadata["article"] for n in nodes if "article" in n.metadata]
        assert articles == expected, path.name
        for node in nodes:
            if "article" in node.metadata:
                assert node.text.startswith(node.metadata["article"])


def test_run_keeps_the_chapter_with_each_article(laws_dir):
    text = (laws_dir / "居民身份证法(2011-10-29).md").read_text(encoding="utf-8")
    nodes = GovernanceChunker().chunk(Document(id_="id-law", text=text, metadata={}))
    by_article = {n.metadata.get("article"): n for n in nodes}
    assert by_article["第十二条"].metadata["section"] == "第二章 申领和发放 第十二条"
    assert "六十日" in by_article["第十二条"].text


def test_run_records_articles_of_a_digest():
    docs, _ = load_documents(CORPUS / "regulations" / "reg-resident-id-card-law.md")
    nodes = GovernanceChunker().chunk(docs[0])
    assert any(n.metadata.get("article") == "第十二条" for n in nodes)


def test_run_splits_plain_text_at_sentence_ends():
    sentence = "公民应当按照规定办理相关手续，并携带本人有效身份证件。"
    text = sentence * 60
    nodes = GovernanceChunker(max_chars=200).chunk(Document(id_="plain", text=text, metadata={}))
    assert len(nodes) > 1
    for node in nodes:
        assert len(node.text) <= 200
        assert node.text.endswith("。")


def test_long_section_is_split_and_keeps_its_heading():
    body = "## 申请材料\n" + "需要提交居民户口簿原件和复印件。" * 80
    nodes = GovernanceChunker(max_chars=300).chunk(Document(id_="long", text=body, metadata={}))
    assert len(nodes) > 1 and {n.metadata["section"] for n in nodes} == {"申请材料"}


def test_embed_text_prefixes_title_and_section():
    assert embed_text({"title": "居住证签注", "section": "办理时限"}, "正文") == "居住证签注 · 办理时限\n正文"
    assert embed_text({"title": "居住证签注", "section": "概述"}, "正文") == "居住证签注\n正文"
