"""Detect whether a message is Finnish or Swedish (English only when asked for explicitly).

A character-trigram naive Bayes model trained on the catalogue's own example questions: no external
model, and it learns the words people actually type to this service.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from knowledge.catalogue import LANGS, Catalogue
from nlu.project import load_dialogue_intents

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _grams(text: str) -> list[str]:
    grams: list[str] = []
    for word in WORD.findall(text.lower()):
        padded = f" {word} "
        grams += [padded[i:i + 3] for i in range(len(padded) - 2)]
    return grams


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float  # posterior probability of `language`
    words: int


class LanguageDetector:
    def __init__(self, samples: dict[str, list[str]]):
        self.counts = {lang: Counter(g for s in texts for g in _grams(s)) for lang, texts in samples.items()}
        self.totals = {lang: sum(c.values()) for lang, c in self.counts.items()}
        self.vocab = len(set().union(*self.counts.values()))

    def detect(self, text: str) -> Detection | None:
        grams = _grams(text)
        if not grams:
            return None
        logp = {
            lang: sum(math.log((self.counts[lang][g] + 0.5) / (self.totals[lang] + 0.5 * self.vocab)) for g in grams)
            for lang in self.counts
        }
        best = max(logp, key=logp.__getitem__)
        norm = sum(math.exp(v - logp[best]) for v in logp.values())
        return Detection(best, 1.0 / norm, len(WORD.findall(text)))


def build_detector(catalogue: Catalogue) -> LanguageDetector:
    """The detector for one version of the content (assistant.content builds it)."""
    dialogue = load_dialogue_intents()
    samples = {
        lang: [t for e in catalogue for t in (*e.texts[lang].examples, e.texts[lang].summary, e.texts[lang].title)]
        + [t for by_lang in dialogue.values() for t in by_lang.get(lang, [])]
        for lang in LANGS
    }
    return LanguageDetector(samples)


def next_language(detector: LanguageDetector, current: str, fixed: bool, text: str, first: bool) -> str:
    """The conversation's language after this message.

    Sticky: an explicit choice (`fixed`) always holds; otherwise the first message decides, and later a
    clear message of two or more words in the other language switches.
    """
    if fixed:
        return current
    found = detector.detect(text)
    if found is None:
        return current
    if first or (found.confidence >= 0.99 and found.words >= 2):
        return found.language
    return current
