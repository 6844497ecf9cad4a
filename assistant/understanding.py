"""What the customer meant: Rasa's intent ranking fused with a lexical search over the catalogue and,
when it is on, a sentence embedding of the catalogue (knowledge/semantic.py).

Rasa's classifier knows the example questions; the retrieval engine also reads the service texts and
catches words the examples never used; the embedding catches a paraphrase that shares no word with them.
docs/nlu.md shows the fusion beats each alone.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np

from assistant.message import Payload
from knowledge.catalogue import LANGS, Catalogue, CatalogueEntry
from knowledge.retrieval import Ranker
from knowledge.semantic import SemanticIndex
from nlu import neighbours
from nlu.folds import Dialogue
from nlu.person import asks_for_person, folded_words
from nlu.project import load_dialogue_intents

OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
REQUEST_HUMAN = "request_human"
RASA_WEIGHT = 0.5           # share of Rasa's confidence in a service's fused score (calibrated: bench/calibrate.py)
RETRIEVAL_TEMPERATURE = 0.1  # softmax temperature over max-normalised retrieval scores
ANSWER_THRESHOLD = 0.5      # fused score needed to answer without asking (calibrated)
MARGIN = 0.08               # lead over the runner-up needed to answer without asking (calibrated)
OUT_OF_SCOPE_THRESHOLD = 0.5
#: With the embedding on (docs/nlu.md, "Sentence embeddings"): a service's score = Rasa × w_rasa + catalogue
#: search × w_search + embedding × w_semantic, each a probability over services. Not tuned (dev is saturated:
#: every weighting tried scored alike there); pooling, temperature and the cosine bar were chosen on dev.
SEMANTIC_WEIGHTS = (0.5, 0.25, 0.25)  # (w_rasa, w_search, w_semantic)
SEMANTIC_ALONE_WEIGHT = 0.5  # the engine down: the embedding's share beside the catalogue search
SEMANTIC_POOLING: Literal["max", "mean"] = "mean"  # a service's vector: the centroid of its texts (bench/semantic.py)
SEMANTIC_TEMPERATURE = 0.01  # softmax temperature over the services' cosines (e5's cosines sit in 0.75-0.95)
#: No service text within this cosine of the message: out-of-scope evidence (an out_of_scope candidate at
#: OUT_OF_SCOPE_THRESHOLD, so a service must beat it to be answered or offered)
SEMANTIC_OUT_OF_SCOPE = 0.87  # the nearest service text's cosine (max over texts); 0 = no such evidence
#: Out of scope although no intent says so (Rasa fell back, or a word like "startti" in "starttikaapelit"
#: made it sure of the start-up grant): the odds of a logistic model over the reading's evidence, fitted on
#: the tuning files (bench/calibrate.py --scope). A reading at SCOPE_THRESHOLD or above gets the out-of-scope
#: reply, not an answer or three buttons, unless the catalogue uses every word of it: "tuki", "stöd" are
#: vague, not foreign (their raw match is as small as a weather question's).
SCOPE_COEFFICIENTS = {"bias": 8.65, "catalogue_match": -2.06, "rasa_service": -1.38, "rasa_out_of_scope": 1.24,
                      "best_service": -0.7, "unknown_words": 0.87}
SCOPE_THRESHOLD = 0.4       # (calibrated)
DIALOGUE_THRESHOLD = 0.5    # a dialogue intent ("kyllä", "moi") below it is a misreading: dropped from the ranking
#: A message that is one of these intents' examples ("tack", "kiitos!", "på svenska tack"), or in at most
#: PHRASEBOOK_WORDS words one typo away from one ("kitos", "hyvaa paivaa"), is small talk or a switch
#: request, whatever Rasa reads (a typo makes it fall back, and the scope check then reads "kitos" as foreign
#: words) and with the engine down.
PHRASEBOOK_INTENTS = ("greet", "goodbye", "thanks", "bot_challenge", "switch_language")
PHRASEBOOK_WORDS = 3
PHRASEBOOK_TYPO_LENGTH = 5  # a word this long may differ from the phrasebook's by one letter


def phrase(text: str) -> str:
    """A message as the phrasebook compares it: lower case without diacritics, words only (as the person
    rule reads it)."""
    return " ".join(folded_words(text))


def _one_letter_apart(typed: str, known: str) -> bool:
    """One letter changed, added or dropped."""
    if abs(len(typed) - len(known)) > 1 or typed == known:
        return False
    if len(typed) == len(known):
        return sum(a != b for a, b in zip(typed, known)) == 1
    short, long = sorted((typed, known), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@dataclass
class Candidate:
    label: str
    score: float


@dataclass
class Understanding:
    intent: str                 # a service id, a dialogue intent or out_of_scope
    service: str | None         # the service, when the intent is one
    confidence: float
    language: str
    ranking: list[Candidate] = field(default_factory=list)  # best first, services and intents together

    def services(self, catalogue: Catalogue, n: int = 3) -> list[str]:
        return [c.label for c in self.ranking if c.label in catalogue][:n]

    def entries(self, catalogue: Catalogue, n: int = 3) -> list[CatalogueEntry]:
        """The catalogue entries of the best-ranked services (a clarification's options)."""
        return [e for label in self.services(catalogue, n) if (e := catalogue.get(label)) is not None]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["confidence"] = round(self.confidence, 4)
        data["ranking"] = [{"label": c.label, "score": round(c.score, 4)} for c in self.ranking]
        return data


class Understander:
    def __init__(self, catalogue: Catalogue, semantic: SemanticIndex | None = None,
                 dialogue: Dialogue | None = None):
        self.catalogue = catalogue
        self.semantic = semantic  # None: the embedding is off (setting `semantic`) or not installed
        self.ids = [e.id for e in catalogue]
        self.rankers = {
            lang: Ranker([
                " ".join((e.texts[lang].title, e.texts[lang].title, e.texts[lang].summary, *e.texts[lang].examples))
                for e in catalogue
            ], lang)
            for lang in LANGS
        }
        dialogue = load_dialogue_intents() if dialogue is None else dialogue  # without a held-out fold's texts
        self.phrasebook = {phrase(t): intent for intent in PHRASEBOOK_INTENTS
                           for texts in dialogue.get(intent, {}).values() for t in texts}
        self._short_phrases = [(known.split(), intent) for known, intent in self.phrasebook.items()
                               if len(known.split()) <= PHRASEBOOK_WORDS]  # what a typo is compared with

    def small_talk(self, text: str) -> str | None:
        """The phrasebook's intent for a short message that is one of its phrases, or a typo of one (a
        button's payload is neither)."""
        if Payload.parse(text) is not None:
            return None
        typed = phrase(text).split()
        if (intent := self.phrasebook.get(" ".join(typed))) is not None or len(typed) > PHRASEBOOK_WORDS:
            return intent
        return next((intent for words, intent in self._short_phrases if len(words) == len(typed)
                     and all(t == k or len(k) >= PHRASEBOOK_TYPO_LENGTH and _one_letter_apart(t, k)
                             for t, k in zip(typed, words))), None)

    def retrieval(self, text: str, lang: str) -> dict[str, float]:
        """Service id → probability-like score from the catalogue search."""
        scores = self.ranker(lang).scores(text)
        top = max(scores) if scores else 0.0
        if top <= 0:
            return {sid: 0.0 for sid in self.ids}
        exps = [math.exp((s / top - 1.0) / RETRIEVAL_TEMPERATURE) for s in scores]
        total = sum(exps)
        return {sid: e / total for sid, e in zip(self.ids, exps)}

    def ranker(self, lang: str) -> Ranker:
        """The catalogue search of a language (Finnish's for one the catalogue does not carry)."""
        return self.rankers[lang if lang in self.rankers else "fi"]

    def catalogue_match(self, text: str, lang: str) -> float:
        """How much of the message the catalogue's text holds at all: the best service's raw character n-gram
        BM25 score (the retrieval's probabilities are relative, so they are peaked even for a weather question)."""
        _, chars = self.ranker(lang).components(text)
        return float(chars.max()) if chars.size else 0.0

    def scope_features(self, text: str, lang: str, rasa: dict[str, float], best_service: float) -> list[float]:
        """The evidence `scope_odds` weighs, in SCOPE_COEFFICIENTS' order after the bias."""
        return [math.log1p(self.catalogue_match(text, lang)),
                max((v for k, v in rasa.items() if k in self.catalogue), default=0.0),
                rasa.get(OUT_OF_SCOPE, 0.0), best_service, 1.0 - self.ranker(lang).known_share(text)]

    def scope_odds(self, text: str, lang: str, rasa: dict[str, float], best_service: float) -> float:
        """The odds that a reading no intent claimed is out of scope (SCOPE_COEFFICIENTS)."""
        weights = list(SCOPE_COEFFICIENTS.values())
        logit = weights[0] + sum(w * f for w, f in zip(weights[1:], self.scope_features(text, lang, rasa, best_service)))
        return 1.0 / (1.0 + math.exp(-logit))

    def embedding(self, text: str, lang: str) -> tuple[dict[str, float], float]:
        """Service id → probability-like score from the embedding, and the best cosine (out-of-scope evidence)."""
        assert self.semantic is not None
        return self.embedded(self.semantic.query(text), lang)

    def embedded(self, vector: np.ndarray, lang: str) -> tuple[dict[str, float], float]:
        """`embedding` for a message's vector already encoded."""
        assert self.semantic is not None
        cosines = self.semantic.similarities(vector, lang, SEMANTIC_POOLING).tolist()
        top = max(cosines, default=0.0)
        exps = [math.exp((c - top) / SEMANTIC_TEMPERATURE) for c in cosines]
        total = sum(exps)
        nearest = float(self.semantic.similarities(vector, lang, "max").max()) if cosines else 0.0
        return {sid: e / total for sid, e in zip(self.ids, exps)}, nearest

    def understand(self, text: str, lang: str, rasa_ranking: list[tuple[str, float]] | None) -> Understanding:
        if asks_for_person(text):  # whatever a classifier makes of its words (nlu/person.py)
            return Understanding(REQUEST_HUMAN, None, 1.0, lang, [Candidate(REQUEST_HUMAN, 1.0)])
        if intent := self.small_talk(text):
            return Understanding(intent, None, 1.0, lang, [Candidate(intent, 1.0)])
        retrieved = self.retrieval(text, lang)
        embedded, best_cosine = self.embedding(text, lang) if self.semantic is not None else ({}, 1.0)
        scores: dict[str, float] = {}
        rasa: dict[str, float] = {}
        if rasa_ranking is None:  # the engine is down: the catalogue search (and embedding), wary of one-word messages
            damping = min(1.0, len(text.split()) / 3)
            w = SEMANTIC_ALONE_WEIGHT if embedded else 0.0
            scores = {sid: ((1 - w) * p + w * embedded.get(sid, 0.0)) * damping for sid, p in retrieved.items()}
            best = max(scores.values(), default=0.0)
            if best < OUT_OF_SCOPE_THRESHOLD or best_cosine < SEMANTIC_OUT_OF_SCOPE:
                scores[OUT_OF_SCOPE] = OUT_OF_SCOPE_THRESHOLD
        else:
            rasa = {name: conf for name, conf in rasa_ranking if name != FALLBACK}
            w_rasa, w_search, w_semantic = SEMANTIC_WEIGHTS if embedded else (RASA_WEIGHT, 1 - RASA_WEIGHT, 0.0)
            for sid in self.ids:
                scores[sid] = (w_rasa * rasa.get(sid, 0.0) + w_search * retrieved.get(sid, 0.0)
                               + w_semantic * embedded.get(sid, 0.0))
            for name, conf in rasa.items():
                if name not in self.catalogue and (conf >= DIALOGUE_THRESHOLD or name == OUT_OF_SCOPE):
                    scores[name] = conf
            read = max(rasa, key=rasa.__getitem__, default=OUT_OF_SCOPE)  # Rasa's best reading besides the fallback
            if best_cosine < SEMANTIC_OUT_OF_SCOPE and (read in self.catalogue or read == OUT_OF_SCOPE):
                # far from every service text, and Rasa read no dialogue turn (thanks, a person, …): not ours
                scores[OUT_OF_SCOPE] = max(scores.get(OUT_OF_SCOPE, 0.0), OUT_OF_SCOPE_THRESHOLD)
        ordered = neighbours.settle(text, sorted(scores.items(), key=lambda item: -item[1]))
        ranking = [Candidate(k, v) for k, v in ordered[:5]]
        top = ranking[0] if ranking else Candidate(OUT_OF_SCOPE, 0.0)
        reading = Understanding(top.label, top.label if top.label in self.catalogue else None, top.score, lang, ranking)
        if rasa_ranking is not None and reading.service is not None and Payload.parse(text) is None \
                and self.ranker(lang).known_share(text) < 1.0:  # a button pressed names its service: no check
            odds = self.scope_odds(text, lang, rasa, top.score)
            if odds >= SCOPE_THRESHOLD:  # first in the ranking: the reading, though not the best score
                ranking = [Candidate(OUT_OF_SCOPE, odds)] + [c for c in ranking if c.label != OUT_OF_SCOPE][:4]
                return Understanding(OUT_OF_SCOPE, None, odds, lang, ranking)
        return reading

    def is_clear(self, understanding: Understanding) -> bool:
        """Confident enough to answer a service question without asking which service was meant."""
        ranking = understanding.ranking
        runner_up = ranking[1].score if len(ranking) > 1 else 0.0
        return understanding.confidence >= ANSWER_THRESHOLD and understanding.confidence - runner_up >= MARGIN
