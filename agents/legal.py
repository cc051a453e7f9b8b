"""Legal basis from the corpus: the articles a decision rests on, found by search (staff role).

The rules say which article applies; the corpus digest of that article is what we cite, so a
reply quotes our own wording of the law with its document and article.
"""

from agents.context import CorpusSearch
from agents.rulebook import Trace
from retrieval.search import AUDIENCES

# Agents serve civil servants: internal procedures may be cited in the brief.
READS = AUDIENCES


def find_article(searcher: CorpusSearch, doc_id: str, article: str, words: str = "") -> dict | None:
    """Article `article` (e.g. 第八十二条, or a section title) of corpus document `doc_id`:
    search first, then the document's own chunks if the search's top hits miss it."""
    hits = searcher.search(f"{article} {words}".strip(), READS, 10)
    for h in hits:
        if h.doc_id == doc_id and _same(article, h.article, h.section):
            return {"chunk_id": h.chunk_id, "title": h.title, "text": h.text, "found_by": "search"}
    for chunk in searcher.document(doc_id, READS):
        if _same(article, chunk.get("article"), chunk.get("section")):
            return {"chunk_id": chunk["chunk_id"], "title": chunk.get("title", ""),
                    "text": chunk.get("text", ""), "found_by": "document"}
    return None


def _same(article: str, hit_article: str | None, section: str | None) -> bool:
    if hit_article:
        return hit_article == article
    if not section:
        return False
    return section == article or section.startswith(article)


def cite_articles(searcher: CorpusSearch | None, refs: list[tuple[str, str, str]],
                  trace: Trace) -> list[dict]:
    """Citations for (doc_id, article, words) refs, each with the corpus text; refs the
    corpus lacks are reported in the trace, never invented."""
    if searcher is None:
        trace.notes.append("未加载检索索引：法律依据只列条号，未引用语料原文")
        return [{"doc_id": d, "title": d, "article": a, "text": None, "found_by": None} for d, a, _ in refs]
    out = []
    for doc_id, article, words in refs:
        found = find_article(searcher, doc_id, article, words)
        if found is None:
            trace.notes.append(f"语料中未找到 {doc_id} {article}")
            continue
        cite = {"doc_id": doc_id, "article": article, **found}
        cite["text"] = cite["text"][:400]
        out.append(cite)
        trace.sources.append({"doc_id": doc_id, "chunk_id": found["chunk_id"], "article": article,
                              "title": found["title"], "found_by": found["found_by"]})
    return out
