"""The extractive composer: the embedded default's answer, built only from corpus text.

It picks the part of the best document that the question asks about (for a service guide:
its 申请材料, 收费标准… sections) and cites every line, so it can never say more than the
corpus says.
"""

from dataclasses import asdict, dataclass

from assistant.answering.understanding import Question, lexicon

GUIDE_FIELDS = {"申请材料": "materials", "办理流程": "process", "办理时限": "time_limit",
                "收费标准": "fee", "办理地点/渠道": "place", "咨询电话": "phone",
                "受理条件": "eligibility", "设定依据": "basis"}


@dataclass
class Passage:
    """A retrieved chunk that an answer may cite as [n]."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    section: str | None
    article: str | None
    text: str

    @classmethod
    def of(cls, n: int, payload: dict) -> "Passage":
        return cls(n, payload["doc_id"], payload["chunk_id"], payload.get("title", ""),
                   payload.get("section"), payload.get("article"), payload.get("text", ""))

    def grounding_text(self) -> str:
        """What a claim citing this passage may rely on: heading and text."""
        return f"{self.title} {self.section or ''} {self.text}"

    def to_dict(self) -> dict:
        out = asdict(self)
        out["quote"] = out.pop("text")
        return out


@dataclass
class Draft:
    text: str
    passages: list[Passage]
    service: dict | None = None


def sections_of(chunks: list[dict]) -> dict[str, list[dict]]:
    """Chunks of one document grouped by section heading, in order."""
    out: dict[str, list[dict]] = {}
    for chunk in chunks:
        out.setdefault(chunk.get("section") or "", []).append(chunk)
    return out


def service_of(chunks: list[dict]) -> dict | None:
    """The structured fields of a service guide, or None for other documents."""
    if not chunks or chunks[0].get("doc_type") != "service_guide":
        return None
    sections = sections_of(chunks)
    service = {"name": chunks[0].get("title", ""), "doc_id": chunks[0]["doc_id"]}
    for heading, key in GUIDE_FIELDS.items():
        if heading in sections:
            service[key] = "\n".join(c["text"] for c in sections[heading])
    return service


def _cite_lines(text: str, n: int) -> list[str]:
    return [f"{line.rstrip()}[{n}]" for line in text.splitlines() if line.strip()]


def compose(question: Question, top_doc: list[dict], hits: list) -> Draft:
    """Answer from one document: for a guide, the sections the focus names plus the section
    retrieval ranked first; for other documents, their best chunks. `hits` are that
    document's hits, best first."""
    passages: list[Passage] = []
    lines: list[str] = []
    service = service_of(top_doc)
    if service:
        sections = sections_of(top_doc)
        wanted = list(lexicon()["sections"][question.focus])
        for hit in hits:  # plus the sections retrieval found most relevant, up to two
            if hit.section in sections and hit.section not in (*wanted, "概述") \
                    and len(wanted) < len(lexicon()["sections"][question.focus]) + 2:
                wanted.append(hit.section)
        lines.append(f"关于「{service['name']}」：[1]")
        for heading in wanted:
            for chunk in sections.get(heading, []):
                passage = Passage.of(len(passages) + 1, chunk)
                passages.append(passage)
                lines.append(f"【{heading}】" if chunk is sections[heading][0] else "")
                lines.extend(_cite_lines(chunk["text"], passage.n))
        if not passages:  # the focus section is missing: fall back to the overview
            for chunk in top_doc[:1]:
                passages.append(Passage.of(1, chunk))
                lines.extend(_cite_lines(chunk["text"], 1))
    else:
        for hit in hits[:2]:
            passage = Passage(len(passages) + 1, hit.doc_id, hit.chunk_id, hit.title, hit.section,
                              hit.article, hit.text)
            passages.append(passage)
            where = f"{hit.article or hit.section}" if (hit.article or hit.section) not in (None, "概述", "正文") else ""
            source = hit.title if "《" in hit.title else f"《{hit.title}》"
            lines.append(f"根据{source}{where}：[{passage.n}]")
            lines.extend(_cite_lines(hit.text, passage.n))
    return Draft("\n".join(line for line in lines if line), passages, service)
