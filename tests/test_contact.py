"""Contact details left with a message or a call-back request: checked and normalised by libraries."""
from __future__ import annotations

import pytest

from handoff.contact import valid_email, valid_phone

pytestmark = pytest.mark.handoff


@pytest.mark.parametrize("value, normalised", [
    ("maija@example.fi", "maija@example.fi"),
    ("  maija@example.fi\n", "maija@example.fi"),
    ("Maija.Meikalainen@Yritys.FI", "Maija.Meikalainen@yritys.fi"),  # the domain is case-insensitive
    ("matti.meikäläinen@yritys.fi", "matti.meikäläinen@yritys.fi"),
    ("neuvonta+starttiraha@kunta.ax", "neuvonta+starttiraha@kunta.ax"),
])
def test_usable_addresses_are_normalised(value, normalised):
    assert valid_email(value) == normalised


@pytest.mark.parametrize("value", [
    "", "maija@", "@example.fi", "not-an-address", "maija@example", "maija@@example.fi", "maija @example.fi",
    "maija@example..fi", "maija@example.fi.", "maija@localhost", "maija@palvelin.test", "+358 40 1234567",
    None, 42, ["maija@example.fi"],
])
def test_unusable_addresses_are_refused(value):
    assert valid_email(value) is None


@pytest.mark.parametrize("value, e164", [
    ("+358 40 1234567", "+358401234567"),
    ("040 123 4567", "+358401234567"),   # no country code: a Finnish number
    ("040-1234567", "+358401234567"),
    ("00358 40 123 4567", "+358401234567"),
    ("(09) 1234 5678", "+358912345678"),  # a Helsinki landline
    ("+46 70 123 45 67", "+46701234567"),  # a Swedish mobile
    (" 0401234567 ", "+358401234567"),
])
def test_phone_numbers_are_given_in_e164(value, e164):
    assert valid_phone(value) == e164


@pytest.mark.parametrize("value", [
    "", "abc", "123", "112", "maija@example.fi", "040 123 4567 abc", "040 123 4567 ext 12", "+358 00",
    None, 401234567, ("040", "1234567"),
])
def test_unusable_phone_numbers_are_refused(value):
    assert valid_phone(value) is None
