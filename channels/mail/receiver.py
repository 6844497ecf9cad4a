"""The built-in SMTP receiver (aiosmtpd), started with the app on SMTP_HOST:SMTP_PORT (127.0.0.1:2525;
port 0 = none). In production an MTA forwards the assistant's mail to it.

At the end of DATA the mail is read by `channels.mail.inbound.parse` (the code path of `assistant email
parse`) and answered:
- 552 too large, 554/550 unreadable or without a sender (`reject`, logged);
- 250 for mail nobody should answer (bounce, auto-reply, list, our own address: `ignore`, logged with its
  reason, never answered) and for a resend of a mail already taken (logged as a duplicate);
- 451 4.7.1 when the sender is over MAIL_PER_SENDER_PER_HOUR: the sending MTA keeps the mail and tries
  again later (nothing lost, and nobody gets a refusal mail that a forged sender could turn into spam);
- 451 4.3.0 when processing failed (the database is down, say): tried again later too;
- 250 once a mail to process is stored as the customer's message and its turn has run.
Several app workers share the port (SO_REUSEPORT): the kernel spreads the connections.
"""
from __future__ import annotations

import asyncio
import logging

from aiosmtpd.smtp import SMTP, Envelope, Session
from anyio import to_thread

from assistant.content import ContentProvider
from assistant.settings import Settings
from channels.mail import inbound
from channels.mail.threads import MailConversations

log = logging.getLogger("neuvo.mail")
SLACK_BYTES = 64 * 1024  # aiosmtpd itself refuses only beyond max_mail_bytes + this: up to there parse logs why


class MailHandler:
    """aiosmtpd's handler: one call per received mail."""

    def __init__(self, settings: Settings, content: ContentProvider | None, conversations: MailConversations):
        self.settings, self.content, self.conversations = settings, content, conversations

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or (envelope.content if isinstance(envelope.content, bytes) else b"")
        mail = await to_thread.run_sync(inbound.parse, raw, envelope.mail_from or "", self.settings.email_address,
                                        self.settings.max_mail_bytes, self.content)
        code, text = inbound.smtp_reply(mail)
        if mail.action == "reject":
            log.warning("mail from %s refused: %d %s (%s)", session.peer, code, text, mail.reason)
            return f"{code} {text}"
        if mail.action == "ignore":
            log.info("mail ignored, not answered: %s (message-id %s)", mail.reason, mail.message_id)
            return "250 2.0.0 OK"
        try:
            received = await self.conversations.receive(mail)
        except Exception:
            log.exception("a mail could not be processed; the sender's server will try again")
            return "451 4.3.0 Temporary failure, please try again later"
        if received.outcome == "invalid":
            return "554 5.6.0 The message text could not be taken"
        if received.outcome == "rate_limited":
            return "451 4.7.1 Too many messages from this sender, please try again later"
        return "250 2.0.0 OK"


class Receiver:
    def __init__(self, settings: Settings, handler: MailHandler):
        self.settings, self.handler = settings, handler
        self.server: asyncio.AbstractServer | None = None

    def _protocol(self) -> SMTP:
        limit = self.settings.max_mail_bytes
        return SMTP(self.handler, data_size_limit=limit + SLACK_BYTES if limit else None, enable_SMTPUTF8=True,
                    hostname=self.settings.email_address.rpartition("@")[2] or None, ident="Neuvo",
                    loop=asyncio.get_running_loop())

    async def start(self) -> None:
        s = self.settings
        if not s.smtp_port:
            return
        try:
            self.server = await asyncio.get_running_loop().create_server(
                self._protocol, s.smtp_host, s.smtp_port, reuse_port=True)
        except OSError as exc:  # the app still serves chat; the operator sees why mail does not arrive
            log.error("the SMTP receiver could not listen on %s:%d: %s", s.smtp_host, s.smtp_port, exc)
            return
        log.info("SMTP receiver listening on %s:%d", s.smtp_host, s.smtp_port)

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.close()
            try:  # an open SMTP session must not hold up the app's shutdown
                await asyncio.wait_for(server.wait_closed(), 5.0)
            except TimeoutError:
                log.warning("SMTP sessions still open at shutdown")
