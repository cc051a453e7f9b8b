"""Numbers written in Chinese or Arabic numerals, read exactly and without ever raising.

One parser for the whole project: the grounding guard compares 六十日 with 60日, and the
agents read 晚上十一二点 and 面积2000平方米 with it.

    cn_int("一百二十")  # 120
    cn_int("二〇二六")  # 2026, digit by digit as in years
    cn_range("十二三")  # (12, 13): a colloquial range; cn_int takes its first value, 12
    cn_int("一两万")    # 10000
    amount("1.5万")     # Decimal("15000.0")
    cn_int("一点")      # None: not an integer numeral

cn2an reads the numerals; ranges (two neighbouring digits, 十二三, 一两万) are split here,
because cn2an rejects some (十二三) and misreads others (四五 → 45).
"""

import re
from decimal import Decimal, InvalidOperation

import cn2an  # imported once: building its tables takes a noticeable fraction of a second

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
UNITS = "十百千万亿"
CN_NUMERAL = "".join(DIGITS) + UNITS  # the characters a Chinese numeral is made of
_ARABIC = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def cn_range(text: str) -> tuple[int, int] | None:
    """(low, high) of a numeral that may be a colloquial range; a plain number is (n, n).

    Two neighbouring digits, the second one more than the first, make a range: 两三 → (2, 3),
    十二三 → (12, 13), 二十三四 → (23, 24), 三四百 → (300, 400), 一两万 → (10000, 20000).
    Three or more bare digits are read digit by digit instead (二〇二三 → 2023). Arabic
    digits are read as one integer. None for anything that is not a whole number.
    """
    if not isinstance(text, str) or not text:
        return None
    if text.isdecimal():
        try:
            value = int(text)
        except ValueError:  # longer than Python's int() accepts (4,300 digits)
            return None
        return value, value
    if any(c not in CN_NUMERAL for c in text):
        return None
    cut = _range_pair(text)
    if cut is None:
        value = _cn2an(text)
        return None if value is None else (value, value)
    # Drop one digit of the pair for each end: 十二三 → 十二 and 十三.
    low, high = _cn2an(text[:cut + 1] + text[cut + 2:]), _cn2an(text[:cut] + text[cut + 1:])
    return None if low is None or high is None else (low, high)


def cn_int(text: str) -> int | None:
    """The integer a Chinese or Arabic numeral states (a range's first value), or None."""
    found = cn_range(text)
    return None if found is None else found[0]


def amount(text: str) -> Decimal | None:
    """An exact quantity such as 2000, 1.5万, 3万, 三万 or 一两万 (its first value), or None.

    Decimal, not float, so that a number of any length stays finite and exact; the caller
    decides whether it is plausible.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    exponent = ""
    if text.endswith("万") and text[:-1] and not any(c in CN_NUMERAL for c in text[:-1]):
        text, exponent = text[:-1].strip(), "E4"  # 1.5万: Arabic digits before 万
    if _ARABIC.fullmatch(text):
        try:
            return Decimal(text + exponent)  # exact: no rounding to the context's precision
        except InvalidOperation:  # digits Decimal does not take
            return None
    value = cn_int(text)
    return None if value is None else Decimal(value).scaleb(4 if exponent else 0)


def _range_pair(text: str) -> int | None:
    """Where a range's two neighbouring digits start in `text`, or None when it has none."""
    if len(text) >= 3 and all(c in DIGITS for c in text):
        return None  # 一二三, 二〇二三: digit by digit
    for i in range(len(text) - 1):
        a, b = DIGITS.get(text[i]), DIGITS.get(text[i + 1])
        # 零 never starts a range: 一千零一 is 1001.
        if a and b is not None and b == a + 1:
            return i
    return None


def _cn2an(text: str) -> int | None:
    if not text:
        return None
    try:
        value = cn2an.cn2an(text, "normal")
    except Exception:  # noqa: BLE001 - cn2an raises ValueError, KeyError (一亿二) and more
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value if isinstance(value, int) else None
