"""The contact centre's queues and the routing decision: which queue takes a conversation, and whether
anyone can take it now.

National expert queues exist per topic of the service list (knowledge/services.yml); each region of
knowledge/municipalities.csv runs one supplementary advisory queue. Opening hours are per queue
(handoff/queues.yml overrides the defaults). Routing is a pure function of what it is given, so the
table of cases in tests/test_routing.py can fix the time and the staffing.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.i18n import N_, gettext
from handoff.hours import OpeningHours
from nlu.regions import registry

CONFIG = Path(__file__).resolve().parent / "queues.yml"  # the settings' queues_file (NEUVO_QUEUES) names another
TOPIC_NAMES = {
    "jobseekers": N_("Job seeking and training"),
    "youth": N_("Services for young people"),
    "immigrants": N_("Immigrants and integration"),
    "special_support": N_("Special support for employment"),
    "entrepreneurs": N_("Starting a business"),
    "business_advice": N_("Business advice"),
    "employers": N_("Employers and recruiting"),
    "financing": N_("Business funding"),
    "general": N_("General advice"),
    "regional": N_("Regional services"),
}
REGIONAL_NAME = N_("Regional advisory – {region}")
WAITING_PER_AGENT = 4  # beyond this many waiting customers per online agent a queue counts as full


@dataclass(frozen=True)
class Queue:
    id: str                # topic:<topic> | region:<region code>
    kind: str              # national | regional
    key: str               # the topic or the region code
    hours: OpeningHours
    handle_minutes: int    # a typical chat's length, for the wait estimate

    def name(self, lang: str) -> str:
        if self.kind == "national":
            return gettext(lang, TOPIC_NAMES[self.key])
        return gettext(lang, REGIONAL_NAME, region=registry().name(self.key, lang))


def queues(path: str | Path = CONFIG) -> dict[str, Queue]:
    """The queues with their hours from `path` (the settings' queues_file; the shipped file by default)."""
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Queue]:
    config = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    defaults, overrides = config["defaults"], config.get("queues") or {}

    def make(queue_id: str, kind: str, key: str) -> Queue:
        own = {**defaults[kind], **(overrides.get(queue_id) or {})}
        return Queue(queue_id, kind, key, OpeningHours.parse(own["hours"]), int(own["handle_minutes"]))

    found = {f"topic:{t}": make(f"topic:{t}", "national", t) for t in TOPIC_NAMES}
    found.update({f"region:{r.code}": make(f"region:{r.code}", "regional", r.code) for r in registry()})
    unknown = set(overrides) - set(found)
    if unknown:
        raise ValueError(f"{path}: unknown queue ids {sorted(unknown)}")
    return found


@dataclass(frozen=True)
class Capacity:
    """Who can take a conversation of one language from one queue right now."""
    agents: int        # online agents who serve the queue and speak the language
    free_slots: int    # chats those agents can still take (their limit minus what they hold)
    waiting: int       # customers of that language already waiting in the queue


@dataclass(frozen=True)
class Route:
    queue: Queue
    available: bool
    reason: str          # open | closed | no_agents | full
    position: int = 0
    wait_minutes: int = 0


def candidates(topic: str | None, region: str | None, all_queues: dict[str, Queue] | None = None) -> list[Queue]:
    """The queues to try, best first: the topic's national experts, then the region's own advisory
    (regional services go to the region first)."""
    all_queues = all_queues if all_queues is not None else queues()
    national = all_queues.get(f"topic:{topic}") or all_queues["topic:general"]
    regional = all_queues.get(f"region:{region}") if region else None
    if regional is None:
        return [national]
    return [regional, national] if topic == "regional" else [national, regional]


def assess(queue: Queue, capacity: Capacity, now: dt.datetime) -> Route:
    if not queue.hours.is_open(now):
        return Route(queue, False, "closed")
    if capacity.agents == 0:
        return Route(queue, False, "no_agents")
    if capacity.waiting >= capacity.free_slots + WAITING_PER_AGENT * capacity.agents:
        return Route(queue, False, "full")
    return Route(queue, True, "open", capacity.waiting + 1, estimated_wait(queue, capacity, capacity.waiting + 1))


def estimated_wait(queue: Queue, capacity: Capacity, position: int) -> int:
    """Minutes: nothing while a slot is free, then a chat's length per round of agents ahead."""
    ahead = position - capacity.free_slots
    return 1 if ahead <= 0 else math.ceil(ahead / max(capacity.agents, 1)) * queue.handle_minutes


def route(topic: str | None, region: str | None, now: dt.datetime, capacity_of,
          all_queues: dict[str, Queue] | None = None) -> Route:
    """The first candidate queue that is open and has room; otherwise the first candidate, unavailable
    (the customer is offered a message or a call back there). `capacity_of(queue) -> Capacity`."""
    routes = [assess(q, capacity_of(q), now) for q in candidates(topic, region, all_queues)]
    return next((r for r in routes if r.available), routes[0])
