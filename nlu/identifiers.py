"""Identifiers customers type into a chat: the business ID (Y-tunnus) of their company.

The regex only finds candidates in free text; python-stdnum decides whether one is a real business ID,
so the check-digit rule lives in a maintained library and not in our code.
"""
from __future__ import annotations

import re

from stdnum.fi import ytunnus

# Seven digits, a dash (a space either side allowed), the check digit. [0-9], not \d: a business ID is
# written in ASCII digits, and stdnum refuses others.
_CANDIDATE = re.compile(r"\b([0-9]{7})\s?-\s?([0-9])\b")


def valid_business_id(text: str) -> str | None:
    """The first business ID in the text whose check digit is right, as 1234567-8; None if there is none."""
    for digits, check in _CANDIDATE.findall(text):
        if ytunnus.is_valid(digits + check):
            return ytunnus.format(digits + check)
    return None
