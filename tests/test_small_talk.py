"""Short small talk is small talk whatever Rasa makes of it: a thanks typed with a typo or without its
diacritics ("kitos", "hyvaa paivaa") makes Rasa fall back, and the scope check would then call it foreign
words; the customer should get the small-talk reply, not "that is outside our services"."""
import pytest

from assistant import understanding
from assistant.dialogue import ConversationState, respond
from assistant.understanding import OUT_OF_SCOPE, Understander
from knowledge.catalogue import default

pytestmark = pytest.mark.dialogue

UNDERSTANDER = Understander(default())
FELL_BACK = [("nlu_fallback", 0.5), (OUT_OF_SCOPE, 0.3), ("apprenticeship", 0.1), ("job_mediation", 0.05)]

TYPED = [
    ("fi", "kitos", "thanks"),             # one letter dropped
    ("fi", "kiitos paljn", "thanks"),      # one letter dropped in the second word
    ("fi", "hyvaa paivaa", "greet"),       # no diacritics
    ("fi", "Näkemiin!!", "goodbye"),
    ("sv", "tack sa mycket", "thanks"),    # "så" without its ring
    ("sv", "hejdå", "goodbye"),
    ("sv", "trevig kväll", "goodbye"),     # one letter dropped
]


@pytest.mark.parametrize("lang, text, intent", TYPED)
def test_short_small_talk_with_a_typo_gets_the_small_talk_reply(lang, text, intent):
    reading = UNDERSTANDER.understand(text, lang, FELL_BACK)
    assert reading.intent == intent
    assert respond(reading, ConversationState(lang), text, UNDERSTANDER).action == "small_talk"


@pytest.mark.parametrize("lang, text", [
    ("fi", "kiosk"),                   # one letter from nothing in the phrasebook, and too short for a typo
    ("fi", "kiitos starttirahasta, miten haen sitä"),  # a question after the thanks: longer than a phrase
    ("sv", "tack för hjälpen med lönesubventionen, hur söker jag"),
    ("fi", "moi"[:2]),                 # "mo": a short word must be typed right
    ("fi", "/hello"),                  # a button's payload names its intent itself ("hello" is a greeting)
])
def test_a_question_or_a_stray_word_is_not_small_talk(lang, text):
    assert UNDERSTANDER.small_talk(text) is None


def test_a_typo_needs_a_long_word(monkeypatch):
    """One letter off counts only in words of PHRASEBOOK_TYPO_LENGTH letters or more: "mui" is not "moi"."""
    assert UNDERSTANDER.small_talk("moj") is None
    assert UNDERSTANDER.small_talk("kiitoss") == "thanks"
    monkeypatch.setattr(understanding, "PHRASEBOOK_TYPO_LENGTH", 8)
    assert UNDERSTANDER.small_talk("kiitoss") is None


def test_a_request_for_a_person_is_read_before_the_phrasebook():
    reading = UNDERSTANDER.understand("ihminen kiitos", "fi", FELL_BACK)
    assert reading.intent == "request_human"


def test_the_phrasebook_is_the_dialogue_it_is_given():
    """The k-fold asks held-out dialogue examples: its understander is given the examples without them."""
    kept = Understander(default(), None, {"thanks": {"fi": ["kiitti"], "sv": ["tack"]}})
    assert kept.small_talk("kiitti") == "thanks" and kept.small_talk("kiitos") is None
