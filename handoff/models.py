"""The contact centre's tables: accounts, console sessions, the handoff audit trail and agents' labels (failed logins are
counted by assistant.limits).

They live on the assistant's declarative base (one schema, one migration history), but only `handoff`
reads or writes them."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.models import Base, UTCDateTime, utcnow


class Role(StrEnum):
    AGENT = "agent"                        # national expert: topic queues
    SUPERVISOR = "supervisor"              # every queue, and the supervisor's tables
    REGIONAL_ADVISOR = "regional_advisor"  # the own region's queue only
    ADMIN = "admin"


class User(Base):
    """A contact-centre account: agent, supervisor, regional advisor (of one region) or admin."""
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id
    role: Mapped[str] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(20))
    languages: Mapped[list] = mapped_column(JSON)
    topics: Mapped[list | None] = mapped_column(JSON)  # national topics served; None = every topic
    max_chats: Mapped[int] = mapped_column(Integer, default=3)
    status: Mapped[str] = mapped_column(String(10), default="offline")  # online | away | offline
    ui_language: Mapped[str] = mapped_column(String(5), default="fi")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsoleSession(Base):
    """A logged-in console session; in the database so every worker knows it."""
    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HandoffEvent(Base):
    """Who did what to a conversation's handoff, when and why: the audit trail."""
    __tablename__ = "handoff_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # requested | queued | no_agents | claimed | transferred | returned | closed | message_left | callback_requested
    actor: Mapped[str] = mapped_column(String(80))  # "customer", "bot" or a username
    from_queue: Mapped[str | None] = mapped_column(String(40))
    to_queue: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LabelSuggestion(Base):
    """What agents said a customer's question was about, for an editor to accept into the catalogue's
    examples (handoff.labels). One row per text and label: agents labelling the same text the same way
    collapse into it. The text is masked and kept apart from its conversation, so retention, which deletes
    the conversation and its `message_labels`, leaves the reviewed list (and the catalogue) as it was."""
    __tablename__ = "label_suggestions"
    __table_args__ = (UniqueConstraint("label", "text_key", name="uq_label_suggestions_label_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(String(64))  # a catalogue service id, or "out_of_scope"
    text: Mapped[str] = mapped_column(Text)  # the customer's words, personal data masked
    text_key: Mapped[str] = mapped_column(String(64))  # sha256 of the text as Rasa compares examples
    language: Mapped[str] = mapped_column(String(5))  # the message's language
    agent: Mapped[str] = mapped_column(String(80))  # the username of the first agent who labelled it
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending | accepted | rejected
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class MessageLabel(Base):
    """One customer message's label, as the agent set it last (deleted with the conversation)."""
    __tablename__ = "message_labels"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("label_suggestions.id", ondelete="CASCADE"), index=True)
    agent: Mapped[str] = mapped_column(String(80))  # username, like the audit trail
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
