"""UI and bot strings through Babel gettext catalogs (fi, sv, en).

Strings are marked with `N_` where they are defined and translated with `gettext(lang, msgid)` where
they are shown. `missing_translations()` is the build check: every marked string needs fi and sv.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
REQUIRED = ("fi", "sv")
LANGUAGES = ("fi", "sv", "en")
# One Accept-Language entry: a language range and an optional q-value (RFC 9110, 12.5.4).
_RANGE = re.compile(r"^(\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)(?:;q=([0-9.]{1,5}))?$")


def N_(msgid: str) -> str:
    """Mark a string for extraction; it is translated later, in the conversation's language."""
    return msgid


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        catalog = read_po(f, locale=lang)
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string and not m.fuzzy}


def gettext(lang: str, msgid: str, **kwargs: object) -> str:
    text = _catalog(lang).get(msgid) or msgid
    return text.format(**kwargs) if kwargs else text


def translate_all(table: dict[str, str], lang: str) -> dict[str, str]:
    """A UI's key → msgid table in `lang` (what the widget and the console fetch as JSON)."""
    return {key: gettext(lang, msgid) for key, msgid in table.items()}


def marked_strings(package_dir: Path | None = None) -> set[str]:
    """Every msgid marked with N_ in the project's Python code."""
    roots = [package_dir] if package_dir else [Path(__file__).resolve().parent.parent / p for p in ("assistant", "channels", "handoff")]
    found: set[str] = set()
    for root in roots:
        if root.exists():
            for _file, _line, message, _comments, _ctx in extract_from_dir(
                root, method_map=[("**.py", "python")], keywords={"N_": None}
            ):
                found.add(message if isinstance(message, str) else message[0])
    return found


def missing_translations() -> dict[str, list[str]]:
    """Language → marked msgids with no translation (empty when the build is complete)."""
    marked = marked_strings()
    return {lang: sorted(m for m in marked if m not in _catalog(lang)) for lang in REQUIRED if marked - _catalog(lang).keys()}


def _ranges(header: str) -> list[tuple[str, float]]:
    """The header's (language range, q) pairs, best first and in header order among equals; entries that
    are not well-formed are skipped rather than failing the request."""
    found = []
    for position, part in enumerate(header.lower().replace("_", "-").split(",")):
        match = _RANGE.match("".join(part.split()))
        if not match:
            continue
        try:
            q = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if 0 <= q <= 1:
            found.append((-q, position, match.group(1)))
    return [(tag, -q) for q, _, tag in sorted(found)]


def negotiate_language(header: str | None, supported: tuple[str, ...] = LANGUAGES, default: str = "en") -> str:
    """The supported language a client's Accept-Language header asks for most, or `default`.

    Ranges are tried by q-value (q=0 means "not this one"); Babel matches each to the supported languages
    (sv-FI → sv). `*` stands for any language the header does not name, the default first."""
    ranges = _ranges(header or "")
    named = {tag.split("-")[0] for tag, _ in ranges}
    wanted = [tag for tag, q in ranges if q > 0]
    before_any = wanted[: wanted.index("*")] if "*" in wanted else wanted
    match = negotiate_locale(before_any, supported, sep="-")
    if match:
        return match.lower()
    if "*" in wanted:
        for lang in (default, *supported):
            if lang not in named:
                return lang
    return default
