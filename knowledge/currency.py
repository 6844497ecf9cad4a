"""Content currency: a catalogue text never presents a past year's amount or rule as today's.

Amounts and rules change yearly, and an answer that says "37,21 €/pv vuonna 2025" in an entry reviewed in 2026
tells the customer last year's figure as if it held now. Two rules, checked on every customer-facing text of an
entry (not on example questions or links), relative to the year of the entry's `reviewed` date:

1. A sentence with a euro amount names the year the amount is valid for.
2. A year before the reviewed year is named only as the start of a rule still in force ("1.1.2025 alkaen",
   "vuodesta 2025", "sedan 2025", "since 2025") or as history ("vuoteen 2024 asti", "oli", "tidigare",
   "until 2024"). A bare past year ("vuonna 2025", "år 2025", "in 2025", "(2025)") reads as current and fails.

The accepted forms are listed below and in docs/catalogue.md; the tests in tests/test_catalogue.py pin them.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A year, optionally as the end of a date (1.7.2023) or the start of a span (2021–2027); not part of a statute
# number (758/2021, 2003/361), a phone number or an amount.
YEAR = re.compile(
    r"(?<![\d/,])(?:\d{1,2}\.\d{1,2}\.)?(?P<year>(?:19|20)\d{2})"
    r"(?:\s*[–-]\s*(?P<end>(?:19|20)\d{2}))?(?![\d/])"
)
EURO_AMOUNT = re.compile(
    r"(?<![\w,])\d[\d\u00a0 ]*(?:,\d+)?\s*(?:milj(?:oonaa|oner)\s+|M)?(?:€|euro(?:a|n|on|lla|ina|s)?\b)", re.IGNORECASE
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CLAUSE_END = re.compile(r";\s*|,\s+")
# Product names that contain a year but say nothing about when a rule applies.
NAMES = re.compile(r"\bEURA\s+20\d{2}\b")

# "The rule has applied since this year": the year starts a period that reaches today.
SINCE_BEFORE = re.compile(
    r"(?:\bvuodesta|\bsedan(?:\s+(?:början|slutet)\s+av)?|\bfrån(?:\s+och\s+med)?(?:\s+(?:början|slutet)\s+av)?"
    r"|\bfr\.o\.m\.|\b(?:tuli|tulivat|astui)\s+voimaan|\bträdde\s+i\s+kraft|\bsince|\bfrom|\bas\s+of"
    r"|\bcame\s+into\s+force\s+on)\s*$",
    re.IGNORECASE,
)
SINCE_AFTER = re.compile(
    r"^\s*(?:alkaen|lähtien|lukien|alusta|voimaan\s+tul\w*|tai\s+(?:myöhemmin|sen\s+jälkeen)|eller\s+senare"
    r"|och\s+framåt|or\s+later|onwards)\b",
    re.IGNORECASE,
)
# "Up to this year": the year ends a period that is over.
UNTIL_BEFORE = re.compile(
    r"(?:\bvuoteen|\bennen\s+vuotta|\bennen|\bfram\s+till|\btill\s+och\s+med|\bt\.o\.m\.|\bföre|\buntil|\bbefore"
    r"|\bup\s+to)\s*$",
    re.IGNORECASE,
)
UNTIL_AFTER = re.compile(r"^\s*(?:asti|saakka|loppuun|lopussa|loppuun\s+asti)\b", re.IGNORECASE)
# Words that put a whole clause in the past: the past of "to be", the verbs that end a rule, and the past passive
# (fi "koottiin", "lakkautettiin"; sv "samlades", "slopades"), which reports a finished event.
HISTORY = re.compile(
    r"\b(?:oli|olivat|ollut|olleet|aiemmin|aikaisemmin|entinen|entis\w*|päättyi|päättyivät|poistui|poistuivat"
    r"|lakkasi|\w+(?:ttiin|[hlnrs]tiin)"
    r"|var(?!\s+(?:och|annan|tredje|fjärde|femte|sjätte))|varit|tidigare|förr|upphörde|\w+ades"
    r"|was|were|formerly|previously|ended|abolished)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Stale:
    """One currency problem in a text: what is wrong, and a token to find its line by."""

    message: str
    token: str
    occurrence: int  # which occurrence of `token` in the text (0-based), so the caller can find its line


def _is_marked(clause: str, start: int, end: int) -> bool:
    """True when the year at clause[start:end] starts a period still running or lies in a past that is over."""
    before, after = clause[:start], clause[end:]
    return bool(
        SINCE_BEFORE.search(before) or SINCE_AFTER.match(after)
        or UNTIL_BEFORE.search(before) or UNTIL_AFTER.match(after)
        or HISTORY.search(clause)
    )


def _split(text: str, separator: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """(offset, part) pairs of `text` cut at `separator` (the separators themselves left out)."""
    offset = 0
    for part in re.split(f"({separator.pattern})", text):
        if not separator.fullmatch(part):
            yield offset, part
        offset += len(part)


def _years(text: str) -> Iterator[re.Match[str]]:
    names = [m.span() for m in NAMES.finditer(text)]
    for match in YEAR.finditer(text):
        if not any(a <= match.start("year") < b for a, b in names):
            yield match


def check(text: str, reviewed_year: int) -> list[Stale]:
    """Currency problems in one customer-facing text of an entry reviewed in `reviewed_year`."""
    text = " ".join(text.split())
    problems: list[Stale] = []
    for start, clause in _split(text, CLAUSE_END):
        for match in _years(clause):
            year = int(match["year"])
            last = int(match["end"] or year)
            if last >= reviewed_year or _is_marked(clause, match.start(), match.end()):
                continue
            where = start + match.start("year")
            token = match["year"]
            problems.append(Stale(
                f"names {match.group(0)} as current in an entry reviewed in {reviewed_year}: state the value in force "
                f"in {reviewed_year}, or mark the year as a start ('1.1.{year} alkaen', 'sedan {year}') "
                f"or as history ('vuoteen {year} asti', '… oli …', 'until {year}')",
                token, text[:where].count(token)))
    for start, sentence in _split(text, SENTENCE_END):
        amount = EURO_AMOUNT.search(sentence)
        if amount and not any(True for _ in _years(sentence)):
            token = re.split(r"[\s\u00a0]", amount.group(0))[0]
            where = start + amount.start()
            problems.append(Stale(
                f"euro amount {amount.group(0).strip()!r} names no year: write the year it is valid for, "
                f"e.g. '({reviewed_year})' or '1.1.{reviewed_year} alkaen'",
                token, text[:where].count(token)))
    return problems
