"""Conversation tokens: the customer's credential for one conversation, on every channel.

A token is `<conversation id>.<expiry, unix seconds>.<HMAC-SHA256 of both>`, signed with the product's
key, so any worker can check it without a lookup. The id alone opens nothing; a token opens only its own
conversation and only until it expires (a web chat that resumes gets a fresh one).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time


def _mac(key: bytes, body: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, body.encode(), hashlib.sha256).digest()).decode().rstrip("=")


def issue(key: bytes, conversation_id: str, ttl_s: int, now: float | None = None) -> str:
    body = f"{conversation_id}.{int((time.time() if now is None else now) + ttl_s)}"
    return f"{body}.{_mac(key, body)}"


def verify(key: bytes, token: object, now: float | None = None) -> str | None:
    """The conversation id the token was issued for, or None for a forged, altered or expired token."""
    if not isinstance(token, str) or token.count(".") < 2 or len(token) > 200 or not token.isascii():
        return None
    body, mac = token.rsplit(".", 1)
    conversation_id, expires = body.rsplit(".", 1)
    if not hmac.compare_digest(_mac(key, body), mac) or not expires.isdigit():
        return None
    return conversation_id if int(expires) > (time.time() if now is None else now) else None
