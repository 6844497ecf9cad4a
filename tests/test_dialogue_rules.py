"""The dialogue's decisions, one rule at a time: answer a clear service question, ask which service when
unsure, offer a person after a failed clarification, after repeated misunderstanding and for services that
need one, hand over on request. The real catalogue, hand-built understandings: no Rasa needed.

Every threshold is tested relative to its constant (the rule as written) and with absolute scores (the
rule as tuned), so that a constant set to 0 or to a huge value makes a test fail.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant import replies
from assistant.dialogue import MISUNDERSTANDINGS_BEFORE_OFFER, ConversationState, respond
from assistant.understanding import ANSWER_THRESHOLD, MARGIN, OUT_OF_SCOPE, Candidate, Understander, Understanding
from knowledge.catalogue import default

pytestmark = pytest.mark.dialogue

UNDERSTANDER = Understander(default())
CATALOGUE = UNDERSTANDER.catalogue
SERVICE, OTHER, THIRD, FOURTH = "start_up_grant", "starting_a_business", "business_growth_advice", "finnvera_financing"
CATALOGUE_FILES = Path(__file__).resolve().parent.parent / "knowledge" / "catalogue"
NEEDS_PERSON = sorted(e.id for e in CATALOGUE if e.needs_person)
HUMAN_BUTTONS = ["/request_human", "/deny"]


def understood(*ranking: tuple[str, float], lang: str = "fi") -> Understanding:
    """What the understander would return for this ranking (best first)."""
    candidates = [Candidate(label, score) for label, score in ranking]
    top = candidates[0]
    return Understanding(top.label, top.label if top.label in CATALOGUE else None, top.score, lang, candidates)


def turn(understanding: Understanding, state: str = "bot", failed_turns: int = 0, text: str = "Kerro siitä lisää",
         engine_down: bool = False):
    return respond(understanding, ConversationState(understanding.language, state, failed_turns), text,
                   UNDERSTANDER, engine_down=engine_down)


def payloads(message) -> list[str]:
    return [b.payload for b in message.buttons]


def answer_text(service: str, lang: str = "fi") -> str:
    return replies.service_answer(lang, CATALOGUE.get(service)).text


def offer_text(reason: str, lang: str = "fi") -> str:
    return replies.human_offer(lang, reason).text


def follow_ups(service: str, *facets: str) -> list[str]:
    """The payloads of an answer's follow-up buttons: the same service, another facet."""
    return [f'/{service}{{"facet": "{facet}"}}' for facet in facets]


def assert_offer(message, reason: str, lang: str = "fi", after: list[str] | None = None) -> None:
    """A person offered; after an answer the offer also carries the answer's follow-ups (`after`)."""
    assert message.text == offer_text(reason, lang)
    assert payloads(message) == HUMAN_BUTTONS + (after or [])


def test_the_services_used_here_are_in_the_catalogue_and_need_no_person():
    for service in (SERVICE, OTHER, THIRD, FOURTH):
        assert service in CATALOGUE and not CATALOGUE.get(service).needs_person, service


# -- is the understanding clear enough to answer? -------------------------------------------------------

@pytest.mark.parametrize("top,runner_up,clear", [
    (0.90, 0.05, True),                                        # confident and far ahead
    (0.30, 0.00, False),                                       # alone, but unsure: the threshold rule
    (0.70, 0.65, False),                                       # sure, but a close runner-up: the margin rule
    (ANSWER_THRESHOLD + 0.01, 0.0, True),
    (ANSWER_THRESHOLD - 0.01, 0.0, False),
    (ANSWER_THRESHOLD + 0.2, ANSWER_THRESHOLD + 0.2 - MARGIN - 0.01, True),
    (ANSWER_THRESHOLD + 0.2, ANSWER_THRESHOLD + 0.2 - MARGIN + 0.01, False),
], ids=["clear", "unsure-absolute", "close-absolute", "just-above-threshold", "just-below-threshold",
        "lead-above-margin", "lead-below-margin"])
