"""Crowd slots from free text: a zone's area, people counts at clock times, or a planned
event's size and date (the embedded default).

Numbers are read exactly (retrieval.numerals.amount), so a number of any length is safe; one
outside the input model's bounds, or a date that is no date, is left out and noted.
"""

import re
from datetime import date
from decimal import Decimal

from agents.base import FIRST_DATE, LAST_DATE
from agents.crowd import MAX_AREA_M2, MAX_PEOPLE, MIN_AREA_M2
from agents.patterns.timeparse import clock_spans
from retrieval.numerals import amount

_AMOUNT = r"([0-9]+(?:\.[0-9]+)?)\s*(万)?"
AREA = re.compile(_AMOUNT + r"\s*(?:平方米|平米|㎡|m²|m2|平方)")
COUNT = re.compile(_AMOUNT + r"\s*(?:人|$|[，,。；;\s])")
DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
EVENT_WORDS = re.compile(r"预计|打算|准备|计划|想在|办|搞")


def read(text: str, notes: list[str] | None = None) -> dict:
    """Slots stated in `text`; numbers and dates that cannot be right go to `notes`."""
    notes = [] if notes is None else notes
    area, area_m = None, None
    for m in AREA.finditer(text):
        area = _within(_value(m), MIN_AREA_M2, MAX_AREA_M2, "面积", m, notes)
        if area is not None:
            area_m = m
            break
    if area_m is None and EVENT_WORDS.search(text):
        return _event(text, notes)
    slots: dict = {}
    if area_m is None:
        return slots
    # Each clock time takes the first head count that follows it, before the next time.
    marks = clock_spans(text)
    counts = []
    for i, (_, end, t) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        for m in COUNT.finditer(text, end, stop):
            if area_m.start() <= m.start() < area_m.end():
                continue
            count = _within(_value(m), 0, MAX_PEOPLE, "人数", m, notes)
            if count is not None:
                counts.append({"time": t, "count": int(count)})
            break
    zone = {"name": _place(text), "area_m2": float(area)}
    if counts:
        zone["counts"] = counts
    slots["zones"] = [zone]
    return slots


def _value(m: re.Match) -> Decimal | None:
    return amount(m.group(1) + (m.group(2) or ""))


def _within(value: Decimal | None, low: int, high: int, what: str, m: re.Match,
            notes: list[str]) -> Decimal | None:
    """`value` if it lies in [low, high]; otherwise None, with a note."""
    if value is not None and low <= value <= high:
        return value
    said = m.group(1) + (m.group(2) or "")
    shown = said if len(said) <= 12 else f"{len(said)}位数字"  # it may have thousands
    notes.append(f"文中{what} {shown} 超出合理范围（{low}–{high}），未采用")
    return None


def _place(text: str) -> str:
    m = re.match(r"(?:值班报告：|报告一下)?([^\s，,。（(]{2,20}?)(?:监测区域|区域|面积|现在|人挤人|的情况|（)", text)
    return m.group(1) if m else "区域"


def _event(text: str, notes: list[str]) -> dict:
    size = None
    for m in re.finditer(_AMOUNT + r"\s*人", text):
        size = _within(_value(m), 1, MAX_PEOPLE, "人数", m, notes)
        break
    if size is None:
        return {}
    event: dict = {"expected_attendance": int(size)}
    d = DATE.search(text)
    if d:
        day = _date(*(int(g) for g in d.groups()))
        if day is None:
            notes.append(f"文中日期 {d.group(0)} 不是{FIRST_DATE.year}–{LAST_DATE.year}年间的有效日期，未采用")
        else:
            event["start_date"] = day.isoformat()
    if re.search(r"跨省|跨市区域|多个省", text):
        event["cross_province"] = True
    return {"event": event}


def _date(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:  # 2026年2月30日
        return None
    return found if FIRST_DATE <= found <= LAST_DATE else None
