"""Near-neighbour services: a cue in the message decides between the two, no cue leaves the question open."""
import pytest

from assistant.understanding import Understander
from knowledge.catalogue import default
from nlu.neighbours import PAIRS, settle

pytestmark = pytest.mark.nlu

UNDERSTANDER = Understander(default())
CUED = [
    ("Saako palkkatukea, jos palkkaan 58-vuotiaan työttömän?", "employment_subsidy_55plus", "pay_subsidy"),
    ("Vi vill anställa en 61-åring som varit arbetslös, vilket stöd finns?", "employment_subsidy_55plus", "pay_subsidy"),
    ("tukea pitkäaikaistyöttömän palkkaamiseen", "pay_subsidy", "employment_subsidy_55plus"),
    ("Kan vi få stöd för att anställa en 35-årig långtidsarbetslös?", "pay_subsidy", "employment_subsidy_55plus"),
    ("Yhdistyksemme haluaa hankkeen, joka kehittää alueen yritysten toimintaympäristöä", "operating_environment_grant",
     "business_development_grant"),
    ("Kommunen planerar ett projekt för flera företag i regionen, vilket bidrag?", "operating_environment_grant",
     "business_development_grant"),
    ("Yrityksemme suunnittelee koneinvestointia, mistä avustusta?", "business_development_grant",
     "operating_environment_grant"),
    ("Vårt företag vill utveckla sin produktion, kan vi få bidrag?", "business_development_grant",
     "operating_environment_grant"),
    ("millä aloilla on työvoimapulaa pohjanmaalla", "labour_market_information", "job_market_platform"),
    ("Var ser jag statistik över efterfrågan på sjukskötare?", "labour_market_information", "job_market_platform"),
    ("mist löydän avoimia työpaikkoja ja voiko tehdä hakuvahdin", "job_market_platform", "labour_market_information"),
    ("Hur lägger jag in mitt CV och min profil på nätet?", "job_market_platform", "labour_market_information"),
    ("oon 19 enkä tiiä mitä tekisin, mistä apua", "youth_services", "career_guidance"),
    ("Finns det hjälp för unga under 30 som inte vet vad de vill studera?", "youth_services", "career_guidance"),
    ("Olen 45-vuotias ja mietin alanvaihtoa, kuka neuvoo?", "career_guidance", "youth_services"),
    ("Jag vill byta bransch som vuxen, var får jag vägledning?", "career_guidance", "youth_services"),
]


@pytest.mark.parametrize("text, side, other", CUED)
def test_the_cue_decides_a_near_tie_either_way(text, side, other):
    for order in ([(other, 0.45), (side, 0.40), ("work_trial", 0.1)], [(side, 0.45), (other, 0.40), ("work_trial", 0.1)]):
        settled = settle(text, order)
        assert settled[0] == (side, pytest.approx(0.85)) and dict(settled)[other] == 0.0


@pytest.mark.parametrize("text, side, other", CUED)
def test_the_understander_answers_the_cued_side(text, side, other):
    lang = "sv" if any(w in text.split() for w in ("Vi", "Kan", "Vårt", "Var", "Hur", "Finns", "Kommunen", "Jag")) else "fi"
    reading = UNDERSTANDER.understand(text, lang, [(other, 0.5), (side, 0.4)])
    assert reading.service == side and UNDERSTANDER.is_clear(reading)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.first)
def test_without_a_cue_the_ranking_stands(pair):
    ranking = [(pair.second, 0.45), (pair.first, 0.40)]
    assert settle("Kertoisitko tästä tuesta lisää?", ranking) == ranking


def test_cues_of_both_sides_decide_nothing():
    ranking = [("pay_subsidy", 0.45), ("employment_subsidy_55plus", 0.40)]
    assert settle("Palkkaan 30-vuotiaan ja 60-vuotiaan, mitä tukia on?", ranking) == ranking


def test_a_pair_is_settled_only_when_it_leads():
    ranking = [("work_trial", 0.6), ("pay_subsidy", 0.2), ("employment_subsidy_55plus", 0.1)]
    assert settle("palkkaan 60-vuotiaan", ranking) == ranking
    far = [("pay_subsidy", 0.5), ("work_trial", 0.2), ("work_arrangement_support", 0.1), ("employment_subsidy_55plus", 0.1)]
    assert settle("palkkaan 60-vuotiaan", far) == far


def test_the_partner_third_still_counts():
    ranking = [("pay_subsidy", 0.4), ("work_trial", 0.3), ("employment_subsidy_55plus", 0.2)]
    assert settle("palkkaan 60-vuotiaan", ranking)[0] == ("employment_subsidy_55plus", pytest.approx(0.6))
