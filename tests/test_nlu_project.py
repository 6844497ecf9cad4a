"""The Rasa project is generated from the catalogue; its content hash decides whether to retrain."""
from __future__ import annotations

import dataclasses

import pytest
import yaml

from knowledge.catalogue import Catalogue, default
from nlu.project import SMALL_TALK, generate, load_dialogue_intents

pytestmark = pytest.mark.nlu

DIALOGUE_INTENTS = {"greet", "goodbye", "thanks", "affirm", "deny", "request_human", "switch_language",
                    "give_business_id", "give_municipality", "bot_challenge", "feedback", "out_of_scope"}


def test_every_service_and_dialogue_intent_is_trained(tmp_path):
    project = generate(default(), tmp_path)
    domain = yaml.safe_load(project.domain.read_text(encoding="utf-8"))
    assert set(domain["intents"]) == {e.id for e in default()} | DIALOGUE_INTENTS
    nlu = yaml.safe_load((project.data / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    counts = {block["intent"]: len(block["examples"].splitlines()) for block in nlu}
    assert all(counts[e.id] >= 24 for e in default())
    rules = yaml.safe_load((project.data / "rules.yml").read_text(encoding="utf-8"))["rules"]
    actions = {r["steps"][0]["intent"]: r["steps"][1]["action"] for r in rules}
    assert actions["greet"] == SMALL_TALK["greet"] and actions["start_up_grant"] == "action_respond"
    assert actions["nlu_fallback"] == "action_respond"


def test_dialogue_intents_have_examples_in_both_languages():
    intents = load_dialogue_intents()
    assert set(intents) == DIALOGUE_INTENTS
    assert all(len(v["fi"]) >= 20 and len(v["sv"]) >= 20 for v in intents.values())


def test_hash_is_stable_and_follows_content(tmp_path):
    catalogue = default()
    first = generate(catalogue, tmp_path / "a")
    assert generate(catalogue, tmp_path / "b").content_hash == first.content_hash
    entry = catalogue.get("work_trial")
    fi = dataclasses.replace(entry.texts["fi"], examples=entry.texts["fi"].examples + ("voinko kokeilla työtä ensin",))
    changed = Catalogue({**catalogue.entries, "work_trial": dataclasses.replace(entry, texts={**entry.texts, "fi": fi})})
    assert generate(changed, tmp_path / "c").content_hash != first.content_hash


def test_identity_codes_never_reach_training_data(tmp_path):
    dialogue = {"greet": {"fi": ["moi, hetuni on 131052-308T"], "sv": ["hej"]}}
    project = generate(default(), tmp_path, dialogue=dialogue)
    data = (project.data / "nlu.yml").read_text(encoding="utf-8")
    assert "131052-308T" not in data and "[henkilötunnus]" not in data and "(henkilötunnus)" in data
