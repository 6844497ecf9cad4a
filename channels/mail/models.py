"""The email channel's tables: every mail in and out of a conversation (threading, no mail twice) and each
email conversation's thread (its reply token and the customer's address).

The mails' text is stored as a customer message (`messages`), masked; here only what threading and the
duplicate check need: Message-IDs, a content hash, the sender address, the subject."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.models import Base, UTCDateTime, utcnow

IN, OUT = "in", "out"


class MailThread(Base):
    """An email conversation: whose address it answers, under which subject, with which reply token."""
    __tablename__ = "mail_threads"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)  # "[#token]" in our subjects (signed, see threads)
    address: Mapped[str] = mapped_column(String(320))  # the customer's address: replies only from it continue
    subject: Mapped[str] = mapped_column(Text)  # the customer's first subject (identity codes masked)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailRecord(Base):
    """One mail of a conversation: received (`in`) or sent by us (`out`)."""
    __tablename__ = "mail_messages"
    __table_args__ = (Index("ix_mail_messages_message_id", "message_id"),
                      Index("uq_mail_messages_sender_hash", "sender", "content_hash", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # NULL only for the moment between a received mail's duplicate check and its conversation being known
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    message_id: Mapped[str | None] = mapped_column(String(300))  # with its angle brackets
    # in: threads.dedupe_key (content hash and In-Reply-To): unique per sender, so a resend is no new mail
    content_hash: Mapped[str | None] = mapped_column(String(64))
    sender: Mapped[str | None] = mapped_column(String(320))  # in: the customer's address
    references: Mapped[str | None] = mapped_column(Text)  # in: its References (space-separated), for our reply
    first_seq: Mapped[int | None] = mapped_column(Integer)  # out: the first message it carried (its Message-ID)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
