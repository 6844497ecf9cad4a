"""The contact details a customer leaves with a message or a call-back request, checked and normalised.

An agent answers by email or calls back days later: an address or number that can't be used then is a
customer lost, so the check is done by maintained libraries (email-validator, phonenumbers) rather than
by regexes, and the stored value is the normalised one agents and mail can use as it is.
"""
from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "FI"  # a number written without a country code is Finnish: 040 123 4567


def valid_email(value: object) -> str | None:
    """The normalised address (domain in lower case), or None if it is not a usable email address.

    Syntax only: there is no DNS here, and a typo'd domain is the agent's to notice."""
    if not isinstance(value, str):
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def valid_phone(value: object) -> str | None:
    """The number in E.164 form (+358401234567), or None if it is no valid phone number.

    A number with an extension is refused: E.164 can't hold the extension, and the call would miss."""
    if not isinstance(value, str):
        return None
    try:
        number = phonenumbers.parse(value.strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or number.extension:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
