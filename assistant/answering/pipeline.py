"""The answer pipeline: read the question → retrieve for the caller's role → decide whether
the corpus can answer → compose or generate → verify → answer with citations.

Every backend's text goes through the grounding guard; a generative answer that fails it,
or a backend that is down, is replaced by the extractive answer with a notice. A question
the corpus cannot answer gets a hand-off to 12345, never a guess.
"""

import logging
import math
import re
from dataclasses import asdict, dataclass, field

from assistant.answering import grounding
from assistant.answering.composer import Draft, Passage, compose
from assistant.answering.understanding import Question, read_question
from assistant.generation.backends import BackendError
from assistant.generation.prompts import build_messages
from assistant.generation.registry import ModelRegistry
from assistant.roles import audiences
from retrieval.search import Searcher, SearchHit, validate_query

log = logging.getLogger(__name__)

ASK_TOPIC = "请告诉我您要办理或咨询的具体事项（例如：身份证补领、公积金租房提取），我再为您查询。"
HANDOFF = ("抱歉，现有政务知识库中没有找到能直接回答这个问题的内容，我不能凭猜测作答。"
           "建议拨打12345政务服务便民热线，或到就近的政务服务中心人工窗口咨询。")
NOTICE_GUARD = "模型生成的回答未通过引用核验，以下改为依据原文摘录的回答。"
NOTICE_DOWN = "生成服务暂不可用，以下为依据原文摘录的回答。"
FOOTER = "以上内容摘自政务知识库，标注〔待核实〕的信息请以办理窗口公示为准；如需人工帮助，请拨打12345。"

# Answerability: topic-word coverage of the best documents plus dense similarity of the best
# chunk. Weights fitted on evals/datasets/retrieval.jsonl (281 questions) on 2026-11-21 for
# balanced accuracy; answers.jsonl is held out to check them (docs/benchmarks.md).
SIMILARITY_WEIGHT, SIMILARITY_CENTRE, ANSWER_THRESHOLD = 36.0, 0.88, 0.72
RETRIEVE_K, CANDIDATE_DOCS = 10, 4
CLARIFY_GAP, SIBLING_GAP = 0.01, 0.02  # cosine gaps: to trigger a question, to offer an option
CLARIFY_MAX_CHARS = 10  # only short questions are vague enough to ask back
# Title tie-break window, chosen on retrieval.jsonl (top-document accuracy 0.800 → 0.837)
# and checked on answers.jsonl (0.876 → 0.894).
TITLE_TIE_GAP = 0.01


@dataclass
class Answer:
    """What /v1/ask returns (and the chat endpoint renders)."""

    answer: str
    citations: list[dict]
    confidence: float
    handoff: bool
    model: str
    focus: str
    standalone_query: str
    service: dict | None = None
    clarify: list[str] = field(default_factory=list)
    notice: str | None = None
    passages: list[Passage] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("passages")
        return out


def confidence(topic_coverage: float, similarity: float) -> float:
    """0–1; 0.5 is the answer/hand-off boundary."""
    score = topic_coverage + SIMILARITY_WEIGHT * (similarity - SIMILARITY_CENTRE) - ANSWER_THRESHOLD
    return round(1 / (1 + math.exp(-6 * score)), 3)


