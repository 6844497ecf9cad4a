"""Domain events: one publisher that every change of a conversation goes through.

A change records its event in the database session that makes it (`record`); the events are published
only when that transaction commits, so a subscriber never hears of a change that was rolled back.
Subscribers run in the process that made the change: the live updates (which tell the other workers
through the notifier), and later the customer-event store and analytics. A subscriber's failure is
logged and never undoes or blocks the change.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, sessionmaker

from assistant.models import utcnow

log = logging.getLogger("neuvo.events")
PENDING = "neuvo_events"  # the key in Session.info under which a transaction collects its events


class EventKind(StrEnum):
    STARTED = "started"                        # a conversation was started
    MESSAGE_STORED = "message_stored"          # details: seq, sender, internal, channel
    UNDERSTOOD = "understood"                  # the bot's reading of a customer message; details: service, intent
    STATE_CHANGED = "state_changed"            # a dialogue move (bot, awaiting_choice, human_offered, …)
    HANDOFF_REQUESTED = "handoff_requested"
    QUEUED = "queued"
    NO_AGENTS = "no_agents"
    MESSAGE_LEFT = "message_left"
    CALLBACK_REQUESTED = "callback_requested"
    CLAIMED = "claimed"
    TRANSFERRED = "transferred"
    RETURNED = "returned"
    CLOSED = "closed"
    RATED = "rated"                            # details: rating
    TYPING = "typing"                          # details: who, on
    DELIVERED = "delivered"                    # outbox: details: channel, seqs
    DELIVERY_FAILED = "delivery_failed"        # outbox: details: channel, error, attempts


@dataclass(frozen=True)
class Event:
    kind: EventKind
    conversation_id: str
    actor: str = "bot"                         # customer | bot | system | an agent's username
    details: dict = field(default_factory=dict)
    at: dt.datetime = field(default_factory=utcnow)


Subscriber = Callable[[Event], None]


def record(db: Session, event: Event) -> None:
    """Publish `event` when the session's transaction commits (dropped on rollback)."""
    db.info.setdefault(PENDING, []).append(event)


class Events:
    """The publisher: subscribers are called synchronously, in order, after the change committed."""

    def __init__(self) -> None:
        self.subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.append(subscriber)

    def publish(self, event: Event) -> None:
        for subscriber in list(self.subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber %r failed on %s", subscriber, event.kind)

    def attach(self, sessions: sessionmaker) -> sessionmaker:
        """Publish the events that transactions of `sessions` record, when they commit."""
        @sa_event.listens_for(sessions, "after_commit")
        def _committed(session: Session) -> None:
            for item in session.info.pop(PENDING, []):
                self.publish(item)

        @sa_event.listens_for(sessions, "after_rollback")
        def _rolled_back(session: Session) -> None:
            session.info.pop(PENDING, None)

        return sessions
