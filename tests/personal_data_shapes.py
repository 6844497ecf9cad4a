"""The table of personal-data shapes the privacy tests send everywhere: what a customer may type, what the
layer must make of it, and the near-misses it must leave alone. Shared by the unit and end-to-end tests."""
from __future__ import annotations

import re
from dataclasses import dataclass

HETU, IBAN, CARD = "[henkilötunnus]", "[tilinumero]", "[korttinumero]"
ZWSP, ZWJ, WJ, NBH, SHY = "\u200b", "\u200d", "\u2060", "\u2011", "\u00ad"


@dataclass(frozen=True)
class Shape:
    value: str                 # as the customer types it
    kind: str | None           # IDENTITY_CODE, IBAN, CARD, BUSINESS_ID, or None for a near-miss
    masked: str | None = None  # what the value becomes; None: the mask of its kind (or itself when kept)
    valid: bool = True         # whether its checksum holds (a mistyped code is masked all the same)

    @property
    def expected(self) -> str:
        if self.masked is not None:
            return self.masked
        return {"IDENTITY_CODE": HETU, "IBAN": IBAN, "CARD": CARD}.get(self.kind or "", self.value)

    @property
    def personal(self) -> bool:
        return self.kind in ("IDENTITY_CODE", "IBAN", "CARD")

    @property
    def needles(self) -> set[str]:
        """What must not be found anywhere once it was sent: the value as typed, without its invisible
        characters, and its digits alone."""
        visible = re.sub(r"[\u200b-\u200f\u2060\u00ad\ufeff]", "", self.value)
        digits = re.sub(r"[^0-9]", "", self.value)
        return {self.value, visible, *([digits] if len(digits) >= 6 else [])}


