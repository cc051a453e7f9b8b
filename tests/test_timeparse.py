"""The numeral parser (retrieval.numerals) and the clock-time parser on top of it: known
phrases, including the ones that crashed or misread real complaints, and properties that
hold for any text (never raises, always HH:MM)."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.patterns.timeparse import clock_spans, clock_times
from retrieval.numerals import amount, cn_int, cn_range

EXAMPLES = 500  # hypothesis examples per property below

# -- numerals ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("六十", 60), ("一百二十", 120), ("十五", 15), ("两", 2), ("三万", 30000), ("两千", 2000),
    ("二〇二六", 2026), ("二〇二三", 2023),  # digit by digit, as in years (二三 is no range here)
    ("一千零一", 1001), ("一百〇五", 105), ("零", 0), ("12", 12),
    ("十二三", 12), ("一两万", 10000), ("两三", 2), ("四五", 4), ("十一二", 11),  # ranges
    ("", None), ("点", None), ("十几", None), ("一亿二", None), ("万", None), ("1.5", None),
])
def test_cn_int(text, value):
    assert cn_int(text) == value


@pytest.mark.parametrize("text,bounds", [
    ("十二三", (12, 13)), ("一两万", (10000, 20000)), ("二十三四", (23, 24)),
    ("三四百", (300, 400)), ("八九", (8, 9)), ("十五", (15, 15)), ("一千零一", (1001, 1001)),
])
def test_cn_range(text, bounds):
    assert cn_range(text) == bounds


@pytest.mark.parametrize("text,value", [
    ("2000", Decimal(2000)), ("1.5万", Decimal(15000)), ("三万", Decimal(30000)),
    ("一两万", Decimal(10000)), ("9" * 400, Decimal("9" * 400)), ("1.", None), ("abc", None),
])
def test_amount_is_exact_at_any_length(text, value):
    assert amount(text) == value


NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿廿点0123456789.．万"


@settings(max_examples=EXAMPLES)
@given(st.one_of(st.text(), st.text(alphabet=NUMERAL_CHARS)))
def test_the_numeral_parser_never_raises(text):
    value = cn_int(text)
    assert value is None or isinstance(value, int)
    bounds = cn_range(text)
    assert bounds is None or bounds[0] == value
    assert amount(text) is None or isinstance(amount(text), Decimal)


# -- clock times ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,times", [
    # ranges: the first value (these raised KeyError before)
    ("隔壁工地四五点就开始打桩", ["04:00"]),
    ("凌晨两三点", ["02:00"]),
    ("晚上二三点", ["02:00"]),
    ("早上五六点", ["05:00"]),
    ("晚上十点二三分", ["22:02"]),  # 二三分: two or three minutes past
    ("晚上八九点大概一两万人", ["20:00"]),
    ("十一二点", ["11:00"]),
    ("晚上十一二点", ["23:00"]),
    ("半夜十二三点", ["00:00"]),
    # evening times said on a 12-hour clock
    ("晚上10：30楼上吵", ["22:30"]),
    ("晚上9:30-11:00", ["21:30", "23:00"]),
    ("昨晚11点半", ["23:30"]),
    ("晚10点以后", ["22:00"]),
    ("晚上9-11点", ["21:00", "23:00"]),
    ("晚上11点至次日6点", ["23:00", "06:00"]),
    ("下午3:10", ["15:10"]),
    # colon times
    ("10：30", ["10:30"]),
    ("23:30", ["23:30"]),
    ("吵到24:00", ["00:00"]),
    ("2024-10-12 10:30:00", ["10:30"]),
    ("客流统计：19:00 5180人，19:15 5830人", ["19:00", "19:15"]),
    # the cases read before this parser, unchanged
    ("晚上11点半", ["23:30"]),
    ("凌晨两点", ["02:00"]),
    ("凌晨六点", ["06:00"]),
    ("下午3点10分", ["15:10"]),
    ("22:40", ["22:40"]),
    ("中午12点半", ["12:30"]),
    ("中午1点", ["13:00"]),
    ("每天晚上有人跳广场舞，音响开到九点多", ["21:00"]),
    ("15:00时", ["15:00"]),
    ("19点 17280人", ["19:00"]),
    ("十点一刻", ["10:15"]),
    ("十一点四十还在吵", ["11:40"]),
    ("晚上十二点", ["00:00"]),
    ("九到十一点", ["09:00", "11:00"]),
    ("１０点", ["10:00"]),
    # not clock times
    ("声音小一点", []),
    ("有两点建议", []),
    ("第三点", []),
    ("一时半会", []),
    ("2019点", []),
    ("一百二十点", []),
    ("1:2:3", []),
    ("10:xx", []),
    ("abc", []),
    ("", []),
])
def test_clock_times(text, times):
    assert clock_times(text) == times


def test_spans_start_at_the_number_and_come_in_order():
    text = "晚上9:30-11:00，凌晨两三点"
    assert [(text[a:b], t) for a, b, t in clock_spans(text)] == [
        ("9:30", "21:30"), ("11:00", "23:00"), ("两三点", "02:00")]


PERIODS = ["晚上", "夜里", "半夜", "凌晨", "昨晚", "今晚", "每晚", "深夜", "夜间", "下午", "傍晚",
           "中午", "早上", "上午", "晚", "早", "次日"]
PIECES = [*"0123456789零〇一二两三四五六七八九十百千万", *"点时分半:：-～~到至钟刻多人 ，。",
          *PERIODS, "时间", "一点", "两点建议"]
HHMM = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def _check_spans(text: str) -> None:
    spans = clock_spans(text)
    assert spans == sorted(spans)
    for start, end, hhmm in spans:
        assert 0 <= start < end <= len(text) and HHMM.fullmatch(hhmm), (start, end, hhmm)


@settings(max_examples=EXAMPLES)
@given(st.text())
def test_clock_spans_never_raise_on_any_text(text):
    _check_spans(text)


@settings(max_examples=EXAMPLES)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_clock_spans_never_raise_on_time_like_text(text):
    _check_spans(text)
