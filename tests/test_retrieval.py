"""The retrieval engine: inflected Finnish and Swedish queries, the SweFAQ file runner and its errors."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from knowledge.retrieval import Ranker, bm25_scores, rank_file

pytestmark = pytest.mark.nlu

SWEFAQ = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "swefaq" / "swefaq_dev.jsonl"

FI_DOCS = [
    "Palkkatuki on rahallinen tuki, jota työnantaja voi saada työttömän työnhakijan palkkauskustannuksiin.",
    "Starttiraha on tuki päätoimisen yritystoiminnan aloittamiseen, kun perustat oman yrityksen.",
    "Työkokeilu on lyhytaikainen palvelu, jossa voit selvittää ammatinvalintaa tai paluuta työmarkkinoille.",
]
SV_DOCS = [
    "Lönesubvention är ett ekonomiskt stöd som arbetsgivaren kan få för att anställa en arbetssökande.",
    "Startpeng är ett stöd för den som startar ett eget företag på heltid.",
    "Föräldrapenning betalas ut när du är hemma med ditt barn.",
]


def best(scores: list[float]) -> int:
    return max(range(len(scores)), key=lambda i: (scores[i], -i))


@pytest.mark.parametrize("query, expected", [
    ("starttirahaa yrityksen perustamiseen", 1),
    ("Voinko saada starttirahan?", 1),          # plain BM25 ranks palkkatuki first (shared 'saada')
    ("palkkatuesta työnantajalle", 0),
    ("mikä on työkokeilu", 2),
])
def test_finnish_inflected_query_ranks_the_right_service_first(query, expected):
    assert best(Ranker(FI_DOCS, "fi").scores(query)) == expected


@pytest.mark.parametrize("query, expected", [
    ("Kan jag få startpengen när jag grundar ett företag?", 1),
    ("Hur mycket startpeng kan jag få?", 1),   # plain BM25 picks lönesubvention (shared 'kan', 'få')
    ("lönesubventionen för arbetsgivare", 0),
    ("föräldrapenningen", 2),
])
def test_swedish_inflected_query_ranks_the_right_document_first(query, expected):
    assert best(Ranker(SV_DOCS, "sv").scores(query)) == expected


def test_the_two_cases_above_defeat_plain_bm25():
    """The cases are not trivial: the baseline gets them wrong, so the fused ranker earns its keep."""
    assert best(bm25_scores("Voinko saada starttirahan?", FI_DOCS, "fi")) != 1
    assert best(bm25_scores("Hur mycket startpeng kan jag få?", SV_DOCS, "sv")) != 1


def test_scores_are_one_per_document_non_negative_and_deterministic():
    ranker = Ranker(FI_DOCS, "fi")
    first = ranker.scores("starttiraha")
    assert len(first) == len(FI_DOCS)
    assert all(s >= 0 for s in first)
    assert first == ranker.scores("starttiraha") == Ranker(FI_DOCS, "fi").scores("starttiraha")
    assert max(first) == pytest.approx(1.0)


def test_a_query_sharing_nothing_scores_zero_and_empty_inputs_work():
    assert Ranker(SV_DOCS, "sv").scores("xyzzy qwv") == [0.0, 0.0, 0.0]
    assert Ranker(SV_DOCS, "sv").scores("") == [0.0, 0.0, 0.0]
    assert Ranker([], "sv").scores("startpeng") == []
    assert bm25_scores("startpeng", [], "sv") == []


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        Ranker(SV_DOCS, "de")


def test_bm25_baseline_matches_the_formula():
    # N=2, df(cat)=1: idf = ln(1 + 1.5/1.5) = ln 2; doc 0 has 2 tokens, avgdl 1.5
    norm = 1.5 * (1 - 0.75 + 0.75 * 2 / 1.5)
    expected = math.log(2) * 1 * 2.5 / (1 + norm)
    assert bm25_scores("cats", ["cat dog", "bird"], "en") == pytest.approx([expected, 0.0])


def _write(path: Path, lines: list) -> Path:
    path.write_text("\n".join(l if isinstance(l, str) else json.dumps(l, ensure_ascii=False) for l in lines) + "\n",
                    encoding="utf-8")
    return path


def test_rank_file_reports_accuracy_mrr_and_the_baseline(tmp_path):
    candidates = SV_DOCS
    path = _write(tmp_path / "faq.jsonl", [
        {"question": "Vad är startpeng?", "candidate_answers": candidates, "label": 1, "category_id": 1},
        {"question": "Hur får arbetsgivaren lönesubvention?", "candidate_answers": candidates, "label": 0},
        {"question": "När betalas föräldrapenningen ut?", "candidate_answers": candidates, "label": 2},
        {"question": "Vem får föräldrapenning?", "candidate_answers": candidates},   # unlabelled
    ])
    report = rank_file(path, lang="sv")
    assert report["n"] == 4 and report["labelled"] == 3
    assert report["accuracy"] == 1.0 and report["mrr"] == 1.0
    assert set(report["baseline_bm25"]) == {"accuracy", "mrr"}
    assert [r["ranking"][0] for r in report["rankings"]] == [1, 0, 2, 2]
    assert report["rankings"][3]["label"] is None
    assert sorted(report["rankings"][0]["ranking"]) == [0, 1, 2]
    assert report["elapsed_ms"] >= 0


def test_rank_file_counts_a_wrong_first_answer(tmp_path):
    path = _write(tmp_path / "faq.jsonl", [
        {"question": "Vad är startpeng?", "candidate_answers": SV_DOCS, "label": 2},
    ])
    report = rank_file(path, lang="sv")
    assert report["accuracy"] == 0.0
    assert 0 < report["mrr"] < 1


def test_rank_file_without_labels_has_no_metrics(tmp_path):
    path = _write(tmp_path / "faq.jsonl", [{"question": "Vad är startpeng?", "candidate_answers": SV_DOCS}])
    report = rank_file(path)
    assert report["labelled"] == 0 and report["accuracy"] is None and report["mrr"] is None


@pytest.mark.parametrize("bad", [
    "{not json",
    json.dumps({"candidate_answers": ["a", "b"]}),                          # no question
    json.dumps({"question": "q", "candidate_answers": "a"}),               # not a list
    json.dumps({"question": "q", "candidate_answers": ["a", "b"], "label": 5}),
    json.dumps(["q", ["a"]]),
])
def test_a_malformed_line_raises_value_error_naming_the_line(tmp_path, bad):
    good = json.dumps({"question": "Vad är startpeng?", "candidate_answers": SV_DOCS, "label": 1})
    path = _write(tmp_path / "faq.jsonl", [good, good, bad])
    with pytest.raises(ValueError, match=r":3\b"):
        rank_file(path)


@pytest.mark.skipif(not SWEFAQ.exists(), reason="shared SweFAQ benchmark not present")
def test_swefaq_dev_beats_the_bm25_baseline():
    report = rank_file(SWEFAQ, lang="sv")
    assert report["n"] == report["labelled"] > 100
    assert report["accuracy"] >= report["baseline_bm25"]["accuracy"] + 0.05
    assert report["mrr"] > report["baseline_bm25"]["mrr"]