IDENTITY_CODES = [
    Shape("131052-308T", "IDENTITY_CODE"),
    Shape("131052-308 T", "IDENTITY_CODE"),                      # a space before the check character
    Shape("HETU131052-308T", "IDENTITY_CODE", "HETU" + HETU),    # glued to letters before
    Shape("131052-308Tkiitos", "IDENTITY_CODE", HETU + "kiitos"),  # and after
    Shape("131052\u2013308T", "IDENTITY_CODE"),                  # en dash as the century sign
    Shape(f"131052{NBH}308T", "IDENTITY_CODE"),                  # non-breaking hyphen
    Shape("131052\u2014308T", "IDENTITY_CODE"),                  # em dash
    Shape("131052\u2212308T", "IDENTITY_CODE"),                  # minus sign
    Shape("131052\u2010308T", "IDENTITY_CODE"),                  # hyphen
    Shape("131052\uff0d308T", "IDENTITY_CODE"),                  # full-width hyphen-minus
    Shape("131052308T", "IDENTITY_CODE"),                        # no separator
    Shape(f"1310{ZWSP}52-308T", "IDENTITY_CODE"),                # zero-width space inside
    Shape(f"131052-{ZWJ}308T", "IDENTITY_CODE"),                 # zero-width joiner
    Shape(f"131052{WJ}-308{WJ}T", "IDENTITY_CODE"),              # word joiners
    Shape(f"13105{SHY}2-308T", "IDENTITY_CODE"),                 # soft hyphen
    Shape("131052-308t", "IDENTITY_CODE"),                       # lower case
    Shape("13.10.52-308T", "IDENTITY_CODE"),                     # the date written with dots
    Shape("131052 - 308T", "IDENTITY_CODE"),                     # spaces around the sign
    Shape("13/10/52-308T", "IDENTITY_CODE"),                     # ... or slashes
    Shape("131052/308T", "IDENTITY_CODE"),                       # a slash, a dot or an underscore for the sign
    Shape("131052.308T", "IDENTITY_CODE"),
    Shape("131052_308T", "IDENTITY_CODE"),
    Shape("\uff11\uff13\uff11\uff10\uff15\uff12-\uff13\uff10\uff18\uff34", "IDENTITY_CODE"),  # full-width
    Shape("010594Y987S", "IDENTITY_CODE"),                       # the 2023 century signs: Y X W V U (1900s)
    Shape("020305X1240", "IDENTITY_CODE"),
    Shape("111199W222N", "IDENTITY_CODE"),
    Shape("250788V345L", "IDENTITY_CODE"),
    Shape("300370U5674", "IDENTITY_CODE"),
    Shape("140516A345A", "IDENTITY_CODE"),                       # A and the 2023 B C D E F (2000s)
    Shape("010101B123N", "IDENTITY_CODE"),
    Shape("290204C6787", "IDENTITY_CODE"),
    Shape("310710D456X", "IDENTITY_CODE"),
    Shape("150622E789M", "IDENTITY_CODE"),
    Shape("071223F321F", "IDENTITY_CODE"),
    Shape("140516a345a", "IDENTITY_CODE"),
    Shape("120899+456E", "IDENTITY_CODE"),                       # + (1800s)
    Shape("220464-9010", "IDENTITY_CODE"),                       # a digit as the check character
    Shape("2204649010", "IDENTITY_CODE"),                        # ... and no separator (checksum holds)
    Shape("131052-308U", "IDENTITY_CODE", valid=False),          # mistyped: wrong check character
    Shape("131052-309T", "IDENTITY_CODE", valid=False),          # wrong individual number
    Shape("321352-308T", "IDENTITY_CODE", valid=False),          # impossible date
    Shape("290223-123X", "IDENTITY_CODE", valid=False),          # 29 February of a common year
    Shape("131052-308", "IDENTITY_CODE", valid=False),           # check character missing
    Shape("131052-30T", "IDENTITY_CODE", valid=False),           # a digit missing
    Shape("131052-3088T", "IDENTITY_CODE", valid=False),         # a digit too many
]
IBANS = [
    Shape("FI21 1234 5600 0007 85", "IBAN"),
    Shape("FI2112345600000785", "IBAN"),
    Shape("fi21 1234 5600 0007 85", "IBAN"),
    Shape("FI21-1234-5600-0007-85", "IBAN"),
    Shape("FI21  1234  5600  0007  85", "IBAN"),               # two spaces (form fields are not collapsed)
    Shape(f"FI21 1234 {ZWSP}5600 0007 85", "IBAN"),
    Shape("tiliFI2112345600000785", "IBAN", "tili" + IBAN),
    Shape("FI49 5000 9420 0287 30", "IBAN"),
    Shape("SE35 5000 0000 0549 1000 0003", "IBAN"),
    Shape("DE89 3704 0044 0532 0130 00", "IBAN"),
    Shape("GB29 NWBK 6016 1331 9268 19", "IBAN"),
    Shape("NO93 8601 1117 947", "IBAN"),
    Shape("EE38 2200 2210 2014 5685", "IBAN"),
    Shape("FR14 2004 1010 0505 0001 3M02 606", "IBAN"),
    Shape("FI21 1234 5600 0007 86", "IBAN", valid=False),       # wrong checksum
    Shape("FI21 1234 5600 0007 8", "IBAN", valid=False),        # a digit missing
    Shape("SE35 5000 0000 0549 1000 0004", "IBAN", valid=False),
    Shape("DE00 3704 0044 0532 0130 00", "IBAN", valid=False),
]
CARDS = [
    Shape("4111 1111 1111 1111", "CARD"),
    Shape("4111-1111-1111-1111", "CARD"),
    Shape("4111111111111111", "CARD"),
    Shape("4111  1111  1111  1111", "CARD"),
    Shape(f"4111{ZWSP}1111 1111 1111", "CARD"),
    Shape("5555 5555 5555 4444", "CARD"),
    Shape("3782 822463 10005", "CARD"),                          # Amex, 15 digits
    Shape("6011 0009 9013 9424", "CARD"),
    Shape("4000-0566-5566-5556", "CARD"),
    Shape("2223 0031 2200 3222", "CARD"),                        # Mastercard 2-series
    Shape("3530 1113 3330 0000", "CARD"),                        # JCB
    Shape("6759 6498 2643 8453", "CARD"),                        # Maestro
    Shape("4222222222222", "CARD"),                              # 13 digits
    Shape("4917 6100 0000 0000 003", "CARD"),                    # 19 digits
]
BUSINESS_IDS = [
    Shape("0737546-2", "BUSINESS_ID"),
    Shape("0112038-9", "BUSINESS_ID"),
    Shape("2331972-7", "BUSINESS_ID"),
    Shape("1572860 - 0", "BUSINESS_ID"),
    Shape("FI07375462", "BUSINESS_ID"),                          # the VAT number (ALV-numero)
]
NEAR_MISSES = [
    Shape("13.10.1952", None), Shape("13.10.52", None), Shape("2024-05-13", None), Shape("131052", None),
    Shape("13.10.\u201315.10.2024", None), Shape("klo 10\u201312", None),                        # dates, times
    Shape("040 123 4567", None), Shape("+358 40 123 4567", None), Shape("0401234567", None),
    Shape("050-1234567", None), Shape("(09) 310 1691", None), Shape("+46 8 123 456 78", None),   # phones
    Shape("1 500,00 \u20ac", None), Shape("12 345 euroa", None), Shape("1234567,89 \u20ac", None),
    Shape("\u20ac 4 111,11", None), Shape("100000-200000 \u20ac", None), Shape("150000-200 e", None),  # amounts
    Shape("00100 Helsinki", None), Shape("65100 Vaasa", None),                                   # postal codes
    Shape("123456-789", None), Shape("ORD-2024-000123", None), Shape("1234 5678 9012 3456", None),
    Shape("4111 1111 1111 1112", None), Shape("1234567890", None), Shape("2345678-1", None),     # order numbers
]
ALL = IDENTITY_CODES + IBANS + CARDS + BUSINESS_IDS + NEAR_MISSES
PERSONAL = [s for s in ALL if s.personal]

SENTENCES = {
    "fi": "Hei, minun numeroni on {v} ja haluaisin tietää starttirahasta.",
    "sv": "Hej, mitt nummer är {v} och jag vill veta mer om startpeng.",
}
