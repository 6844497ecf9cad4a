"""Which part of a service a question asks for, read from Finnish, Swedish and English cues (nlu.facets)."""
from __future__ import annotations

import pytest

from nlu.facets import Facet, detect, parse

pytestmark = [pytest.mark.nlu, pytest.mark.answers]


@pytest.mark.parametrize("question", [
    "Miten haen starttirahaa?",
    "miten haen starttirahaa yrityksen perustamiseen",
    "Kuinka starttirahaa haetaan?",
    "Miten voin hakea palkkatukea?",
    "Millä tavalla ilmoittaudun työnhakijaksi?",
    "Mistä haen starttirahaa?",
    "Tarvitaanko starttirahahakemukseen verovelkatodistus?",
    "starttirahan hakeminen Ahvenanmaalla",
    "Miten saan starttirahaa?",
])
def test_finnish_how_to_apply(question):
    assert detect(question) == Facet.HOW_TO_APPLY


@pytest.mark.parametrize("question", [
    "Hur ansöker jag om startpeng?",
    "Hur ansöker jag om lönesubvention för en ny anställd?",
    "Hur söker man startpeng",
    "Var ansöker jag om startpeng?",
    "Vilka bilagor behövs i ansökan?",
    "Hur får jag startpeng?",
])
def test_swedish_how_to_apply(question):
    assert detect(question) == Facet.HOW_TO_APPLY


@pytest.mark.parametrize("question,facet", [
    ("Kuka voi saada starttirahaa?", Facet.AUDIENCE),
    ("Kenelle starttiraha on tarkoitettu?", Facet.AUDIENCE),
    ("Voinko saada starttirahaa, jos olen nyt palkkatöissä?", Facet.AUDIENCE),
    ("Saako starttirahaa jos on maksuhäiriömerkintä", Facet.AUDIENCE),
    ("Kuka voi hakea starttirahaa?", Facet.AUDIENCE),       # who may apply: the audience, not the steps
    ("Mitkä ovat starttirahan ehdot?", Facet.AUDIENCE),
    ("Vem kan få startpeng?", Facet.AUDIENCE),
    ("För vem är startpeng?", Facet.AUDIENCE),
    ("Kan jag få startpeng om jag studerar?", Facet.AUDIENCE),
    ("Vilka villkor gäller för startpeng?", Facet.AUDIENCE),
    ("Har jag rätt till lönesubvention?", Facet.AUDIENCE),
])
def test_who_can_get_it(question, facet):
    assert detect(question) == facet


@pytest.mark.parametrize("question", [
    "Kuka myöntää starttirahan?",
    "kuka päättää starttirahasta nyt kun TE-toimistoja ei enää ole",
    "Keneen otan yhteyttä palkkatuesta?",
    "Kuka voi auttaa liiketoimintasuunnitelmassa?",
    "Vem beviljar startpeng?",
    "Vart vänder jag mig med frågor om lönesubvention?",
    "Var får jag hjälp med affärsplanen?",
    "firman klarar inte sina betalningar, vem kan ge råd",
])
def test_who_provides_it(question):
    assert detect(question) == Facet.PROVIDER


@pytest.mark.parametrize("question", [
    "Mitä starttiraha on?", "Mikä on työkokeilu?", "starttiraha?", "Kuinka paljon starttirahaa saa?",
    "kuinka pitkäksi aikaa starttirahaa myönnetään", "Vad är startpeng?", "Hur mycket får man i startpeng?",
    "Var hittar jag lediga jobb?", "Jag söker information om lönesubvention", "",
])
def test_a_question_with_no_cue_asks_what_the_service_is(question):
    assert detect(question) == Facet.SUMMARY


@pytest.mark.parametrize("question,facet", [
    ("How do I apply for the start-up grant?", Facet.HOW_TO_APPLY),
    ("Who can get a pay subsidy?", Facet.AUDIENCE),
    ("Who provides career guidance?", Facet.PROVIDER),
    ("What is a work trial?", Facet.SUMMARY),
])
def test_english_cues(question, facet):
    assert detect(question) == facet


def test_case_and_punctuation_do_not_matter():
    assert detect("MITEN HAEN STARTTIRAHAA???") == detect("miten, haen starttirahaa") == Facet.HOW_TO_APPLY


def test_a_payload_names_a_facet_only_by_its_value():
    assert parse("how_to_apply") == Facet.HOW_TO_APPLY and parse("audience") == Facet.AUDIENCE
    assert parse("everything") is None and parse(None) is None and parse(["audience"]) is None
