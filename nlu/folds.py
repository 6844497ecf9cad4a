"""K-fold held-out questions over the catalogue's and the dialogue intents' examples (`assistant eval --kfold`).

A number measured on questions the engine was trained on says nothing, so a fold's examples must be out
of everything that learns from examples: Rasa's training data *and* the catalogue search's index (it
indexes the examples too). `HeldOut` is that exclusion; the settings' `held_out` file carries it to the
training and to the app's content provider.

Each intent's examples, per language, are ordered by a hash of their text and dealt round-robin into K
folds: balanced, deterministic, and independent of the order the authors wrote them in.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from knowledge.catalogue import LANGS, Catalogue

Dialogue = dict[str, dict[str, list[str]]]


def normalise(text: str) -> str:
    """The key an example is held out by: the same words in any case or spacing are the same example."""
    return " ".join(str(text).split()).casefold()


def _order(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def _deal(examples: tuple[str, ...], k: int) -> list[list[str]]:
    folds: list[list[str]] = [[] for _ in range(k)]
    for i, text in enumerate(sorted(dict.fromkeys(examples), key=_order)):
        folds[i % k].append(text)
    return folds


def split(catalogue: Catalogue, dialogue: Dialogue, k: int) -> list[list[dict]]:
    """K lists of labelled questions (the eval format: id, lang, text, expected); every example is in one."""
    if k < 2:
        raise ValueError("k-fold needs k >= 2")
    sources = [(e.id, lang, tuple(e.texts[lang].examples)) for e in catalogue for lang in LANGS]
    sources += [(intent, lang, tuple(texts)) for intent, by_lang in dialogue.items() for lang, texts in by_lang.items()]
    folds: list[list[dict]] = [[] for _ in range(k)]
    for intent, lang, examples in sources:
        for fold, texts in enumerate(_deal(examples, k)):
            folds[fold] += [{"id": f"fold{fold}-{intent}-{lang}-{n}", "lang": lang, "text": t, "expected": intent}
                            for n, t in enumerate(texts)]
    return folds


@dataclass(frozen=True)
class HeldOut:
    """Example texts left out of training and of the catalogue search, wherever they occur."""
    texts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, questions: list[dict]) -> "HeldOut":
        return cls(frozenset(normalise(q["text"]) for q in questions))

    @classmethod
    def read(cls, path: Path | None) -> "HeldOut":
        """The questions of a JSONL file (none when there is no file)."""
        if path is None:
            return cls()
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return cls.of([json.loads(line) for line in lines if line.strip()])

    def keeps(self, text: str) -> bool:
        return normalise(text) not in self.texts

    def catalogue(self, catalogue: Catalogue) -> Catalogue:
        if not self.texts:
            return catalogue
        return Catalogue({e.id: dataclasses.replace(e, texts={
            lang: dataclasses.replace(t, examples=tuple(x for x in t.examples if self.keeps(x)))
            for lang, t in e.texts.items()}) for e in catalogue})

    def dialogue(self, dialogue: Dialogue) -> Dialogue:
        return {intent: {lang: [x for x in texts if self.keeps(x)] for lang, texts in by_lang.items()}
                for intent, by_lang in dialogue.items()}


def write(path: Path, questions: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    return path
