"""Opening hours of the contact-centre queues: Finnish public holidays, Helsinki time and its DST changes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, UTC

import pytest

from handoff.hours import HELSINKI, OpeningHours, easter_sunday, finnish_holidays

pytestmark = pytest.mark.handoff

UTC = UTC
OFFICE = OpeningHours.parse("mon-fri 08:00-16:00")


def hel(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- holidays ----------------------------------------------------------------------------------------------

def test_holidays_2026_are_the_days_public_services_close():
    assert finnish_holidays(2026) == {
        date(2026, 1, 1): "Uudenvuodenpäivä",
        date(2026, 1, 6): "Loppiainen",
        date(2026, 4, 3): "Pitkäperjantai",
        date(2026, 4, 5): "Pääsiäispäivä",
        date(2026, 4, 6): "2. pääsiäispäivä",
        date(2026, 5, 1): "Vappu",
        date(2026, 5, 14): "Helatorstai",
        date(2026, 5, 24): "Helluntaipäivä",
        date(2026, 6, 19): "Juhannusaatto",
        date(2026, 6, 20): "Juhannuspäivä",
        date(2026, 10, 31): "Pyhäinpäivä",
        date(2026, 12, 6): "Itsenäisyyspäivä",
        date(2026, 12, 24): "Jouluaatto",
        date(2026, 12, 25): "Joulupäivä",
        date(2026, 12, 26): "Tapaninpäivä",
    }


def test_holidays_2027_move_with_easter_and_the_weekday_windows():
    days = finnish_holidays(2027)
    assert len(days) == 15
    assert days[date(2027, 3, 26)] == "Pitkäperjantai"
    assert days[date(2027, 3, 28)] == "Pääsiäispäivä"
    assert days[date(2027, 3, 29)] == "2. pääsiäispäivä"
    assert days[date(2027, 5, 6)] == "Helatorstai"
    assert days[date(2027, 5, 16)] == "Helluntaipäivä"
    assert days[date(2027, 6, 25)] == "Juhannusaatto"  # the Friday of 19–25 June
    assert days[date(2027, 6, 26)] == "Juhannuspäivä"
    assert days[date(2027, 11, 6)] == "Pyhäinpäivä"  # the Saturday of 31 Oct – 6 Nov
    assert date(2027, 10, 31) not in days and date(2026, 11, 7) not in finnish_holidays(2026)


@pytest.mark.parametrize("year, easter", [
    (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)),
    (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22)), (1961, date(1961, 4, 2)),
])
def test_easter_by_the_gregorian_algorithm(year, easter):
    assert easter_sunday(year) == easter
    assert finnish_holidays(year)[easter] == "Pääsiäispäivä"


def test_ascension_on_may_day_keeps_both_names_and_the_result_is_a_copy():
    assert finnish_holidays(2008)[date(2008, 5, 1)] == "Vappu / Helatorstai"
    finnish_holidays(2026).clear()
    assert len(finnish_holidays(2026)) == 15


def _old_holidays(year: int) -> dict[date, str]:
    """The hand-written rules hours.py had before it used the holidays package, kept as the reference."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    easter = date(year, month, day + 1)

    def weekday_between(month: int, first_day: int, weekday: int) -> date:
        start = date(year, month, first_day)
        return start + timedelta(days=(weekday - start.weekday()) % 7)

    days = [
        (date(year, 1, 1), "Uudenvuodenpäivä"), (date(year, 1, 6), "Loppiainen"),
        (easter - timedelta(days=2), "Pitkäperjantai"), (easter, "Pääsiäispäivä"),
        (easter + timedelta(days=1), "2. pääsiäispäivä"), (date(year, 5, 1), "Vappu"),
        (easter + timedelta(days=39), "Helatorstai"), (easter + timedelta(days=49), "Helluntaipäivä"),
        (weekday_between(6, 19, 4), "Juhannusaatto"), (weekday_between(6, 20, 5), "Juhannuspäivä"),
        (weekday_between(10, 31, 5), "Pyhäinpäivä"), (date(year, 12, 6), "Itsenäisyyspäivä"),
        (date(year, 12, 24), "Jouluaatto"), (date(year, 12, 25), "Joulupäivä"), (date(year, 12, 26), "Tapaninpäivä"),
    ]
    result: dict[date, str] = {}
    for day, name in days:
        result[day] = f"{result[day]} / {name}" if day in result else name
    return dict(sorted(result.items()))


@pytest.mark.parametrize("year", range(2020, 2046))
def test_the_holidays_package_gives_the_old_rules_days_and_names(year):
    assert finnish_holidays(year) == _old_holidays(year)
    assert list(finnish_holidays(year)) == sorted(finnish_holidays(year))


