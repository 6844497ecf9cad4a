"""One text layer for personal data: every message, form field, username and log line passes through it.

Blank spaCy pipelines (`fi`, `sv`; no model is downloaded) with one rule component. A regex pass over a
folded copy of the text (zero-width characters dropped, every dash a hyphen, every digit an ASCII digit)
finds candidates; python-stdnum's validators decide what each one is; the component aligns the tokens to
the candidates (spaCy splits `HETU131052-308` and `308T` awkwardly) and sets them as the Doc's entities.
The masked text is written from those entities.

- Identity codes (henkilötunnus) in every shape customers type, with every century sign, checksum-valid
  or not: a mistyped code still identifies a person. Only the ambiguous ten bare digits must pass the
  checksum (otherwise they are an order or phone number).
- IBANs of every registered country, with or without spaces; a code-shaped one with a wrong checksum too.
- Payment-card numbers: 13–19 digits (spaces or dashes allowed) that pass the Luhn check.
- Business IDs (Y-tunnus, ALV-numero) are public: recognised, never masked.
"""
from __future__ import annotations

import itertools
import re
import string
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from stdnum import luhn, numdb
from stdnum.fi import alv, hetu, ytunnus
from stdnum.iban import is_valid as iban_is_valid


class Kind(StrEnum):
    IDENTITY_CODE = "IDENTITY_CODE"
    IBAN = "IBAN"
    CARD = "CARD"
    BUSINESS_ID = "BUSINESS_ID"


MASKS = {Kind.IDENTITY_CODE: "[henkilötunnus]", Kind.IBAN: "[tilinumero]", Kind.CARD: "[korttinumero]"}
LANGUAGES = ("fi", "sv")
COMPONENT = "personal_data"


@dataclass(frozen=True)
class Finding:
    """One recognised value: where it is in the text given, what it is, and whether its checksum holds."""
    kind: Kind
    start: int
    end: int
    text: str
    valid: bool

    @property
    def masked(self) -> bool:
        return self.kind in MASKS


@dataclass(frozen=True)
class Masked:
    """The text with personal data replaced, and everything that was recognised in it."""
    text: str
    findings: tuple[Finding, ...]

    @property
    def count(self) -> int:
        return sum(f.masked for f in self.findings)


# -- folding: a same-length copy of the text the rules can read -------------------------------------

