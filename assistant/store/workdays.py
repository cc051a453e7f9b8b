"""Working days on China's official calendar, for work-order SLA deadlines: public holidays
(春节, 国庆…) are not working days, and the weekend days the State Council makes working days
in exchange (调休) are.

The calendar is `chinesecalendar`'s, which ships the State Council's yearly announcements
(`FIRST_YEAR`–`LAST_YEAR`: 2004–2026 in chinesecalendar 1.11.0). A day outside those years
counts Monday to Friday; `calendar_covers` tells whether a span needed that fallback, so
that it can be said where the deadline is shown. A new year's holidays arrive with a new
release of the package.
"""

from datetime import date, datetime, timedelta, timezone

import chinese_calendar
from chinese_calendar.constants import holidays

# Working days are days in China, which keeps one zone and no daylight saving time.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = min(holidays).year, max(holidays).year


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day in China: the official calendar within the years it
    knows, Monday to Friday outside them."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def china_date(moment: datetime) -> date:
    """The date in China at `moment` (a naive `moment` is taken as China's local time)."""
    return (moment.astimezone(CHINA) if moment.tzinfo is not None else moment).date()


def add_working_days(start: datetime, days: int) -> datetime:
    """The same time of day `days` working days after `start`, days judged by the date in
    China (an order created late in the evening UTC is already the next day there).

    >>> add_working_days(datetime(2025, 9, 30, 9, tzinfo=CHINA), 1).date()  # 国庆: 10-01..08 off
    datetime.date(2025, 10, 9)
    """
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        days -= is_working_day(china_date(moment))
    return moment


def calendar_covers(start: datetime, end: datetime) -> bool:
    """Whether every day from `start` to `end` lies in a year the official calendar knows
    (otherwise a deadline between them was counted Monday to Friday)."""
    return FIRST_YEAR <= china_date(start).year and china_date(end).year <= LAST_YEAR
