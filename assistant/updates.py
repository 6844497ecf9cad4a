"""Live updates across workers: which conversations changed, told to this worker's open sockets.

A message may be stored by any worker (an agent's reply arrives on another worker than the customer's
socket), so a worker cannot rely on its own memory. A worker that writes a conversation pokes the Hub
(`poke`), which publishes the conversation's id through a `Notifier` (assistant/notify.py) to every
worker, itself included. On a notification each worker's Hub reads just that conversation's row, once for
all its sockets, and hands a `Change` to those that follow it. Nothing polls the table.

A Change is only a wake-up: subscribers re-read messages from the database by `seq`, so a doubled
wake-up costs a query and a missed one (a notifier connection that dropped, a full queue) costs
latency, never a message: the next change of that conversation, or the client's resume, brings
everything after the last seq it got. A new subscription to one conversation gets that conversation's
current row once, so a change made just before it subscribed is not missed either.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assistant.models import Conversation, utcnow
from assistant.notify import Notifier, cancel

log = logging.getLogger("neuvo.updates")
SEEN = 10_000  # conversations whose last Change is remembered to drop repeats (forgetting one costs a repeat)
RETRY_AFTER = 1.0  # seconds: a failed read of changed rows is tried again, not dropped


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
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Change] = asyncio.Queue(maxsize=1000)

    async def next(self, timeout: float | None = None) -> Change | None:
        try:  # asyncio.timeout: Python 3.11's wait_for may swallow a cancel that meets a ready item
            async with asyncio.timeout(timeout):
                return await self.queue.get()
        except TimeoutError:
            return None

    def close(self) -> None:
        self.hub.subscriptions.discard(self)

    def put(self, change: Change) -> None:
        """From the Hub's loop (which may be another than this subscriber's, e.g. in tests)."""
        if self.loop is asyncio.get_running_loop():
            self._put(change)
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._put, change)

    def _put(self, change: Change) -> None:
        if not self.queue.full():  # a full queue drops the wake-up; the next one re-reads by seq
            self.queue.put_nowait(change)


class Hub:
    """One per worker: listens through its notifier while the worker has subscribers, or from `start`."""

    def __init__(self, sessions: sessionmaker, notifier: Notifier):
        self.sessions, self.notifier = sessions, notifier
        self.subscriptions: set[Subscription] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._wake, self._ready = asyncio.Event(), asyncio.Event()  # made anew in the loop that runs the Hub
        self._pending: set[str] = set()  # notified, not yet read
        self._fresh: list[Subscription] = []  # new, to be given their conversation's current row
        self._seen: OrderedDict[str, Change] = OrderedDict()

    async def start(self) -> None:
        """Listen now (an app's lifespan); returns once listening. Otherwise the first subscribe starts it."""
        self._ensure()
        if self._loop is asyncio.get_running_loop():
            await self._ready.wait()

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel(task)

    @property
    def listening(self) -> bool:
        """Whether this worker hears other workers' changes now (readiness: /ready)."""
        return self._task is not None and not self._task.done() and self.notifier.listening

    def subscribe(self, conversation_id: str | None = None) -> Subscription:
        """Changes of one conversation, or of every conversation (None: the agent console)."""
        self._ensure()
        subscription = Subscription(self, conversation_id)
        self.subscriptions.add(subscription)
        if conversation_id is not None:
            self._in_loop(self._fresh.append, subscription)
        return subscription

    def poke(self, conversation_id: str) -> None:
        """This worker changed a conversation: tell every worker (callable from any thread)."""
        self.notifier.publish(conversation_id)

    def _ensure(self) -> None:
        """Run the Hub in this event loop unless it runs in another live one (tests make a loop per client)."""
        loop = self._loop
        if self._task is not None and not self._task.done() and loop is not None and loop.is_running():
            return
        self._loop, self._wake, self._ready = asyncio.get_running_loop(), asyncio.Event(), asyncio.Event()
        self._pending, self._fresh = set(), []
        self._task = self._loop.create_task(self._run())

    def _in_loop(self, function, *args) -> None:
        """Call `function` in the Hub's loop, then wake the Hub."""
        def call() -> None:
            function(*args)
            self._wake.set()
        if self._loop is asyncio.get_running_loop():
            call()
        elif self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(call)

    def _notified(self, conversation_id: str) -> None:
        """The notifier's callback, in the Hub's loop."""
        if any(s.conversation_id in (None, conversation_id) for s in list(self.subscriptions)):
            self._pending.add(conversation_id)
            self._wake.set()

    def _read(self, ids: set[str]) -> list[Change]:
        now = utcnow()
        with self.sessions() as db:
            rows = db.scalars(select(Conversation).where(Conversation.id.in_(ids))).all()
        return [Change(c.id, c.last_seq, c.state, c.queue, c.agent_id, c.region, c.language,
                       is_active(c.agent_typing_until, now), is_active(c.customer_typing_until, now)) for c in rows]

    async def _run(self) -> None:
        try:
            await self.notifier.start(self._notified)
        except Exception:
            log.exception("could not start listening for changes")
        finally:
            self._ready.set()
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                pending, fresh = self._pending, [s for s in self._fresh if s in self.subscriptions]
                self._pending, self._fresh = set(), []
                ids = pending | {s.conversation_id for s in fresh if s.conversation_id is not None}
                if not ids:
                    continue
                try:
                    changes = await to_thread.run_sync(self._read, ids)
                except Exception:
                    log.exception("reading changed conversations failed; trying again in %.0f s", RETRY_AFTER)
                    self._pending |= pending
                    self._fresh += fresh
                    await asyncio.sleep(RETRY_AFTER)
                    self._wake.set()
                    continue
                for change in changes:
                    self._tell(change, fresh)
        finally:
            await self.notifier.stop()

    def _tell(self, change: Change, fresh: list[Subscription]) -> None:
        """Hand a Change to its followers; a repeat of the last one only to new subscribers."""
        repeat = self._seen.get(change.conversation_id) == change
        self._seen[change.conversation_id] = change
        self._seen.move_to_end(change.conversation_id)
        if len(self._seen) > SEEN:
            self._seen.popitem(last=False)
        for s in list(self.subscriptions):
            if s.conversation_id in (None, change.conversation_id) and (not repeat or s in fresh):
                s.put(change)


def is_active(until: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a short-lived mark (someone typing) still stands."""
    return until is not None and until > now
