"""The grounding guard: an answer may only cite what was retrieved for it, and every number
it states (fee, time limit, date, phone, article) must appear in a passage it cites.

Numbers are compared by value, so 六十日 in a passage supports 60日 in an answer.
"""

import re
from dataclasses import dataclass, field

CITATION = re.compile(r"\[(\d{1,3})\]")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千万"
# A Chinese numeral counts as a number only before a unit (一站式, 统一 are not numbers), or
# inside 第…条/章/款/项.
_UNITS = ("个工作日|工作日|日|天|周|年|个月|月|周岁|岁|元|万元|万|小时|分贝|分钟|次|人|倍|米|"
          "平方米|条|章|款|项|页|本|张|份|名|户|套|级|类|个")
_CN_NUMBER = re.compile(rf"[{_CN}]+(?=(?:{_UNITS}))|(?<=第)[{_CN}]+")
_ARABIC = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")


def cn_to_int(text: str) -> int | None:
    """六十 → 60, 一百二十 → 120, 十五 → 15, 二〇二六 → 2026, 三万 → 30000."""
    if not text or any(c not in _CN for c in text):
        return None
    if all(c in _CN_DIGITS for c in text):  # digit by digit, as in years
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, 0
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[c]
            digit = 0
        elif c == "万":
            total += (section + digit) * 10_000
            section, digit = 0, 0
    return total + section + digit


def numbers(text: str) -> set[float]:
    """The numeric values stated in `text` (citation markers excluded)."""
    text = CITATION.sub(" ", text)
    values: set[float] = set()
    for m in _ARABIC.finditer(text):
        raw = m.group(0).replace(",", "")
        try:
            values.add(float(raw))
        except ValueError:  # 1.2.3 style: compare its parts
            values.update(float(p) for p in raw.split(".") if p)
    for m in _CN_NUMBER.finditer(text):
        value = cn_to_int(m.group(0))
        if value is not None:
            values.add(float(value))
    return values


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
