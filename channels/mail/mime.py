"""The MIME structure of a received mail: its headers, its text and its attachments, from whatever a
client sent.

Senders get charsets wrong (Latin-1 declared as US-ASCII or UTF-8, raw 8-bit headers), cut messages
short and mangle boundaries, so every step here is best effort and says what it had to guess; nothing
raises. Attachments are never decoded beyond counting their bytes and reading their first ones: only
their name, size and type leave this module.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from email import errors, policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from channels.mail.html_text import html_to_text

MAX_DEPTH = 20         # nested multiparts followed
MAX_PARTS = 500        # parts read; the rest of a pathological message is left alone
MAX_ATTACHMENTS = 100  # attachments listed
MAX_FILENAME = 200

# Labels that mean "Western European, 8 bits" (or nothing): such text is UTF-8 when it decodes as UTF-8
# (Latin-1 text practically never does), else Windows-1252, of which Latin-1 is a subset as browsers treat it.
_WESTERN = {"ascii", "latin_1", "iso8859_15", "cp1252"}
_EXECUTABLE_EXT = {"exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "js", "jse", "vbs", "vbe", "wsf", "wsh",
                   "ps1", "jar", "lnk", "hta", "cpl", "dll", "reg", "sh", "app", "apk", "iso", "img"}
_EXECUTABLE_TYPES = {"application/x-msdownload", "application/x-msdos-program", "application/x-executable",
                     "application/x-dosexec", "application/x-sh", "application/java-archive", "application/x-msi",
                     "application/vnd.microsoft.portable-executable", "application/hta", "application/javascript"}
_STRUCTURE_DEFECTS = (errors.StartBoundaryNotFoundDefect, errors.NoBoundaryInMultipartDefect,
                      errors.MultipartInvariantViolationDefect, errors.MissingHeaderBodySeparatorDefect,
                      errors.InvalidMultipartContentTransferEncodingDefect, errors.InvalidBase64CharactersDefect,
                      errors.InvalidBase64PaddingDefect, errors.InvalidBase64LengthDefect)
_BOUNDARY_LINE = re.compile(r"^--([^\s]{1,70}?)[ \t\r]*$", re.M)
_PARSER = BytesParser(policy=policy.default)


@dataclass(frozen=True)
class Attachment:
    """What an agent is shown of an attachment; its content is never kept, rendered or run."""
    filename: str | None
    content_type: str
    size: int                 # bytes, decoded
    executable: bool = False  # by its name, declared type or first bytes: agents are warned


@dataclass
class Body:
    """The text parts in order, as text (HTML converted), and the attachments."""
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    charset_guessed: bool = False
    truncated: bool = False
    broken: bool = False
    parts: int = 0


def read(raw: bytes) -> EmailMessage | None:
    try:
        message = _PARSER.parsebytes(raw)
    except Exception:  # the parser is lenient; anything it still cannot take is no mail
        return None
    assert isinstance(message, EmailMessage)
    return message


def read_headers(raw: bytes) -> EmailMessage | None:
    """Only the headers (a refused message is not read further)."""
    try:
        message = _PARSER.parsebytes(raw[:65536], headersonly=True)
    except Exception:
        return None
    assert isinstance(message, EmailMessage)
    return message


def decode_text(payload: bytes, declared: str | None) -> tuple[str, bool]:
    """The text of a part, and whether its charset had to be guessed (unknown, missing or wrong label)."""
    if payload.isascii():
        return payload.decode("ascii"), False
    codec = _codec(declared)
    if codec is None or codec in _WESTERN:
        try:
            return payload.decode("utf-8"), True
        except UnicodeDecodeError:
            pass
    if codec in ("ascii", "latin_1"):
        try:
            return payload.decode("cp1252"), codec == "ascii"
        except UnicodeDecodeError:
            return payload.decode("latin-1"), codec == "ascii"
    if codec is not None:
        try:
            return payload.decode(codec), False
        except (UnicodeDecodeError, LookupError):  # a wrong label, or no text encoding at all (zlib_codec)
            pass
    for fallback in ("utf-8", "cp1252"):
        try:
            return payload.decode(fallback), True
        except UnicodeDecodeError:
            pass
    return payload.decode("latin-1"), True


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip('"')).name.replace("-", "_")
    except (LookupError, ValueError):
        return None
    return "latin_1" if name == "iso8859_1" else name


def header(message: Message, name: str) -> str:
    """A header's decoded value: RFC 2047 words decoded, raw 8-bit bytes read as UTF-8 or Windows-1252."""
    for key, value in message.raw_items():
        if key.lower() != name.lower():
            continue
        if any("\udc80" <= c <= "\udcff" for c in value):
            raw = value.encode("ascii", "surrogateescape")
            return " ".join(decode_text(raw, None)[0].split())
        try:
            return " ".join(str(message.policy.header_factory(key, value)).split())  # type: ignore[attr-defined]
        except Exception:
            return " ".join(value.split())
    return ""


