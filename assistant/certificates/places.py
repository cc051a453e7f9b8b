"""Place names in addresses corrected against the GB/T 2260 table.

The recogniser confuses rare characters in district names (涪陵 → 培陵, 酉阳 → 西阳) or drops
one. Right after a city or a police bureau (重庆市…, 公安局…) only a listed district can
follow, so a name one character off from exactly one listed name is that name.
"""

from functools import cache

from assistant.certificates.validators import regions

# What a district name follows on a document, and which table rows may follow it.
_PREFIXES = {"重庆市": "50", "北京市": "11", "上海市": "31", "公安局": ""}


@cache
def _names(province: str) -> tuple[str, ...]:
    return tuple(name for code, name in regions().items()
                 if code.startswith(province) and not code.endswith("0000"))


def _near(text: str, at: int, name: str) -> int | None:
    """How many characters of `text` from `at` read as `name` with one character wrong or
    missing, or None."""
    window = text[at:at + len(name)]
    if len(window) == len(name) and sum(a != b for a, b in zip(window, name)) == 1:
        return len(name)
    short = text[at:at + len(name) - 1]
    if any(name[:i] + name[i + 1:] == short for i in range(len(name))):
        return len(name) - 1
    return None


def correct_places(text: str) -> str:
    """`text` with a misread district name after a known prefix replaced by the listed one.

    >>> correct_places("重庆市培陵区滨江路1号")
    '重庆市涪陵区滨江路1号'
    """
    for prefix, province in _PREFIXES.items():
        at = text.find(prefix)
        if at < 0:
            continue
        start = at + len(prefix)
        names = _names(province)
        if any(text.startswith(name, start) for name in names):
            continue
        hits = {(name, n) for name in names if (n := _near(text, start, name)) is not None}
        if len(hits) == 1:
            (name, n), = hits
            text = text[:start] + name + text[start + n:]
    return text
