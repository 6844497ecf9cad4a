"""Base forms against Snowball stems in the catalogue search, side by side in one run (`make bench`).

* k-fold over the catalogue's service examples (nlu/folds.py, K = 5): each fold's examples are removed from
  the index, then asked; top-1 / top-3 of the catalogue search alone, per language, and the questions one
  variant gets right at top-1 and the Snowball stems do not (and the reverse);
* SweFAQ dev (Swedish) with each variant's Swedish words;
* time per query (the catalogue search, caches warm from the index) and the index build;
* memory and load time of each lemmatiser, each in a fresh Python process.

`python bench/morphology.py` prints the section; `bench/run.py` puts it in docs/benchmarks.md.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.catalogue import LANGS, Catalogue, CatalogueEntry, default  # noqa: E402
from knowledge.morphology import Morphology, morphology  # noqa: E402
from knowledge.retrieval import Ranker, WordForms, rank_file, snowball, word_forms  # noqa: E402
from nlu.folds import HeldOut, split  # noqa: E402

SWEFAQ = ROOT.parent / "shared" / "benchmarks" / "swefaq" / "swefaq_dev.jsonl"
K = 5


def _base_only(forms: WordForms) -> WordForms:
    return lambda word: tuple(forms(word))[:1]


#: name → the words view's terms per language
VARIANTS: dict[str, Callable[[], dict[str, WordForms]]] = {
    "Snowball stems (before)": lambda: {"fi": snowball("fi"), "sv": snowball("sv")},
    "**shipped**: fi base forms + compound parts, sv stems": lambda: {"fi": word_forms("fi"), "sv": word_forms("sv")},
    "fi base forms without compound parts": lambda: {"fi": _base_only(morphology("fi").forms), "sv": snowball("sv")},
    "fi base forms, simplemma for the words Voikko does not know":
        lambda: {"fi": Morphology("fi", simplemma=True).forms, "sv": snowball("sv")},
    "fi without Voikko (simplemma, Snowball)": lambda: {"fi": Morphology("fi", voikko=False).forms, "sv": snowball("sv")},
    "sv simplemma lemmas (Snowball for unknown words)": lambda: {"fi": word_forms("fi"), "sv": Morphology("sv").forms},
}


def service_document(entry: CatalogueEntry, lang: str) -> str:
    """A service as assistant.understanding.Understander indexes it: title twice, summary, examples."""
    t = entry.texts[lang]
    return " ".join((t.title, t.title, t.summary, *t.examples))


def kfold(catalogue: Catalogue, forms: dict[str, WordForms]) -> dict[str, dict]:
    folds = split(catalogue, {}, K)
    out: dict[str, dict] = {}
    for lang in LANGS:
        top1: dict[str, bool] = {}
        top3 = 0
        query_s: list[float] = []
        build_s: list[float] = []
        for fold in folds:
            held = HeldOut.of(fold).catalogue(catalogue)
            ids = [e.id for e in held]
            started = time.perf_counter()
            ranker = Ranker([service_document(e, lang) for e in held], lang, forms=forms[lang])
            build_s.append(time.perf_counter() - started)
            for q in fold:
                if q["lang"] != lang:
                    continue
                started = time.perf_counter()
                scores = ranker.scores(q["text"])
                query_s.append(time.perf_counter() - started)
                best = sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:3]
                top1[q["id"]] = ids[best[0]] == q["expected"]
                top3 += q["expected"] in {ids[i] for i in best}
        n = len(top1)
        out[lang] = {"n": n, "top1": sum(top1.values()) / n, "top3": top3 / n, "hits": top1,
                     "query_ms": statistics.mean(query_s) * 1000, "build_ms": statistics.median(build_s) * 1000}
    return out


LOADERS = {
    "Voikko, Finnish (libvoikko + voikko-fi)": "from knowledge.morphology import _voikko as v; h = v(); h.analyze('talossa')",
    "simplemma, Finnish, low-memory backend (used only without Voikko)":
        "from knowledge.morphology import _simplemma as s; s().lemmatize('talossa', lang='fi')",
    "simplemma, Swedish, low-memory backend":
        "from knowledge.morphology import _simplemma as s; s().lemmatize('huset', lang='sv')",
    "simplemma, Finnish, default dict backend (not used)": "import simplemma; simplemma.lemmatize('talossa', lang='fi')",
}
_PROBE = """
import gc, sys, time
sys.path.insert(0, {root!r})
import knowledge.morphology, simplemma, snowballstemmer
def rss():
    return int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) / 1024
gc.collect(); before = rss(); started = time.perf_counter()
{load}
seconds = time.perf_counter() - started; gc.collect()
print(rss() - before, seconds)
"""


def memory() -> dict[str, tuple[float, float]]:
    """MB of resident memory and seconds each lemmatiser adds to a fresh process when it is first used."""
    out = {}
    for name, load in LOADERS.items():
        done = subprocess.run([sys.executable, "-c", _PROBE.format(root=str(ROOT), load=load)],
                              capture_output=True, text=True, timeout=300, check=True)
        mb, seconds = done.stdout.split()
        out[name] = (float(mb), float(seconds))
    return out


def report() -> str:
    catalogue = default()
    rows = {name: (make(), kfold(catalogue, make())) for name, make in VARIANTS.items()}
    base = rows["Snowball stems (before)"][1]
    swefaq: dict[int, dict] = {}
    lines = ["## Base forms in the catalogue search (`bench/morphology.py`, catalogue search alone)", "",
             f"{K}-fold over the catalogue's service examples: each fold's examples are left out of the index and "
             "asked. ± = questions this variant gets right at top-1 that the stems miss, and the reverse. "
             "ms = one query (caches warm from the index); build = the index of one fold.", "",
             "| words view | fi top-1 | fi top-3 | fi ± | sv top-1 | sv top-3 | sv ± | ms/query fi / sv | build ms fi | SweFAQ acc / MRR |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, (forms, res) in rows.items():
        cells = []
        for lang in LANGS:
            mine, theirs = res[lang]["hits"], base[lang]["hits"]
            gained = sum(v and not theirs[k] for k, v in mine.items())
            lost = sum(theirs[k] and not v for k, v in mine.items())
            cells += [f"{res[lang]['top1']:.3f}", f"{res[lang]['top3']:.3f}", f"+{gained} / −{lost}"]
        key = id(forms["sv"]) if name.startswith("sv") else 0
        if key not in swefaq:
            swefaq[key] = rank_file(SWEFAQ, "sv", forms=forms["sv"]) if SWEFAQ.exists() else {}
        faq = swefaq[key]
        faq_cell = f"{faq['accuracy']:.3f} / {faq['mrr']:.3f}" if faq else "–"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {res['fi']['query_ms']:.2f} / {res['sv']['query_ms']:.2f}"
                     f" | {res['fi']['build_ms']:.0f} | {faq_cell} |")
    n = base["fi"]["n"], base["sv"]["n"]
    lines += ["", f"n = {n[0]} Finnish and {n[1]} Swedish questions; one question is 0.0007; the SweFAQ BM25 "
              f"baseline in the same run: {swefaq[0]['baseline_bm25']['accuracy']:.3f}." if swefaq.get(0) else "", "",
              "| lemmatiser, first use in a fresh process | resident memory MB | load s |", "|---|---:|---:|"]
    lines += [f"| {name} | {mb:.0f} | {s:.2f} |" for name, (mb, s) in memory().items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(report())