def test_is_clear_needs_both_the_threshold_and_the_margin(top, runner_up, clear):
    assert UNDERSTANDER.is_clear(understood((SERVICE, top), (OTHER, runner_up))) is clear


def test_is_clear_without_a_runner_up_needs_only_the_threshold():
    assert UNDERSTANDER.is_clear(understood((SERVICE, 0.90)))
    assert UNDERSTANDER.is_clear(understood((SERVICE, ANSWER_THRESHOLD + 0.01)))
    assert not UNDERSTANDER.is_clear(understood((SERVICE, ANSWER_THRESHOLD - 0.01)))
    assert not UNDERSTANDER.is_clear(understood((SERVICE, 0.30)))


# -- answer ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("top,runner_up", [(0.90, 0.05), (ANSWER_THRESHOLD + 0.01, ANSWER_THRESHOLD - MARGIN - 0.01)],
                         ids=["absolute", "relative"])
def test_a_clear_top_service_is_answered_from_the_catalogue(lang, top, runner_up):
    result = turn(understood((SERVICE, top), (OTHER, runner_up), lang=lang), failed_turns=1)
    assert result.action == "answer"
    [answer] = result.messages  # start_up_grant needs no person: no offer
    entry = CATALOGUE.get(SERVICE)
    assert answer.text == answer_text(SERVICE, lang) and answer.text.startswith(entry.text(lang).title)
    assert answer.service == SERVICE and answer.source_url == entry.text(lang).source_url
    assert payloads(answer) == [f'/{SERVICE}{{"facet": "how_to_apply"}}', f'/{SERVICE}{{"facet": "audience"}}']
    assert (result.state.state, result.state.failed_turns) == ("bot", 0)  # understood: the count starts over


def test_a_clicked_clarification_button_is_answered_even_when_unsure():
    result = turn(understood((SERVICE, 0.30), (OTHER, 0.28)), state="awaiting_choice", text=f"/{SERVICE}")
    assert result.action == "answer" and result.messages[0].text == answer_text(SERVICE)


def test_a_real_understanding_of_a_clear_question_is_answered():
    question = "Miten haen starttirahaa yrityksen perustamiseen?"
    u = UNDERSTANDER.understand(question, "fi", [(SERVICE, 0.93), (OTHER, 0.04), ("greet", 0.01)])
    assert u.service == SERVICE and UNDERSTANDER.is_clear(u)
    result = respond(u, ConversationState("fi"), question, UNDERSTANDER)
    assert result.action == "answer" and [m.service for m in result.messages] == [SERVICE]


# -- clarify --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("top", [ANSWER_THRESHOLD - 0.01, 0.30], ids=["just-below-threshold", "absolute"])
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_top_service_below_the_threshold_asks_which_service_was_meant(top, lang):
    # far ahead of the rest: only the threshold stands between this and an answer
    u = understood((SERVICE, top), ("greet", 0.015), (OTHER, 0.01), (THIRD, 0.005), (FOURTH, 0.001), lang=lang)
    result = turn(u)
    assert result.action == "clarify"
    [question] = result.messages
    options = [CATALOGUE.get(s) for s in (SERVICE, OTHER, THIRD)]  # the top three services; no dialogue intent
    assert question.text == replies.clarification(lang, options).text
    assert payloads(question) == [f"/{SERVICE}", f"/{OTHER}", f"/{THIRD}", "/deny"]
    assert [b.title for b in question.buttons[:3]] == [e.text(lang).title for e in options]
    assert question.service is None  # no answer given
    assert (result.state.state, result.state.failed_turns) == ("awaiting_choice", 1)


@pytest.mark.parametrize("top,runner_up", [(0.70, 0.65), (0.80, 0.80 - MARGIN + 0.01)], ids=["absolute", "relative"])
def test_two_close_services_ask_which_one_was_meant(top, runner_up):
    result = turn(understood((SERVICE, top), (OTHER, runner_up), (THIRD, 0.01)))
    assert result.action == "clarify" and result.state.state == "awaiting_choice"
    assert payloads(result.messages[0]) == [f"/{SERVICE}", f"/{OTHER}", f"/{THIRD}", "/deny"]