class AnswerPipeline:
    """Built once per process from a searcher and the model registry."""

    def __init__(self, searcher: Searcher, models: ModelRegistry):
        self.searcher = searcher
        self.models = models

    # -- retrieval and decision -------------------------------------------------------------
    def _documents(self, hits: list[SearchHit], role: str) -> dict[str, list[dict]]:
        docs: dict[str, list[dict]] = {}
        for hit in hits:
            if hit.doc_id not in docs and len(docs) < CANDIDATE_DOCS:
                docs[hit.doc_id] = self.searcher.document(hit.doc_id, audiences(role), hit.doc_hash)
        return docs

    @staticmethod
    def _best_by_doc(hits: list[SearchHit]) -> dict[str, float]:
        """Each document's best chunk similarity, documents in retrieval order."""
        best: dict[str, float] = {}
        for h in hits:
            best[h.doc_id] = max(best.get(h.doc_id, 0.0), h.similarity or 0.0)
        return best

    @staticmethod
    def _doc_text(chunks: list[dict]) -> str:
        head = chunks[0] if chunks else {}
        return " ".join([head.get("title", ""), " ".join(head.get("aliases") or []),
                         *((c.get("section") or "") + c.get("text", "") for c in chunks)])

    def _confidence(self, q: Question, hits: list[SearchHit], docs: dict[str, list[dict]]) -> float:
        if not hits:
            return 0.0
        texts = [self._doc_text(chunks) for chunks in docs.values()]
        coverage = max((sum(t in text for t in q.topics) / len(q.topics) for text in texts),
                       default=0.0) if q.topics else 0.0
        return confidence(coverage, max(h.similarity or 0.0 for h in hits))

    def _clarify(self, q: Question, hits: list[SearchHit], docs: dict[str, list[dict]]) -> list[str]:
        """Titles to choose from when a short question names only what sibling guides share
        (身份证怎么办: 首次申领 / 换领 / 补领 / 临时)."""
        if len(re.sub(r"[\s，。？！?!,.]", "", q.text)) > CLARIFY_MAX_CHARS or q.standalone != q.text:
            return []
        best = self._best_by_doc(hits)
        guides = [d for d in best if docs.get(d) and docs[d][0].get("doc_type") == "service_guide"]
        if len(guides) < 2 or guides[0] != next(iter(best)):
            return []
        top = best[guides[0]]
        siblings = [d for d in guides if top - best[d] < SIBLING_GAP
                    and docs[d][0].get("category") == docs[guides[0]][0].get("category")]
        if len(siblings) < 2 or top - best[siblings[1]] >= CLARIFY_GAP:
            return []
        texts = [self._doc_text(docs[d][:1]) for d in siblings]
        if any(not all(t in text for text in texts) for t in q.topics):
            return []  # some word of the question already tells the siblings apart
        return [docs[d][0]["title"] for d in siblings]

    def _best_document(self, q: Question, hits: list[SearchHit], docs: dict[str, list[dict]]) -> str:
        """The document to answer from. Among documents within TITLE_TIE_GAP cosine of the
        first, the one whose title and aliases name most of the question's topic words wins
        (结婚登记 over 复婚登记 for 领结婚证); then, unless the question asks for the legal
        basis, a service guide whose best passage is closer to the question than that
        document's takes its place (citizens are answered from guides)."""
        best = {d: sim for d, sim in self._best_by_doc(hits).items() if docs.get(d)}
        order = list(best)
        close = [d for d in order if best[order[0]] - best[d] <= TITLE_TIE_GAP]
        names = {d: " ".join([docs[d][0].get("title", ""), *(docs[d][0].get("aliases") or [])])
                 for d in close}
        top = max(close, key=lambda d: (sum(t in names[d] for t in q.topics), -order.index(d)))
        if q.focus == "basis" or docs[top][0].get("doc_type") == "service_guide":
            return top
        return next((d for d in order if docs[d][0].get("doc_type") == "service_guide"
                     and best[d] > best[top]), top)

    def prepare(self, question: str, role: str, history: list[str] | None = None):
        q = read_question(validate_query(question), history)
        hits = self.searcher.search(q.standalone[-2000:], audiences(role), RETRIEVE_K)
        docs = self._documents(hits, role)
        return q, hits, docs

    # -- answering ---------------------------------------------------------------------------
    def answer(self, question: str, role: str = "citizen", model: str | None = None,
               history: list[str] | None = None, temperature: float | None = None,
               max_tokens: int | None = None) -> Answer:
        config = self.models.get(model)
        q, hits, docs = self.prepare(question, role, history)
        conf = self._confidence(q, hits, docs)
        base = {"model": config.name, "focus": q.focus, "standalone_query": q.standalone,
                "confidence": conf}
        if not q.topics:  # 那要多少钱？ with nothing before it: ask, don't guess
            return Answer(ASK_TOPIC, [], handoff=False, **{**base, "confidence": 0.0})
        if conf < 0.5:
            return Answer(HANDOFF, [], handoff=True, **base)
        options = self._clarify(q, hits, docs)
        if options:
            text = "您问的可能是以下几项中的一项，请选择或补充说明具体情况：\n" + "\n".join(
                f"{i}. {t}" for i, t in enumerate(options, 1))
            return Answer(text, [], handoff=False, clarify=options, **base)

        doc_id = self._best_document(q, hits, docs)
        draft = compose(q, docs[doc_id], [h for h in hits if h.doc_id == doc_id])
        text, notice = draft.text, None
        backend = self.models.backend(config.name)
        if backend.generative:
            text, notice = self._generate(backend, config, q, draft, hits, history,
                                          temperature, max_tokens)
        check = grounding.check(text, [p.grounding_text() for p in draft.passages], question)
        if not check.ok:  # the composer cites only what it quotes; this is a last line of defence
            log.error("extractive answer failed the guard: %s", check.problems)
            return Answer(HANDOFF, [], handoff=True, **base)
        cited = [p.to_dict() for p in draft.passages if p.n in check.cited]
        return Answer(f"{text}\n{FOOTER}", cited, handoff=False, service=draft.service,
                      notice=notice, passages=draft.passages, **base)

    def _generate(self, backend, config, q: Question, draft: Draft, hits, history,
                  temperature, max_tokens) -> tuple[str, str | None]:
        """The backend's answer over the composer's passages plus the other top hits; the
        extractive text if it fails the guard or the backend is down."""
        seen = {p.chunk_id for p in draft.passages}
        for hit in hits:
            if hit.chunk_id not in seen and len(draft.passages) < 8:
                seen.add(hit.chunk_id)
                draft.passages.append(Passage(len(draft.passages) + 1, hit.doc_id, hit.chunk_id,
                                              hit.title, hit.section, hit.article, hit.text))
        try:
            generated = backend.complete(build_messages(q.text, draft.passages, history),
                                         **config.generation_params(temperature, max_tokens))
        except BackendError as e:
            log.warning("backend %s failed: %s", config.name, e.message)
            return draft.text, NOTICE_DOWN
        check = grounding.check(generated, [p.grounding_text() for p in draft.passages], q.text)
        if check.ok:
            return generated.strip(), None
        log.info("generated answer rejected by the guard: %s", check.problems[:3])
        return draft.text, NOTICE_GUARD

    def raw(self, model: str, messages: list[dict], temperature: float, max_tokens: int,
            stream: bool):
        """An ungrounded model served as is (staff only): the backend's own text."""
        backend = self.models.backend(model)
        if not backend.generative:
            raise BackendError(f"model {model!r} cannot be served raw")
        if stream:
            return backend.stream(messages, temperature=temperature, max_tokens=max_tokens)
        return backend.complete(messages, temperature=temperature, max_tokens=max_tokens)
