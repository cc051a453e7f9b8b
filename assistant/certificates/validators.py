"""Checks on recognised values: ID number (GB 11643), region codes (GB/T 2260), USCC (GB 32100),
dates and expiry.

Each check returns a `Check` whose message is safe to show and to log: it names the field and
the rule, never the value.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

DATA = Path(__file__).resolve().parent / "data"

# GB 11643-1999: weights 2^(17-i) mod 11 and the check character for each remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100-2015: 31 characters (no I, O, Z, S, V) and weights 3^(i) mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

Status = Literal["pass", "fail", "unknown"]


@dataclass(frozen=True)
class Check:
    """One rule applied to one or more fields. `unknown` = could not be decided (not a failure)."""

    name: str
    fields: tuple[str, ...]
    status: Status
    message: str

    def to_dict(self) -> dict:
        return {"name": self.name, "fields": list(self.fields), "status": self.status,
                "message": self.message}


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits.

    >>> id_check_char("11010519491231002")
    'X'
    """
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a unified social credit code.

    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character of the 9-character organisation code inside a USCC."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2)))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


@cache
def regions() -> dict[str, str]:
    """GB/T 2260 code -> name, from data/regions.csv (provinces and Chongqing's counties)."""
    with open(DATA / "regions.csv", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["code"]: r["name"] for r in rows}


def region_status(code: str) -> Status:
    """pass: the county code is listed; unknown: only its province is; fail: not even that."""
    table = regions()
    if code in table:
        return "pass"
    return "unknown" if code[:2] + "0000" in table else "fail"


_DATE = re.compile(r"(\d{4})\s*[年.\-/]?\s*(\d{1,2})\s*[月.\-/]?\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> date | None:
    """A date as printed on Chinese documents: 1990年3月7日, 2015.03.01, 2018-05-01, 20150301."""
    m = _DATE.fullmatch(text.strip()) if text else None
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_period(text: str) -> tuple[date | None, date | None, bool]:
    """A validity period 'START-END', 'START至END' or 'START-长期': (start, end, open-ended)."""
    parts = re.split(r"\s*(?:至|—|－|-{1,2}(?=\s*(?:\d{4}|长期)))\s*", text.strip(), maxsplit=1)
    if len(parts) != 2:
        return None, None, False
    start, end = parse_date(parts[0]), parts[1].strip()
    if end == "长期":
        return start, None, True
    return start, parse_date(end), False


def check_id_number(field: str, value: str) -> list[Check]:
    """Format, check character, region code and embedded birth date of an 18-character ID."""
    if not re.fullmatch(r"\d{17}[\dX]", value or ""):
        return [Check("id_format", (field,), "fail", f"{field}应为17位数字加1位校验码")]
    checks = [
        Check("id_check_digit", (field,), "pass" if id_check_char(value[:17]) == value[17] else "fail",
              f"{field}校验码（GB 11643）"),
    ]
    region = region_status(value[:6])
    checks.append(Check("region_code", (field,), region,
                        f"{field}地址码（GB/T 2260）" + ("不在已知区划表中，未能核对" if region == "unknown" else "")))
    birth = parse_date(value[6:14])
    checks.append(Check("id_birth_date", (field,), "pass" if birth and birth <= date.today() else "fail",
                        f"{field}中的出生日期有效"))
    return checks


def check_birth_matches(id_field: str, id_value: str, birth_field: str, birth_text: str) -> Check:
    birth = parse_date(birth_text)
    ok = birth is not None and re.fullmatch(r"\d{17}[\dX]", id_value or "") is not None \
        and birth.strftime("%Y%m%d") == id_value[6:14]
    return Check("birth_matches_id", (birth_field, id_field), "pass" if ok else "fail",
                 f"{birth_field}与{id_field}中的出生日期一致")


def check_sex_matches(id_field: str, id_value: str, sex_field: str, sex: str) -> Check:
    ok = re.fullmatch(r"\d{17}[\dX]", id_value or "") is not None and sex in ("男", "女") \
        and ("男" if int(id_value[16]) % 2 else "女") == sex
    return Check("sex_matches_id", (sex_field, id_field), "pass" if ok else "fail",
                 f"{sex_field}与{id_field}第17位（奇数为男）一致")


def check_uscc(field: str, value: str) -> list[Check]:
    """Charset, check character and registration-authority region of a USCC."""
    if not re.fullmatch(f"[{USCC_CHARS}]{{18}}", value or ""):
        return [Check("uscc_format", (field,), "fail", f"{field}应为18位（数字及不含I、O、Z、S、V的大写字母）")]
    checks = [Check("uscc_check_char", (field,),
                    "pass" if uscc_check_char(value[:17]) == value[17] else "fail",
                    f"{field}校验码（GB 32100）")]
    region = region_status(value[2:8])
    checks.append(Check("region_code", (field,), region,
                        f"{field}登记管理机关行政区划码（GB/T 2260）"
                        + ("不在已知区划表中，未能核对" if region == "unknown" else "")))
    return checks


def check_date(field: str, text: str, today: date) -> Check:
    d = parse_date(text)
    ok = d is not None and d <= today
    return Check("valid_date", (field,), "pass" if ok else "fail", f"{field}是有效且不晚于今天的日期")


def check_expiry(field: str, text: str, today: date) -> Check:
    """The period parses, its end is after its start, and the document has not expired."""
    start, end, open_ended = parse_period(text)
    if start is None or (end is None and not open_ended) or (end is not None and end <= start):
        return Check("valid_period", (field,), "fail", f"{field}格式无法识别")
    if end is not None and end < today:
        return Check("not_expired", (field,), "fail", f"证件已过期（{field}）")
    return Check("not_expired", (field,), "pass", f"证件在{field}内")
