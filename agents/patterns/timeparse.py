"""Clock times in colloquial Chinese, as 24-hour HH:MM: 晚上11点半 → 23:30, 凌晨两三点 → 02:00,
下午3点10分 → 15:10, 22:40, 晚上10：30 → 22:30, 晚上9:30-11:00 → 21:30 and 23:00.

A period word (晚上, 凌晨, 下午, 昨晚…) turns a 12-hour reading into 24 hours: the nearest
one before the time, even several clauses back (每天晚上有人跳广场舞，音响开到九点多 → 21:00).
A colloquial range (两三点, 十一二点, 十点二三分) gives its first value; a range with both
ends written (9-11点, 9:30-11:00) gives both. Numerals are read by retrieval.numerals.

Nothing here raises: any text gives a list, empty when it states no clock time.
"""

import re

from retrieval.numerals import cn_int

# The 12-hour reading of each period word; longer words first so 昨天晚上 is not read as 昨天.
NIGHT = ("晚上", "晚间", "夜里", "夜间", "夜晚", "每晚", "今晚", "昨晚", "当晚", "前晚", "深夜", "半夜",
         "午夜")
EARLY = ("凌晨",)  # 凌晨六点 is 06:00, not 18:00
AFTERNOON = ("下午", "傍晚", "午后")
NOON = ("中午",)
MORNING = ("早上", "早晨", "清晨", "上午", "白天", "次日", "翌日", "第二天")  # the hour as said
PERIOD = re.compile("|".join(sorted((*NIGHT, *EARLY, *AFTERNOON, *NOON, *MORNING), key=len,
                                    reverse=True)))
# 晚10点, 早8点: a one-character period word counts only right before the number.
_ONE_CHAR = {"晚": "晚上", "早": "早上"}

_CN = "零〇一二两三四五六七八九十"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")  # same length: spans stay valid
# An hour: 1-2 Arabic digits, or a Chinese numeral (十一, 二十三, a range 十一二), not inside a
# longer number (2019点, 一百二十点) nor an ordinal (第三点).
_HOUR = rf"(?:(?<![0-9.．])[0-9]{{1,2}}|(?<![{_CN}百千万亿第几])[{_CN}]{{1,4}})"
# 点 or 时, but not 时间, 时候, 一时半会; the hour may be followed by 钟.
_MARK = r"\s?(?:[点點][钟鐘]?|[时時](?![间間候期段代]|半会))"
_MINUTE = (
    r"(?P<half>半)|(?P<quarter>一刻|三刻)"
    rf"|(?P<fen>[0-9]{{1,2}}|[{_CN}]{{1,4}})\s?分"
    # Minutes without 分 follow the hour directly (10点40, 十一点四十); "19点 17280人" has none.
    r"|(?P<bare>[0-5]?[0-9])(?![0-9万人个])"
    rf"|(?P<cnbare>[一二三四五]?十[一二三四五六七八九]?|零[一二三四五六七八九])(?![{_CN}万人个])"
)
_CLOCK = re.compile(rf"(?P<hour>{_HOUR}){_MARK}(?:{_MINUTE})?")
# The first hour of a range whose second hour carries the 点: 9-11点, 九到十一点.
_RANGE_START = re.compile(rf"(?P<hour>{_HOUR})\s?(?:-|~|～|—|–|到|至)\s?(?={_HOUR}{_MARK})")
_COLON = re.compile(r"(?<![0-9.])(?<![0-9][:：])([01]?[0-9]|2[0-4])\s?[:：]\s?([0-5][0-9])"
                    r"(?:[:：][0-5][0-9])?(?![0-9])")
# "小一点", "早一点", "一点儿": 一点 meaning "a little", and "两点建议": 点 meaning "point".
_A_LITTLE = re.compile(r"(?<=[小大快慢早晚好多少轻静高低远近强弱差些有稍])一点|一点(?=[儿点])")
_POINTS = re.compile(r"点(?=建议|要求|意见|问题|诉求|原因|理由|看法|疑问|请求|内容|说明|希望)")


def clock_times(text: str) -> list[str]:
    """Every clock time in `text` as HH:MM, in order of appearance."""
    return [t for _, _, t in clock_spans(text)]


def clock_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, HH:MM) of every clock time in `text`, in order of appearance.

    `start` is where the number begins, `end` where the time phrase ends.
    """
    if not isinstance(text, str) or not text:
        return []
    text = text.translate(_FULL_WIDTH)
    periods = [(m.end(), m.group(0)) for m in PERIOD.finditer(text)]
    found: list[tuple[int, int, str]] = []
    for m in _COLON.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour == 24 and minute:
            continue  # 24:00 is midnight; 24:30 is no time
        found.append((m.start(), m.end(), _hhmm(_to24(_period(text, periods, m.start()), hour),
                                               minute)))
    taken = list(found)
    for m in (*_RANGE_START.finditer(text), *_CLOCK.finditer(text)):
        start = m.start("hour")
        if any(a <= start < b for a, b, _ in taken) or _not_a_time(text, m):
            continue  # the 00时 of 15:00时; 小一点
        hour = cn_int(m.group("hour"))
        if hour is None or hour > 24:
            continue
        minute = _minute(m) if m.re is _CLOCK else 0
        found.append((start, m.end(), _hhmm(_to24(_period(text, periods, start), hour), minute)))
    return sorted(found)


def _minute(m: re.Match) -> int:
    """The minutes of a _CLOCK match; 0 when none are said or they are no minute (75分)."""
    if m.group("half"):
        return 30
    if m.group("quarter"):
        return 15 if m.group("quarter") == "一刻" else 45
    said = m.group("fen") or m.group("bare") or m.group("cnbare")
    value = cn_int(said) if said else None  # 二三分: a range, its first value
    return value if value is not None and value < 60 else 0


def _not_a_time(text: str, m: re.Match) -> bool:
    start = m.start("hour")
    if m.group("hour") == "一" and _A_LITTLE.match(text, start):
        return True
    mark = start + len(m.group("hour"))
    return bool(_POINTS.match(text, mark))


def _period(text: str, periods: list[tuple[int, str]], start: int) -> str | None:
    """The period word that applies to a number starting at `start`: 晚/早 right before it,
    else the last period word that ends before it."""
    before = text[:start].rstrip()
    last = next((word for end, word in reversed(periods) if end <= start), None)
    if before and before[-1] in _ONE_CHAR and not any(end == len(before) for end, _ in periods):
        return _ONE_CHAR[before[-1]]
    return last


def _to24(period: str | None, hour: int) -> int:
    """The 24-hour hour of `hour` said after `period` (24 is midnight)."""
    hour %= 24
    if period in AFTERNOON:
        return hour + 12 if hour < 12 else hour
    if period in NOON:
        return hour + 12 if hour < 11 else hour  # 中午1点 is 13:00, 中午11点 11:00
    if period in NIGHT or period in EARLY:
        if hour == 12:
            return 0  # 晚上十二点, 半夜十二三点: midnight
        if period in NIGHT and 6 <= hour < 12:
            return hour + 12  # 晚上9点 is 21:00; 夜里1点 stays 01:00
    return hour


def _hhmm(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"
