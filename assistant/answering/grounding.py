"""The grounding guard: an answer may only cite what was retrieved for it, and every number
it states (fee, time limit, date, phone, article) must appear in a passage it cites.

Numbers are compared by value, so 六十日 in a passage supports 60日 in an answer.
"""

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from retrieval.numerals import CN_NUMERAL, cn_int

CITATION = re.compile(r"\[(\d{1,3})\]")
# A Chinese numeral counts as a number only before a unit (一站式, 统一 are not numbers), or
# inside 第…条/章/款/项.
_UNITS = ("个工作日|工作日|日|天|周|年|个月|月|周岁|岁|元|万元|万|小时|分贝|分钟|次|人|倍|米|"
          "平方米|条|章|款|项|页|本|张|份|名|户|套|级|类|个")
_CN_NUMBER = re.compile(rf"[{CN_NUMERAL}]+(?=(?:{_UNITS}))|(?<=第)[{CN_NUMERAL}]+")
_ARABIC = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")


def numbers(text: str) -> frozenset[float]:
    """The numeric values stated in `text` (citation markers excluded)."""
    return _numbers(text) if len(text) <= _CACHED_CHARS else _read_numbers(text)


# The passages an answer cites are the corpus's own, read again for every question that
# retrieves them: their numbers are read once.
_CACHED_CHARS = 4000


@lru_cache(maxsize=8192)
def _numbers(text: str) -> frozenset[float]:
    return _read_numbers(text)


def _read_numbers(text: str) -> frozenset[float]:
    text = CITATION.sub(" ", text)
    values: set[float] = set()
    for m in _ARABIC.finditer(text):
        raw = m.group(0).replace(",", "")
        try:
            values.add(float(raw))
        except ValueError:  # 1.2.3 style: compare its parts
            values.update(float(p) for p in raw.split(".") if p)
    for m in _CN_NUMBER.finditer(text):
        value = cn_int(m.group(0))  # a range (一两万) counts as its first value
        if value is not None:
            # Beyond float's range it is infinity, as float() makes a long Arabic number.
            values.add(float(value) if value < 10**308 else math.inf)
    return frozenset(values)


@dataclass
class GuardResult:
    """Whether an answer is grounded, and what is wrong with it if not."""

    ok: bool
    cited: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unsupported_numbers: list[str] = field(default_factory=list)


def check(answer: str, passages: list[str], question: str = "") -> GuardResult:
    """Check `answer` against the numbered `passages` ([1] is passages[0]) retrieved for it.

    Rules: at least one citation; every citation in range; every number in a sentence is
    found in a passage cited by that sentence or, if the sentence cites none, by its line.
    Numbers the user wrote in `question` may be repeated.
    """
    result = GuardResult(ok=True)
    cited = [int(n) for n in CITATION.findall(answer)]
    result.cited = sorted(set(cited))
    if not cited:
        result.problems.append("no citation")
    bad = [n for n in result.cited if not 1 <= n <= len(passages)]
    if bad:
        result.problems.append(f"citations {bad} point at no retrieved passage")
    allowed_from_question = numbers(question)
    pool = [numbers(p) for p in passages]

    def support(refs: list[int]) -> set[float]:
        out: set[float] = set()
        for n in refs:
            if 1 <= n <= len(pool):
                out |= pool[n - 1]
        return out

    for line in answer.splitlines():
        line_refs = [int(n) for n in CITATION.findall(line)]
        for sentence in _SENTENCE.findall(line):
            refs = [int(n) for n in CITATION.findall(sentence)] or line_refs
            missing = numbers(sentence) - support(refs) - allowed_from_question
            if missing:
                shown = ", ".join(f"{v:g}" for v in sorted(missing))
                result.unsupported_numbers.append(shown)
                result.problems.append(f"unsupported number(s) {shown} in: {sentence.strip()[:60]}")
    result.ok = not result.problems
    return result
