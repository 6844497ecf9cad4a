"""UI and bot strings through Babel gettext catalogs (fi, sv, en).

Strings are marked with `N_` where they are defined and translated with `gettext(lang, msgid)` where
they are shown. `missing_translations()` is the build check: every marked string needs fi and sv.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
REQUIRED = ("fi", "sv")
LANGUAGES = ("fi", "sv", "en")


def N_(msgid: str) -> str:
    """Mark a string for extraction; it is translated later, in the conversation's language."""
    return msgid


@lru_cache(maxsize=None)
def _catalog(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        catalog = read_po(f, locale=lang)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


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
