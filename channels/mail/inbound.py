"""One received mail → an `InboundMail`: process it, ignore it, or reject it, and why.

The SMTP receiver and `assistant email parse FILE.eml` both call `parse`, so any real message can be
checked by hand. Ignored: bounces, auto-replies, mailing lists and our own mail (no loops); rejected: too
large, not a mail, no sender. A processed mail carries only the customer's new text (`channels.mail.reply`),
with identity codes, IBANs and card numbers masked (`nlu.personal_data`) in it, in the subject, the
sender's name and attachment names. The raw mail is never logged. Reasons are stable codes, listed in
`docs/email.md`.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses
from typing import TYPE_CHECKING, Literal

from assistant.language import decides
from channels.mail import mime
from channels.mail.mime import Attachment
from channels.mail.reply import new_text
from nlu.personal_data import Kind, mask, without_masks

if TYPE_CHECKING:
    from assistant.content import ContentProvider

__all__ = ["Attachment", "InboundMail", "parse", "smtp_reply"]

log = logging.getLogger(__name__)

Action = Literal["process", "ignore", "reject"]
TOKEN = r"[A-Za-z0-9_-]{6,32}"
SUBJECT_TOKEN = re.compile(rf"\[#({TOKEN})\]")
PLUS_TOKEN = re.compile(rf"^{TOKEN}$")
MSG_ID = re.compile(r"<[^<>\s]{1,250}>")
AUTO_SUBJECT = re.compile(r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office|automaattinen vastaus|"
                          r"poissaoloilmoitus|automatiskt svar|autosvar|frånvaromeddelande)\b", re.I)
FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|vl|vb|wg|tr)\s*:", re.I)
BOUNCE_LOCAL = {"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"}
MAX_SUBJECT = 998
MAX_REFERENCES = 50
# a word a Finnish or Swedish text hardly has: the product's detector knows fi and sv only
ENGLISH = frozenset({
    "the", "and", "is", "are", "you", "your", "my", "with", "would", "could", "should", "can", "how", "what", "when",
    "where", "which", "please", "this", "that", "have", "has", "do", "does", "about", "for", "from", "our", "we",
    "will", "there", "their", "been", "any", "apply"})
WORD = re.compile(r"[^\W\d_]+")
SMTP = {"too_large": (552, "5.3.4 Message size exceeds fixed limit"),
        "unparseable": (554, "5.6.0 Message could not be read"),
        "no_sender": (550, "5.1.7 Missing sender address")}


@dataclass(frozen=True)
class InboundMail:
    action: Action
    reason: str | None
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    sender: str                  # address, lower-cased ("" when there is none)
    sender_name: str | None
    recipients: tuple[str, ...]  # To and Cc, lower-cased
    subject: str
    text: str                    # the new text only, personal data masked; "" unless processed
    language: str | None         # fi, sv, en; None when too short to tell or not processed
    attachments: tuple[Attachment, ...]
    content_hash: str            # sha256 of sender + subject + text, normalised: a resend has the same one
    reply_token: str | None      # "[#token]" in the subject or neuvo+token@… among the recipients
    masked_count: int


def smtp_reply(mail: InboundMail) -> tuple[int, str]:
    """What the receiver answers at the end of DATA: a refusal for `reject`, else accepted (ignored
    mail is accepted and dropped, so that no one is sent a bounce about an auto-reply)."""
    return SMTP.get(mail.reason or "", (554, "5.6.0 Message refused")) if mail.action == "reject" else (250, "2.0.0 OK")


def parse(raw: bytes, envelope_sender: str | None, own_address: str, max_bytes: int,
          content: ContentProvider | None = None) -> InboundMail:
    """`envelope_sender`: SMTP MAIL FROM ("" is the null sender of bounces; None when unknown).
    `max_bytes`: 0 = no limit. `content`: the content provider whose detector tells the language
    (None: no language)."""
    try:
        mail = _parse(raw, envelope_sender, own_address.strip().lower(), max_bytes, content)
    except Exception as exc:  # a bug must not drop a customer's mail silently: it is refused and logged
        log.error("mail could not be parsed (%d bytes): %s", len(raw), type(exc).__name__)  # not the mail's text
        mail = _empty("reject", "unparseable")
    if mail.reason is not None:
        level = logging.WARNING if mail.action == "reject" else logging.INFO
        log.log(level, "mail %s: %s (message-id %s, %d bytes, %d attachments)", mail.action, mail.reason,
                mail.message_id, len(raw), len(mail.attachments))
    return mail


def _parse(raw: bytes, envelope_sender: str | None, own: str, max_bytes: int,
           content: ContentProvider | None) -> InboundMail:
    if max_bytes and len(raw) > max_bytes:
        headers = mime.read_headers(raw)
        return _with_headers(_empty("reject", "too_large"), headers, own) if headers is not None else _empty("reject", "too_large")
    message = mime.read(raw)
    if message is None or not any(message.get(h) for h in ("from", "to", "subject", "date", "message-id")):
        return _empty("reject", "unparseable")
    base = _with_headers(_empty("process", None), message, own)
    ignored = _ignored(message, base, envelope_sender, own)
    if ignored:
        return _finish(base, "ignore", ignored)
    if not base.sender:
        if envelope_sender and "@" in envelope_sender:
            base = _replace(base, sender=envelope_sender.strip().strip("<>").lower())
        else:
            return _finish(base, "reject", "no_sender")
    body = mime.body(message)
    found = new_text(body.text, forward=bool(FORWARD_SUBJECT.match(base.subject)))
    masked = mask(found.text)
    masked_names = [mask(a.filename) if a.filename else None for a in body.attachments]
    attachments = tuple(Attachment(m.text if m else None, a.content_type, a.size, a.executable)
                        for a, m in zip(body.attachments, masked_names))
    count = base.masked_count + masked.count + sum(m.count for m in masked_names if m)
    mail = _replace(base, text=masked.text, attachments=attachments, masked_count=count,
                    language=_language(masked.text, content))
    if not mail.text:
        if attachments:
            return _finish(mail, "process", "attachments_only")
        return _finish(mail, "reject" if body.broken or body.truncated else "ignore",
                       "unparseable" if body.broken or body.truncated else "empty")
    reason = ("truncated" if body.truncated else "broken_mime" if body.broken else
              "charset_guessed" if body.charset_guessed else "forwarded" if found.forwarded else None)
    return _finish(mail, "process", reason)


def _ignored(message: EmailMessage, mail: InboundMail, envelope_sender: str | None, own: str) -> str | None:
    """Mail nobody should answer: answering it would loop or reach no one."""
    local = mail.sender.split("@")[0]
    if (message.get_content_type() == "multipart/report" or envelope_sender is not None and envelope_sender.strip() in ("", "<>")
            or local in BOUNCE_LOCAL or message.get("x-failed-recipients")):
        return "bounce"
    if _is_own(mail.sender, own) or (envelope_sender and _is_own(envelope_sender.strip().strip("<>").lower(), own)):
        return "own_address"
    auto = mime.header(message, "auto-submitted").lower()
    precedence = (mime.header(message, "precedence") or mime.header(message, "x-precedence")).lower()
    if ((auto and not auto.startswith("no")) or any(message.get(h) for h in ("x-autoreply", "x-autorespond", "x-auto-reply"))
            or precedence in ("bulk", "junk", "auto_reply") or AUTO_SUBJECT.match(mail.subject)):
        return "auto_reply"
    if precedence == "list" or any(message.get(h) for h in ("list-id", "list-unsubscribe", "list-post", "mailing-list")):
        return "mailing_list"
    return None


def _is_own(address: str, own: str) -> bool:
    local, _, domain = address.partition("@")
    own_local, _, own_domain = own.partition("@")
    return bool(domain) and domain == own_domain and local.split("+", 1)[0] == own_local


def _with_headers(mail: InboundMail, message: EmailMessage, own: str) -> InboundMail:
    sender, name = _address(mime.header(message, "from"))
    subject = " ".join(unicodedata.normalize("NFC", mime.header(message, "subject")).split())[:MAX_SUBJECT]
    masked_subject, masked_name = mask(subject), mask(name) if name else None
    addresses = [a for _, a in getaddresses([mime.header(message, "to"), mime.header(message, "cc")]) if "@" in a]
    recipients = tuple(a.lower() for a in addresses)
    message_id = next(iter(MSG_ID.findall(mime.header(message, "message-id"))), None)
    if message_id and _carries_identity_code(message_id):  # keep only a digest of it (threading then relies on the token)
        message_id = "<sha256." + hashlib.sha256(message_id.encode()).hexdigest() + ">"
    references = tuple(MSG_ID.findall(mime.header(message, "references")))[-MAX_REFERENCES:]
    in_reply_to = next(iter(MSG_ID.findall(mime.header(message, "in-reply-to"))), None)
    return _replace(mail, sender=sender, sender_name=masked_name.text if masked_name else None, recipients=recipients,
                    subject=masked_subject.text, message_id=message_id, references=references, in_reply_to=in_reply_to,
                    reply_token=_token(addresses, subject, own),
                    masked_count=masked_subject.count + (masked_name.count if masked_name else 0))


def _carries_identity_code(message_id: str) -> bool:
    """A checksum-valid identity code in a Message-ID. Machine-made ids are full of long digit runs, and a
    tenth of them pass a card number's Luhn check: masking those would break threading for nothing."""
    return any(f.kind == Kind.IDENTITY_CODE and f.valid for f in mask(message_id).findings)


