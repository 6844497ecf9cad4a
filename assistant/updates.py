"""Live updates across workers: which conversations changed, told to this worker's open sockets.

A message may be stored by any worker (an agent's reply arrives on another worker than the customer's
socket), so a worker cannot rely on its own memory. One task per worker polls the conversations table
for rows changed in the last seconds and wakes the sockets that follow them. Works the same on SQLite
and PostgreSQL; a subscriber re-reads what it needs from the database, so a missed or doubled wake-up
costs a query, never a message. A write made by this worker pokes the poll at once (`poke`), so only
changes made by other workers wait for the next poll.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.models import Conversation, utcnow

log = logging.getLogger("neuvo.updates")
POLL_INTERVAL = 0.25  # seconds between looks for other workers' changes
WINDOW = dt.timedelta(seconds=3)  # longer than any commit takes; rows seen twice are told once


@dataclass(frozen=True)
class Change:
    conversation_id: str
    last_seq: int
    state: str
    queue: str | None
    agent_id: int | None
    region: str | None
    language: str
    agent_typing: bool
    customer_typing: bool


class Subscription:
    def __init__(self, hub: "Hub", conversation_id: str | None):
        self.hub, self.conversation_id = hub, conversation_id
        self.queue: asyncio.Queue[Change] = asyncio.Queue(maxsize=1000)

    async def next(self, timeout: float | None = None) -> Change | None:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    def close(self) -> None:
        self.hub.subscriptions.discard(self)


class Hub:
    def __init__(self, sessions: sessionmaker, interval: float = POLL_INTERVAL):
        self.sessions, self.interval = sessions, interval
        self.subscriptions: set[Subscription] = set()
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._seen: dict[str, tuple[Change, dt.datetime]] = {}

    def subscribe(self, conversation_id: str | None = None) -> Subscription:
        """Changes of one conversation, or of every conversation (None: the agent console)."""
        if self._task is None or self._task.done():
            self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
            self._task = self._loop.create_task(self._run())
        subscription = Subscription(self, conversation_id)
        self.subscriptions.add(subscription)
        return subscription

    def poke(self) -> None:
        """This worker changed a conversation: poll now (callable from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    def _changed(self) -> list[tuple[Change, dt.datetime]]:
        now = utcnow()
        with self.sessions() as db:
            rows = db.execute(select(Conversation).where(Conversation.updated_at >= now - WINDOW)).scalars().all()
        return [(Change(c.id, c.last_seq, c.state, c.queue, c.agent_id, c.region, c.language,
                        is_active(c.agent_typing_until, now), is_active(c.customer_typing_until, now)), c.updated_at)
                for c in rows]

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if not self.subscriptions:
                continue
            try:
                rows = await to_thread.run_sync(self._changed)
            except Exception:  # noqa: BLE001 - a database hiccup must not end live updates
                log.exception("polling for changes failed")
                continue
            for change, updated_at in rows:
                if self._seen.get(change.conversation_id, (None,))[0] == change:
                    continue
                self._seen[change.conversation_id] = (change, updated_at)
                for s in list(self.subscriptions):
                    if s.conversation_id in (None, change.conversation_id) and not s.queue.full():
                        s.queue.put_nowait(change)
            horizon = utcnow() - 2 * WINDOW
            for key in [k for k, (_, at) in self._seen.items() if at < horizon]:
                del self._seen[key]


def is_active(until: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a short-lived mark (someone typing) still stands."""
    return until is not None and until > now
