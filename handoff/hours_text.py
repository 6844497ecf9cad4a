"""Opening times as a customer reads them, in their language ("ma 30.11. klo 8.00", "mån 30.11 kl. 8.00")."""
from __future__ import annotations

import datetime as dt

from babel.dates import format_datetime

PATTERNS = {"fi": "EEE d.M. 'klo' H.mm", "sv": "EEE d.M 'kl.' H.mm", "en": "EEE d MMM 'at' HH:mm"}


def when(moment: dt.datetime, lang: str) -> str:
    return format_datetime(moment, PATTERNS.get(lang, PATTERNS["en"]), tzinfo=moment.tzinfo, locale=lang)
