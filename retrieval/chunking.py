"""Structure-aware chunking of governance documents, as a LlamaIndex node parser.

- Documents with `##` sections (service guides, digests): one chunk per section; a section
  whose heading starts with 第X条 records that article.
- Statute texts (lines that start with 第X条): one chunk per article, with the article number
  and chapter in the metadata.
- Anything else: sentence-aware Chinese splitting.
A piece longer than `max_chars` is split again at sentence ends and keeps its section.
"""

import re
from collections.abc import Sequence
from typing import Any

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, Document, NodeRelationship, TextNode

from retrieval.text import pack_sentences

ARTICLE = r"第[一二三四五六七八九十百千零〇两\d]+条"
_ARTICLE_LINE = re.compile(rf"^\s*({ARTICLE})(?:\s|　|$)", re.MULTILINE)
_ARTICLE_HEAD = re.compile(rf"^({ARTICLE})")
_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_TITLE_LINE = re.compile(r"^#\s+.+$", re.MULTILINE)
_CHAPTER = re.compile(r"^(?:#+\s*)?(第[一二三四五六七八九十百零〇]+(?:分编|编|章|节))\s*(.*)$", re.MULTILINE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# Bumped whenever the output of chunking changes, so that ingestion re-chunks everything.
CHUNKER_VERSION = "1"
OVERVIEW = "概述"


def _strip(text: str) -> str:
    return _HTML_COMMENT.sub("", text).strip()


class GovernanceChunker(NodeParser):
    """Split documents along their legal or service-guide structure."""

    max_chars: int = 700
    min_article_lines: int = 3

    @classmethod
    def class_name(cls) -> str:
        return "GovernanceChunker"

    def _parse_nodes(
        self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any
    ) -> list[BaseNode]:
        out: list[BaseNode] = []
        for doc in nodes:
            out.extend(self.chunk(doc))
        return out

    def sections(self, doc: Document | BaseNode) -> list[tuple[str, str | None, str]]:
        """(section heading, article number or None, text) in document order."""
        text = doc.get_content()
        if len(_ARTICLE_LINE.findall(text)) >= self.min_article_lines and not _SECTION.search(
            _CHAPTER.sub("", text)
        ):
            return self._statute_sections(text)
        if _SECTION.search(text):
            return self._markdown_sections(doc, text)
        return [("正文", None, _strip(text))]

    def _markdown_sections(self, doc, text: str) -> list[tuple[str, str | None, str]]:
        parts = _SECTION.split(text)
        intro = _strip(_TITLE_LINE.sub("", parts[0]))
        aliases = doc.metadata.get("aliases") or []
        if aliases:
            intro = (intro + "\n" if intro else "") + "又称：" + "、".join(aliases)
        out = [(OVERVIEW, None, intro)] if intro else []
        for heading, body in zip(parts[1::2], parts[2::2]):
            article = _ARTICLE_HEAD.match(heading)
            out.append((heading, article.group(1) if article else None, _strip(body)))
        return out

    def _statute_sections(self, text: str) -> list[tuple[str, str | None, str]]:
        out: list[tuple[str, str | None, str]] = []
        starts = [m.start() for m in _ARTICLE_LINE.finditer(text)]
        preamble = _strip(_CHAPTER.sub("", text[: starts[0]]))
        if preamble:
            out.append((OVERVIEW, None, preamble))
        chapter = ""
        for i, start in enumerate(starts):
            for m in _CHAPTER.finditer(text, starts[i - 1] if i else 0, start):
                chapter = " ".join(re.sub(r"\s+", "", g) for g in m.groups() if g.strip())
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            body = _CHAPTER.sub("", text[start:end])
            article = _ARTICLE_LINE.match(text, start).group(1)
            out.append((f"{chapter} {article}".strip(), article, _strip(body)))
        return out

    def chunk(self, doc: Document | BaseNode) -> list[TextNode]:
        """The chunks of one document; chunk ids are `<doc id>#<n>`."""
        nodes: list[TextNode] = []
        for heading, article, body in self.sections(doc):
            if not body:
                continue
            for piece in pack_sentences(body, self.max_chars) if len(body) > self.max_chars else [body]:
                meta = dict(doc.metadata, section=heading)
                if article:
                    meta["article"] = article
                node = TextNode(id_=f"{doc.id_}#{len(nodes)}", text=piece, metadata=meta)
                node.relationships[NodeRelationship.SOURCE] = doc.as_related_node_info()
                nodes.append(node)
        return nodes


def embed_text(metadata: dict, text: str) -> str:
    """What the embedders see for a chunk: title and section give the passage its context."""
    section = metadata.get("section", "")
    head = metadata.get("title", "")
    if section and section not in (OVERVIEW, "正文"):
        head = f"{head} · {section}"
    return f"{head}\n{text}"
