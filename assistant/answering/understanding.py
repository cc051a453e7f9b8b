"""Reading a question: what it asks about (focus), its topic words, and whether it is a
follow-up that needs the previous turn to be understood."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from retrieval.text import STOPWORDS, segment

_LEXICON = Path(__file__).resolve().parent / "lexicon.yaml"
_NUMERIC = re.compile(r"^[\d.]+$|^[a-z0-9]+$")
_PUNCT = re.compile(r"[\s，。？！?!,.、；;：:“”\"'（）()]+")


@lru_cache(maxsize=1)
def lexicon() -> dict:
    data = yaml.safe_load(_LEXICON.read_text(encoding="utf-8"))
    # Words that name the focus (材料, 多久, 满足…) say how, not what: they are generic too.
    focus_words = {w for words in data["focus"].values() for w in words}
    data["generic_words"] = frozenset(data["generic_words"].split()) | focus_words
    return data


def focus_of(question: str) -> str:
    """materials | fee | time | place | eligibility | phone | basis | process | general."""
    for focus, words in lexicon()["focus"].items():
        if any(w in question for w in words):
            return focus
    return "general"


def topic_words(question: str) -> list[str]:
    """The words that say what the question is about (身份证, 公积金, 年检…), in order."""
    generic = lexicon()["generic_words"]
    words = segment(question)
    return [w for w in dict.fromkeys(words) if len(w) >= 2 and w not in generic
            and w not in STOPWORDS and not _NUMERIC.match(w.lower())]


def is_follow_up(question: str) -> bool:
    bare = _PUNCT.sub("", question)
    return bare.startswith(tuple(lexicon()["follow_up_markers"])) or not topic_words(question)


@dataclass
class Question:
    """A question as the pipeline reads it."""

    text: str
    standalone: str  # what retrieval searches for: the follow-up joined with its context
    focus: str
    topics: list[str]


def read_question(text: str, history: list[str] | None = None) -> Question:
    """Resolve a follow-up against the earlier user turns: 那要多少钱？ after 身份证丢了怎么补办
    searches for 身份证丢了怎么补办 那要多少钱？ but keeps the focus of the new question.
    Follow-ups of follow-ups go back to the last turn that named a topic."""
    anchor = next((turn for turn in reversed(history or []) if not is_follow_up(turn)), None)
    if anchor and is_follow_up(text):
        # The follow-up's own words (那要多久, 交上去以后) say how; the last turn that named a
        # topic says what.
        return Question(text=text, standalone=f"{anchor} {text}", focus=focus_of(text),
                        topics=topic_words(anchor))
    return Question(text=text, standalone=text, focus=focus_of(text), topics=topic_words(text))
