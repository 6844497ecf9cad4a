"""`assistant eval` scores what the customer saw: hand-made REST replies (the product's own reply texts) are
classified into outcomes and rates; the k-fold split holds every example out exactly once, out of the
training data and the catalogue search alike. No Rasa needed (the k-fold run itself is docs/nlu.md's)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from assistant import replies
from assistant.content import ContentProvider, catalogue_loader, dialogue_loader, version_of
from assistant.evaluation import Outcome, Question, Reply, Report, classify, read_questions, read_reply, result
from assistant.message import BotMessage
from assistant.runtime import Stack
from assistant.settings import Settings
from knowledge.catalogue import LANGS, default, load
from nlu.facets import Facet
from nlu.folds import HeldOut, normalise, split, write
from nlu.project import generate, load_dialogue_intents, training_examples

pytestmark = pytest.mark.eval

CATALOGUE = default()
SERVICE, OTHER, THIRD = "start_up_grant", "starting_a_business", "business_growth_advice"
NEEDS_PERSON = next(e for e in CATALOGUE if e.needs_person)


def rest(*messages: BotMessage | dict, state: str = "bot", language: str = "fi", intent: str | None = None) -> dict:
    """A `POST …/messages` response body as the REST API gives it."""
    rendered = [m if isinstance(m, dict) else {"seq": 2, "from": "bot", **m.as_dict()} for m in messages]
    return {"conversation_id": "c", "language": language, "state": state, "engine": "up", "messages": rendered,
            "understood": {"intent": intent, "ranking": [{"label": intent, "score": 0.9}]} if intent else None}


def outcome(expected: str, body: dict) -> Outcome:
    return classify(expected, read_reply(body))


def answer(service: str, lang: str = "fi") -> BotMessage:
    return replies.service_answer(lang, CATALOGUE.get(service))


def clarification(*services: str, lang: str = "fi") -> BotMessage:
    return replies.clarification(lang, [CATALOGUE.get(s) for s in services])


@pytest.mark.parametrize("lang", LANGS)
def test_an_answer_is_right_only_about_the_service_asked(lang):
    assert outcome(SERVICE, rest(answer(SERVICE, lang), language=lang)) == Outcome.ANSWERED_RIGHT
    assert outcome(SERVICE, rest(answer(OTHER, lang), language=lang)) == Outcome.ANSWERED_WRONG
    assert outcome("greet", rest(answer(OTHER, lang), language=lang)) == Outcome.ANSWERED_WRONG
    # a service that needs a person: the answer comes first, the offer of a person after it
    both = rest(replies.service_answer(lang, NEEDS_PERSON), replies.human_offer(lang, "needs_person"),
                state="human_offered", language=lang)
    assert outcome(NEEDS_PERSON.id, both) == Outcome.ANSWERED_RIGHT


def test_a_clarification_counts_whether_the_right_service_is_among_its_buttons():
    assert read_reply(rest(clarification(OTHER, SERVICE, THIRD))) == Reply("clarify", options=(OTHER, SERVICE, THIRD))
    assert outcome(SERVICE, rest(clarification(OTHER, SERVICE, THIRD), state="awaiting_choice")) \
        == Outcome.CLARIFIED_WITH_RIGHT
    assert outcome(SERVICE, rest(clarification(OTHER, THIRD), state="awaiting_choice")) == Outcome.CLARIFIED_WITHOUT
    assert outcome("out_of_scope", rest(clarification(OTHER, THIRD))) == Outcome.CLARIFIED_WITHOUT


def test_a_clarification_that_keeps_the_facet_asked_still_offers_its_services():
    """"How do I apply…?" keeps the facet on every button (`/service{"facet": "how_to_apply"}`)."""
    asked = replies.clarification("fi", [CATALOGUE.get(s) for s in (OTHER, SERVICE)], facet=Facet.HOW_TO_APPLY)
    assert read_reply(rest(asked)) == Reply("clarify", options=(OTHER, SERVICE))
    assert outcome(SERVICE, rest(asked, state="awaiting_choice")) == Outcome.CLARIFIED_WITH_RIGHT


@pytest.mark.parametrize("lang", LANGS)
def test_the_out_of_scope_reply_is_recognised_by_its_text_in_the_conversations_language(lang):
    body = rest(replies.out_of_scope(lang), language=lang, intent=SERVICE)  # whatever was read: the reply counts
    assert read_reply(body) == Reply("dialogue", dialogue="out_of_scope")
    assert outcome("out_of_scope", body) == Outcome.OUT_OF_SCOPE_RIGHT
    assert outcome(SERVICE, body) == Outcome.OUT_OF_SCOPE_WRONG
    assert outcome("out_of_scope", rest(replies.small_talk(lang, "utter_greet"), language=lang)) \
        == Outcome.DIALOGUE_WRONG


@pytest.mark.parametrize("lang", LANGS)
def test_small_talk_is_right_only_for_its_own_intent(lang):
    thanks = rest(replies.small_talk(lang, "utter_thanks"), language=lang, intent="greet")
    assert outcome("thanks", thanks) == Outcome.DIALOGUE_RIGHT
    assert outcome("greet", thanks) == Outcome.DIALOGUE_WRONG
    assert outcome(SERVICE, thanks) == Outcome.DIALOGUE_WRONG


def test_a_request_for_a_person_is_served_by_a_handoff_or_an_offer():
    queued = {"seq": 3, "from": "system", "text": "Olet jonossa.", "buttons": [], "service": None,
              "source_url": None, "event": "queued", "details": {"position": 1}}
    handed = rest(replies.handoff_requested("fi"), queued, state="queued")
    assert read_reply(handed) == Reply("dialogue", dialogue="handoff")
    assert outcome("request_human", handed) == Outcome.DIALOGUE_RIGHT
    assert outcome("request_human", rest(replies.human_offer("sv", "not_understood"), state="human_offered",
                                         language="sv")) == Outcome.DIALOGUE_RIGHT
    assert outcome(SERVICE, handed) == Outcome.DIALOGUE_WRONG
    assert outcome("greet", handed) == Outcome.DIALOGUE_WRONG


def test_yes_and_no_out_of_context_are_served_by_the_acknowledgement():
    ack = rest(replies.acknowledged("fi"), intent="deny")
    assert outcome("affirm", ack) == Outcome.DIALOGUE_RIGHT and outcome("deny", ack) == Outcome.DIALOGUE_RIGHT
    assert outcome("greet", ack) == Outcome.DIALOGUE_WRONG
    switched = rest(replies.language_switched("sv"), language="sv")
    assert outcome("switch_language", switched) == Outcome.DIALOGUE_RIGHT


def test_rates_per_language_and_out_of_scope_precision_and_recall():
    cases = [  # (lang, expected, reply)
        ("fi", SERVICE, rest(answer(SERVICE))),
        ("fi", SERVICE, rest(clarification(SERVICE, OTHER))),
        ("fi", "out_of_scope", rest(replies.out_of_scope("fi"))),
        ("fi", OTHER, rest(replies.out_of_scope("fi"))),
        ("sv", SERVICE, rest(answer(OTHER, "sv"), language="sv")),
        ("sv", "out_of_scope", rest(replies.small_talk("sv", "utter_greet"), language="sv")),
    ]
    results = [result(Question(str(i), lang, "…", expected, "short" if i % 2 else None), body, 10.0 * (i + 1))
               for i, (lang, expected, body) in enumerate(cases)]
    report = Report.of(results, {"fold:0": results[:2]})
    assert (report.groups["services"].n, report.groups["dialogue"].n, report.groups["fold:0"].n) == (4, 2, 2)
    fi, sv, total = report.groups["fi"], report.groups["sv"], report.groups["all"]
    assert fi.n == 4 and sv.n == 2 and total.n == 6
    assert fi.rates["answered_right"] == 0.25 and fi.rates["clarified_with_right"] == 0.25
    assert fi.rates["out_of_scope_right"] == 0.25 and fi.rates["out_of_scope_wrong"] == 0.25
    assert sv.rates["answered_wrong"] == 0.5 and sv.rates["dialogue_wrong"] == 0.5
    assert all(abs(sum(g.rates.values()) - 1.0) < 1e-3 for g in report.groups.values())
    assert (total.out_of_scope_precision, total.out_of_scope_recall) == (0.5, 0.5)
    assert (sv.out_of_scope_precision, sv.out_of_scope_recall) == (None, 0.0)
    assert report.groups["style:short"].n == 3
    assert len(report.misses) == 4 and report.latency_ms == {"p50": 35.0, "p95": 60.0}
    data = json.loads(json.dumps(report.as_dict()))
    assert data["out_of_scope"] == {"precision": 0.5, "recall": 0.5, "n": 2}
    assert {m["outcome"] for m in data["misses"]} == {"clarified_with_right", "out_of_scope_wrong", "answered_wrong",
                                                      "dialogue_wrong"}
    assert (fi.right, fi.within_one_click, sv.right, total.right) == (0.5, 0.75, 0.0, 0.3333)
    assert report.table()[2].startswith("| fi | 4 | 0.500 | 0.750 | 0.250 | 0.000 | 0.250 |")


def test_question_files_may_carry_a_style_and_must_carry_text_and_expected(tmp_path):
    path = tmp_path / "heldout.jsonl"
    path.write_text('{"id": "h1", "lang": "sv", "text": "tjena", "expected": "greet", "style": "slang"}\n\n',
                    encoding="utf-8")
    assert read_questions(path) == [Question("h1", "sv", "tjena", "greet", "slang")]
    path.write_text('{"id": "h2", "lang": "fi", "text": "moi"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="heldout.jsonl:1"):
        read_questions(path)


# -- the k-fold protocol ------------------------------------------------------------------------------

def test_every_example_is_held_out_exactly_once_in_balanced_deterministic_folds():
    dialogue = load_dialogue_intents()
    folds = split(CATALOGUE, dialogue, 5)
    assert folds == split(CATALOGUE, dialogue, 5)
    asked = [(q["expected"], q["lang"], q["text"]) for fold in folds for q in fold]
    every = {(e.id, lang, t) for e in CATALOGUE for lang in LANGS for t in e.texts[lang].examples}
    every |= {(i, lang, t) for i, by_lang in dialogue.items() for lang, texts in by_lang.items() for t in texts}
    assert len(asked) == len(set(asked)) and set(asked) == every
    for service in (SERVICE, "greet"):  # each intent's examples of a language are spread evenly
        sizes = [sum(q["expected"] == service and q["lang"] == "fi" for q in fold) for fold in folds]
        assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    with pytest.raises(ValueError):
        split(CATALOGUE, dialogue, 1)


def test_a_held_out_fold_is_out_of_the_training_data_and_the_catalogue_search(tmp_path):
    dialogue = load_dialogue_intents()
    fold = split(CATALOGUE, dialogue, 5)[2]
    path = write(tmp_path / "fold2.jsonl", fold)
    held = HeldOut.read(path)
    assert held.texts == {normalise(q["text"]) for q in fold}
    project = generate(held.catalogue(CATALOGUE), tmp_path / "rasa", dialogue=held.dialogue(dialogue))
    trained = yaml.safe_load((project.data / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    trained_texts = {normalise(line[2:]) for block in trained for line in block["examples"].splitlines()}
    leaked = {normalise(q["text"]) for q in fold} & trained_texts
    assert not leaked and len(trained_texts) > 2000
    assert project.content_hash != generate(CATALOGUE, tmp_path / "full").content_hash
    # the app's content (catalogue search, language detector) is built without the fold
    content = ContentProvider(catalogue_loader(path)).current()
    indexed = {normalise(t) for e in content.catalogue for lang in LANGS for t in e.texts[lang].examples}
    assert not indexed & held.texts and len(indexed) > 2000
    assert content.version != version_of(CATALOGUE) and catalogue_loader(None) is load
    # and so is the understander's phrasebook (small talk read word for word)
    assert dialogue_loader(path)() == held.dialogue(dialogue) and dialogue_loader(None) is load_dialogue_intents
    # the settings carry the file to the app process and the training
    settings = Settings(held_out=path)
    assert Stack(settings, app="x:y", migrate=lambda url: None).app_env()["NEUVO_HELD_OUT"] == str(path)
    assert "NEUVO_HELD_OUT" not in Stack(Settings(), app="x:y", migrate=lambda url: None).app_env()


def test_a_catalogue_without_a_held_out_fold_keeps_everything_else():
    entry = CATALOGUE.get(SERVICE)
    held = HeldOut.of([{"text": "  " + entry.texts["fi"].examples[0].upper() + " "}])
    kept = held.catalogue(CATALOGUE)
    assert kept.get(SERVICE).texts["fi"].examples == entry.texts["fi"].examples[1:]
    assert dataclasses.replace(kept.get(SERVICE).texts["fi"], examples=()) \
        == dataclasses.replace(entry.texts["fi"], examples=())
    assert HeldOut().catalogue(CATALOGUE) is CATALOGUE


def test_no_held_out_question_is_a_training_example():
    """The tuning sets are training examples too (docs/nlu.md); the held-out set must stay out of everything
    that learns, or its numbers say nothing."""
    held_out = Path(__file__).parent / "data" / "heldout"
    questions = [q for lang in LANGS for q in read_questions(held_out / f"{lang}.jsonl")]
    assert len(questions) > 300
    trained = {normalise(t) for texts in training_examples(default(), load_dialogue_intents()).values() for t in texts}
    assert not [q.text for q in questions if normalise(q.text) in trained]