# -- offer a person -------------------------------------------------------------------------------------

@pytest.mark.parametrize("again", [
    understood((SERVICE, 0.30), (OTHER, 0.25)),
    understood((OTHER, 0.70), (SERVICE, 0.66)),
    understood((OUT_OF_SCOPE, 0.80), (SERVICE, 0.10)),
    understood(("deny", 0.95)),  # "None of these"
], ids=["still-unsure", "still-close", "out-of-scope", "none-of-these"])
def test_a_failed_clarification_offers_a_person(again):
    result = turn(again, state="awaiting_choice")
    assert result.action == "offer_human"
    [offer] = result.messages
    assert_offer(offer, "not_understood")
    assert (result.state.state, result.state.failed_turns) == ("human_offered", 0)


def test_asking_twice_without_understanding_offers_a_person_the_second_time():
    unsure = understood((SERVICE, 0.30), (OTHER, 0.25))
    first = turn(unsure)
    assert first.action == "clarify"
    second = respond(unsure, first.state, "En tiedä", UNDERSTANDER)
    assert second.action == "offer_human" and second.state.state == "human_offered"
    assert_offer(second.messages[0], "not_understood")


def test_a_second_misunderstanding_in_a_row_offers_a_person():
    lost = understood((OUT_OF_SCOPE, 0.80), (SERVICE, 0.05))
    first = turn(lost)
    assert first.action == "out_of_scope" and (first.state.state, first.state.failed_turns) == ("bot", 1)
    second = respond(lost, first.state, "Entä sitten kuukausi?", UNDERSTANDER)
    assert second.action == "offer_human" and (second.state.state, second.state.failed_turns) == ("human_offered", 0)
    assert_offer(second.messages[0], "not_understood")


def test_an_unsure_question_after_a_misunderstanding_offers_a_person_instead_of_asking():
    result = turn(understood((SERVICE, 0.30), (OTHER, 0.25)), failed_turns=1)
    assert result.action == "offer_human"
    assert_offer(result.messages[0], "not_understood")


def test_reaching_the_misunderstanding_limit_offers_a_person():
    lost = understood((OUT_OF_SCOPE, 0.80))
    below = turn(lost, failed_turns=MISUNDERSTANDINGS_BEFORE_OFFER - 2)
    assert below.action == "out_of_scope" and below.state.failed_turns == MISUNDERSTANDINGS_BEFORE_OFFER - 1
    reached = turn(lost, failed_turns=MISUNDERSTANDINGS_BEFORE_OFFER - 1)
    assert reached.action == "offer_human"
    assert_offer(reached.messages[0], "not_understood")


def test_an_answer_in_between_starts_the_count_over():
    lost, clear = understood((OUT_OF_SCOPE, 0.80)), understood((SERVICE, 0.90), (OTHER, 0.05))
    first = turn(lost)
    answered = respond(clear, first.state, "Mikä on starttiraha?", UNDERSTANDER)
    assert answered.action == "answer" and answered.state.failed_turns == 0
    assert respond(lost, answered.state, "Entä sitten?", UNDERSTANDER).action == "out_of_scope"


def test_these_catalogue_files_mark_services_that_need_a_person():
    marked = sorted(path.stem for path in CATALOGUE_FILES.glob("*.yml")
                    if yaml.safe_load(path.read_text(encoding="utf-8")).get("needs_person") is True)
    assert marked and "recruitment_services" in marked
    assert marked == NEEDS_PERSON


@pytest.mark.parametrize("service", NEEDS_PERSON)
def test_a_service_that_needs_a_person_is_answered_and_a_person_offered(service):
    result = turn(understood((service, 0.90), (SERVICE, 0.05)))
    assert result.action == "answer"
    answer, offer = result.messages
    assert answer.service == service and answer.text == answer_text(service) and answer.buttons == []
    assert_offer(offer, "needs_person", after=follow_ups(service, "how_to_apply", "audience"))
    assert result.state.state == "human_offered"
    taken_up = respond(understood(("affirm", 0.95)), result.state, "Kyllä kiitos", UNDERSTANDER)
    assert taken_up.action == "handoff" and taken_up.state.state == "handoff_requested"


