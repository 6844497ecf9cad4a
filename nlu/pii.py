"""Mask Finnish personal identity codes (henkilötunnus) before text is stored, logged or trained on."""
from __future__ import annotations

import re

# DDMMYY, century sign (+, -, A–F, U–Y since 2023), individual number, check character.
HETU = re.compile(r"(?<![0-9A-Za-z])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])(\d{2})\s?([-+A-FU-Ya-fu-y])\s?(\d{3})([0-9A-Ya-y])(?![0-9A-Za-z])")
MASK = "[henkilötunnus]"


def mask_personal_codes(text: str) -> tuple[str, int]:
    """Return the text with every identity-code-shaped token masked, and how many were masked.

    The check character is not verified on purpose: a mistyped code is still personal data.
    """
    return HETU.subn(MASK, text)
