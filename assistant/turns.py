"""Durable bot turns: a stored customer message owes a reply until its turn is done, whatever crashes.

A customer message the bot is to answer is stored *claimed* by the worker that stored it, with a lease
(`Message.turn`, `turn_attempt`, `turn_lease_until`). While the turn runs its lease is renewed; the
turn ends in the transaction that stores the bot's reply (`finish`). A worker that died mid-turn stops
renewing, so the lease runs out and any worker may claim the turn again: at startup, in its periodic
sweep, or when the customer resends the same message. A turn cut short in a live worker (the app
stopping cancels it) is given back as *pending* at once, without waiting for its lease. Every claim is one conditional UPDATE that
raises `turn_attempt`, and `finish` only matches the attempt that claimed it, so of two workers that
both ran a turn (a lease lost to a stall) exactly one stores a reply.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import cast

from anyio import to_thread
from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from assistant.models import Message, utcnow
from assistant.notify import cancel

log = logging.getLogger("neuvo.turns")
PENDING, CLAIMED, DONE = "pending", "claimed", "done"


@dataclass(frozen=True)
class Claim:
    """This worker holds the turn of one customer message until its lease ends (renewed while it runs)."""
    message_id: int
    conversation_id: str
    attempt: int


def _claimable(now: dt.datetime) -> list:
    return [Message.turn.in_([PENDING, CLAIMED]),
            or_(Message.turn_lease_until.is_(None), Message.turn_lease_until <= now)]


def claimed(lease_s: float) -> dict:
    """The turn columns of a customer message stored owing a turn, held by this worker (its first attempt):
    written with the message's INSERT, not by an UPDATE after it."""
    return {"turn": CLAIMED, "turn_attempt": 1, "turn_lease_until": utcnow() + dt.timedelta(seconds=lease_s)}


def done() -> dict:
    """The turn columns of a customer message stored while a person answers: it owes no bot turn."""
    return {"turn": DONE}


def claim(db: Session, message_id: int, lease_s: float) -> Claim | None:
    """Take over one message's unfinished turn whose lease ran out (None: done, or another worker's)."""
    now = utcnow()
    row = db.execute(update(Message).where(Message.id == message_id, *_claimable(now))
                     .values(turn=CLAIMED, turn_attempt=Message.turn_attempt + 1,
                             turn_lease_until=now + dt.timedelta(seconds=lease_s))
                     .returning(Message.id, Message.conversation_id, Message.turn_attempt)).first()
    return Claim(*row) if row else None


def claim_due(db: Session, lease_s: float, limit: int) -> list[Claim]:
    """Take over unfinished turns whose lease ran out (a dead worker's), oldest first."""
    now = utcnow()
    due = db.scalars(select(Message.id).where(*_claimable(now)).order_by(Message.id).limit(limit)).all()
    if not due:  # the usual case: a read, no write lock taken
        return []
    rows = db.execute(update(Message).where(Message.id.in_(due), *_claimable(now))
                      .values(turn=CLAIMED, turn_attempt=Message.turn_attempt + 1,
                              turn_lease_until=now + dt.timedelta(seconds=lease_s))
                      .returning(Message.id, Message.conversation_id, Message.turn_attempt)).all()
    return sorted((Claim(*row) for row in rows), key=lambda c: c.message_id)


def _held(claim: Claim) -> list:
    return [Message.id == claim.message_id, Message.turn == CLAIMED, Message.turn_attempt == claim.attempt]


def renew(db: Session, claims: Sequence[Claim], lease_s: float) -> int:
    """Extend the leases of turns still running here; returns how many are still held."""
    until, held = utcnow() + dt.timedelta(seconds=lease_s), 0
    for c in claims:
        held += cast(CursorResult, db.execute(update(Message).where(*_held(c))
                                              .values(turn_lease_until=until))).rowcount
    return held


def release(db: Session, claims: Sequence[Claim]) -> None:
    """Give unfinished turns back at once (pending, no lease): the next sweep of any worker takes them up."""
    for c in claims:
        db.execute(update(Message).where(*_held(c)).values(turn=PENDING, turn_lease_until=None))


def finish(db: Session, claim: Claim, **values: object) -> bool:
    """Mark the turn done in the caller's transaction (the one storing the reply), setting the customer
    message's `values` too (its reading); False when the claim was lost to another worker, which then
    answers instead (the caller stores nothing)."""
    return cast(CursorResult, db.execute(update(Message).where(*_held(claim))
                                         .values(turn=DONE, turn_lease_until=None, **values),
                                         execution_options={"synchronize_session": False})).rowcount == 1


@contextlib.asynccontextmanager
async def leased(sessions: sessionmaker, claims: Sequence[Claim], lease_s: float) -> AsyncIterator[None]:
    """Renew the claims' leases every third of a lease while the block runs (a live worker keeps its turns).
    A block cut short (the app stopping cancels it, or it failed) gives its unfinished turns back at once."""
    async def keep() -> None:
        while True:
            await asyncio.sleep(lease_s / 3)
            try:
                await to_thread.run_sync(_renew, sessions, list(claims), lease_s)
            except Exception:
                log.exception("could not renew the lease of %d turn(s)", len(claims))

    task = asyncio.get_running_loop().create_task(keep()) if claims else None
    try:
        yield
    except BaseException:
        if task is not None:
            task.cancel()
        try:  # synchronous: a cancelled task may not get to await again (finished turns are left alone)
            with sessions.begin() as db:
                release(db, claims)
        except Exception:
            log.exception("could not give back %d turn(s); their lease runs out instead", len(claims))
        raise
    finally:
        await cancel(task)


def _renew(sessions: sessionmaker, claims: list[Claim], lease_s: float) -> None:
    with sessions.begin() as db:
        renew(db, claims, lease_s)


class Sweeper:
    """Runs `sweep` at once and then every `interval_s` in the app's loop (the lifespan starts and stops
    it): e.g. a worker takes up the turns that a dead worker, or this one before a restart, left unfinished."""

    def __init__(self, sweep: Callable[[], Awaitable[int]], interval_s: float, what: str = "unfinished turn(s) taken up"):
        self.sweep, self.interval_s, self.what = sweep, interval_s, what
        self.passes = 0  # sweeps done (the tests wait for the one at startup)
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel(task)

    async def _run(self) -> None:
        while True:
            try:
                done = await self.sweep()
                if done or not self.passes:
                    log.info("%s: %d %s", "startup sweep" if not self.passes else "sweep", done, self.what,
                             extra={"done": done, "sweep": self.passes})
            except Exception:
                log.exception("a sweep failed (%s)", self.what)
            self.passes += 1
            await asyncio.sleep(self.interval_s)