def _address(value: str) -> tuple[str, str | None]:
    try:
        pairs = getaddresses([value])
    except Exception:
        return "", None
    for name, address in pairs:
        if "@" in address:
            try:
                Address(addr_spec=address)
            except Exception:
                continue
            return address.lower(), " ".join(name.split()) or None
    return "", None


def _token(recipients: list[str], subject: str, own: str) -> str | None:
    """The token keeps its case: only the address around it is compared case-blind."""
    own_local, _, own_domain = own.partition("@")
    for address in recipients:
        local, _, domain = address.partition("@")
        base, plus, tag = local.partition("+")
        if plus and base.lower() == own_local and domain.lower() == own_domain and PLUS_TOKEN.match(tag):
            return tag
    found = SUBJECT_TOKEN.search(subject)
    return found.group(1) if found else None


def _language(text: str, content: ContentProvider | None) -> str | None:
    """fi or sv by the product's detector, en by its function words; None under two words or unsure."""
    words = WORD.findall(without_masks(text).lower())
    if len(words) < 2 or content is None:
        return None
    if sum(w in ENGLISH for w in words) >= max(2, len(words) // 6):
        return "en"
    detector = content.current().detector
    found = detector.detect(without_masks(text))
    return found.language if found is not None and decides(detector, without_masks(text)) else None


def _normalised(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def _finish(mail: InboundMail, action: Action, reason: str | None) -> InboundMail:
    if action != "process":
        mail = _replace(mail, text="", language=None, attachments=())
    digest = hashlib.sha256("\n".join(_normalised(v) for v in (mail.sender, mail.subject, mail.text)).encode()).hexdigest()
    return _replace(mail, action=action, reason=reason, content_hash=digest)


def _empty(action: Action, reason: str | None) -> InboundMail:
    return _finish(InboundMail(action, reason, None, None, (), "", None, (), "", "", None, (), "", None, 0), action, reason)


def _replace(mail: InboundMail, **changes: object) -> InboundMail:
    return replace(mail, **changes)  # type: ignore[arg-type]
