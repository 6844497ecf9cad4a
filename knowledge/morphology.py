"""Base forms of Finnish and Swedish words, and the parts of Finnish compounds (the catalogue search's words).

* **Finnish**: Voikko (the Debian packages `libvoikko1` and `voikko-fi`, through the PyPI binding `libvoikko`)
  gives a word's base form ("starttirahan" → "starttiraha") and its compound boundaries (its STRUCTURE,
  "=ppppppp=ppppp": startti | raha). A compound also yields its parts and every run of adjacent parts,
  the last one in its base form: "starttirahahakemusta" → starttirahahakemus, startti, raha, hakemus,
  starttiraha, rahahakemus. So a question about "starttiraha" meets a text about a "starttirahahakemus",
  and "työttömyysturvaa" meets "työttömyysturva" and "turva". Among Voikko's readings the one with the
  fewest parts wins ("nuoriso|takuu", not "nuori|sota|kuu").
* Words Voikko does not know (names, acronyms, colloquial "työkkärissä", new loans) get their Snowball
  stem ("finnveran", "finnvera" → "finnver"). simplemma's lemmas for them were measured no better
  (docs/nlu.md, "Morphology") and its table costs 46 MB and 1–3 s at start, so it is asked only when
  Voikko is missing (`simplemma=True` asks it anyway): for the words it knows it gives their lemma, and
  a word it does not know gets its Snowball stem (its guesses there are too often wrong: "finnveran" →
  "finnverka"). simplemma's table is read with its low-memory backend (46 MB for Finnish, 12 MB for
  Swedish, instead of 340 / 90 MB as a dict).
* Without Voikko (the packages not installed: `make setup` installs them) Finnish words get simplemma's
  lemmas, with no compound parts; this is logged once. `Morphology(lang, voikko=False)` takes that path
  on purpose (the tests and `bench/morphology.py` measure it). Swedish words are not lemmatised by the
  catalogue search (simplemma's lemmas did not beat the Snowball stems: `knowledge.retrieval.LEMMATISED`);
  `Morphology("sv")` is simplemma's, for the measurement.

Forms are lower case. Lookups are cached per word; Voikko's handle is not thread-safe, so it is locked.
"""
from __future__ import annotations

import logging
import threading
from functools import cache, lru_cache

import simplemma
import snowballstemmer
from simplemma.strategies import DefaultStrategy

__all__ = ["Morphology", "morphology"]

log = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv")
MAX_PARTS = 6   # a longer chain of parts is a misreading: no runs for it, the base form only


@cache
def _stemmer(lang: str):
    return snowballstemmer.stemmer({"fi": "finnish", "sv": "swedish"}[lang])


@cache
def _simplemma() -> simplemma.Lemmatizer:
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))


_voikko_lock = threading.Lock()   # one handle for the process; libvoikko's handle is not thread-safe


@cache
def _voikko():  # -> libvoikko.Voikko | None
    """The Finnish Voikko handle, or None when the library or its dictionary is missing (logged once:
    the result is cached)."""
    try:
        import libvoikko
        return libvoikko.Voikko("fi")
    except Exception as exc:  # ImportError, OSError (no libvoikko.so.1), VoikkoException (no dictionary)
        log.warning("Voikko is not available (%s): Finnish base forms come from simplemma only, "
                    "without compound parts; `make setup` installs libvoikko1 and voikko-fi", exc)
        return None


def _segments(word: str, structure: str) -> list[str]:
    """The word cut at the compound boundaries ('=') of Voikko's STRUCTURE (one character per letter)."""
    cuts: list[int] = []
    position = 0
    for mark in structure:
        if mark == "=":
            cuts.append(position)
        else:
            position += 1
    if position != len(word):       # STRUCTURE does not describe this surface form: no parts
        return [word]
    bounds = sorted({0, *cuts, len(word)})
    return [word[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def compound_forms(word: str, base: str, structure: str) -> list[str]:
    """The runs of adjacent compound parts of `word` (not the whole), the last part in its base form.

    Finnish inflects a compound at its end only, so the parts before the last are as written and the last
    one is what the base form has after them ("työttömyysturvaa", base "työttömyysturva" → työttömyys,
    turva). A base form that does not start with the written parts gives no parts."""
    parts = _segments(word, structure)
    if not 2 <= len(parts) <= MAX_PARTS:
        return []
    head = "".join(parts[:-1])
    if not base.startswith(head) or len(base) == len(head):
        return []
    parts[-1] = base[len(head):]
    n = len(parts)
    return ["".join(parts[i:j]) for length in range(1, n) for i in range(n - length + 1) for j in [i + length]]


class Morphology:
    """A language's base forms: `forms(word)` → the base form first, then compound parts (Finnish, Voikko)."""

    def __init__(self, lang: str, voikko: bool = True, simplemma: bool | None = None) -> None:
        """`voikko=False`: the path without Voikko. `simplemma`: ask simplemma for the words Voikko does not
        know (by default only when there is no Voikko)."""
        if lang not in LANGUAGES:
            raise ValueError(f"no morphology for {lang!r}: expected one of {LANGUAGES}")
        self.lang = lang
        self._voikko = _voikko() if voikko and lang == "fi" else None
        self.uses_simplemma = self._voikko is None if simplemma is None else simplemma
        self.forms = lru_cache(maxsize=200_000)(self._forms)

    @property
    def uses_voikko(self) -> bool:
        return self._voikko is not None

    def lemma(self, word: str) -> str:
        """A word without Voikko's reading: simplemma's lemma when it is asked and knows the word, else the
        Snowball stem."""
        if self.uses_simplemma and simplemma.is_known(word, lang=self.lang, low_memory=True):
            return _simplemma().lemmatize(word, lang=self.lang).lower()
        return _stemmer(self.lang).stemWord(word)

    def _forms(self, word: str) -> tuple[str, ...]:
        word = word.lower()
        if self._voikko is not None and word.isalpha():
            with _voikko_lock:
                analyses = self._voikko.analyze(word)
            readings = [(str(a.get("BASEFORM", "")).lower(), str(a.get("STRUCTURE", ""))) for a in analyses]
            readings = [(b, s) for b, s in readings if b]
            if readings:
                bases = list(dict.fromkeys(b for b, _ in readings))
                base, structure = min(readings, key=lambda r: r[1].count("="))  # fewest parts; first on ties
                forms = [base, *(b for b in bases if b != base), *compound_forms(word, base, structure)]
                return tuple(dict.fromkeys(forms))
        return (self.lemma(word),)


@cache
def morphology(lang: str) -> Morphology:
    """The shared Morphology of a language (Voikko for Finnish when it is installed)."""
    return Morphology(lang)
