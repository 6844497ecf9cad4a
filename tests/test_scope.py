"""An unclear reading that the catalogue barely matches is out of scope: the customer gets the out-of-scope
reply, not three unrelated services to choose from; a vague word of our own domain still gets its choice."""
import pytest

from assistant import understanding
from assistant.dialogue import ConversationState, respond
from assistant.understanding import OUT_OF_SCOPE, Understander
from knowledge.catalogue import default

pytestmark = pytest.mark.nlu

UNDERSTANDER = Understander(default())


def fell_back(out_of_scope: float, *services: tuple[str, float]) -> list[tuple[str, float]]:
    """Rasa's ranking when no intent cleared its fallback threshold."""
    return [("nlu_fallback", 0.5), (OUT_OF_SCOPE, out_of_scope), *services]


# Everyday questions that share a word or two with the catalogue ("tiedote", "aika", "kortti", "program")
FAR_AWAY = [
    ("fi", "säätiedote lappi", fell_back(0.45, ("labour_market_information", 0.1), ("regional_services", 0.05))),
    ("fi", "hammassärky yöllä", fell_back(0.4, ("work_arrangement_support", 0.08), ("customer_service_contacts", 0.05))),
    ("sv", "väderprognos för Lappland", fell_back(0.45, ("labour_market_information", 0.1), ("regional_services", 0.06))),
    ("sv", "körlektioner för körkort", fell_back(0.4, ("layoffs_and_change_negotiations", 0.08), ("training_information", 0.05))),
]
# Vague or short questions of our own domain: Rasa is unsure too, and their raw match is as small as a
# weather question's (the odds say out of scope), but the catalogue uses every one of their words
OURS = [
    ("fi", "tuki", fell_back(0.05, ("pay_subsidy", 0.2), ("start_up_grant", 0.15), ("business_development_grant", 0.1))),
    ("fi", "apua rahoitukseen", fell_back(0.05, ("finnvera_financing", 0.2), ("business_finland_funding", 0.15))),
    ("sv", "hjälp med jobb", fell_back(0.05, ("job_search_coaching", 0.2), ("job_mediation", 0.15))),
    ("sv", "stöd", fell_back(0.05, ("pay_subsidy", 0.2), ("start_up_grant", 0.15), ("business_development_grant", 0.1))),
]


@pytest.mark.parametrize("lang, text, ranking", FAR_AWAY)
def test_a_question_far_from_the_catalogue_gets_the_out_of_scope_reply(lang, text, ranking):
    reading = UNDERSTANDER.understand(text, lang, ranking)
    assert reading.intent == OUT_OF_SCOPE and reading.service is None
    turn = respond(reading, ConversationState(lang), text, UNDERSTANDER)
    assert turn.action == "out_of_scope" and not any(m.buttons for m in turn.messages if m.service)


@pytest.mark.parametrize("lang, text, ranking", OURS)
def test_a_vague_question_of_our_domain_still_gets_its_choice(lang, text, ranking):
    reading = UNDERSTANDER.understand(text, lang, ranking)
    assert reading.service is not None and not UNDERSTANDER.is_clear(reading)
    assert UNDERSTANDER.scope_odds(text, lang, dict(ranking), reading.confidence) >= understanding.SCOPE_THRESHOLD
    assert respond(reading, ConversationState(lang), text, UNDERSTANDER).action == "clarify"


def test_a_confident_reading_far_from_the_catalogue_is_out_of_scope(monkeypatch):
    """The catalogue search alone can make a reading clear ("numerot" sounds like the contacts service); the
    check reads clear readings too."""
    ranking = fell_back(0.3, ("customer_service_contacts", 0.16))
    with monkeypatch.context() as unchecked:
        unchecked.setattr(understanding, "SCOPE_THRESHOLD", 2.0)
        assert UNDERSTANDER.is_clear(UNDERSTANDER.understand("lottovoittonumerot", "fi", ranking))
    assert UNDERSTANDER.understand("lottovoittonumerot", "fi", ranking).intent == OUT_OF_SCOPE


@pytest.mark.parametrize("payload", ["/employment_subsidy_55plus", '/start_up_grant{"facet": "audience"}'])
def test_a_button_pressed_is_never_out_of_scope(payload):
    """A button's payload has no words the catalogue uses, but it names the service chosen."""
    service = payload[1:].split("{")[0]
    assert UNDERSTANDER.understand(payload, "fi", [(service, 1.0)]).service == service


@pytest.mark.parametrize("lang, text, service", [
    ("fi", "mä haluun starttirahaa mun tatuointistudiolle", "start_up_grant"),
    ("sv", "ja sku vilja ha lönesubvention för en ny båtbyggare", "pay_subsidy"),
])
def test_a_clear_service_question_keeps_its_answer(lang, text, service):
    ranking = [(service, 0.9), (OUT_OF_SCOPE, 0.02)]
    assert UNDERSTANDER.ranker(lang).known_share(text) < 1.0  # the check reads it
    reading = UNDERSTANDER.understand(text, lang, ranking)
    assert reading.service == service and UNDERSTANDER.is_clear(reading)


def test_without_the_engine_the_check_is_not_made(monkeypatch):
    """Offline, the catalogue search has its own out-of-scope floor; the model needs Rasa's reading."""
    monkeypatch.setattr(understanding, "SCOPE_THRESHOLD", 0.0)
    reading = UNDERSTANDER.understand("tuki yritykselle", "fi", None)
    assert reading.intent != OUT_OF_SCOPE or reading.confidence == understanding.OUT_OF_SCOPE_THRESHOLD
