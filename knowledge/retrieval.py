"""The knowledge-retrieval engine: ranks short documents (FAQ answers, catalogue services) for a query.

Two views of the text are scored with BM25 (k1=1.5, b=0.75) and fused:

* **words**: lowercase word tokens in a normal form, with function words (a short stopword list per
  language) left out of the query. Finnish words become their base forms and compound parts
  (`knowledge.morphology`: Voikko; simplemma only without it): "starttirahahakemuksen" →
  starttirahahakemus, startti, raha, hakemus, starttiraha, rahahakemus. Swedish and English words are
  Snowball-stemmed (Swedish lemmas were measured and did not beat the stems: docs/retrieval.md);
* **character n-grams**: word-boundary character 3-5-grams of the lowercase, unstemmed words (of the
  query: its content words only; each word padded with spaces, as scikit-learn's char_wb), each n-gram
  a BM25 term. N-grams match inflected forms the stemmer misses ("yrityksen" ~ "yritys") and the
  parts of compounds ("starttirahaa" ~ "starttiraha", "föräldrapenningen" ~ "penning"), which matter
  in Finnish and Swedish.

Each view's scores are divided by their maximum over the documents and summed, 0.3 x words +
0.7 x n-grams (normalised score-sum fusion). All scores are >= 0; a document sharing nothing with the
query scores 0, and the best document scores 1 unless nothing matches.

IDF comes from the documents being ranked (within-set discrimination is what ranking needs). `Ranker`
also takes optional `background` texts that only add to the document frequencies; measured on SweFAQ
they did not help, so `rank_file` does not use them (docs/retrieval.md).

`bm25_scores` is the plain baseline: BM25 on stemmed tokens, no stopwords, no n-grams.
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from functools import lru_cache, cache
from pathlib import Path
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import snowballstemmer

from knowledge.morphology import morphology

__all__ = ["Ranker", "bm25_scores", "rank_file", "tokens", "stems", "word_forms", "snowball", "STOPWORDS"]

K1 = 1.5
B = 0.75
NGRAM_RANGE = (3, 5)
WORD_WEIGHT = 0.3   # share of the BM25 view in the fused score; the rest is the n-gram view
LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}
#: Languages whose words view uses base forms (`knowledge.morphology`) rather than Snowball stems.
LEMMATISED = frozenset({"fi"})

#: A word's terms in the words view (a lowercase token in, one or more terms out).
WordForms = Callable[[str], Sequence[str]]

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Function words: question words, pronouns, auxiliaries, conjunctions, prepositions. They carry no
# topic, yet they are the most frequent tokens of a question. (Abridged from the Snowball lists.)
STOPWORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(["och", "i", "att", "det", "som", "en", "på", "är", "av", "för", "med", "till", "den", "har", "de", "inte", "om", "ett", "han", "men", "var", "jag", "sig", "från", "vi", "så", "kan", "man", "när", "säger", "hon", "under", "också", "efter", "eller", "nu", "sin", "där", "vid", "mot", "ska", "skall", "hade", "kommer", "än", "får", "blir", "bli", "blev", "två", "dem", "alla", "andra", "hans", "honom", "henne", "hennes", "vara", "varit", "vad", "hur", "vilken", "vilket", "vilka", "vem", "varför", "var", "vart", "vars", "när", "då", "denna", "detta", "dessa", "här", "dig", "din", "dina", "ditt", "du", "er", "era", "ert", "ert", "ni", "oss", "vår", "våra", "vårt", "mig", "min", "mina", "mitt", "mycket", "sedan", "sådan", "sådana", "sådant", "samma", "skulle", "utan", "upp", "ut", "åt", "över", "under", "genom", "hos", "inom", "enligt", "mellan", "utom", "efter", "innan", "medan", "eftersom", "om", "även", "dock", "bara", "ju", "väl", "ja", "nej", "någon", "något", "några", "ingen", "inget", "inga", "allt", "alla", "annat", "annan", "mer", "mest", "mindre", "många", "få", "ha", "hade", "haft", "havas", "göra", "gör", "gjorde", "gjort", "måste", "kunna", "kunde", "behöver", "behöva", "vill", "ville", "finns", "fanns", "sitt", "sina", "själv", "man", "mitt", "jag", "de", "dem", "deras", "hans", "hennes", "dess", "varje", "vid", "hade", "inte", "icke", "ej"]),
    "fi": frozenset(["ja", "on", "ei", "se", "että", "oli", "ovat", "olla", "ole", "olen", "olet", "olemme", "olette", "olisi", "ollut", "olleet", "ollaan", "hän", "he", "me", "te", "minä", "sinä", "mä", "sä", "mun", "sun", "minun", "sinun", "hänen", "meidän", "teidän", "heidän", "minua", "sinua", "minulla", "sinulla", "hänellä", "meillä", "teillä", "heillä", "minulle", "sinulle", "hänelle", "meille", "teille", "heille", "minut", "sinut", "hänet", "meidät", "teidät", "heidät", "mitä", "mikä", "mitkä", "mihin", "missä", "mistä", "miten", "miksi", "milloin", "kuka", "ketkä", "kenen", "kenelle", "keneltä", "kuinka", "montako", "paljonko", "kumpi", "kumman", "tämä", "tämän", "tätä", "tässä", "tästä", "tähän", "tällä", "tältä", "tälle", "nämä", "näiden", "näitä", "näissä", "näistä", "tuo", "tuon", "tuota", "se", "sen", "sitä", "siinä", "siitä", "siihen", "sillä", "siltä", "sille", "ne", "niiden", "niitä", "niissä", "niistä", "niihin", "niillä", "niille", "joka", "jonka", "jota", "jossa", "josta", "johon", "jolla", "jolta", "jolle", "jotka", "joiden", "joita", "jos", "kun", "kuin", "mutta", "tai", "sekä", "eli", "vai", "myös", "vain", "jo", "vielä", "nyt", "sitten", "koska", "että", "jotta", "vaikka", "voi", "voin", "voit", "voimme", "voitte", "voivat", "voiko", "voinko", "voisi", "voisin", "pitää", "pitäisi", "täytyy", "tarvitsee", "saa", "saan", "saako", "saanko", "saada", "onko", "onkin", "olenko", "ko", "kö", "han", "hän", "pa", "pä", "kanssa", "ilman", "mukaan", "jälkeen", "ennen", "aikana", "asti", "saakka", "kautta", "luona", "lähellä", "yli", "alle", "oma", "oman", "omaa", "omat", "kaikki", "kaikkia", "jokin", "jotain", "joku", "jonkin", "mikään", "mitään", "kukaan", "ei", "en", "et", "emme", "ette", "eivät", "mun", "mulle", "mulla", "ihan", "aivan", "hyvin", "enemmän", "eniten"]),
    "en": frozenset(["a", "an", "the", "and", "or", "but", "if", "then", "than", "so", "of", "in", "on", "at", "to", "for", "from", "by", "with", "about", "into", "over", "under", "after", "before", "between", "through", "during", "without", "within", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "have", "has", "had", "having", "can", "could", "shall", "should", "will", "would", "may", "might", "must", "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its", "they", "them", "their", "theirs", "this", "that", "these", "those", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "there", "here", "not", "no", "yes", "any", "some", "all", "each", "every", "other", "such", "own", "same", "as", "also", "just", "only", "very", "too", "more", "most", "much", "many", "get", "got"]),
}


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: expected one of {sorted(LANGUAGES)}")
    return lang


@cache
def _stemmer(lang: str):
    return snowballstemmer.stemmer(LANGUAGES[_lang(lang)])


@lru_cache(maxsize=200_000)
def _stem(word: str, lang: str) -> str:
    return _stemmer(lang).stemWord(word)


def snowball(lang: str) -> WordForms:
    """The Snowball stem of a word as its only term (the words view before base forms)."""
    lang = _lang(lang)
    return lambda word: (_stem(word, lang),)


def word_forms(lang: str) -> WordForms:
    """The words view's terms in a language: base forms and compound parts (Finnish), else Snowball stems."""
    return morphology(lang).forms if _lang(lang) in LEMMATISED else snowball(lang)


