"""A request for a person is read by a rule before any classifier, and a service question never is."""
import pytest

from assistant.understanding import Understander
from knowledge.catalogue import default
from nlu.person import asks_for_person

pytestmark = pytest.mark.dialogue

ASKS = [
    # Finnish, standard and spoken
    "Haluan puhua ihmisen kanssa", "voinko jutella oikean ihmisen kanssa?", "yhdistäkää minut virkailijalle",
    "saisinko asiakaspalvelijan", "Asiakaspalvelija!", "ihminen kiitos", "voiko joku soittaa mulle",
    "en ymmärrä tätä bottia, haluun puhuu ihmisen kaa", "anna mulle oikee ihminen", "tarvitsen ihmisen apua",
    "haluan puhua jonkun kanssa starttirahasta", "mä en saa tästä mitään selvää, voiko joku ihminen auttaa ja soittaa",
    "pääsenkö juttelemaan asiantuntijan kanssa", "siirrä mut asiakaspalveluun", "haluun ihmisen",
    "voisinko keskustella virkailijan kanssa palkkatuesta",
    # Swedish
    "jag vill prata med en människa", "koppla mig till en handläggare", "kan någon ringa mig?",
    "ge mig en riktig människa", "människa tack", "Kan jag få tala med en rådgivare om startpeng?",
    "boten fattar ingenting, jag vill snacka med någon på riktigt", "jag behöver hjälp av en människa",
    "kan en expert kontakta mig", "får jag chatta med en person",
    "en jaksa tätä konetta, onko siellä ketään oikeaa", "ja vill int prata med en maskin",
    "botten förstår ingenting, snälla en människa", "tämä ei auta. ihminen, nyt!", "voiko joku henkilö auttaa minua",
    "kan ni ringa upp mig", "Jag ber att ärendet överförs till en handläggare", "Haluaisin puhua yritysneuvojan kanssa",
    "kontaktbegäran från en sakkunnig", "snalla nan manniska", "handlaggare tack", "mä en halua puhua koneelle",
    # put through to someone; a person summoned
    "voisitteko välittää minut rahoitusasiantuntijalle", "kan du förmedla mig till en handläggare",
    "tää ei johda mihinkään. ihminen tänne", "inget vettigt svar alls, en människa hit",
    # anyone there
    "onko siellä virkailijaa?", "finns det en människa här?", "saanko virkailijan linjalle",
    # English
    "I want to talk to a human", "can I speak to a person please", "human please", "connect me to an agent",
]
SERVICE_QUESTIONS = [
    # about the bot, or feedback: bot_challenge and feedback, not a request
    "Oletko oikea ihminen?", "är det en bot eller en människa?", "chatbot ei ymmärrä mitään", "Är du en robot?",
    # help from the services, staff needed
    "kan en EURES-rådgivare hjälpa oss hitta byggare", "Miten autamme ulkomailta palkattua työntekijää?",
    "Vi behöver personal till lagret", "jag vill att en utomstående expert bedömer mitt företag",
    "Tarvitsemme 40 työntekijää uuteen tehtaaseen", "kontaktuppgifter till kommunens företagsrådgivare",
    "Haluan palkata ihmisiä, mitä tukia saan?", "Miten palkkaan ensimmäisen työntekijän?",
    "Kuka voi saada starttirahaa?", "Miten haen palkkatukea 55 vuotta täyttäneelle?",
    "henkilöstön koulutukseen tukea", "Voinko saada neuvoja yrityksen perustamiseen?",
    "puhelinnumero kelaan", "Miten ilmoittaudun työnhakijaksi?", "asiantuntijapalvelut kansainvälistymiseen",
    "Jag vill anställa personal, finns det stöd?", "Hur ansöker jag om lönesubvention?",
    "Vem kan få startpeng?", "jag söker jobb som personlig assistent", "Hur registrerar jag mig som arbetssökande?",
    "How do I apply for a start-up grant?", "Mihin numeroon soitan, kun haluan puhua virkailijan kanssa?",
    "Milloin asiakaspalvelu on auki?", "Vilket telefonnummer har kundtjänsten?",
    "Miten saan yhteyden asiakaspalveluun?", "joku tuki yritykselle", "någon form av stöd för export",
    "voiko työnvälitys välittää tietoni työnantajille", "förmedlar AN-byrån jobb till arbetssökande?",
    # a handler's or a specialist's work, and a wish about something else, are services
    "kan handläggaren förmedla mina uppgifter till arbetsgivare?", "voiko virkailija välittää hakemukseni eteenpäin?",
    "Finns det rådgivare som hjälper unga att hitta jobb?", "finns det experter som hjälper företag att exportera?",
    "Saanko nähdä, mitä virkailija on kirjannut minusta?", "vill se vad handläggaren har skrivit om mig",
]


@pytest.mark.parametrize("text", ASKS)
def test_a_request_for_a_person_is_read_as_one(text):
    assert asks_for_person(text)


@pytest.mark.parametrize("text", SERVICE_QUESTIONS)
def test_a_service_question_is_not(text):
    assert not asks_for_person(text)


def test_the_rule_overrides_a_confident_classifier():
    understander = Understander(default())
    reading = understander.understand("haluan puhua jonkun kanssa starttirahasta", "fi", [("start_up_grant", 0.97)])
    assert reading.intent == "request_human" and reading.service is None
    assert understander.understand("Kuka voi saada starttirahaa?", "fi", [("start_up_grant", 0.97)]).service == "start_up_grant"