_HOMOGLYPHS = dict(zip("АВСЕНКМОРТХУасеорху" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABCEHKMOPTXYaceopxy" "ABEZHIKMNOPTYX"))


@cache
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """Character → ASCII stand-in (one for one, so offsets stay), and the invisible format characters."""
    table: dict[int, str] = {ord(c): " " for c in "\t\n\r\v\f\x85"}
    invisible = []
    for cp in itertools.chain(range(0x80, 0x10000), range(0x1D400, 0x1D800), range(0xE0000, 0xE0080)):
        ch = chr(cp)
        category = unicodedata.category(ch)
        if category == "Cf":
            invisible.append(ch)
        elif category == "Nd":
            table[cp] = str(unicodedata.decimal(ch))
        elif category == "Pd" or ch in "\u2212\u2796\u02d7\u2043":
            table[cp] = "-"
        elif category in ("Zs", "Zl", "Zp"):
            table[cp] = " "
        else:
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) == 1 and folded.isascii() and folded.isalnum():
                table[cp] = folded
    table.update({ord(k): v for k, v in _HOMOGLYPHS.items()})
    return table, re.compile("[" + "".join(invisible) + "]")


def fold(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, when invisible characters were dropped, each folded character's original index."""
    table, invisible = _tables()
    folded = text.translate(table)
    if not invisible.search(folded):
        return folded, None
    keep = [i for i, c in enumerate(folded) if not invisible.match(c)]
    return "".join(folded[i] for i in keep), keep


# -- candidates and validators ---------------------------------------------------------------------

# DDMMYY (dots or slashes allowed: 13.10.52), the century sign (+ - A–F U–Y, any dash; spaces around it
# allowed), a mistyped one (. / _) or none, the individual number (a digit more or less is a typo), and
# the check character glued, after a space, or missing (truncated).
_HETU = re.compile(
    r"(?<![0-9])(?P<dd>[0-3][0-9])[./]?(?P<mm>[01][0-9])[./]?(?P<yy>[0-9]{2})"
    r"(?: {0,3}(?P<sign>[-+A-Fa-fU-Yu-y]) {0,3}|(?P<odd>[./_])|(?P<bare> {0,3}))"
    r"(?P<zzz>[0-9]{2,4})(?:(?P<q>[0-9A-Za-z])|(?: {1,3}(?P<q2>[0-9A-Za-z])(?!\w)))?")
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_MOBILE = ("040", "041", "050")  # ten bare digits starting so are a Finnish mobile number, not a code
# Country code, check digits, then the BBAN (up to three spaces or a dash between characters).
_IBAN = re.compile(r"(?<![0-9])(?P<cc>[A-Za-z]{2})(?P<check>[0-9]{2})(?P<rest>(?:(?: {1,3}|-)?[0-9A-Za-z]){8,34})")
_DIGIT_RUN = re.compile(r"[0-9](?:(?: {1,3}|-)?[0-9])*")
_BUSINESS_ID = re.compile(r"(?<![0-9])(?:FI ?)?[0-9]{7} ?-? ?[0-9](?![0-9])")


@cache
def _iban_formats() -> dict[str, str]:
    """Country code → its BBAN as one character class per position (n digit, a letter, c either), from
    stdnum's copy of the SWIFT IBAN registry."""
    db, formats = numdb.get("iban"), {}
    for cc in map("".join, itertools.product(string.ascii_uppercase, repeat=2)):
        structure = db.info(cc)[0][1].get("bban")
        if structure:
            formats[cc] = "".join(kind * int(n) for n, kind in re.findall(r"([0-9]+)!([nac])", structure))
    return formats


_CLASSES = {"n": str.isdigit, "a": str.isalpha, "c": str.isalnum}


def _bban_prefix(structure: str, body: str) -> int:
    """How many characters at the start of `body` follow the country's BBAN structure."""
    count = 0
    for kind, c in zip(structure, body):
        if not _CLASSES[kind](c):
            break
        count += 1
    return count


def _compact(folded: str, start: int, end: int) -> tuple[str, list[int]]:
    """Alphanumerics of folded[start:end] in upper case, with the index each came from."""
    chars = [(c.upper(), i) for i, c in enumerate(folded[start:end], start) if c.isalnum()]
    return "".join(c for c, _ in chars), [i for _, i in chars]


def _identity_codes(folded: str) -> Iterator[Finding]:
    for m in _HETU.finditer(folded):
        zzz, q, sign = m["zzz"], m["q"] or m["q2"], m["sign"]
        if q is None and len(zzz) == 4:  # the regex took a digit check character for the individual number
            zzz, q = zzz[:3], zzz[3]
        digits = m["dd"] + m["mm"] + m["yy"] + zzz
        valid = q is not None and len(zzz) == 3 and _valid_hetu(digits, q, sign)
        vague = q is None or q.isdigit() or m["q2"] is not None  # no check letter glued to the number
        if vague and not valid and m.end() < len(folded) and folded[m.end()].isdigit():  # a number range
            continue
        if sign is None and not _bare_code(m, digits, zzz, q, valid):
            continue
        if sign is not None and not valid and vague and (len(zzz) == 2 or not _real_date(m["dd"], m["mm"])):
            continue  # 100000-2000 €, 150000-200 e: an amount, not a code
        yield Finding(Kind.IDENTITY_CODE, m.start(), m.end(), m.group(), valid)


def _bare_code(m: re.Match[str], digits: str, zzz: str, q: str | None, valid: bool) -> bool:
    """Whether a candidate without a century sign is a code: a check letter after a real date, or ten
    digits whose checksum holds and that are no mobile number (040…, 041…, 050…)."""
    if q is None or q.upper() not in _CHECK or len(zzz) != 3:
        return False
    if q.isdigit():
        return not m["bare"] and valid and not digits.startswith(_MOBILE)
    return _real_date(m["dd"], m["mm"])


def _real_date(dd: str, mm: str) -> bool:
    return 1 <= int(dd) <= 31 and 1 <= int(mm) <= 12


def _valid_hetu(digits: str, q: str, sign: str | None) -> bool:
    """stdnum's verdict (real date, individual number, check character) with this sign, or any for none."""
    signs = [sign.upper()] if sign else ["-", "A", "+"]
    return any(hetu.is_valid(f"{digits[:6]}{s}{digits[6:]}{q.upper()}", allow_temporary=True) for s in signs)


def _ibans(folded: str) -> Iterator[Finding]:
    """A registered country code and check digits, then as many characters as that country's BBAN has
    (in its structure); a code-shaped one up to two characters short counts too (a mistyped IBAN)."""
    formats, pos = _iban_formats(), 0
    while m := _IBAN.search(folded, pos):
        pos = m.start() + 1
        structure = formats.get(m["cc"].upper())
        glued = m.start() > 0 and folded[m.start() - 1].isalpha()
        if structure is None or (glued and not m["cc"].isupper()):  # "kaise12…" is no IBAN, "tiliFI21…" is
            continue
        compact, where = _compact(folded, m.start(), m.end())
        taken = 4 + _bban_prefix(structure, compact[4:4 + len(structure)])
        if taken < 4 + len(structure) - 2:
            continue
        end = where[taken - 1] + 1
        yield Finding(Kind.IBAN, m.start(), end, folded[m.start():end], iban_is_valid(compact[:taken]))
        pos = end


def _cards(folded: str) -> Iterator[Finding]:
    """Runs of digit groups; the longest run of whole groups with 13–19 digits, a card's first digit
    (2–6: Mastercard, Amex, Visa, Discover, Maestro, UnionPay…) and a valid Luhn check is a card."""
    for run in _DIGIT_RUN.finditer(folded):
        groups = [(g.start() + run.start(), g.end() + run.start()) for g in re.finditer(r"[0-9]+", run.group())]
        i = 0
        while i < len(groups):
            for j in range(len(groups) - 1, i - 1, -1):
                start, end = groups[i][0], groups[j][1]
                digits = re.sub(r"[^0-9]", "", folded[start:end])
                if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn.is_valid(digits):
                    yield Finding(Kind.CARD, start, end, folded[start:end], True)
                    i = j
                    break
            i += 1


def _business_ids(folded: str) -> Iterator[Finding]:
    for m in _BUSINESS_ID.finditer(folded):
        number = re.sub(r"[^0-9]", "", m.group())
        if ytunnus.is_valid(number) or (m.group().startswith("FI") and alv.is_valid("FI" + number)):
            yield Finding(Kind.BUSINESS_ID, m.start(), m.end(), m.group(), True)


_PRIORITY = {Kind.IDENTITY_CODE: 0, Kind.IBAN: 1, Kind.CARD: 2, Kind.BUSINESS_ID: 3}


def candidates(folded: str) -> list[Finding]:
    """Every validated finding in the folded text, without overlaps: overlapping personal data is merged
    into one finding (nothing of it stays readable); a business ID inside personal data is dropped."""
    found = sorted((*_identity_codes(folded), *_ibans(folded), *_cards(folded), *_business_ids(folded)),
                   key=lambda f: (f.start, _PRIORITY[f.kind]))
    merged: list[Finding] = []
    for f in found:
        last = merged[-1] if merged else None
        if last is None or f.start >= last.end:
            merged.append(f)
        elif f.masked and last.masked:
            end = max(last.end, f.end)
            kind = last.kind if last.end - last.start >= f.end - f.start else f.kind
            merged[-1] = Finding(kind, last.start, end, folded[last.start:end], last.valid and f.valid)
        elif f.masked:  # personal data overlapping a business ID: the personal data wins
            merged[-1] = f
    return merged


# -- the spaCy pipelines ---------------------------------------------------------------------------

if not Span.has_extension("checksum_valid"):
    Span.set_extension("checksum_valid", default=None)


@Language.component(COMPONENT)
def recognise(doc: Doc) -> Doc:
    """The rule component: validated findings become the Doc's entities, their tokens split to fit."""
    folded, where = fold(doc.text)
    found = candidates(folded)
    if not found:
        return doc
    spans = [(where[f.start] if where else f.start, (where[f.end - 1] + 1) if where else f.end, f) for f in found]
    _align(doc, {offset for start, end, _ in spans for offset in (start, end)})
    ents = []
    for start, end, f in spans:
        span = doc.char_span(start, end, label=f.kind.value, alignment_mode="expand")
        if span is not None:
            span._.checksum_valid = f.valid
            ents.append(span)
    doc.ents = ents
    return doc


def _align(doc: Doc, offsets: set[int]) -> None:
    """Split the tokens a finding starts or ends inside of (`HETU131052-308` → `HETU`, `131052-308`)."""
    cuts: dict[int, list[int]] = {}
    for token in doc:
        inside = sorted(o - token.idx for o in offsets if token.idx < o < token.idx + len(token.text))
        if inside:
            cuts[token.i] = inside
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for i, points in cuts.items():
            token = doc[i]
            bounds = [0, *points, len(token.text)]
            pieces = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))


