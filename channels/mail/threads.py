"""Email conversations: a processed mail starts a conversation (channel `email`) or continues one, goes
through the same `ConversationService` turn as a chat message, and is answered by the bot only when the
bot is sure; anything else waits for an agent, who answers by email.

A mail continues a conversation when its In-Reply-To or References name a mail of that conversation
(ours or the customer's), else when it carries the conversation's reply token ("[#token]" in the subject
or neuvo+token@…); either way only if it comes from the conversation's address. The token is an HMAC of
the conversation id under the product's key, so nobody can make one up. A mail is processed once: a
resend (same sender, subject, text and In-Reply-To, whatever its Message-ID) is dropped by a unique key.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Literal

from anyio import to_thread
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.conversation import ConversationService, HandoffDesk, InvalidMessage
from assistant.limits import Limits, Refused, Rule
from assistant.models import Conversation, Message
from assistant.settings import Settings
from assistant.states import HUMAN
from channels.mail.inbound import InboundMail
from channels.mail.models import IN, MailRecord, MailThread

log = logging.getLogger("neuvo.mail")
Outcome = Literal["processed", "duplicate", "rate_limited", "invalid"]
TOKEN_CHARS = 20  # of the base64url HMAC: 120 bits


def reply_token(key: bytes, conversation_id: str) -> str:
    mac = hmac.new(key, f"mail-thread\0{conversation_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:TOKEN_CHARS]


def dedupe_key(mail: InboundMail) -> str:
    """The same mail sent again has the same key (its content hash covers sender, subject and text; the
    In-Reply-To tells a second "Thanks!" to another of our mails from a resend)."""
    return hashlib.sha256(f"{mail.content_hash}\n{mail.in_reply_to or ''}".encode()).hexdigest()


def confident(messages: list[Message]) -> bool:
    """A catalogue answer the bot gave on its own (not in limited mode, no person offered with it)."""
    return any(m.sender == "bot" and m.answer for m in messages) and not any(
        m.sender == "bot" and m.buttons and any(b.get("payload") == "/request_human" for b in m.buttons)
        for m in messages)


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    conversation_id: str | None = None
    retry_after: int | None = None


class MailConversations:
    def __init__(self, settings: Settings, service: ConversationService, limits: Limits):
        self.settings, self.service, self.limits = settings, service, limits
        self.sessions: sessionmaker = service.sessions
        self.key = settings.signing_key()
        self.per_sender = Rule("mail-sender", settings.mail_per_sender_per_hour, 3600.0)

    @property
    def desk(self) -> HandoffDesk | None:
        return self.service.desk

    # -- storage (run in a worker thread) ------------------------------------------------------------

    def _claim(self, mail: InboundMail) -> int | None:
        """Record the mail before it is processed; None when it was received before (a resend)."""
        try:
            with self.sessions.begin() as db:
                row = MailRecord(direction=IN, message_id=mail.message_id, content_hash=dedupe_key(mail),
                                 sender=mail.sender, references=" ".join([*mail.references, *(
                                     [mail.in_reply_to] if mail.in_reply_to and mail.in_reply_to not in mail.references
                                     else [])])[:4000])
                db.add(row)
                db.flush()
                return row.id
        except IntegrityError:
            return None

    def _unclaim(self, record_id: int) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(MailRecord).where(MailRecord.id == record_id))

    def _thread_of(self, mail: InboundMail) -> str | None:
        """The conversation this mail continues, or None for a new one."""
        ids = [i for i in (mail.in_reply_to, *mail.references) if i]
        with self.sessions() as db:
            candidates: list[str] = []
            if ids:
                candidates += db.scalars(select(MailRecord.conversation_id).where(
                    MailRecord.message_id.in_(ids), MailRecord.conversation_id.is_not(None))
                    .order_by(MailRecord.id.desc())).all()
            if mail.reply_token:
                thread = db.scalars(select(MailThread).where(MailThread.token == mail.reply_token)).first()
                if thread is not None and hmac.compare_digest(reply_token(self.key, thread.conversation_id),
                                                              mail.reply_token):
                    candidates.append(thread.conversation_id)
            for conversation_id in candidates:
                thread, conversation = db.get(MailThread, conversation_id), db.get(Conversation, conversation_id)
                address = thread.address if thread else ((conversation.contact or {}).get("email", "") if conversation
                                                         else "")
                if address and address.lower() == mail.sender:
                    return conversation_id
            if candidates:
                log.info("a mail names a conversation of another address: starting a new one")
        return None

    def _open_thread(self, conversation_id: str, mail: InboundMail) -> None:
        with self.sessions.begin() as db:
            db.add(MailThread(conversation_id=conversation_id, token=reply_token(self.key, conversation_id),
                              address=mail.sender, subject=mail.subject))
            db.execute(update(Conversation).where(Conversation.id == conversation_id)
                       .values(contact={"email": mail.sender}))

    def _attach(self, record_id: int, conversation_id: str) -> None:
        with self.sessions.begin() as db:
            db.execute(update(MailRecord).where(MailRecord.id == record_id).values(conversation_id=conversation_id))

    # -- a processed mail ----------------------------------------------------------------------------

    def text_of(self, mail: InboundMail) -> str:
        """What the customer wrote, as a message: the new text (cut at a word at the message limit: mail
        is long, and the limit is the chat's), attachments named for the agent; the subject if nothing else."""
        text, limit = mail.text.strip(), self.settings.max_message_chars
        files = "\n".join(f"[📎 {a.filename or '?'} ({a.content_type}, {a.size} B)]" for a in mail.attachments)
        room = limit - len(files) - 2 if files else limit
        if len(text) > room:
            text = text[:room].rsplit(" ", 1)[0].rstrip() + " …"
        text = "\n".join(part for part in (text, files) if part)
        return text or mail.subject or "📎"

    async def receive(self, mail: InboundMail) -> Received:
        taken = await to_thread.run_sync(lambda: self.limits.take((self.per_sender, mail.sender)))
        if isinstance(taken, Refused):
            log.warning("mail refused: rate_limited (over %d an hour from one sender)", self.per_sender.limit)
            return Received("rate_limited", retry_after=taken.retry_after)
        record_id = await to_thread.run_sync(self._claim, mail)
        if record_id is None:
            self.limits.give_back(taken)
            log.info("mail ignored: duplicate (message-id %s)", mail.message_id)
            return Received("duplicate")
        try:
            return await self._process(mail, record_id)
        except BaseException:  # not taken: the sender's MTA tries again, and this mail is no duplicate then
            await to_thread.run_sync(self._unclaim, record_id)
            raise

    async def _process(self, mail: InboundMail, record_id: int) -> Received:
        conversation_id = await to_thread.run_sync(self._thread_of, mail)
        if conversation_id is None:
            conversation = await self.service.start(channel="email", default=mail.language)
            conversation_id = conversation.id
            await to_thread.run_sync(self._open_thread, conversation_id, mail)
        await to_thread.run_sync(self._attach, record_id, conversation_id)
        try:
            turn = await self.service.post(conversation_id, self.text_of(mail), f"mail:{dedupe_key(mail)[:40]}")
        except InvalidMessage as exc:  # a text no channel takes: refused for good (554), not retried
            log.warning("a mail's text was refused (%s)", exc.code)
            return Received("invalid", conversation_id)
        log.info("mail processed", extra={"conversation_id": conversation_id})
        if turn.conversation.state in HUMAN:
            return Received("processed", conversation_id)  # a person holds it: they see the mail
        if (not confident(turn.messages) or turn.engine_down) and self.desk is not None:
            await to_thread.run_sync(self.desk.by_email, conversation_id, mail.sender)
        return Received("processed", conversation_id)
