"""What the edge lets in: text normalised and checked, and the small typed values every channel reads.

Every REST body, web chat frame, console body and header value passes one of these types before the
inside sees it, so the inside never meets a dict where a region belongs, a float where a `seq` belongs,
or a character no database or log can hold.

Text policy (docs/architecture.md, "Input at the edge"):
- NFC: "ä" typed as a + combining diaeresis is stored as the one character a search finds;
- every line break (CR LF, CR, VT, FF, NEL, U+2028, U+2029) becomes "\\n"; tab and newline stay;
- a lone surrogate or any other control character (C0, DEL, C1, NUL included) is *refused* with
  `invalid_characters`, never silently dropped: what the customer sees must be what is stored, and
  neither UTF-8 (a lone surrogate) nor PostgreSQL text (NUL) can hold them.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from nlu.regions import registry

#: Validation error types that are answered with their own code (a translated text in assistant.api.ERRORS):
#: the types below raise the first two; pydantic itself refuses a lone surrogate in a length-checked string.
OWN_CODES = {"invalid_characters": "invalid_characters", "invalid_region": "invalid_region",
             "string_unicode": "invalid_characters"}

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_REFUSED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def normalise(value: str) -> str:
    """The text as it is stored: NFC, "\\n" line breaks; refused when it holds a surrogate or control."""
    value = _LINE_BREAKS.sub("\n", value)
    if _REFUSED.search(value):
        raise PydanticCustomError("invalid_characters", "the text holds a lone surrogate or a control character")
    return unicodedata.normalize("NFC", value)


def known_region(value: str) -> str:
    if value not in registry():
        raise PydanticCustomError("invalid_region", "not a region code (01 … 21)")
    return value


Text = Annotated[str, AfterValidator(normalise)]
#: A client's id for a message (idempotency key): 1–64 characters.
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(normalise)]
Language = Literal["fi", "sv", "en"]
#: A region code of the registry ("15" Pohjanmaa / Österbotten), never free text.
RegionCode = Annotated[str, StringConstraints(max_length=20), AfterValidator(known_region)]
#: A sequence number as the database holds it (a JSON integer, not 1e30 nor true).
Seq = Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)]
#: A conversation token or a CSRF token: URL-safe ASCII, bounded.
TokenText = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._~-]+$")]
#: What a conversation id can be (a UUID); anything else names no conversation.
ConversationId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$")]

_TOKEN = TypeAdapter(TokenText)
_CONVERSATION_ID = TypeAdapter(ConversationId)
MAX_HEADER_CHARS = 512  # an Accept-Language longer than this is no browser's


def token(value: str | None) -> str | None:
    """A token header value (CSRF, or the credentials of `Authorization: Bearer`), or None if malformed."""
    try:
        return _TOKEN.validate_python(value.strip()) if isinstance(value, str) else None
    except ValidationError:
        return None


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, credentials = (header or "").partition(" ")
    return token(credentials) if scheme.lower() == "bearer" else None


def conversation_id(value: str) -> str | None:
    try:
        return _CONVERSATION_ID.validate_python(value)
    except ValidationError:
        return None


def accept_language(header: str | None) -> str | None:
    """The Accept-Language header if it can be one (bounded, printable ASCII); None otherwise."""
    if header is None or len(header) > MAX_HEADER_CHARS or not header.isascii() or not header.isprintable():
        return None
    return header


def error_code(errors: Iterable[Mapping[str, Any]], by_field: Mapping[str, str], default: str) -> str:
    """The one error code to answer a failed validation with: a type's own code (invalid_characters, …)
    first, then the code of the first field that failed (`by_field`), else `default`."""
    errors = list(errors)
    for error in errors:
        if error.get("type") in OWN_CODES:
            return OWN_CODES[error["type"]]
    for error in errors:
        for part in error.get("loc", ()):
            if isinstance(part, str) and part in by_field:
                return by_field[part]
    return default
