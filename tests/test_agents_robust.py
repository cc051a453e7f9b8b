"""Scenario agents on input nobody planned for: every reproducer that once crashed an agent,
arbitrary payloads (hypothesis), and every real complaint in ../shared/data/complaints.

The contract: whatever a user sends gives a decision or an InvalidAgentInput (HTTP 400) naming
the field, never another exception, and the decision is valid JSON (no NaN or infinity).
Runs use RunContext() without a searcher: the legal step then lists article numbers only,
which is all these tests need, so no corpus index is built here.
"""

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import AGENTS, RunContext, run_agent
from agents.base import MAX_TEXT
from agents.errors import InvalidAgentInput
from agents.patterns.fire import VENUES
from retrieval.errors import ServiceError

EXAMPLES = 500  # hypothesis examples per agent and property
COMPLAINTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "complaints"
COMPLAINT_FILES = ["noise-labelled-dev", "fire-labelled-dev", "wenzheng-labelled-dev",
                   "hotline-workorders-dev"]


def run(name: str, payload) -> dict:
    """Run an agent and check its result is JSON an API reply can carry."""
    result = run_agent(name, payload, RunContext())
    json.dumps(result, allow_nan=False, default=str)  # NaN or infinity would be a 500
    return result


# -- the reproducers -----------------------------------------------------------------------

@pytest.mark.parametrize("text,period", [
    ("隔壁工地四五点就开始打桩", "night"),  # 04:00
    ("楼下烧烤店凌晨两三点还在吵", "night"),
    ("楼上邻居晚上二三点还在拖椅子", "night"),
    ("工地早上五六点就开工", "night"),  # 05:00 is still night (before 06:00)
    ("楼上晚上十点二三分开始跺脚", "night"),  # 22:02
    ("广场上晚上八九点大概一两万人跳广场舞", "day"),  # 20:00
    ("晚上10：30楼上吵", "night"),
    ("广场舞晚上9:30-11:00", "day"),  # the first time, 21:30
    ("昨晚11点半楼上还在装修", "night"),
    ("隔壁晚上十一二点还在打麻将", "night"),
    ("半夜十二三点楼下KTV还在唱", "night"),
])
def test_numeral_ranges_and_evening_times_in_noise_complaints(text, period):
    # Each of these raised KeyError or read an evening time as daytime.
    assert run("noise", {"text": text})["decision"]["period"] == period


@pytest.mark.parametrize("time", ["abc", "", "10:xx", "1:2:3", "24:00", "9:60", "１０:３０"])
def test_a_crowd_count_at_a_time_that_is_no_time_is_invalid_input(time):
    payload = {"zones": [{"area_m2": 100, "counts": [{"time": time, "count": 5}]}]}
    with pytest.raises(InvalidAgentInput) as e:
        run("crowd", payload)
    assert e.value.field == "zones.0.counts.0.time"


def test_a_noise_time_that_is_no_time_is_invalid_input():
    with pytest.raises(InvalidAgentInput) as e:
        run("noise", {"noise_type": "neighbour", "time": "1:2:3"})
    assert e.value.field == "time"
    assert run("noise", {"noise_type": "neighbour", "time": "9:05"})["decision"]["period"] == "day"


@pytest.mark.parametrize("field,day", [("start_date", "0001-01-05"), ("start_date", "9999-12-31"),
                                       ("application_date", "0001-01-01")])
def test_an_event_date_out_of_range_is_invalid_input(field, day):
    event = {"expected_attendance": 3000, "start_date": "2027-01-21", field: day}
    with pytest.raises(InvalidAgentInput) as e:
        run("crowd", {"event": event})
    assert e.value.field == f"event.{field}"


def test_an_event_date_out_of_range_in_text_is_not_taken():
    r = run("crowd", {"text": "预计4500人，0001年1月5日举办"})
    event = r["decision"]["event"]
    assert event["expected_attendance"] == 4500 and "apply_by" not in event
    assert any("0001年1月5日" in n and "未采用" in n for n in r["trace"]["notes"])


def test_a_number_too_long_for_a_float_is_not_taken():
    r = run("crowd", {"text": "面积2000平方米 19:00 " + "9" * 400 + "人"})
    assert r["decision"]["density"] is None
    assert any("400位数字" in n for n in r["trace"]["notes"])


