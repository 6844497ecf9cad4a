"""Catalogue answers people can read: the part the question asks for first, the rest in ordered sections,
the same fields over REST, the web chat and a transcript, and follow-up buttons that ask for another part
of the same service. The real catalogue; the app with the engine down, and once through the real Rasa."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant import answers, replies
from assistant.dialogue import ConversationState, respond
from assistant.message import BotMessage, Payload, ServiceAnswer
from assistant.understanding import Candidate, Understander, Understanding
from channels.server import create_app, migrate
from conftest import ask, open_conversation, receive_json, receive_until
from knowledge.catalogue import default
from nlu.facets import Facet

pytestmark = pytest.mark.answers

CATALOGUE = default()
UNDERSTANDER = Understander(CATALOGUE)
SERVICE = "start_up_grant"
ENTRY = CATALOGUE.get(SERVICE)
ORDER = ["about", "audience", "conditions", "how_to_apply", "provider"]


def keys(answer: ServiceAnswer | dict) -> list[str]:
    sections = answer.sections if isinstance(answer, ServiceAnswer) else answer["sections"]
    return [s.key if not isinstance(s, dict) else s["key"] for s in sections]


# -- composition ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_how_to_apply_comes_first_and_is_not_repeated_below(lang):
    text = ENTRY.text(lang)
    answer = answers.compose(lang, ENTRY, Facet.HOW_TO_APPLY)
    assert answer.title == text.title and answer.short == text.how_to_apply
    assert keys(answer) == ["about", "audience", "conditions", "provider"]
    about = answer.sections[0]
    assert about.text == text.summary  # what the service is: folded, not lost
    conditions = answer.sections[2]
    assert conditions.text is None and conditions.items == text.conditions and not conditions.open


@pytest.mark.parametrize("lang,label", [("fi", "Tärkeimmät ehdot"), ("sv", "Viktigaste villkor")])
def test_who_can_get_it_answers_with_the_audience_and_opens_the_conditions(lang, label):
    answer = answers.compose(lang, ENTRY, Facet.AUDIENCE)
    assert answer.short == ENTRY.text(lang).audience
    assert keys(answer) == ["about", "conditions", "how_to_apply", "provider"]
    conditions = answer.sections[1]
    assert conditions.open and conditions.label == label  # part of the answer to "who can get it"
    assert [s.key for s in answer.sections if s.open] == ["conditions"]


@pytest.mark.parametrize("lang,provided_by", [("fi", "Palvelun tarjoaa: "), ("sv", "Tjänsten erbjuds av: ")])
def test_who_provides_it_names_the_provider(lang, provided_by):
    answer = answers.compose(lang, ENTRY, Facet.PROVIDER)
    assert answer.short.startswith(provided_by) and ENTRY.text(lang).provider in answer.short
    assert "provider" not in keys(answer)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_what_is_it_gets_the_start_of_the_summary_and_the_rest_folded(lang):
    summary = ENTRY.text(lang).summary
    answer = answers.compose(lang, ENTRY, Facet.SUMMARY)
    assert keys(answer) == ORDER
    short_sentences = answers.sentences(answer.short)
    assert 2 <= len(short_sentences) <= 3 and len(answer.short) < len(summary)
    assert " ".join(summary.split()) == f"{answer.short} {answer.sections[0].text}"  # nothing lost, nothing twice


@pytest.mark.parametrize("lang,source,label,reviewed", [
    ("fi", "https://tyomarkkinatori.fi/", "Lisätietoa", "Tiedot tarkistettu 1.12.2026."),
    ("sv", "https://tyomarkkinatori.fi/sv", "Mer information", "Uppgifterna granskade 2026-12-01.")])
def test_the_source_link_and_review_date_are_those_of_the_conversation_language(lang, source, label, reviewed):
    answer = answers.compose(lang, ENTRY, Facet.SUMMARY)
    assert answer.source_url == source == ENTRY.texts[lang].sources[0]
    assert answer.reviewed == ENTRY.reviewed and answer.note is None
    assert (answer.source_label, answer.reviewed_text) == (label, reviewed)  # a client shows them as they are


def test_an_english_conversation_gets_the_finnish_description_with_a_note():
    answer = answers.compose("en", ENTRY, Facet.HOW_TO_APPLY)
    assert answer.short == ENTRY.texts["fi"].how_to_apply and answer.source_url == ENTRY.texts["fi"].sources[0]
    assert answer.note and "Finnish" in answer.note
    assert [s.label for s in answer.sections] == ["About the service", "Who it is for", "Main conditions", "Provided by"]


@pytest.mark.parametrize("lang,reviewed", [("fi", "Tiedot tarkistettu 1.12.2026."), ("sv", "Uppgifterna granskade 2026-12-01.")])
def test_the_plain_text_has_everything_with_the_short_answer_first(lang, reviewed):
    text = ENTRY.text(lang)
    answer = answers.compose(lang, ENTRY, Facet.HOW_TO_APPLY)
    plain = answers.plain_text(answer)
    assert plain.startswith(f"{text.title}\n\n{text.how_to_apply}\n\n")
    for part in (text.summary.split()[0], text.audience, *text.conditions, text.provider, text.source_url):
        assert part in plain
    assert plain.count(text.how_to_apply) == 1 and plain.endswith(reviewed)


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("facet", list(Facet))
def test_every_catalogue_entry_composes_without_gaps(lang, facet):
    for entry in CATALOGUE:
        answer = answers.compose(lang, entry, facet)
        assert answer.title and answer.short and answer.source_url.startswith("https://"), entry.id
        assert all(s.label and (s.text or s.items) for s in answer.sections), entry.id
        assert len(set(keys(answer))) == len(answer.sections), entry.id
        assert [k for k in ORDER if k in keys(answer)] == keys(answer), entry.id  # always in the same order


def test_the_answer_survives_the_engine_round_trip():
    """Rasa carries our bot message as JSON in its custom payload: the fields come back as they went."""
    message = replies.service_answer("sv", ENTRY, None, Facet.AUDIENCE)
    back = BotMessage.from_dict(json.loads(json.dumps(message.as_dict())))
    assert back == message and back.answer is not None and back.answer.facet == "audience"


@pytest.mark.parametrize("lang,titles", [("fi", ["Kuka voi saada?", "Mitä se on?"]),
                                         ("sv", ["Vem kan få?", "Vad är det?"])])
def test_follow_up_buttons_ask_for_another_facet_of_the_same_service(lang, titles):
    buttons = answers.follow_ups(lang, ENTRY, Facet.HOW_TO_APPLY)
    assert [b.title for b in buttons] == titles
    assert [Payload.parse(b.payload) for b in buttons] == [Payload(SERVICE, {"facet": "audience"}),
                                                          Payload(SERVICE, {"facet": "summary"})]
    assert answers.facet_asked(buttons[0].payload) == Facet.AUDIENCE


def test_a_payload_reads_back_as_it_was_written():
    assert str(Payload(SERVICE, {"facet": "how_to_apply"})) == '/start_up_grant{"facet": "how_to_apply"}'
    assert Payload.parse("/start_up_grant") == Payload(SERVICE)
    assert Payload.parse('/feedback{"rating": 5}') == Payload("feedback", {"rating": 5})
    assert Payload.parse("/x{broken") == Payload("x") and Payload.parse("hei") is None
    assert answers.facet_asked('/start_up_grant{"facet": "nonsense"}') == Facet.SUMMARY


# -- over REST and the web chat, the engine down --------------------------------------------------------

@pytest.fixture
def client(offline_settings):
    migrate(offline_settings.database_url)
    with TestClient(create_app(offline_settings), raise_server_exceptions=False) as c:
        yield c


def service_message(body: dict) -> dict:
    [message] = [m for m in body["messages"] if m["answer"]]
    return message


@pytest.mark.api
@pytest.mark.parametrize("lang,how,what", [("fi", "Miten haen starttirahaa?", "Mitä starttiraha on?"),
                                           ("sv", "Hur ansöker jag om startpeng?", "Vad är startpeng?")])
def test_the_rest_message_carries_the_answer_as_fields(client, lang, how, what):
    text = ENTRY.text(lang)
    body = ask(client, how, lang=lang)
    message = service_message(body)
    answer = message["answer"]
    assert answer["title"] == text.title and answer["short"] == text.how_to_apply  # the question asked, first
    assert answer["facet"] == "how_to_apply" and answer["source_url"] == text.source_url
    assert answer["reviewed"] == ENTRY.reviewed.isoformat()
    assert [(s["key"], "items" in s) for s in answer["sections"]] == [
        ("about", False), ("audience", False), ("conditions", True), ("provider", False)]
    assert all(s["label"] and (s.get("text") or s.get("items")) for s in answer["sections"])
    assert message["text"].startswith(f"{text.title}\n\n{text.how_to_apply}")  # the plain version, complete
    assert message["service"] == SERVICE and message["source_url"] == text.source_url

    other = service_message(ask(client, what, lang=lang))["answer"]
    assert other["facet"] == "summary" and text.summary.startswith(other["short"]) and other["short"] != text.summary


@pytest.mark.api
def test_the_transcript_gives_the_same_structure(client):
    conversation = open_conversation(client, lang="fi")
    posted = service_message(ask(client, "Miten haen starttirahaa?", conversation))
    transcript = client.get(f"/api/v1/conversations/{conversation[0]}", headers=conversation[1]).json()
    [stored] = [m for m in transcript["messages"] if m["seq"] == posted["seq"]]
    assert stored == posted
    assert all(m["answer"] is None for m in transcript["messages"] if m["seq"] != posted["seq"])


@pytest.mark.api
@pytest.mark.parametrize("lang,question,title", [("fi", "Miten haen starttirahaa?", "Kuka voi saada?"),
                                                 ("sv", "Hur ansöker jag om startpeng?", "Vem kan få?")])
def test_a_follow_up_button_answers_that_facet_of_the_same_service(client, lang, question, title):
    first = ask(client, question, lang=lang)
    assert first["engine"] == "down"
    answer, offer = first["messages"]  # limited mode: the person's offer carries the follow-ups, after its own
    buttons = offer["buttons"]
    assert answer["buttons"] == [] and [b["payload"] for b in buttons] == [
        "/request_human", "/deny", f'/{SERVICE}{{"facet": "audience"}}', f'/{SERVICE}{{"facet": "summary"}}']
    [follow_up] = [b for b in buttons if b["title"] == title]
    after = ask(client, follow_up["payload"], first["conversation"])
    answer = service_message(after)["answer"]
    assert answer["facet"] == "audience" and answer["short"] == ENTRY.text(lang).audience
    assert after["language"] == lang  # a payload never switches the language
    assert "/request_human" in [b["payload"] for m in after["messages"] for b in m["buttons"]]


@pytest.mark.dialogue
def test_a_clarification_keeps_the_facet_the_question_asked_for():
    question = "Miten haen tukea?"
    unsure = Understanding(SERVICE, SERVICE, 0.40, "fi", [Candidate(SERVICE, 0.40), Candidate("pay_subsidy", 0.35)])
    asked = respond(unsure, ConversationState("fi"), question, UNDERSTANDER)
    assert asked.action == "clarify"
    choices = [Payload.parse(b.payload) for b in asked.messages[0].buttons]
    assert [(p.intent, p.entities) for p in choices[:2]] == [(SERVICE, {"facet": "how_to_apply"}),
                                                             ("pay_subsidy", {"facet": "how_to_apply"})]
    clicked = respond(unsure, asked.state, str(choices[0]), UNDERSTANDER)
    assert clicked.action == "answer" and clicked.messages[0].answer.short == ENTRY.text("fi").how_to_apply


@pytest.mark.webchat
def test_the_web_chat_frame_and_its_replay_carry_the_answer(client):
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "start", "lang": "sv"})
        started = receive_json(ws)
        ws.send_json({"type": "message", "id": "c-1", "text": "Vem kan få startpeng?"})
        frames = receive_until(ws, lambda f: f["type"] == "message" and f.get("answer"))
    answer = frames[-1]["answer"]
    assert answer["short"] == ENTRY.text("sv").audience and answer["sections"][1]["open"] is True
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "resume", "token": started["token"], "last_seq": 1})
        replayed = receive_until(ws, lambda f: f["type"] == "message" and f.get("answer"))
    assert replayed[-1]["answer"] == answer and replayed[-1]["seq"] == frames[-1]["seq"]


# -- through the real Rasa server -----------------------------------------------------------------------

@pytest.mark.e2e
def test_through_rasa_the_question_asked_comes_first_and_a_follow_up_works(api):
    body = ask(api, "Miten haen starttirahaa kun perustan yrityksen?", lang="fi")
    assert body["engine"] == "up"
    message = service_message(body)
    assert message["answer"]["short"] == ENTRY.text("fi").how_to_apply
    follow_up = next(b for b in message["buttons"] if b["title"] == "Kuka voi saada?")
    after = ask(api, follow_up["payload"], body["conversation"])
    assert after["engine"] == "up" and after["understood"]["service"] == SERVICE
    assert service_message(after)["answer"]["short"] == ENTRY.text("fi").audience
