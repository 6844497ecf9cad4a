"""Output channels and the outbox: every message for a customer is stored, then delivered by its channel.

`ConversationService.append` writes an outbox item for each message meant for the customer (bot, agent,
system; never a private note) in the same transaction as the message. Then one of two things delivers it:
- a *connected* channel (web chat, REST) sends it on the customer's open connection and marks it sent;
  if the connection is gone it stays pending and is replayed on resume (`docs/protocol.md`);
- a *pushing* channel (email: channels/mail/outbound.py) is driven by `Outbox.run`: due items are handed to the channel's
  `send`, marked sent, or retried with exponential backoff; a permanent failure is marked failed.
Either way the delivery state is in the database, for supervisors and for any worker.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from anyio import to_thread
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from assistant.events import Event, EventKind, Events, record
from assistant.models import Conversation, Message, OutboxItem, utcnow
from assistant.notify import cancel

log = logging.getLogger("neuvo.outbox")
PENDING, SENT, FAILED = "pending", "sent", "failed"
LEASE = dt.timedelta(seconds=120)  # a claimed item is another worker's again if not settled by then


class DeliveryFailed(Exception):
    """The channel could not deliver now (`permanent=False`: retried later) or ever (`permanent=True`)."""

    def __init__(self, reason: str, permanent: bool = False):
        self.permanent = permanent
        super().__init__(reason)


class OutputChannel(ABC):
    """One way of reaching a customer (in the spirit of Rasa's OutputChannel): it renders stored messages in
    its own form (buttons, links) and, if it pushes, sends them."""

    name: ClassVar[str]
    pushes: ClassVar[bool] = False  # True: the outbox sends (email); False: the customer's connection fetches

    @abstractmethod
    def render(self, message: Message) -> object:
        """The message as this channel shows it (a web chat frame, a JSON object, an email part)."""

    async def send(self, conversation: Conversation, messages: Sequence[Message]) -> None:
        """Deliver `messages` (in seq order) to the customer, or raise DeliveryFailed. Pushing channels only."""
        raise DeliveryFailed(f"{self.name} does not push", permanent=True)

    async def startup(self) -> None:
        """Called once when the app starts (open connections, start listeners)."""

    async def shutdown(self) -> None:
        """Called once when the app stops."""


def enqueue(db: Session, conversation_id: str, channel: str, messages: Sequence[Message], sent: bool = False) -> None:
    """Outbox items for stored messages meant for the customer (the caller's transaction; ids are flushed).
    `sent`: the response of the request that stores them carries them (a REST turn's reply), so they are
    stored as sent, as `Outbox.mark_sent` would mark them next (one write less per turn)."""
    now = utcnow()
    items = [OutboxItem(message_id=m.id, conversation_id=conversation_id, seq=m.seq, channel=channel,
                        state=SENT if sent else PENDING, attempts=1 if sent else 0, next_attempt_at=now,
                        sent_at=now if sent else None)
             for m in messages if not m.internal and m.sender != "customer"]
    db.add_all(items)
    if sent and items:
        record(db, delivered_event(conversation_id, channel, [i.seq for i in items]))


def delivered_event(conversation_id: str, channel: str, seqs: Sequence[int]) -> Event:
    """The event of messages that reached the customer on `channel`."""
    return Event(EventKind.DELIVERED, conversation_id, actor="system", details={"channel": channel, "seqs": sorted(seqs)})


class Outbox:
    def __init__(self, sessions: sessionmaker, events: Events, channels: Sequence[OutputChannel] = (),
                 retry_s: float = 2.0, retry_max_s: float = 300.0, max_attempts: int = 12):
        self.sessions, self.events = sessions, events
        self.channels = {c.name: c for c in channels}
        self.retry_s, self.retry_max_s, self.max_attempts = retry_s, retry_max_s, max_attempts
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        events.subscribe(self._on_event)

    def register(self, channel: OutputChannel) -> None:
        self.channels[channel.name] = channel

    # -- connected channels ----------------------------------------------------------------------------

    def mark_sent(self, conversation_id: str, seqs: Sequence[int], channel: str) -> None:
        """The customer's connection on `channel` received these messages (web chat frame sent, REST response
        written); items of another channel (a mail for the same conversation) stay as they are."""
        if not seqs:
            return
        with self.sessions.begin() as db:
            done = db.execute(update(OutboxItem).where(
                OutboxItem.conversation_id == conversation_id, OutboxItem.seq.in_(list(seqs)),
                OutboxItem.channel == channel, OutboxItem.state == PENDING).values(state=SENT, sent_at=utcnow(),
                                                    attempts=OutboxItem.attempts + 1)).rowcount
            if done:
                record(db, delivered_event(conversation_id, channel, seqs))

    def states(self, conversation_id: str) -> dict[int, str]:
        """seq → delivery state, for the console and the tests."""
        with self.sessions() as db:
            return dict(db.execute(select(OutboxItem.seq, OutboxItem.state)
                                   .where(OutboxItem.conversation_id == conversation_id)).all())

    # -- pushing channels -------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        """A message stored in a pushing channel's conversation wakes the delivery pass (no other needs it)."""
        channel = self.channels.get(event.details.get("channel", ""))
        if (event.kind == EventKind.MESSAGE_STORED and channel is not None and channel.pushes
                and self._loop is not None and self._wake is not None):
            try:
                self._loop.call_soon_threadsafe(self._wake.set)
            except RuntimeError:  # the loop is closed: the app is stopping
                pass

    def _due(self, now: dt.datetime) -> list[tuple[Conversation, list[Message], list[int]]]:
        """Claim the due items of pushing channels for a lease (one conditional UPDATE: of several workers,
        one delivers each item), grouped by conversation."""
        pushing = [name for name, c in self.channels.items() if c.pushes]
        if not pushing:
            return []
        with self.sessions.begin() as db:
            due = db.scalars(select(OutboxItem.id).where(OutboxItem.state == PENDING, OutboxItem.channel.in_(pushing),
                                                         OutboxItem.next_attempt_at <= now)
                             .order_by(OutboxItem.id).limit(200)).all()
            if not due:  # the usual case (every stored message wakes this pass): a read, no write lock taken
                return []
            claimed = db.execute(update(OutboxItem).where(OutboxItem.id.in_(due), OutboxItem.state == PENDING,
                                                          OutboxItem.next_attempt_at <= now)
                                 .values(next_attempt_at=now + LEASE).returning(OutboxItem.id)).scalars().all()
            items = db.scalars(select(OutboxItem).where(OutboxItem.id.in_(claimed))
                               .order_by(OutboxItem.conversation_id, OutboxItem.seq)).all()
            batches: dict[str, list[OutboxItem]] = {}
            for item in items:
                batches.setdefault(item.conversation_id, []).append(item)
            result = []
            for conversation_id, batch in batches.items():
                waiting = db.scalars(select(OutboxItem).where(  # an earlier message still in its backoff
                    OutboxItem.conversation_id == conversation_id, OutboxItem.channel == batch[0].channel,
                    OutboxItem.state == PENDING, OutboxItem.seq < batch[0].seq).order_by(OutboxItem.seq).limit(1)).first()
                if waiting is not None:  # never overtake it: these go with it, in order
                    for item in batch:
                        item.next_attempt_at = waiting.next_attempt_at
                    continue
                conversation = db.get(Conversation, conversation_id)
                messages = db.scalars(select(Message).where(Message.id.in_([i.message_id for i in batch]))
                                      .order_by(Message.seq)).all()
                result.append((conversation, list(messages), [i.id for i in batch]))
        return result

    def _failed(self, conversation_id: str, ids: list[int], error: DeliveryFailed) -> None:
        now = utcnow()  # one schedule for the batch: its messages are tried again together, in order
        with self.sessions.begin() as db:
            for item in db.scalars(select(OutboxItem).where(OutboxItem.id.in_(ids))):
                item.attempts += 1
                item.last_error = str(error)[:500]
                if error.permanent or item.attempts >= self.max_attempts:
                    item.state = FAILED
                else:
                    delay = min(self.retry_max_s, self.retry_s * 2 ** (item.attempts - 1))
                    item.next_attempt_at = now + dt.timedelta(seconds=delay)
                attempts = item.attempts
            record(db, Event(EventKind.DELIVERY_FAILED, conversation_id, actor="system",
                             details={"error": str(error)[:200], "attempts": attempts, "permanent": error.permanent}))

    def _sent(self, conversation_id: str, ids: list[int], channel: str) -> None:
        with self.sessions.begin() as db:
            db.execute(update(OutboxItem).where(OutboxItem.id.in_(ids)).values(
                state=SENT, sent_at=utcnow(), attempts=OutboxItem.attempts + 1))
            record(db, Event(EventKind.DELIVERED, conversation_id, actor="system", details={"channel": channel}))

    async def deliver_due(self) -> int:
        """One pass over due items of pushing channels; returns how many messages were delivered."""
        delivered = 0
        for conversation, messages, ids in await to_thread.run_sync(self._due, utcnow()):
            channel = self.channels.get(conversation.channel)
            try:
                if channel is None:
                    raise DeliveryFailed(f"no channel {conversation.channel!r}", permanent=True)
                await channel.send(conversation, messages)
            except DeliveryFailed as exc:
                log.warning("delivery to %s failed: %s", conversation.id, exc)
                await to_thread.run_sync(self._failed, conversation.id, ids, exc)
            except Exception as exc:
                log.exception("channel %s raised while delivering", conversation.channel)
                await to_thread.run_sync(self._failed, conversation.id, ids, DeliveryFailed(type(exc).__name__))
            else:
                await to_thread.run_sync(self._sent, conversation.id, ids, channel.name)
                delivered += len(messages)
        return delivered

    async def run(self, idle_s: float = 1.0) -> None:
        """Deliver what is due, whenever a message is stored and at least every `idle_s` (retries)."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox pass failed")
            try:  # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow the cancel of shutdown when
                async with asyncio.timeout(idle_s):  # the wake-up comes at the same moment, and this loop ran forever
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()

    async def startup(self) -> None:
        for channel in self.channels.values():
            await channel.startup()
        if any(c.pushes for c in self.channels.values()):
            self._task = asyncio.get_running_loop().create_task(self.run())

    async def shutdown(self) -> None:
        task, self._task = self._task, None
        await cancel(task)
        for channel in self.channels.values():
            await channel.shutdown()
