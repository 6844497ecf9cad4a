"""The email output channel: the outbox hands it a conversation's due messages, it sends them as one mail
through the relay (`SMTP_RELAY`) with aiosmtplib, threaded under the customer's mail.

What a mail carries: agents' answers, the bot's catalogue answers (title, short answer, sections, source
link, review date) and the acknowledgement that a message waits for an expert; the rest of what a chat
shows (clarification buttons, offers, queue positions, "agent joined") has no use in a mail and is left
out — its outbox item is settled with the mail it came with. Every mail is plain text plus a sanitised
HTML alternative (nh3), in the conversation's language (Babel catalogs, fi/sv/en), with
`Message-ID` (ours, on EMAIL_ADDRESS's domain; the same on a retry), `In-Reply-To` and `References` of
the customer's last mail, and "Re: <subject> [#token]" plus `Reply-To: neuvo+token@…` for clients
that drop the headers. A header value with CR or LF is refused (HeaderInjection), never written.

Relay URL: `smtp://[user:password@]host[:port][?starttls=1]` (port 25 by default; `starttls=1` upgrades
the connection and is needed before a password is sent over a network) or `smtps://…` (TLS from the first
byte, port 465). Empty: no relay — `DeliveryFailed("no relay configured")`, the mail stays pending in
the outbox (retried with backoff) and supervisors see why in the console.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import logging
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import nh3
from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.i18n import N_, gettext
from assistant.message import ServiceAnswer
from assistant.models import Conversation, Message, utcnow
from assistant.outbox import DeliveryFailed, OutputChannel
from assistant.settings import Settings
from channels.mail.models import IN, OUT, MailRecord, MailThread
from channels.mail.threads import reply_token

log = logging.getLogger("neuvo.mail")
NO_RELAY = "no relay configured"
MAILED_EVENTS = {"message_left", "queued"}  # system messages that mean something in a mail
MAX_REFERENCES = 20
TEXTS = {
    "subject": N_("Your message to Neuvo"),
    "reply": N_("You can answer this email to continue. To reach an expert, write that you want to talk to a "
                "person, or use the chat on {url}."),
    "signature": N_("Neuvo – growth services advisory"),
    "automatic": N_("This answer was written by the Neuvo assistant from the reviewed service descriptions."),
}
HTML_TAGS = {"p", "h2", "h3", "ul", "li", "a", "strong", "br", "hr"}


class HeaderInjection(ValueError):
    """A header value with a line break: writing it would let its text add headers of its own."""


def mailable(message: Message) -> bool:
    if message.internal or message.sender == "customer":
        return False
    if message.sender == "agent":
        return True
    if message.sender == "bot":
        return bool(message.answer)
    return message.event in MAILED_EVENTS


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False        # smtps: TLS from the first byte
    starttls: bool = False   # smtp + ?starttls=1: upgrade after EHLO

    @classmethod
    def parse(cls, url: str) -> "Relay | None":
        """None for an empty URL (no relay); ValueError for one that is not a relay URL."""
        if not url.strip():
            return None
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_RELAY must look like smtp://user:password@host:587?starttls=1 or smtps://host:465")
        flags = parse_qs(parts.query)
        starttls = flags.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes")
        return cls(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25),
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None, parts.scheme == "smtps", starttls)


def safe(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjection("a header value may not contain CR or LF")
    return value


def set_header(message: EmailMessage, name: str, value: str) -> None:
    message[name] = safe(value)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def plus_address(address: str, token: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local}+{token}@{domain}"


def subject_line(subject: str, token: str) -> str:
    subject = subject.replace(f"[#{token}]", "").strip()
    while subject.lower().startswith(("re:", "sv:", "vs:", "aw:")):
        subject = subject[3:].strip()
    return f"Re: {subject} [#{token}]"


# -- the body -------------------------------------------------------------------------------------------


def _answer_parts(answer: ServiceAnswer) -> list[tuple[str, str]]:
    """(kind, text) blocks: heading, paragraph, item, link."""
    parts: list[tuple[str, str]] = [("heading", answer.title), ("paragraph", answer.short)]
    for section in answer.sections:
        parts.append(("subheading", section.label))
        if section.text is not None:
            parts.append(("paragraph", section.text))
        parts += [("item", item) for item in section.items]
    if answer.note:
        parts.append(("paragraph", answer.note))
    parts += [("link", f"{answer.source_label}|{answer.source_url}"), ("paragraph", answer.reviewed_text)]
    return parts


def blocks(messages: Sequence[Message], lang: str, app_url: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for m in messages:
        if parts:
            parts.append(("rule", ""))
        if m.sender == "bot" and m.answer:
            parts += _answer_parts(ServiceAnswer.from_dict(m.answer))
        else:
            if m.sender == "agent" and m.author:
                parts.append(("strong", m.author))
            parts += [("paragraph", p) for p in m.text.split("\n\n") if p.strip()]
    automatic = not any(m.sender == "agent" for m in messages)
    parts.append(("rule", ""))
    if automatic:
        parts.append(("small", gettext(lang, TEXTS["automatic"])))
    parts += [("small", gettext(lang, TEXTS["reply"], url=app_url)), ("small", gettext(lang, TEXTS["signature"]))]
    return parts


def plain(parts: list[tuple[str, str]]) -> str:
    lines: list[str] = []
    for kind, text in parts:
        if kind == "rule":
            lines += ["", "--", ""]
        elif kind == "item":
            lines.append(f"- {text}")
        elif kind == "link":
            label, _, url = text.partition("|")
            lines += [f"{label}: {url}", ""]
        elif kind in ("heading", "subheading"):
            lines += [text, ""] if kind == "heading" else [f"{text}:"]
        else:
            lines += [text, ""] if kind != "strong" else [f"{text}:"]
    return "\n".join(lines).strip() + "\n"


def rich(parts: list[tuple[str, str]], lang: str) -> str:
    out: list[str] = []
    in_list = False
    for kind, text in parts:
        if kind != "item" and in_list:
            out.append("</ul>")
            in_list = False
        t = html.escape(text)
        if kind == "heading":
            out.append(f"<h2>{t}</h2>")
        elif kind == "subheading":
            out.append(f"<h3>{t}</h3>")
        elif kind == "item":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{t}</li>")
        elif kind == "link":
            label, _, url = text.partition("|")
            if url.startswith(("https://", "http://")):
                out.append(f'<p><a href="{html.escape(url)}">{html.escape(label)}</a></p>')
        elif kind == "rule":
            out.append("<hr>")
        elif kind == "strong":
            out.append(f"<p><strong>{t}</strong></p>")
        else:
            out.append(f"<p>{t}</p>".replace("\n", "<br>"))
    if in_list:
        out.append("</ul>")
    body = nh3.clean("".join(out), tags=HTML_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "http"})
    return f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8"></head><body>{body}</body></html>'


# -- the mail ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """What one mail needs besides its messages (read from the database)."""
    to: str
    subject: str
    token: str
    in_reply_to: str | None
    references: tuple[str, ...]


def message_id(key: bytes, conversation_id: str, first_seq: int, domain: str) -> str:
    """The same for every attempt at this mail, so a receiver that got it once can tell a retry."""
    mac = hmac.new(key, f"mail-out\0{conversation_id}\0{first_seq}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"<{conversation_id}.{first_seq}.{mac}@{domain}>"


def compose(settings: Settings, conversation: Conversation, messages: Sequence[Message], out: Outgoing,
            our_id: str) -> EmailMessage:
    lang = conversation.language if conversation.language in settings.languages else settings.default_language
    parts = blocks(messages, lang, settings.app_url)
    mail = EmailMessage()
    own = settings.email_address
    set_header(mail, "From", formataddr(("Neuvo", own)))
    set_header(mail, "To", out.to)
    set_header(mail, "Reply-To", plus_address(own, out.token))
    set_header(mail, "Subject", subject_line(out.subject, out.token))
    set_header(mail, "Date", format_datetime(utcnow()))
    set_header(mail, "Message-ID", our_id)
    if out.in_reply_to:
        set_header(mail, "In-Reply-To", out.in_reply_to)
    if out.references:
        set_header(mail, "References", " ".join(out.references))
    if not any(m.sender == "agent" for m in messages):  # RFC 3834: no auto-responder answers this
        set_header(mail, "Auto-Submitted", "auto-replied")
    mail.set_content(plain(parts))
    mail.add_alternative(rich(parts, lang), subtype="html")
    set_header(mail, "Content-Language", lang)  # after the body: set_content drops Content-* headers
    return mail


class EmailOutput(OutputChannel):
    name = "email"
    pushes = True

    def __init__(self, settings: Settings, sessions: sessionmaker, receiver: object | None = None):
        self.settings, self.sessions, self.receiver = settings, sessions, receiver
        self.key = settings.signing_key()
        self.domain = domain_of(settings.email_address)

    def render(self, message: Message) -> object:
        return plain(blocks([message], message.language or self.settings.default_language, self.settings.app_url))

    def relay(self) -> Relay:
        try:
            relay = Relay.parse(self.settings.smtp_relay)
        except ValueError as exc:
            raise DeliveryFailed(f"invalid relay URL: {exc}") from None
        if relay is None:
            raise DeliveryFailed(NO_RELAY)
        return relay

    def _outgoing(self, conversation: Conversation, first_seq: int, our_id: str) -> Outgoing:
        """The thread (opened now for a web chat whose customer left a message), the customer's last mail
        to answer, and our mail recorded for threading (once, whatever the attempts)."""
        with self.sessions.begin() as db:
            thread = db.get(MailThread, conversation.id)
            if thread is None:
                address = (conversation.contact or {}).get("email")
                if not address:
                    raise DeliveryFailed("no email address for this conversation", permanent=True)
                thread = MailThread(conversation_id=conversation.id, token=reply_token(self.key, conversation.id),
                                    address=address, subject=gettext(conversation.language, TEXTS["subject"]))
                db.add(thread)
            last_in = db.scalars(select(MailRecord).where(MailRecord.conversation_id == conversation.id,
                                                          MailRecord.direction == IN)
                                 .order_by(MailRecord.id.desc()).limit(1)).first()
            ours = db.scalars(select(MailRecord.message_id).where(
                MailRecord.conversation_id == conversation.id, MailRecord.direction == OUT,
                MailRecord.message_id != our_id).order_by(MailRecord.id)).all()
            if last_in is not None and last_in.message_id:
                references = (*(last_in.references or "").split(), last_in.message_id)
                in_reply_to: str | None = last_in.message_id
            else:
                references, in_reply_to = tuple(i for i in ours if i), (ours[-1] if ours else None)
            if not db.scalars(select(MailRecord.id).where(MailRecord.message_id == our_id,
                                                          MailRecord.direction == OUT)).first():
                db.add(MailRecord(conversation_id=conversation.id, direction=OUT, message_id=our_id, first_seq=first_seq))
            return Outgoing(thread.address, thread.subject, thread.token, in_reply_to,
                            tuple(dict.fromkeys(references))[-MAX_REFERENCES:])

    async def send(self, conversation: Conversation, messages: Sequence[Message]) -> None:
        wanted = [m for m in messages if mailable(m)]
        if not wanted:
            return  # nothing a mail would carry (a clarification's buttons, "agent joined"): settled as it is
        relay = self.relay()
        our_id = message_id(self.key, conversation.id, wanted[0].seq, self.domain)
        try:
            out = await to_thread.run_sync(self._outgoing, conversation, wanted[0].seq, our_id)
        except IntegrityError:  # two workers opened the thread at once: the other one's is there now
            out = await to_thread.run_sync(self._outgoing, conversation, wanted[0].seq, our_id)
        try:
            mail = compose(self.settings, conversation, wanted, out, our_id)
        except (HeaderInjection, ValueError) as exc:
            raise DeliveryFailed(f"refused to write the mail: {exc}", permanent=True) from None
        await self.deliver(relay, mail, out.to)
        log.info("mail sent", extra={"conversation_id": conversation.id, "seqs": [m.seq for m in wanted]})

    async def deliver(self, relay: Relay, mail: EmailMessage, to: str) -> None:
        context = ssl.create_default_context() if relay.tls or relay.starttls else None
        try:
            await aiosmtplib.send(mail, sender=self.settings.email_address, recipients=[to], hostname=relay.host,
                                  port=relay.port, username=relay.username, password=relay.password,
                                  use_tls=relay.tls, start_tls=relay.starttls if not relay.tls else False,
                                  tls_context=context, timeout=self.settings.smtp_timeout_s)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed(f"relay refused the recipient: {exc}", permanent=True) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryFailed(f"relay answered {exc.code}: {exc.message}"[:300],
                                 permanent=500 <= exc.code < 600 and exc.code not in (552,)) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryFailed(f"relay unreachable: {type(exc).__name__}: {exc}"[:300]) from None

    async def startup(self) -> None:
        if self.settings.smtp_relay:
            try:
                Relay.parse(self.settings.smtp_relay)
            except ValueError as exc:
                log.error("%s", exc)
        else:
            log.warning("SMTP_RELAY is not set: outbound mail stays in the outbox (%s)", NO_RELAY)
        start = getattr(self.receiver, "start", None)
        if start is not None:
            await start()

    async def shutdown(self) -> None:
        stop = getattr(self.receiver, "stop", None)
        if stop is not None:
            await stop()
