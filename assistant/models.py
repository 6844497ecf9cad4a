"""Database tables of the assistant: conversations, their messages and the outbox (handoff.models has the
contact centre's). All conversation state lives here, so any worker
can serve any turn."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Timestamps come back aware on every database: SQLite stores them without a zone, so its values are
    read as the UTC they were written in, and code can compare them with `utcnow()` directly."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    pass


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    channel: Mapped[str] = mapped_column(String(20), default="rest")
    language: Mapped[str] = mapped_column(String(5))
    language_fixed: Mapped[bool] = mapped_column(default=False)  # chosen explicitly: detection won't switch it
    region: Mapped[str | None] = mapped_column(String(20))
    # an assistant.states.State; changed only by assistant.states.transition
    state: Mapped[str] = mapped_column(String(20), default="bot", index=True)
    failed_turns: Mapped[int] = mapped_column(Integer, default=0)  # consecutive turns the bot did not understand
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    queue: Mapped[str | None] = mapped_column(String(40), index=True)  # where a person is to take it up
    queued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    agent_id: Mapped[int | None] = mapped_column(Integer)  # who holds it (handoff.models.User; claim is atomic)
    contact: Mapped[dict | None] = mapped_column(JSON)  # email/phone left for a message or a call back
    business_id: Mapped[str | None] = mapped_column(String(12))
    agent_typing_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    customer_typing_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # when the customer was told not to send identity codes (once per conversation, on the first masked value)
    personal_data_noticed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, index=True)

    messages: Mapped[list["Message"]] = relationship(back_populates="conversation", order_by="Message.seq")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),
                      UniqueConstraint("conversation_id", "client_id", name="uq_messages_conversation_client_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(10))  # customer | bot | agent | system
    client_id: Mapped[str | None] = mapped_column(String(64))  # the channel's id of a customer message (idempotency)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(5))
    buttons: Mapped[list | None] = mapped_column(JSON)
    service: Mapped[str | None] = mapped_column(String(64))
    source_url: Mapped[str | None] = mapped_column(Text)
    understood: Mapped[dict | None] = mapped_column(JSON)
    # a catalogue answer's fields (assistant.message.ServiceAnswer.as_dict); `text` is its plain version
    answer: Mapped[dict | None] = mapped_column(JSON)
    event: Mapped[str | None] = mapped_column(String(30))  # system messages: queued, agent_joined, closed, …
    details: Mapped[dict | None] = mapped_column(JSON)
    author: Mapped[str | None] = mapped_column(String(80))  # an agent's display name
    internal: Mapped[bool] = mapped_column(Boolean, default=False)  # an agent's private note: never to the customer
    # a customer message's bot turn (assistant.turns): pending → claimed (until its lease ends) → done;
    # NULL when none is owed (bot, agent and system messages; messages stored before turn recovery)
    turn: Mapped[str | None] = mapped_column(String(10), index=True)
    turn_attempt: Mapped[int] = mapped_column(Integer, default=0)  # claims so far; fences a late finisher
    turn_lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class OutboxItem(Base):
    """A message for the customer, waiting to be delivered by the channel that owns the conversation.

    Written in the transaction that stores the message, so nothing stored is ever left undelivered
    without a trace: web chat and REST mark it sent when the customer's connection got it; a pushing
    channel (email) is driven by assistant.outbox.Outbox, which retries with backoff."""
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LimitCounter(Base):
    """How many attempts one limit let through for one subject in one time window (assistant.limits).

    The subject (an address, a username, a conversation) is stored only as a keyed hash inside `key`."""
    __tablename__ = "limit_counters"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # rule:hash(subject):window number
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires: Mapped[float] = mapped_column(Float, index=True)  # unix seconds; the row is deleted after


class LimitLease(Base):
    """One open connection counted against its address (web chat sockets): renewed by the worker that
    holds it, so the sockets of a worker that died stop counting when their leases run out."""
    __tablename__ = "limit_leases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)  # rule:hash(address)
    holder: Mapped[str] = mapped_column(String(36), index=True)   # the worker process
    expires: Mapped[float] = mapped_column(Float)