# -- hand over ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["bot", "awaiting_choice", "human_offered"])
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_asking_for_a_person_hands_over(state, lang):
    result = turn(understood(("request_human", 0.97), (SERVICE, 0.02), lang=lang), state=state, failed_turns=1)
    assert result.action == "handoff"
    assert [m.text for m in result.messages] == [replies.handoff_requested(lang).text]
    assert (result.state.state, result.state.failed_turns) == ("handoff_requested", 0)


def test_yes_to_an_offered_person_hands_over_and_yes_otherwise_does_not():
    yes = understood(("affirm", 0.95))
    offered = turn(yes, state="human_offered")
    assert offered.action == "handoff" and offered.state.state == "handoff_requested"
    assert [m.text for m in offered.messages] == [replies.handoff_requested("fi").text]
    unprompted = turn(yes, state="bot")
    assert unprompted.action == "ack" and unprompted.state.state == "bot"
    declined = turn(understood(("deny", 0.95)), state="human_offered")
    assert declined.action == "ack" and declined.state.state == "bot"


# -- out of scope ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_an_out_of_scope_question_says_what_the_bot_can_do(lang):
    result = turn(understood((OUT_OF_SCOPE, 0.85), (SERVICE, 0.05), lang=lang))
    assert result.action == "out_of_scope"
    assert [m.text for m in result.messages] == [replies.out_of_scope(lang).text]
    assert (result.state.state, result.state.failed_turns) == ("bot", 1)


# -- the engine is down ---------------------------------------------------------------------------------

def test_engine_down_answers_a_clear_question_and_offers_a_person():
    result = turn(understood((SERVICE, 0.90), (OTHER, 0.05)), engine_down=True)
    assert result.action == "answer"
    answer, offer = result.messages
    assert answer.text == answer_text(SERVICE)
    assert_offer(offer, "engine_down", after=follow_ups(SERVICE, "how_to_apply", "audience"))
    assert (result.state.state, result.state.failed_turns) == ("human_offered", 0)


def test_engine_down_offers_one_person_for_a_service_that_needs_one():
    result = turn(understood((NEEDS_PERSON[0], 0.90), (SERVICE, 0.05)), engine_down=True)
    assert result.action == "answer" and len(result.messages) == 2
    assert_offer(result.messages[1], "engine_down", after=follow_ups(NEEDS_PERSON[0], "how_to_apply", "audience"))


def test_engine_down_and_unsure_shows_the_likely_services_and_offers_a_person():
    result = turn(understood((SERVICE, 0.30), (OTHER, 0.20), (THIRD, 0.10)), engine_down=True)
    assert result.action == "offer_human" and result.state.state == "human_offered"
    choices, offer = result.messages
    assert payloads(choices) == [f"/{SERVICE}", f"/{OTHER}", f"/{THIRD}", "/deny"]
    assert_offer(offer, "engine_down")


def test_engine_down_and_out_of_scope_only_offers_a_person():
    result = turn(understood((OUT_OF_SCOPE, 0.5), (SERVICE, 0.2)), engine_down=True)
    assert result.action == "offer_human"
    [offer] = result.messages
    assert_offer(offer, "engine_down")


def test_engine_down_with_the_catalogue_search_alone_answers_a_clear_question():
    question = "Miten haen starttirahaa yrityksen perustamiseen?"
    u = UNDERSTANDER.understand(question, "fi", None)  # what the app does when Rasa does not answer
    result = respond(u, ConversationState("fi"), question, UNDERSTANDER, engine_down=True)
    assert result.action == "answer" and result.messages[0].service == SERVICE
    assert result.messages[0].answer.facet == "how_to_apply"  # asked how to apply: that comes first
    assert_offer(result.messages[1], "engine_down", after=follow_ups(SERVICE, "audience", "summary"))

