"""Database tables: conversations and their messages. All conversation state lives here, so any worker
can serve any turn."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    channel: Mapped[str] = mapped_column(String(20), default="rest")
    language: Mapped[str] = mapped_column(String(5))
    language_fixed: Mapped[bool] = mapped_column(default=False)  # chosen explicitly: detection won't switch it
    region: Mapped[str | None] = mapped_column(String(20))
    # bot | awaiting_choice (clarification asked) | human_offered | handoff_requested | closed
    state: Mapped[str] = mapped_column(String(20), default="bot")
    failed_turns: Mapped[int] = mapped_column(Integer, default=0)  # consecutive turns the bot did not understand
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