@cache
def pipeline(lang: str) -> Language:
    """The blank pipeline of a language (fi for any other) with the rule component."""
    nlp = spacy.blank(lang if lang in LANGUAGES else "fi")
    nlp.add_pipe(COMPONENT)
    return nlp


def load() -> None:
    """Build the tables and both pipelines now (≈ 0.1 s), not on the first customer's message."""
    _tables()
    _iban_formats()
    for lang in LANGUAGES:
        pipeline(lang)


_lock = threading.RLock()  # a pipeline is shared by the worker threads; a log line may be masked inside a mask


def analyse(text: str, lang: str = "fi") -> Doc:
    with _lock:
        return pipeline(lang)(text)


def mask(text: str, lang: str = "fi") -> Masked:
    """The text with identity codes, IBANs and card numbers replaced by readable, language-neutral masks."""
    if not text or not any(c.isdigit() for c in text):  # every kind has digits: nothing to find
        return Masked(text, ())
    doc = analyse(text, lang)
    parts, findings, pos = [], [], 0
    for ent in doc.ents:
        f = Finding(Kind(ent.label_), ent.start_char, ent.end_char, ent.text, bool(ent._.checksum_valid))
        findings.append(f)
        if f.masked:
            parts += [text[pos:f.start], MASKS[f.kind]]
            pos = f.end
    parts.append(text[pos:])
    return Masked("".join(parts), tuple(findings))


def mask_text(text: str, lang: str = "fi") -> str:
    return mask(text, lang).text


_MASK_TOKENS = re.compile("|".join(re.escape(m) for m in MASKS.values()))


def without_masks(text: str) -> str:
    """The text with the masks taken out: they are Finnish words, and must not make Swedish look Finnish."""
    return " ".join(_MASK_TOKENS.sub(" ", text).split())
