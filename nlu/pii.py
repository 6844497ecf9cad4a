"""Mask personal data (identity codes, IBANs, card numbers) before text is stored, logged or trained on.

The entry point every call site uses; the rules and the spaCy pipelines are in `nlu.personal_data`.
"""
from __future__ import annotations

from nlu.personal_data import MASKS, Kind, mask

MASK = MASKS[Kind.IDENTITY_CODE]


def mask_personal_codes(text: str, lang: str = "fi") -> tuple[str, int]:
    """Return the text with every identity code, IBAN and card number masked, and how many were masked.

    Code-shaped identity codes and IBANs are masked whether or not their checksum holds: a mistyped code
    is still personal data. Business IDs, dates, phone numbers and amounts are left as they are."""
    result = mask(text, lang)
    return result.text, result.count
