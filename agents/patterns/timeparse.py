"""Clock times in colloquial Chinese: 晚上11点半, 凌晨两点, 下午3点10分, 22:40, 中午12点半."""

import re

CN_NUM = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9, "十": 10}
_NUM = r"[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3}"
PERIOD_WORDS = "早上|早晨|清晨|上午|中午|下午|傍晚|晚上|每晚|今晚|夜里|夜间|半夜|凌晨|深夜"
_PERIOD = re.compile(PERIOD_WORDS)
# Minutes follow the hour directly (10点40, 3点10分, 11点半); "19点 17280人" has none.
_CLOCK = re.compile(rf"({PERIOD_WORDS})?\s*({_NUM})\s*[点時时]"
                    rf"(?:(半|整|一刻|({_NUM})分|([0-5]?[0-9])(?![0-9万人])))?")
_COLON = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)")


def cn_int(s: str) -> int:
    """12, 十二, 二十, 二十三, 两 → int."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        return (CN_NUM.get(head, 1) if head else 1) * 10 + (CN_NUM.get(tail, 0) if tail else 0)
    return CN_NUM[s]


def _to24(prefix: str | None, hour: int) -> int:
    if prefix in ("下午", "傍晚") and hour < 12:
        return hour + 12
    if prefix in ("晚上", "每晚", "今晚", "夜里", "夜间", "深夜", "半夜", "凌晨"):
        # 晚上十二点 is midnight; 夜里1点 is 01:00; 晚上9点 is 21:00.
        return 0 if hour == 12 else hour + 12 if 6 <= hour < 12 else hour % 24
    if prefix == "中午" and hour < 11:
        return hour + 12
    return hour % 24


def clock_times(text: str) -> list[str]:
    """Every clock time in `text` as HH:MM, in order of appearance."""
    return [t for _, _, t in clock_spans(text)]


def clock_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, HH:MM) of every clock time in `text`, in order of appearance."""
    found: list[tuple[int, int, str]] = []
    for m in _COLON.finditer(text):
        found.append((m.start(), m.end(), f"{int(m.group(1)):02d}:{m.group(2)}"))
    colons = list(found)
    for m in _CLOCK.finditer(text):
        if any(a <= m.start(2) < b for a, b, _ in colons):  # the 00时 of 15:00时
            continue
        hour = cn_int(m.group(2))
        if hour > 24:
            continue
        minute = 0
        if m.group(3) == "半":
            minute = 30
        elif m.group(3) == "一刻":
            minute = 15
        elif m.group(4) or m.group(5):
            minute = cn_int(m.group(4) or m.group(5))
        # No word right before the number: the last period word earlier in the text applies
        # (每天晚上有人跳广场舞，音响开到九点多 → 21:00).
        prefix = m.group(1) or next(iter(reversed(_PERIOD.findall(text[:m.start()]))), None)
        found.append((m.start(), m.end(), f"{_to24(prefix, hour):02d}:{minute % 60:02d}"))
    return sorted(found)
