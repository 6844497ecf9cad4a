"""A conversation's state machine: the states, the allowed moves, and the one compare-and-set that makes them.

Every module that changes a conversation's state (the dialogue, the desk, the channels) calls
`transition`. It names the states it moves from; the UPDATE only matches a row still in one of them,
so of two concurrent writers (an agent's claim and a bot turn, say) one wins and the other gets a
`StateConflict` instead of silently overwriting the first.
"""
from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import cast

from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from assistant.events import Event, EventKind, record
from assistant.models import Conversation


class State(StrEnum):
    BOT = "bot"                                    # the bot answers
    AWAITING_CHOICE = "awaiting_choice"            # the bot asked which service was meant
    HUMAN_OFFERED = "human_offered"                # the bot offered a person
    HANDOFF_REQUESTED = "handoff_requested"        # the customer wants a person: to be routed
    QUEUED = "queued"                              # waiting in a queue for an agent
    AGENT = "agent"                                # an agent holds it
    NO_AGENTS = "no_agents"                        # nobody could chat: a message or a call back was offered
    MESSAGE_LEFT = "message_left"                  # waits for an agent's answer by email
    CALLBACK_REQUESTED = "callback_requested"      # waits for an agent's call
    CLOSED = "closed"                              # an agent closed it (the customer may start again)


DIALOGUE = frozenset({State.BOT, State.AWAITING_CHOICE, State.HUMAN_OFFERED})
HUMAN = frozenset({State.QUEUED, State.AGENT})     # a person is to answer: the bot stays silent
WAITING = frozenset({State.QUEUED, State.MESSAGE_LEFT, State.CALLBACK_REQUESTED})  # in a queue for an agent
STICKY = frozenset({State.HANDOFF_REQUESTED, State.MESSAGE_LEFT, State.CALLBACK_REQUESTED})  # a bot turn keeps these
BOT_SPEAKS = frozenset(State) - HUMAN              # states in which the bot's reply is stored
LEFT = (State.MESSAGE_LEFT, State.CALLBACK_REQUESTED)
ROUTABLE = frozenset({State.HANDOFF_REQUESTED, State.NO_AGENTS})  # the desk may (re)try to find a queue

# from → the states it may move to. A bot turn may also keep a state (its counters or language change).
TRANSITIONS: dict[State, frozenset[State]] = {
    **{s: DIALOGUE | {State.HANDOFF_REQUESTED} | {*LEFT} for s in (*DIALOGUE, State.CLOSED)},
    State.NO_AGENTS: DIALOGUE | {State.HANDOFF_REQUESTED, State.QUEUED, State.NO_AGENTS, *LEFT},
    State.HANDOFF_REQUESTED: frozenset({State.HANDOFF_REQUESTED, State.QUEUED, State.NO_AGENTS, *LEFT}),
    State.QUEUED: frozenset({State.AGENT}),
    State.AGENT: frozenset({State.QUEUED, State.BOT, State.CLOSED}),
    State.MESSAGE_LEFT: frozenset({*LEFT, State.AGENT}),
    State.CALLBACK_REQUESTED: frozenset({*LEFT, State.AGENT}),
}


class IllegalTransition(ValueError):
    """A move the table does not allow: a programming error, never a customer's doing."""


class StateConflict(Exception):
    """The conversation was no longer in any of the named states: someone else moved it first."""

    def __init__(self, conversation_id: str, expected: Iterable[State], to: State):
        self.conversation_id, self.expected, self.to = conversation_id, frozenset(expected), to
        super().__init__(f"{conversation_id}: not in {sorted(self.expected)} (wanted {to})")


def allowed(from_state: State, to_state: State) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def transition(db: Session, conversation_id: str, from_states: Iterable[State], to_state: State, *,
               actor: str = "bot", event: EventKind = EventKind.STATE_CHANGED, details: dict | None = None,
               where: Iterable = (), **values: object) -> None:
    """Move the conversation to `to_state` if it is still in one of `from_states` (one conditional UPDATE),
    setting `values` too; record the domain event, published when the transaction commits."""
    sources, to_state = frozenset(State(s) for s in from_states), State(to_state)
    bad = [s for s in sources if not allowed(s, to_state)]
    if bad or not sources:
        raise IllegalTransition(f"{sorted(bad) or 'nothing'} → {to_state}")
    moved = cast(CursorResult, db.execute(update(Conversation).where(Conversation.id == conversation_id,
                                                  Conversation.state.in_([s.value for s in sources]), *where)
                       .values(state=to_state.value, **values))).rowcount
    if moved != 1:
        raise StateConflict(conversation_id, sources, to_state)
    record(db, Event(event, conversation_id, actor=actor, details={"state": to_state.value, **(details or {})}))