def body(message: EmailMessage) -> Body:
    result = Body()
    _collect(message, result, 0)
    result.text = result.text.strip("\n")
    return result


def _collect(part: Message, result: Body, depth: int) -> None:
    result.parts += 1
    if depth > MAX_DEPTH or result.parts > MAX_PARTS:
        result.broken = True
        return
    if any(isinstance(d, errors.CloseBoundaryNotFoundDefect) for d in part.defects):
        result.truncated = True
    if any(isinstance(d, _STRUCTURE_DEFECTS) for d in part.defects):
        result.broken = True
    ctype = part.get_content_type()
    if ctype.startswith("message/"):
        _attach(part, result)
    elif ctype.startswith("multipart/"):
        children = _children(part) if part.is_multipart() else _repaired(part)
        if children is None:
            return
        if ctype == "multipart/alternative":
            _alternative(children, result, depth)
        else:
            for child in children:
                _collect(child, result, depth + 1)
    elif _is_attachment(part) or ctype not in ("text/plain", "text/html"):
        _attach(part, result)
    else:
        payload = _payload(part)
        text, guessed = decode_text(payload, part.get_content_charset())
        result.charset_guessed |= guessed
        if any(isinstance(d, _STRUCTURE_DEFECTS) for d in part.defects):  # found while decoding base64
            result.broken = True
        if ctype == "text/html":
            text = html_to_text(text)
        if text.strip():
            result.text += ("\n\n" if result.text else "") + text


def _alternative(children: list[Message], result: Body, depth: int) -> None:
    """The plain text when the client sent one with any content, else the richest other version."""
    versions: list[tuple[str, Body]] = []
    for child in children:
        version = Body(parts=result.parts)
        _collect(child, version, depth + 1)
        result.parts = version.parts
        result.truncated |= version.truncated
        result.broken |= version.broken
        versions.append((child.get_content_type(), version))
    plain = [v for t, v in versions if t == "text/plain" and v.text.strip()]
    rich = [v for _, v in reversed(versions) if v.text.strip() or v.attachments]
    chosen = plain[0] if plain else rich[0] if rich else None
    if chosen is None:
        return
    if chosen.text:
        result.text += ("\n\n" if result.text else "") + chosen.text
    result.attachments += chosen.attachments
    result.charset_guessed |= chosen.charset_guessed


def _repaired(part: Message) -> list[Message] | None:
    """A multipart whose declared boundary is missing or wrong: read it with the boundary its body uses."""
    payload = _payload(part)
    text = payload.decode("latin-1")  # one byte, one character: only the boundary lines are read
    found = next((m.group(1) for m in _BOUNDARY_LINE.finditer(text) if not m.group(1).endswith("--") and '"' not in m.group(1)), None)
    if found is None:
        return None
    head = f'Content-Type: {part.get_content_type()}; boundary="{found}"\r\n\r\n'.encode("latin-1")
    again = read(head + payload)
    return _children(again) if again is not None and again.is_multipart() else None


def _children(part: Message) -> list[Message] | None:
    payload = part.get_payload()
    return [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else None


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or bool(part.get_param("filename", header="content-disposition"))


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def _attach(part: Message, result: Body) -> None:
    if len(result.attachments) >= MAX_ATTACHMENTS:
        return
    ctype = part.get_content_type()
    if ctype.startswith("message/"):
        try:
            size = len(part.as_bytes())
        except Exception:
            size = 0
        data = b""
    else:
        data = _payload(part)
        size = len(data)
    name = _filename(part)
    ext = name.rsplit(".", 1)[-1].lower() if name and "." in name else ""
    executable = ext in _EXECUTABLE_EXT or ctype in _EXECUTABLE_TYPES or data[:2] == b"MZ" or data[:4] == b"\x7fELF"
    result.attachments.append(Attachment(name, ctype, size, executable))


def _filename(part: Message) -> str | None:
    """The attachment's name as shown to an agent: no directories, no control characters, bounded."""
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name and part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0) if part.is_multipart() else None
        subject = header(inner, "subject") if isinstance(inner, Message) else ""
        name = f"{subject or 'message'}.eml"
    if not name:
        return None
    if any("\udc80" <= c <= "\udcff" for c in name):
        name = decode_text(name.encode("ascii", "surrogateescape"), None)[0]
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = " ".join(unicodedata.normalize("NFC", name).split())[:MAX_FILENAME].strip(". ")
    return name or None
