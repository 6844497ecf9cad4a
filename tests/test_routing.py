"""Routing over a table of cases: language × region × topic × opening hours × live capacity."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from handoff.queues import Capacity, candidates, queues, route

pytestmark = pytest.mark.handoff
HKI = ZoneInfo("Europe/Helsinki")
TUESDAY_10 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=HKI)
TUESDAY_15_30 = dt.datetime(2026, 12, 1, 15, 30, tzinfo=HKI)  # national open (8–16), regional closed (9–15)
SATURDAY = dt.datetime(2026, 11, 28, 11, 0, tzinfo=HKI)
INDEPENDENCE_DAY = dt.datetime(2027, 12, 6, 10, 0, tzinfo=HKI)  # a Monday, a public holiday


def staffing(table: dict[str, dict[str, tuple[int, int, int]]], language: str):
    """capacity_of for route(): queue id → language → (agents, free slots, waiting); default nobody."""
    return lambda q: Capacity(*table.get(q.id, {}).get(language, (0, 0, 0)))


FI_ONLY = {"topic:jobseekers": {"fi": (2, 3, 0)}, "topic:general": {"fi": (1, 1, 0)}, "region:15": {"fi": (1, 2, 0)}}
BOTH = {"topic:jobseekers": {"fi": (2, 3, 0), "sv": (1, 2, 0)}, "region:15": {"fi": (1, 2, 0), "sv": (1, 1, 0)},
        "topic:financing": {"fi": (1, 0, 3), "sv": (1, 1, 0)}}

CASES = [
    # id, language, region, topic, now, staffing → queue, available, reason, position
    ("fi job seeker, open, free agent", "fi", None, "jobseekers", TUESDAY_10, FI_ONLY, "topic:jobseekers", True, "open", 1),
    ("sv job seeker with only Finnish agents: nobody", "sv", None, "jobseekers", TUESDAY_10, FI_ONLY, "topic:jobseekers", False, "no_agents", 0),
    ("sv job seeker with a Swedish agent", "sv", None, "jobseekers", TUESDAY_10, BOTH, "topic:jobseekers", True, "open", 1),
    ("sv in Ostrobothnia, national has sv", "sv", "15", "jobseekers", TUESDAY_10, BOTH, "topic:jobseekers", True, "open", 1),
    ("unknown topic goes to general", "fi", None, None, TUESDAY_10, FI_ONLY, "topic:general", True, "open", 1),
    ("regional topic goes to the region first", "fi", "15", "regional", TUESDAY_10, FI_ONLY, "region:15", True, "open", 1),
    ("regional topic without a region: national", "fi", None, "regional", TUESDAY_10, {"topic:regional": {"fi": (1, 1, 0)}}, "topic:regional", True, "open", 1),
    ("national nobody online → the region's advisory", "fi", "15", "employers", TUESDAY_10, FI_ONLY, "region:15", True, "open", 1),
    ("after regional hours, nobody national: message to the region", "fi", "15", "regional", TUESDAY_15_30, FI_ONLY, "region:15", False, "closed", 0),
    ("after regional hours, national staffed", "fi", "15", "jobseekers", TUESDAY_15_30, FI_ONLY, "topic:jobseekers", True, "open", 1),
    ("Saturday: closed → leave a message", "fi", None, "jobseekers", SATURDAY, FI_ONLY, "topic:jobseekers", False, "closed", 0),
    ("a public holiday on a Monday: closed", "fi", "15", "jobseekers", INDEPENDENCE_DAY, FI_ONLY, "topic:jobseekers", False, "closed", 0),
    ("all busy but room to wait: queued behind three", "fi", None, "financing", TUESDAY_10, BOTH, "topic:financing", True, "open", 4),
    ("full: waiting beyond capacity", "fi", None, "financing", TUESDAY_10, {"topic:financing": {"fi": (1, 0, 4)}}, "topic:financing", False, "full", 0),
    ("full national, open region takes it", "fi", "15", "financing", TUESDAY_10, {"topic:financing": {"fi": (1, 0, 4)}, "region:15": {"fi": (1, 1, 0)}}, "region:15", True, "open", 1),
]


@pytest.mark.parametrize("name,language,region,topic,now,table,queue,available,reason,position", CASES,
                         ids=[c[0] for c in CASES])
def test_routing_table(name, language, region, topic, now, table, queue, available, reason, position):
    chosen = route(topic, region, now, staffing(table, language))
    assert (chosen.queue.id, chosen.available, chosen.reason, chosen.position) == (queue, available, reason, position)


def test_wait_estimate_grows_with_the_queue_and_shrinks_with_agents():
    q = queues()["topic:jobseekers"]
    one = route("jobseekers", None, TUESDAY_10, lambda _: Capacity(1, 0, 2))
    two = route("jobseekers", None, TUESDAY_10, lambda _: Capacity(2, 0, 2))
    free = route("jobseekers", None, TUESDAY_10, lambda _: Capacity(2, 1, 0))
    assert one.wait_minutes == 3 * q.handle_minutes and two.wait_minutes == 2 * q.handle_minutes
    assert free.wait_minutes == 1


def test_every_region_and_topic_has_a_queue_with_names_in_both_languages():
    ids = set(queues())
    assert {"topic:jobseekers", "topic:employers", "topic:financing", "region:15", "region:01"} <= ids
    assert len([i for i in ids if i.startswith("region:")]) >= 18
    ostrobothnia = queues()["region:15"]
    assert ostrobothnia.name("fi") == "Alueellinen neuvonta – Pohjanmaa"
    assert ostrobothnia.name("sv") == "Regional rådgivning – Österbotten"
    assert queues()["topic:jobseekers"].name("sv") != queues()["topic:jobseekers"].name("fi")
    assert [q.id for q in candidates("jobseekers", "99")] == ["topic:jobseekers"]  # an unknown region is ignored
