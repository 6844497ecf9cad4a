"""Opening hours of the contact-centre queues, in Finnish time, with Finnish public holidays closed.

A customer who asks for a human outside opening hours must be told when someone will be there, and the
queue must not take chats nobody can answer. Opening hours are written by operators as short specs
(``"mon-fri 08:00-16:00"``) so they can live in configuration next to each queue.

Every computation is done on aware datetimes and compared in UTC: two datetimes that share a ``tzinfo``
are compared by wall clock in Python, which is wrong around the autumn DST change, when one wall-clock
hour happens twice.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from dateutil.easter import easter
from holidays.constants import PUBLIC
from holidays.countries.finland import Finland

# No fallback on purpose: without the tz database every opening hour would be silently wrong.
HELSINKI = ZoneInfo("Europe/Helsinki")

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD = timedelta(days=14)
# How far closes_at follows periods that run into each other over midnight before it gives up.
_MAX_CHAIN_DAYS = 400


def easter_sunday(year: int) -> date:
    """Western Easter Sunday, from dateutil (the same computation the holidays package uses)."""
    return easter(year)


class _Finland(Finland):
    """The holidays package's Finland, for any year: its rules don't end, only its default range does
    (2100), and a queue must not silently lose every holiday after it."""

    end_year = 9999


# Where the package names a day differently from what the contact centre has always shown.
_NAMES = {"Toinen pääsiäispäivä": "2. pääsiäispäivä"}


@lru_cache(maxsize=64)
def _holidays(year: int) -> Mapping[date, str]:
    # PUBLIC alone is today's set: it already holds Midsummer Eve and Christmas Eve, which are not
    # holidays by law but close public services; UNOFFICIAL would add the flag days, which are working
    # days. The language is given: left out, the package picks it from the process locale.
    days = _Finland(years=year, categories=PUBLIC, language="fi")
    result: dict[date, str] = {}
    for day in sorted(days):
        # Ascension Day falls on May Day now and then (2008, 2160): the package sorts the two names
        # alphabetically; May Day is kept first, as before.
        names = sorted((_NAMES.get(name, name) for name in days.get_list(day)), key=lambda n: n != "Vappu")
        result[day] = " / ".join(names)
    return MappingProxyType(result)


def finnish_holidays(year: int) -> dict[date, str]:
    """The days Finnish public services are closed in `year`, with their Finnish names.

    Christmas Eve and Midsummer Eve are not public holidays by law, but public services are closed on them.
    From 1991 on the days are those the old hand-written rules gave (tests/test_hours.py compares 2020–2045);
    earlier years follow the law of their time (Epiphany and Ascension Day on Saturdays in 1973–1990,
    Midsummer and All Saints on fixed dates before 1955), which the old rules did not know about.
    """
    return dict(_holidays(year))


def is_holiday(day: date) -> bool:
    return day in _holidays(day.year)


_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_RANGE = re.compile(r"^(\S+?)-(\S+)$")


def _parse_time(text: str, spec: str, *, end: bool) -> int:
    """Minutes after midnight; 24:00 is allowed as an end so a day can be open up to midnight."""
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"bad time {text!r} in opening hours {spec!r}: expected HH:MM")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise ValueError(f"bad time {text!r} in opening hours {spec!r} (00:00–23:59, and 24:00 as an end)")
    return hours * 60 + minutes


def _parse_days(text: str, spec: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        try:
            start = DAYS.index(first)
            stop = DAYS.index(last) if last else start
        except ValueError:
            raise ValueError(
                f"bad day {part!r} in opening hours {spec!r}: use {', '.join(DAYS)} or a range like mon-fri"
            ) from None
        if stop < start:
            raise ValueError(f"day range {part!r} in opening hours {spec!r} runs backwards (ranges don't wrap)")
        days.extend(range(start, stop + 1))
    return days


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening periods of one queue; closed on Finnish public holidays unless always open.

    `week[weekday]` holds sorted, non-touching (start, end) minute pairs, end exclusive.
    """

    spec: str
    week: tuple[tuple[tuple[int, int], ...], ...]
    always: bool = False

    @classmethod
    def parse(cls, spec: str) -> OpeningHours:
        """Read an operator's spec: ``"mon-thu 09:00-16:00; fri 09:00-12:00,13:00-15:00"``,
        ``"always"`` (24/7, holidays too) or ``"closed"``. Raises ValueError saying what is wrong."""
        if not isinstance(spec, str):
            raise ValueError(f"opening hours must be a string, not {type(spec).__name__}")
        text = re.sub(r"\s*([-,;])\s*", r"\1", " ".join(spec.lower().split()))
        if text == "always":
            return cls(spec, tuple(((0, 1440),) for _ in DAYS), always=True)
        if text == "closed":
            return cls(spec, tuple(() for _ in DAYS))
        if not text:
            raise ValueError("empty opening hours: write e.g. 'mon-fri 08:00-16:00', 'always' or 'closed'")
        week: list[list[tuple[int, int]]] = [[] for _ in DAYS]
        seen: set[int] = set()
        for entry in text.split(";"):
            if not entry:
                continue
            day_text, _, ranges_text = entry.partition(" ")
            if not ranges_text or " " in ranges_text:
                raise ValueError(f"bad entry {entry!r} in opening hours {spec!r}: "
                                 "expected days and times, e.g. 'mon-fri 08:00-16:00'")
            days = _parse_days(day_text, spec)
            twice = seen.intersection(days)
            if twice:
                raise ValueError(f"{DAYS[min(twice)]} is given twice in opening hours {spec!r}")
            seen.update(days)
            periods = []
            for range_text in ranges_text.split(","):
                match = _RANGE.match(range_text)
                if not match:
                    raise ValueError(f"bad time range {range_text!r} in opening hours {spec!r}: expected HH:MM-HH:MM")
                start = _parse_time(match.group(1), spec, end=False)
                end = _parse_time(match.group(2), spec, end=True)
                if end <= start:
                    raise ValueError(
                        f"time range {range_text!r} in opening hours {spec!r} ends before it starts"
                        " (a period can't run past midnight: split it over two days)"
                    )
                periods.append((start, end))
            periods.sort()
            merged: list[tuple[int, int]] = []
            for start, end in periods:
                if merged and start < merged[-1][1]:
                    raise ValueError(f"overlapping time ranges in {entry!r} of opening hours {spec!r}")
                if merged and start == merged[-1][1]:
                    merged[-1] = (merged[-1][0], end)
                else:
                    merged.append((start, end))
            for day in days:
                week[day] = merged
        return cls(spec, tuple(tuple(periods) for periods in week))

    def __str__(self) -> str:
        return self.spec

    # -- queries ---------------------------------------------------------------------------------------

    def _periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's periods as UTC instants, built from Helsinki wall-clock times so DST is right."""
        if not self.always and is_holiday(day):
            return []
        result = []
        for start, end in self.week[day.weekday()]:
            result.append((_instant(day, start), _instant(day, end)))
        return result

    def is_open(self, now: datetime) -> bool:
        """Whether a customer writing at `now` (any timezone) reaches an open queue."""
        instant = _utc(now)
        if self.always:
            return True
        day = instant.astimezone(HELSINKI).date()
        return any(start <= instant < end for start, end in self._periods(day))

    def next_opening(self, now: datetime) -> datetime | None:
        """The earliest moment at or after `now` when the queue is open (`now` itself if it is open),
        in Helsinki time; None if it does not open within 14 days, so a customer is never promised a
        far-off date by a misconfigured queue."""
        instant = _utc(now)
        if self.always:
            return instant.astimezone(HELSINKI)
        horizon = instant + LOOKAHEAD
        day = instant.astimezone(HELSINKI).date()
        while _instant(day, 0) <= horizon:
            for start, end in self._periods(day):
                if end > instant:
                    opening = max(start, instant)
                    return opening.astimezone(HELSINKI) if opening <= horizon else None
            day += timedelta(days=1)
        return None

    def closes_at(self, now: datetime) -> datetime | None:
        """When the open period around `now` ends, in Helsinki time, following periods that run on over
        midnight. None if closed at `now`, and also for "always", which never closes."""
        instant = _utc(now)
        if self.always or not self.is_open(instant):
            return None
        day = instant.astimezone(HELSINKI).date()
        end = next(end for start, end in self._periods(day) if start <= instant < end)
        for _ in range(_MAX_CHAIN_DAYS):
            day += timedelta(days=1)
            following = self._periods(day)
            if not following or following[0][0] != end:
                return end.astimezone(HELSINKI)
            end = following[0][1]
        return None


def _instant(day: date, minutes: int) -> datetime:
    """The UTC instant of a Helsinki wall-clock time. A time skipped by the spring DST change maps an hour
    later (03:30 → 04:30 EEST); one that happens twice in autumn means its first occurrence."""
    if minutes >= 1440:
        day, minutes = day + timedelta(days=1), 0
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=HELSINKI)
    return wall.astimezone(UTC)


def _utc(now: datetime) -> datetime:
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime, not {type(now).__name__}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (a naive time could be UTC or Helsinki time)")
    return now.astimezone(UTC)
