"""The contact centre's tables: accounts, console sessions and the handoff audit trail (failed logins are
counted by assistant.limits).

They live on the assistant's declarative base (one schema, one migration history), but only `handoff`
reads or writes them."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
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