@pytest.mark.parametrize("year", [2008, 2160, 2285, 2400])
def test_same_day_names_and_years_past_the_packages_default_range(year):
    assert finnish_holidays(year) == _old_holidays(year)


def test_years_before_1991_follow_the_law_of_their_time():
    days = finnish_holidays(1980)  # 1973–1990: Epiphany and Ascension Day moved to Saturdays
    assert days[date(1980, 1, 12)] == "Loppiainen" and days[date(1980, 5, 10)] == "Helatorstai"
    assert date(1980, 1, 6) not in days and set(finnish_holidays(1991)) == set(_old_holidays(1991))


# -- is_open -----------------------------------------------------------------------------------------------

def test_open_on_a_weekday_with_the_end_exclusive():
    monday = (2026, 3, 2)
    assert not OFFICE.is_open(hel(*monday, 7, 59, 59))
    assert OFFICE.is_open(hel(*monday, 8, 0))
    assert OFFICE.is_open(hel(*monday, 15, 59, 59))
    assert not OFFICE.is_open(hel(*monday, 16, 0))


def test_any_timezone_is_converted_to_helsinki():
    assert OFFICE.is_open(utc(2026, 3, 2, 6, 0))  # 08:00 EET
    assert not OFFICE.is_open(utc(2026, 3, 2, 5, 59))
    assert not OFFICE.is_open(utc(2026, 3, 2, 14, 0))  # 16:00 EET
    new_york = timezone(timedelta(hours=-5))
    assert OFFICE.is_open(datetime(2026, 3, 2, 1, 30, tzinfo=new_york))  # 08:30 in Helsinki
    assert not OFFICE.is_open(datetime(2026, 3, 2, 0, 30, tzinfo=new_york))  # 07:30 in Helsinki


def test_closed_at_the_weekend_and_on_holidays():
    assert not OFFICE.is_open(hel(2026, 3, 7, 10))  # Saturday
    assert not OFFICE.is_open(hel(2026, 3, 8, 10))  # Sunday
    assert not OFFICE.is_open(hel(2026, 1, 6, 10))  # Epiphany, a Tuesday
    assert not OFFICE.is_open(hel(2026, 6, 19, 10))  # Midsummer Eve, a Friday
    assert not OFFICE.is_open(hel(2026, 12, 24, 10))  # Christmas Eve, a Thursday
    assert OFFICE.is_open(hel(2026, 12, 23, 10))


