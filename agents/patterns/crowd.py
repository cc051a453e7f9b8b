"""Crowd slots from free text: a zone's area, people counts at clock times, or a planned
event's size and date (the embedded default)."""

import re

from agents.patterns.timeparse import clock_spans

_AMOUNT = r"(\d+(?:\.\d+)?)\s*(万)?"
AREA = re.compile(_AMOUNT + r"\s*(?:平方米|平米|㎡|m²|m2|平方)")
COUNT = re.compile(_AMOUNT + r"\s*(?:人|$|[，,。；;\s])")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
EVENT_WORDS = re.compile(r"预计|打算|准备|计划|想在|办|搞")


def _num(value: str, wan: str | None) -> float:
    return float(value) * (10000 if wan else 1)


def read(text: str) -> dict:
    area_m = AREA.search(text)
    if area_m is None and EVENT_WORDS.search(text):
        return _event(text)
    slots: dict = {}
    if area_m is None:
        return slots
    area = _num(area_m.group(1), area_m.group(2))
    # Each clock time takes the first head count that follows it, before the next time.
    marks = clock_spans(text)
    counts = []
    for i, (_, end, t) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        for m in COUNT.finditer(text, end, stop):
            if area_m.start() <= m.start() < area_m.end():
                continue
            counts.append({"time": t, "count": int(_num(m.group(1), m.group(2)))})
            break
    zone = {"name": _place(text), "area_m2": area}
    if counts:
        zone["counts"] = counts
    slots["zones"] = [zone]
    return slots


def _place(text: str) -> str:
    m = re.match(r"(?:值班报告：|报告一下)?([^\s，,。（(]{2,20}?)(?:监测区域|区域|面积|现在|人挤人|的情况|（)", text)
    return m.group(1) if m else "区域"


def _event(text: str) -> dict:
    size = None
    for m in re.finditer(_AMOUNT + r"\s*人", text):
        size = int(_num(m.group(1), m.group(2)))
        break
    if size is None:
        return {}
    event: dict = {"expected_attendance": size}
    d = DATE.search(text)
    if d:
        event["start_date"] = f"{int(d.group(1)):04d}-{int(d.group(2)):02d}-{int(d.group(3)):02d}"
    if re.search(r"跨省|跨市区域|多个省", text):
        event["cross_province"] = True
    return {"event": event}