def tokens(text: str) -> list[str]:
    """Lowercase word tokens (letters and digits; punctuation, hyphens and underscores split)."""
    return _TOKEN_RE.findall(text.lower())


def stems(text: str, lang: str) -> list[str]:
    """Snowball stems of the text's word tokens."""
    return [_stem(t, lang) for t in tokens(text)]


@lru_cache(maxsize=200_000)
def _word_ngrams(word: str) -> tuple[str, ...]:
    """Character n-grams of one word padded with spaces (word-boundary n-grams, as char_wb)."""
    padded = f" {word} "
    lo, hi = NGRAM_RANGE
    out: list[str] = []
    for n in range(lo, hi + 1):
        if len(padded) < n:
            break
        out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    if not out:  # a one-letter word padded is 3 characters: always at least one gram
        out.append(padded)
    return tuple(out)


def _ngrams(words: Iterable[str]) -> Counter:
    grams: Counter = Counter()
    for w in words:
        grams.update(_word_ngrams(w))
    return grams


class _BM25:
    """BM25 over term-frequency bags; IDF = ln(1 + (N - df + 0.5) / (df + 0.5)) (never negative).

    `background` bags only add to the document frequencies (and N); they are never scored.
    The index is a term-sorted posting array built with numpy: term id -> slice of (doc ids, weights).
    """

    def __init__(self, bags: Sequence[Counter], background: Sequence[Counter] = (),
                 k1: float = K1, b: float = B) -> None:
        self.n = len(bags)
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        freqs: list[int] = []
        sizes: list[int] = []
        for bag in bags:
            term_ids.extend(vocab.setdefault(t, len(vocab)) for t in bag)
            freqs.extend(bag.values())
            sizes.append(len(bag))
        ids = np.asarray(term_ids, dtype=np.int64)
        tf = np.asarray(freqs, dtype=np.float64)
        docs = np.repeat(np.arange(self.n, dtype=np.int64), sizes)
        df = np.bincount(ids, minlength=len(vocab)).astype(np.float64)
        for bag in background:   # terms the documents lack cannot score: only the known ones count
            for t in bag:
                j = vocab.get(t)
                if j is not None:
                    df[j] += 1.0
        n_stats = self.n + len(background)
        self.vocab = vocab
        self.idf = np.log1p((n_stats - df + 0.5) / (df + 0.5))
        lengths = np.bincount(docs, weights=tf, minlength=self.n)
        avgdl = float(lengths.mean()) if self.n and lengths.sum() > 0 else 1.0
        norm = k1 * (1.0 - b + b * lengths / avgdl)
        weights = tf * (k1 + 1.0) / (tf + norm[docs])
        order = np.argsort(ids, kind="stable")
        self.docs = docs[order]
        self.weights = weights[order]
        self.offsets = np.concatenate(([0], np.cumsum(np.bincount(ids, minlength=len(vocab)))))

    def scores(self, query: Counter) -> np.ndarray:
        acc = np.zeros(self.n, dtype=np.float64)
        for term, count in query.items():
            j = self.vocab.get(term)
            if j is not None:
                lo, hi = self.offsets[j], self.offsets[j + 1]
                # a document appears once per posting list, so fancy-index += is exact
                acc[self.docs[lo:hi]] += (count * self.idf[j]) * self.weights[lo:hi]
        return acc


