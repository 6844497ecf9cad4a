"""The content provider: the one way to the catalogue, the understander and the language model.

What the assistant says and how it reads a message both come from content that editors change: the
national catalogue now, regional supplements next. The provider holds one immutable `Content` version at
a time and swaps it whole on `reload()`, while running, so a turn started on one version finishes on it
and nothing keeps a private copy (no process-wide singletons). Entries are looked up by service,
language, region and version.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.language import LanguageDetector, build_detector
from assistant.understanding import Understander
from knowledge.catalogue import Catalogue, CatalogueEntry, ServiceText, load
from knowledge.semantic import Encoder, SemanticIndex, SemanticUnavailable, load_encoder
from nlu.folds import Dialogue, HeldOut
from nlu.project import load_dialogue_intents

log = logging.getLogger("neuvo.content")

KEPT_VERSIONS = 4  # older versions stay readable for turns that started on them


@dataclass(frozen=True)
class Content:
    version: str                # a hash of the content: the same content gives the same version
    catalogue: Catalogue
    understander: Understander  # catalogue search and fusion with Rasa's ranking
    detector: LanguageDetector  # Finnish or Swedish, learnt from the catalogue's own questions


def version_of(catalogue: Catalogue) -> str:
    return hashlib.sha256(repr([(e.id, e) for e in catalogue]).encode()).hexdigest()[:16]


def catalogue_loader(held_out: Path | None = None) -> Callable[[], Catalogue]:
    """The catalogue from disk; without the examples of a held-out file when measuring (`nlu/folds.py`),
    so the catalogue search has not indexed the questions it is asked."""
    if held_out is None:
        return load
    exclusion = HeldOut.read(held_out)
    return lambda: exclusion.catalogue(load())


def dialogue_loader(held_out: Path | None = None) -> Callable[[], Dialogue]:
    """The dialogue intents' examples (the understander's phrasebook), without a held-out file's texts."""
    if held_out is None:
        return load_dialogue_intents
    exclusion = HeldOut.read(held_out)
    return lambda: exclusion.dialogue(load_dialogue_intents())


@dataclass(frozen=True)
class Semantic:
    """The sentence embedding for the understanding: its encoder (one per process, shared by all content
    versions) and where the catalogue's vectors are cached (knowledge/semantic.py)."""
    encoder: Encoder
    cache_dir: Path | None = None

    def index(self, catalogue: Catalogue) -> SemanticIndex:
        return SemanticIndex(catalogue, self.encoder, self.cache_dir)


def semantic_from(setting: str, cache_dir: Path | None) -> Semantic | None:
    """The embedding if the setting `semantic` (NEUVO_SEMANTIC) is on and its wheel loads; logged either way."""
    if setting != "on":
        log.info("semantic: off (NEUVO_SEMANTIC=%s): understanding by Rasa and the catalogue search only", setting)
        return None
    try:
        encoder = load_encoder()
    except SemanticUnavailable as exc:
        log.warning("semantic: off, the embedding is not available (%s): Rasa and the catalogue search only", exc)
        return None
    log.info("semantic: on (%s), catalogue vectors cached in %s", encoder.name, cache_dir)
    return Semantic(encoder, cache_dir)


def build(catalogue: Catalogue, semantic: Semantic | None = None, dialogue: Dialogue | None = None) -> Content:
    understander = Understander(catalogue, semantic.index(catalogue) if semantic is not None else None, dialogue)
    return Content(version_of(catalogue), catalogue, understander, build_detector(catalogue))


class ContentProvider:
    def __init__(self, loader: Callable[[], Catalogue] = load, semantic: Semantic | None = None,
                 dialogue: Callable[[], Dialogue] = load_dialogue_intents):
        self.loader = loader
        self.semantic = semantic
        self.dialogue = dialogue
        self._lock = threading.Lock()
        self._versions: OrderedDict[str, Content] = OrderedDict()
        self._current: Content | None = None

    def current(self) -> Content:
        if self._current is None:
            with self._lock:
                if self._current is None:
                    self._install(build(self.loader(), self.semantic, self.dialogue()))
        assert self._current is not None
        return self._current

    def reload(self) -> Content:
        """Load the content again and make it current (a broken catalogue raises and changes nothing)."""
        content = build(self.loader(), self.semantic, self.dialogue())
        with self._lock:
            self._install(content)
        return content

    def _install(self, content: Content) -> None:
        self._versions[content.version] = content
        self._versions.move_to_end(content.version)
        while len(self._versions) > KEPT_VERSIONS:
            self._versions.popitem(last=False)
        self._current = content

    def version(self, version: str | None = None) -> Content:
        """A given version while it is kept, else the current one."""
        return self._versions.get(version or "") or self.current()

    def entry(self, service: str, lang: str, region: str | None = None,
              version: str | None = None) -> tuple[CatalogueEntry, ServiceText] | None:
        """A service's entry and its text in `lang` (Finnish where the catalogue has no such language).
        `region` selects a region's supplement once regional content exists; the national text stands."""
        entry = self.version(version).catalogue.get(service)
        return (entry, entry.text(lang)) if entry is not None else None
