"""A Rasa tokenizer that gives each Finnish word its base form and compound parts as its lemma (Voikko).

Runs inside Rasa's own environment (Python 3.10, `.venv-rasa`), never in the app: `nlu.project.generate`
copies this file next to the generated config, and Rasa imports it from its working directory
(`base_forms.BaseFormTokenizer` in the pipeline). Word CountVectors read `token.lemma` (their `use_lemma`,
on by default) and split it on spaces, so a lemma "starttirahahakemus startti raha hakemus starttiraha
rahahakemus" gives the word six features: a question about "starttiraha" shares features with examples
about a "starttirahahakemuksen". The char n-gram featurizer is configured with `use_lemma: false` and
keeps reading the words as written.

The message's language is not known here (one model for Finnish and Swedish), so only Voikko, which
knows Finnish words only, is asked: a word it does not know (Swedish words, names, colloquial forms)
keeps its own text. Without Voikko (libvoikko1 and voikko-fi are installed by `make setup`) every lemma is
the word itself, as with the WhitespaceTokenizer, and this is logged once. Compound parts follow
`knowledge.morphology` (the app's catalogue search), which this file cannot import.
"""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

log = logging.getLogger(__name__)
MAX_PARTS = 6
_lock = threading.Lock()
_voikko: Any = None
_loaded = False


def _analyser() -> Any:
    global _voikko, _loaded
    if not _loaded:
        _loaded = True
        try:
            import libvoikko
            _voikko = libvoikko.Voikko("fi")
        except Exception as exc:  # ImportError, OSError (no libvoikko.so.1), VoikkoException (no dictionary)
            log.warning("Voikko is not available (%s): Rasa's features use the words as written", exc)
    return _voikko


def _segments(word: str, structure: str) -> list[str]:
    cuts, position = [], 0
    for mark in structure:
        if mark == "=":
            cuts.append(position)
        else:
            position += 1
    if position != len(word):
        return [word]
    bounds = sorted({0, *cuts, len(word)})
    return [word[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _compound_forms(word: str, base: str, structure: str) -> list[str]:
    parts = _segments(word, structure)
    if not 2 <= len(parts) <= MAX_PARTS:
        return []
    head = "".join(parts[:-1])
    if not base.startswith(head) or len(base) == len(head):
        return []
    parts[-1] = base[len(head):]
    n = len(parts)
    return ["".join(parts[i:i + length]) for length in range(1, n) for i in range(n - length + 1)]


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The base form and compound parts of a Finnish word, space-separated; any other word as written."""
    lower = word.lower()
    voikko = _analyser()
    if voikko is None or not lower.isalpha():
        return word
    with _lock:
        analyses = voikko.analyze(lower)
    readings = [(str(a.get("BASEFORM", "")).lower(), str(a.get("STRUCTURE", ""))) for a in analyses]
    readings = [(b, s) for b, s in readings if b]
    if not readings:
        return word
    base, structure = min(readings, key=lambda r: r[1].count("="))
    return " ".join(dict.fromkeys([base, *_compound_forms(lower, base, structure)]))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BaseFormTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose tokens carry Voikko's base form and compound parts as their lemma."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute == TEXT:  # not intent names
            for token in tokens:
                token.lemma = lemma(token.text)
        return tokens
