"""Which language a conversation speaks: Finnish or Swedish detected, English only when asked for.

Detection is a character-trigram naive Bayes model trained on the catalogue's own example questions: no
external model, and it learns the words people actually type to this service. The rule that uses it
(`next_language`) is what keeps a conversation's language right: short or language-neutral input
("tack", "ok", "👍", a link, a business ID) never flips it; only an explicit request (the dialogue's
`switch_language`, a `lang` on start) or a clear sentence in the other language does. docs/nlu.md has
the thresholds and the examples they were tuned on.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from knowledge.catalogue import LANGS, Catalogue
from nlu.project import load_dialogue_intents

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: Not language: links, e-mail addresses, markup tags and entities. Removed before detection.
NOT_LANGUAGE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|<[^<>]*>|&#?\w+;", re.IGNORECASE)
#: Words speakers of both languages type in Finland (shared greetings, acknowledgements, English courtesy):
#: they say nothing about which language the customer speaks.
SHARED_WORDS = frozenset({
    "ok", "okay", "okey", "okej", "okei", "oki", "okk", "hej", "hei", "moi", "moikka", "hi", "hey", "hello", "hallo",
    "bye", "thanks", "thank", "thx", "please", "pls", "sorry", "lol", "haha", "hehe", "jes", "yes", "no", "nope",
})

#: A conversation started without a language takes the language of the first message that clears this bar
#: (until then it speaks the channel's language, or Finnish): one word of at least this many letters…
MIN_LETTERS_FIRST = 4
#: …read with at least this mean log-likelihood ratio per character trigram over the runner-up language.
MIN_MARGIN_FIRST = 1.25
#: Once the language is decided, only a message this long in the other language switches it…
MIN_LETTERS_TO_SWITCH = 20
MIN_WORDS_TO_SWITCH = 3
#: …and only when it reads that clearly (English and strings of place names stay below it).
MIN_MARGIN_TO_SWITCH = 1.5


def language_words(text: str) -> list[str]:
    """The words of `text` that can carry a language: no links, addresses, markup, numbers, emoji,
    punctuation or words both languages share."""
    return [w for w in WORD.findall(NOT_LANGUAGE.sub(" ", text).lower()) if w not in SHARED_WORDS]


def _grams(words: list[str]) -> list[str]:
    grams: list[str] = []
    for word in words:
        padded = f" {word} "
        grams += [padded[i:i + 3] for i in range(len(padded) - 2)]
    return grams


@dataclass(frozen=True)
class Detection:
    language: str
    margin: float  # mean log-likelihood ratio per trigram of `language` over the runner-up
    letters: int   # in the words that carry a language
    words: int

    def clears(self, letters: int, words: int, margin: float) -> bool:
        return self.letters >= letters and self.words >= words and self.margin >= margin


class LanguageDetector:
    def __init__(self, samples: dict[str, list[str]]):
        self.counts = {lang: Counter(g for s in texts for g in _grams(WORD.findall(s.lower())))
                       for lang, texts in samples.items()}
        self.totals = {lang: sum(c.values()) for lang, c in self.counts.items()}
        self.vocab = len(set().union(*self.counts.values()))

    def detect(self, text: str) -> Detection | None:
        """The likelier language of the words in `text` that carry one; None when none do."""
        words = language_words(text)
        grams = _grams(words)
        if not grams:
            return None
        logp = {
            lang: sum(math.log((self.counts[lang][g] + 0.5) / (self.totals[lang] + 0.5 * self.vocab)) for g in grams)
            for lang in self.counts
        }
        ranked = sorted(logp, key=logp.__getitem__, reverse=True)
        margin = (logp[ranked[0]] - logp[ranked[1]]) / len(grams) if len(ranked) > 1 else math.inf
        return Detection(ranked[0], margin, sum(map(len, words)), len(words))


def build_detector(catalogue: Catalogue) -> LanguageDetector:
    """The detector for one version of the content (assistant.content builds it)."""
    dialogue = load_dialogue_intents()
    samples = {
        lang: [t for e in catalogue for t in (*e.texts[lang].examples, e.texts[lang].summary, e.texts[lang].title)]
        + [t for by_lang in dialogue.values() for t in by_lang.get(lang, [])]
        for lang in LANGS
    }
    return LanguageDetector(samples)


def decides(detector: LanguageDetector, text: str) -> bool:
    """Whether this message would decide the language of a conversation that has none yet."""
    found = detector.detect(text)
    return found is not None and found.clears(MIN_LETTERS_FIRST, 1, MIN_MARGIN_FIRST)


def next_language(detector: LanguageDetector, current: str, fixed: bool, text: str, decided: bool) -> str:
    """The conversation's language after this customer message.

    `fixed` (chosen explicitly: a `lang` on start, a switch the customer asked for) always holds; only the
    dialogue's `switch_language` changes it. Otherwise, while no message has `decided` the language, the
    first one that reads clearly enough (`MIN_*_FIRST`) sets it; after that only a clear sentence in the
    other language (`MIN_*_TO_SWITCH`) switches.
    """
    if fixed:
        return current
    found = detector.detect(text)
    if found is None or found.language == current:
        return current
    if decided:
        switch = found.clears(MIN_LETTERS_TO_SWITCH, MIN_WORDS_TO_SWITCH, MIN_MARGIN_TO_SWITCH)
    else:
        switch = found.clears(MIN_LETTERS_FIRST, 1, MIN_MARGIN_FIRST)
    return found.language if switch else current


#: How a message names a language: the forms that make it the target ("ruotsiksi", "på svenska",
#: "in English") and any other mention ("puhutko ruotsia", "talar du finska", "speak English").
TARGET_FORMS = {
    "fi": r"suomeksi|suomen kiel\w*|suomeen|(?:på|till) finska|(?:in|to) finnish",
    "sv": r"ruotsiksi|ruotsin kiel\w*|ruotsiin|(?:på|till) svenska|(?:in|to) swedish",
    "en": r"englanniksi|englannin kiel\w*|englantiin|(?:på|till) engelska|(?:in|to) english",
}
MENTIONS = {"fi": r"suom\w*|finsk\w*|finnish", "sv": r"ruots\w*|svensk\w*|swedish", "en": r"englan\w*|engelsk\w*|english"}


def requested_language(text: str, current: str) -> str:
    """The language a customer's switch request (the `switch_language` intent) asks for: the one named as
    the target, else the one mentioned, else the other of Finnish and Swedish ("kielen vaihto")."""
    lowered = " ".join(WORD.findall(text.lower()))
    for forms in (TARGET_FORMS, MENTIONS):
        named = [lang for lang, pattern in forms.items() if re.search(rf"\b(?:{pattern})\b", lowered)]
        if len(named) > 1:
            named = [lang for lang in named if lang != current]
        if named:
            return named[0]
    return "sv" if current == "fi" else "fi"