@pytest.mark.parametrize("agent,text,note", [
    ("crowd", "广场面积0平方米，19:00 20人", "面积"),
    ("crowd", "广场面积2000平方米，19:00 20000000000人", "人数"),
    ("crowd", "预计0人参加，打算办演唱会", "人数"),
    ("noise", "楼下广场舞999分贝，晚上10点", "声级"),
])
def test_implausible_numbers_in_text_are_noted_not_taken(agent, text, note):
    r = run(agent, {"text": text})
    assert any(note in n and "未采用" in n for n in r["trace"]["notes"])


@pytest.mark.parametrize("payload,field", [
    ({"zones": [{"area_m2": 1e-320, "counts": [{"time": "10:00", "count": 10_000_000}]}]},
     "zones.0.area_m2"),  # a density of infinity
    ({"zones": [{"area_m2": float("nan"), "counts": [{"time": "10:00", "count": 1}]}]},
     "zones.0.area_m2"),
    ({"zones": [{"area_m2": 100, "counts": [{"time": "10:00", "count": 10**400}]}]},
     "zones.0.counts.0.count"),
])
def test_structured_numbers_out_of_bounds_are_invalid_input(payload, field):
    with pytest.raises(InvalidAgentInput) as e:
        run("crowd", payload)
    assert e.value.field == field


# -- arbitrary payloads --------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)
PIECES = [*"0123456789零一二两三四五十百万点时分半:：-到人，。", "平方米", "㎡", "万人", "预计",
          "年", "月", "日", "晚上", "凌晨", "下午", "分贝", "最大", "装修", "工地", "楼上",
          "着火", "楼道", "电动车", "充电", "安全出口", "堵", "网吧", "住人"]