def test_always_is_open_on_holidays_and_closed_never_opens():
    always, closed = OpeningHours.parse("always"), OpeningHours.parse(" Closed ")
    christmas = hel(2026, 12, 25, 3)
    assert always.is_open(christmas) and always.next_opening(christmas) == christmas
    assert always.closes_at(christmas) is None
    assert not closed.is_open(hel(2026, 3, 2, 10))
    assert closed.next_opening(hel(2026, 3, 2, 10)) is None and closed.closes_at(hel(2026, 3, 2, 10)) is None


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.is_open(datetime(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.next_opening(datetime(2026, 3, 2, 10))


def test_spring_dst_change_day_uses_summer_time():
    every_day = OpeningHours.parse("mon-sun 08:00-16:00")
    # Sunday 29 March 2026: clocks go from 03:00 EET to 04:00 EEST, so 08:00 is 05:00 UTC.
    assert every_day.is_open(utc(2026, 3, 29, 5, 30))
    assert not every_day.is_open(utc(2026, 3, 29, 4, 59))
    assert not every_day.is_open(utc(2026, 3, 29, 13, 30))  # 16:30 EEST; a fixed +02:00 would say open
    night = OpeningHours.parse("sun 02:00-05:00")  # two real hours on this day
    assert night.is_open(utc(2026, 3, 29, 0, 30))
    assert night.closes_at(utc(2026, 3, 29, 0, 30)) == utc(2026, 3, 29, 2, 0)
    assert not night.is_open(utc(2026, 3, 29, 2, 0))


def test_autumn_dst_change_day_counts_real_time():
    # Sunday 25 October 2026: clocks go from 04:00 EEST back to 03:00 EET; 03:00–04:00 happens twice.
    night = OpeningHours.parse("sun 02:00-05:00")  # four real hours on this day
    assert night.is_open(utc(2026, 10, 24, 23, 0))  # 02:00 EEST
    assert night.is_open(utc(2026, 10, 25, 2, 30))  # 04:30 EET
    assert night.closes_at(utc(2026, 10, 24, 23, 30)) == utc(2026, 10, 25, 3, 0)
    early = OpeningHours.parse("sun 00:00-03:30")  # until the first 03:30
    assert early.is_open(utc(2026, 10, 25, 0, 15))  # 03:15 EEST
    assert not early.is_open(utc(2026, 10, 25, 1, 15))  # 03:15 EET, the second time round


# -- next_opening and closes_at ----------------------------------------------------------------------------

def test_next_opening_over_a_weekend():
    opens = OFFICE.next_opening(hel(2026, 3, 6, 17, 0))  # Friday evening
    assert opens == hel(2026, 3, 9, 8, 0)
    assert opens.tzinfo is HELSINKI and opens.utcoffset() == timedelta(hours=2)
    assert OFFICE.next_opening(utc(2026, 3, 7, 12)) == hel(2026, 3, 9, 8, 0)


def test_next_opening_over_the_dst_change_is_in_summer_time():
    opens = OFFICE.next_opening(hel(2026, 3, 27, 16, 0))
    assert opens == utc(2026, 3, 30, 5, 0) and opens.utcoffset() == timedelta(hours=3)


def test_next_opening_over_christmas_and_midsummer():
    assert OFFICE.next_opening(hel(2026, 12, 23, 16, 0)) == hel(2026, 12, 28, 8, 0)
    assert OFFICE.next_opening(hel(2026, 6, 18, 16, 30)) == hel(2026, 6, 22, 8, 0)
    saturdays = OpeningHours.parse("sat 10:00-14:00")
    assert saturdays.next_opening(hel(2026, 6, 19, 9)) == hel(2026, 6, 27, 10, 0)  # 20 June is Midsummer Day


def test_next_opening_is_now_when_open_and_later_today_before_opening():
    now = utc(2026, 3, 2, 9, 15)
    assert OFFICE.next_opening(now) == now and OFFICE.next_opening(now).tzinfo is HELSINKI
    assert OFFICE.next_opening(hel(2026, 3, 2, 6, 0)) == hel(2026, 3, 2, 8, 0)


def test_next_opening_looks_ahead_at_most_14_days():
    fridays = OpeningHours.parse("fri 08:00-16:00")  # 25 Dec 2026 and 1 Jan 2027 are Fridays
    assert fridays.next_opening(hel(2026, 12, 18, 17)) is None  # 8 Jan is 21 days away
    assert fridays.next_opening(hel(2026, 12, 31, 12)) == hel(2027, 1, 8, 8, 0)


def test_closes_at_is_the_end_of_the_current_period():
    hours = OpeningHours.parse("mon-thu 09:00-16:00; fri 09:00-12:00, 13:00-15:00")
    assert hours.closes_at(hel(2026, 3, 2, 10)) == hel(2026, 3, 2, 16, 0)
    assert hours.closes_at(hel(2026, 3, 6, 10)) == hel(2026, 3, 6, 12, 0)
    assert hours.closes_at(hel(2026, 3, 6, 12, 30)) is None
    assert hours.next_opening(hel(2026, 3, 6, 12, 30)) == hel(2026, 3, 6, 13, 0)
    assert hours.closes_at(hel(2026, 3, 7, 10)) is None


def test_closes_at_follows_periods_over_midnight_until_a_holiday():
    late = OpeningHours.parse("fri 20:00-24:00; sat 00:00-02:00")
    assert late.is_open(hel(2026, 3, 6, 23, 59)) and late.is_open(hel(2026, 3, 7, 1))
    assert late.closes_at(hel(2026, 3, 6, 21)) == hel(2026, 3, 7, 2, 0)
    round_the_clock = OpeningHours.parse("mon-sun 00:00-24:00")
    assert round_the_clock.closes_at(hel(2026, 12, 21, 12)) == hel(2026, 12, 24, 0, 0)


# -- parsing -----------------------------------------------------------------------------------------------

def test_parse_accepts_lists_ranges_and_loose_spacing():
    hours = OpeningHours.parse("Mon - Thu 09:00 - 16:00 ; fri 9:00-15:00; sat,sun 10:00-14:00")
    assert hours.week == (((540, 960),),) * 4 + (((540, 900),), ((600, 840),), ((600, 840),))
    assert str(OpeningHours.parse("mon-fri 08:00-16:00")) == "mon-fri 08:00-16:00"


@pytest.mark.parametrize("spec, message", [
    ("", "empty"),
    ("mon-fri", "expected days and times"),
    ("fri-mon 08:00-16:00", "wrap"),
    ("mon-fry 08:00-16:00", "bad day 'mon-fry'"),
    ("mon-fri 8-16", "bad time '8'"),
    ("mon-fri 08:00-25:00", "bad time '25:00'"),
    ("mon-fri 08:60-16:00", "bad time '08:60'"),
    ("mon-fri 16:00-08:00", "ends before it starts"),
    ("mon-fri 08:00-12:00,11:00-16:00", "overlapping"),
    ("mon-fri 08:00-16:00; fri 08:00-12:00", "fri is given twice"),
    ("mon-fri 08:00 16:00", "expected days and times"),
    ("24/7", "bad"),
])
def test_parse_errors_say_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match=message):
        OpeningHours.parse(spec)