def bm25_scores(query: str, documents: Sequence[str], lang: str) -> list[float]:
    """Plain BM25 (k1=1.5, b=0.75) on Snowball-stemmed lowercase word tokens: the baseline."""
    lang = _lang(lang)
    if not documents:
        return []
    bm25 = _BM25([Counter(stems(d, lang)) for d in documents])
    return [float(s) for s in bm25.scores(Counter(stems(query, lang)))]


def _content(words: Sequence[str], lang: str) -> list[str]:
    """The words without stopwords; all of them when nothing else is left (a query of function words)."""
    stop = STOPWORDS[lang]
    kept = [w for w in words if w not in stop]
    return kept if kept else list(words)


def _max_normalised(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if values.size else 0.0
    return values / top if top > 0 else np.zeros_like(values)


class Ranker:
    """Scores documents against a query (BM25-style lexical + character n-gram similarity, fused)."""

    def __init__(self, documents: Sequence[str], lang: str, background: Sequence[str] = (),
                 word_weight: float = WORD_WEIGHT, forms: WordForms | None = None) -> None:
        """`background`: extra texts used only for IDF statistics, never ranked (off by default).
        `forms`: a word's terms in the words view (by default `word_forms(lang)`)."""
        self.lang = _lang(lang)
        self.n = len(documents)
        self.word_weight = word_weight
        self.forms = forms or word_forms(self.lang)
        doc_words = [tokens(d) for d in documents]
        own = set(documents)
        bg_words = [tokens(d) for d in dict.fromkeys(background) if d not in own]  # count each text once
        self._words = _BM25([Counter(self._terms(w)) for w in doc_words],
                            [Counter(self._terms(w)) for w in bg_words])
        self._chars = _BM25([_ngrams(w) for w in doc_words], [_ngrams(w) for w in bg_words])

    def _terms(self, words: Sequence[str]) -> list[str]:
        return [term for w in words for term in self.forms(w)]

    def components(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """The raw scores of each view: (BM25 on content-word forms, BM25 on their character n-grams)."""
        if not self.n:
            return np.zeros(0), np.zeros(0)
        words = _content(tokens(query), self.lang)
        return self._words.scores(Counter(self._terms(words))), self._chars.scores(_ngrams(words))

    def known_share(self, query: str) -> float:
        """The share of the query's content words whose normal form (base form or stem) the documents use."""
        words = _content(tokens(query), self.lang)
        known = sum(1 for w in words if (forms := self.forms(w)) and forms[0] in self._words.vocab)
        return known / len(words) if words else 0.0

    def scores(self, query: str) -> list[float]:
        if not self.n:
            return []
        lexical, chars = self.components(query)
        fused = self.word_weight * _max_normalised(lexical) + (1.0 - self.word_weight) * _max_normalised(chars)
        return [round(float(s), 12) for s in fused]


def _ranking(scores: Sequence[float]) -> list[int]:
    """Indices best first; ties keep the document order (deterministic)."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def _read_lines(path: Path) -> list[dict]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(item, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            question, candidates = item.get("question"), item.get("candidate_answers")
            if not isinstance(question, str):
                raise ValueError(f"{path}:{number}: 'question' must be a string")
            if not isinstance(candidates, list) or not candidates or not all(isinstance(c, str) for c in candidates):
                raise ValueError(f"{path}:{number}: 'candidate_answers' must be a non-empty list of strings")
            label = item.get("label")
            if label is not None and (isinstance(label, bool) or not isinstance(label, int)
                                      or not 0 <= label < len(candidates)):
                raise ValueError(f"{path}:{number}: 'label' must be an index into candidate_answers")
            items.append({"line": number, "question": question, "candidates": candidates, "label": label})
    return items


def _metrics(rankings: list[list[int]], labels: list[int | None]) -> dict:
    pairs = [(r, l) for r, l in zip(rankings, labels) if l is not None]
    if not pairs:
        return {"accuracy": None, "mrr": None}
    return {"accuracy": round(sum(r[0] == l for r, l in pairs) / len(pairs), 4),
            "mrr": round(sum(1.0 / (r.index(l) + 1) for r, l in pairs) / len(pairs), 4)}


def rank_file(path: str | Path, lang: str = "sv", forms: WordForms | None = None) -> dict:
    """Rank the candidate answers of each line of a SweFAQ-format JSONL file.

    IDF comes from each line's own candidates. (Adding the union of all candidates in the file as
    background statistics was measured and lowered accuracy: the task is to tell apart answers of one
    category, and terms shared by the whole category are rightly down-weighted only by the candidate
    set's own IDF. See docs/retrieval.md.) Lines with the same candidate list share one Ranker.
    The BM25 baseline is computed in the same run with `bm25_scores`. `forms`: the Ranker's words-view
    terms (by default the language's, `word_forms`).
    """
    lang = _lang(lang)
    start = time.perf_counter()
    items = _read_lines(Path(path))
    rankers: dict[tuple[str, ...], Ranker] = {}   # lines of one category share their candidates
    rankings, baseline, labels = [], [], []
    for item in items:
        key = tuple(item["candidates"])
        ranker = rankers.get(key)
        if ranker is None:
            ranker = rankers[key] = Ranker(item["candidates"], lang, forms=forms)
        rankings.append(_ranking(ranker.scores(item["question"])))
        baseline.append(_ranking(bm25_scores(item["question"], item["candidates"], lang)))
        labels.append(item["label"])
    ours = _metrics(rankings, labels)
    return {
        "n": len(items),
        "labelled": sum(l is not None for l in labels),
        "accuracy": ours["accuracy"],
        "mrr": ours["mrr"],
        "baseline_bm25": _metrics(baseline, labels),
        "rankings": [{"index": i, "ranking": r, "label": l} for i, (r, l) in enumerate(zip(rankings, labels))],
        "elapsed_ms": round((time.perf_counter() - start) * 1000.0, 1),
    }