TEXT = st.one_of(st.text(), st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
TIMES = st.one_of(st.text(max_size=6), st.from_regex(r"[0-9]{1,2}:[0-9]{2}", fullmatch=True),
                  st.sampled_from(["00:00", "23:59", "24:00", "abc", "", "10:xx", "1:2:3"]))
DATES = st.one_of(st.dates().map(str), st.text(max_size=12), st.integers(),
                  st.sampled_from(["0001-01-05", "9999-12-31", "1900-01-01", "2199-12-31"]))
NUMBERS = st.one_of(st.integers(), st.floats(), JSON)
# Well-formed values, with now and then one just outside what the input model takes.
CLOCK = st.from_regex(r"([01][0-9]|2[0-3]):[0-5][0-9]", fullmatch=True) | TIMES
DAY = (st.dates(date(1900, 1, 1), date(2199, 12, 31)).map(str)
       | st.sampled_from(["0001-01-05", "0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"]))
AREA = st.floats(1, 1e8) | st.sampled_from([5e-324, 1e-320, 0.5, 0.0, -1.0, 1e9])
TYPES = st.sampled_from(["construction", "neighbour", "commercial_loudspeaker", "square_dance",
                         "decoration", "traffic", "industrial"])
ZONE_CLASSES = st.sampled_from(["0", "1", "2", "3", "4a", "4b", "1类", "4A"])
HAZARDS = st.sampled_from(sorted(AGENTS["fire"].known))
# Per agent and field: (values of the right shape, values of any shape).
FIELDS = {
    "noise": {
        "noise_type": (TYPES, TYPES | JSON),
        "time": (CLOCK, TIMES | JSON),
        "period": (st.sampled_from(["day", "night"]), JSON),
        "zone_class": (ZONE_CLASSES, ZONE_CLASSES | JSON),
        "leq_db": (st.floats(0, 150) | st.floats(), NUMBERS),
        "lmax_db": (st.floats(0, 150) | st.floats(), NUMBERS),
        "place": (st.text(max_size=200), st.text(max_size=250) | JSON),
        "mediation_tried": (st.booleans(), JSON),
    },
    "fire": {
        "active_fire": (st.booleans(), JSON),
        "hazards": (st.lists(HAZARDS, max_size=5), st.lists(HAZARDS | st.text(max_size=8)) | JSON),
        "checklist": (st.dictionaries(st.integers(0, 13), st.booleans()),
                      st.dictionaries(st.integers(-2, 14) | st.text(max_size=3), JSON) | JSON),
        "venue": (st.sampled_from(VENUES) | st.text(max_size=100), st.text(max_size=120) | JSON),
        "crowded_place": (st.booleans(), JSON),
        "high_rise": (st.booleans(), JSON),
        "place": (st.text(max_size=200), st.text(max_size=250) | JSON),
    },
    "crowd": {
        "zones": (
            st.lists(st.fixed_dictionaries({
                "area_m2": AREA,
                "counts": st.lists(st.fixed_dictionaries(
                    {"time": CLOCK, "count": st.integers(0, 10_000_000)}), max_size=4)},
                optional={"name": st.text(max_size=100)}), max_size=3),
            st.lists(st.fixed_dictionaries({}, optional={
                "name": st.text(max_size=120) | JSON, "area_m2": NUMBERS,
                "counts": st.lists(st.fixed_dictionaries({"time": TIMES, "count": NUMBERS}),
                                   max_size=4) | JSON}), max_size=3) | JSON),
        "event": (
            st.fixed_dictionaries({"expected_attendance": st.integers(1, 10_000_000)}, optional={
                "start_date": DAY, "application_date": DAY,
                "cross_province": st.booleans(), "area_m2": AREA,
                "layout": st.sampled_from(["standing", "exhibition"])}),
            st.fixed_dictionaries({"expected_attendance": NUMBERS}, optional={
                "start_date": DATES, "application_date": DATES, "cross_province": JSON,
                "layout": st.sampled_from(["standing", "exhibition"]) | JSON,
                "area_m2": NUMBERS}) | JSON),
    },
}


def payloads(name: str):
    """One of: the agent's fields with values of the right shape, mostly ones the input model
    takes (so that runs reach the rules), the same fields with values of any shape, or any
    JSON value at all."""
    fields = FIELDS[name]
    valid = st.fixed_dictionaries({}, optional={
        "text": TEXT.map(lambda t: t[:MAX_TEXT]), **{k: ok for k, (ok, _) in fields.items()}})
    shaped = st.fixed_dictionaries({}, optional={
        "text": TEXT | JSON, "unexpected": JSON, **{k: any_ for k, (_, any_) in fields.items()}})
    return st.one_of(valid, shaped, JSON)


def _never_crashes(name: str, payload) -> None:
    try:
        run(name, payload)
    except ServiceError:  # InvalidAgentInput and the rest of the safe-to-show errors
        pass


@pytest.mark.parametrize("name", ["noise", "fire", "crowd"])
def test_any_payload_gives_a_decision_or_invalid_input(name):
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payloads(name))
    def check(payload):
        _never_crashes(name, payload)

    check()


@pytest.mark.parametrize("name", ["noise", "fire", "crowd"])
def test_any_text_gives_a_decision(name):
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(TEXT.filter(str.strip).map(lambda t: t[:MAX_TEXT]))
    def check(text):
        run(name, {"text": text})  # a non-empty text within MAX_TEXT is always valid input

    check()


# -- real complaints -----------------------------------------------------------------------

def _complaints() -> list[tuple[str, str]]:
    """(id, text) of every real complaint; the title, where there is one, comes first."""
    if not COMPLAINTS.is_dir():
        pytest.skip(f"the real complaints are not at {COMPLAINTS}")
    rows = []
    for name in COMPLAINT_FILES:
        path = COMPLAINTS / f"{name}.jsonl"
        if not path.is_file():
            pytest.skip(f"{path} is missing")
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append((f"{name}/{row['id']}", f"{row.get('title') or ''}\n{row['text']}"))
    return rows


@pytest.mark.parametrize("name", ["noise", "fire", "crowd"])
def test_every_real_complaint_runs_through_every_agent(name):
    # A text over MAX_TEXT would be a 400 (the input model's max_length), not a crash; cutting
    # it to MAX_TEXT puts as much real text as an agent accepts through the patterns.
    failed = []
    for cid, text in _complaints():
        try:
            run(name, {"text": text.strip()[:MAX_TEXT]})
        except Exception as e:  # noqa: BLE001 - any exception is a failure, even InvalidAgentInput
            failed.append(f"{cid}: {type(e).__name__}")  # ids only: the texts are personal data
    assert not failed, failed
