"""The customer's municipality and region from free text, in Finnish or Swedish, in any inflected form."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlu.places import CSV_PATH, Municipality, find_municipality, find_region, municipalities
from nlu.regions import registry

pytestmark = pytest.mark.regional

BRIEF_CSV = Path(__file__).resolve().parent.parent.parent / "shared" / "brief" / "municipalities.csv"

# inflected or Swedish form → (municipality code, region code)
FINNISH = {
    "Vaasassa": ("905", "15"), "Vaasaan": ("905", "15"), "Vaasasta": ("905", "15"), "Vaasan": ("905", "15"),
    "Helsingissä": ("091", "01"), "Helsinkiin": ("091", "01"), "Helsingistä": ("091", "01"),
    "Turussa": ("853", "02"), "Turkuun": ("853", "02"),
    "Tampereella": ("837", "06"), "Tampereelle": ("837", "06"),
    "Oulussa": ("564", "17"),
    "Lahdessa": ("398", "07"), "Lahteen": ("398", "07"),
    "Rovaniemellä": ("698", "19"),
    "Seinäjoella": ("743", "14"), "Seinäjoelle": ("743", "14"),
    "Jyväskylässä": ("179", "13"),
    "Hämeenlinnassa": ("109", "05"),
    "Lappeenrannassa": ("405", "09"),
    "Kokkolassa": ("272", "16"),
    "Porissa": ("609", "04"),
    "Kuopiossa": ("297", "11"),
    "Joensuussa": ("167", "12"),
    "Mikkelissä": ("491", "10"),
    "Kotkassa": ("285", "08"),
    "Espoossa": ("049", "01"),
    "Vantaalla": ("092", "01"),
    "Kauniaisissa": ("235", "01"),
    "Pietarsaaressa": ("598", "15"),
    "Raahessa": ("678", "17"),
    "Kemissä": ("240", "19"),
    "Iissä": ("139", "17"), "Iihin": ("139", "17"), "Iistä": ("139", "17"), "Ii": ("139", "17"),
    "Hangossa": ("078", "01"),
    "Porvoossa": ("638", "01"),
    # gradation, lexical stems, plural and two-part names
    "Juuassa": ("176", "12"), "Liedossa": ("423", "02"), "Vihdissä": ("927", "01"), "Puolangalla": ("620", "18"),
    "Harjavallassa": ("079", "04"), "Outokummussa": ("309", "12"), "Pyhännällä": ("630", "17"),
    "Orivedellä": ("562", "06"), "Kokemäellä": ("271", "04"), "Lopella": ("433", "05"),
    "Toholammilla": ("849", "16"), "Rautalammella": ("686", "11"), "Kirkkonummella": ("257", "01"),
    "Pihtiputaalla": ("601", "13"), "Punkalaitumella": ("619", "06"), "Alavudella": ("010", "14"),
    "Varkaudessa": ("915", "11"), "Kannuksessa": ("217", "16"), "Nurmeksessa": ("541", "12"),
    "Huittisissa": ("102", "04"), "Kaustisella": ("236", "16"), "Paraisilla": ("445", "02"),
    "Virroilla": ("936", "06"), "Uudessakaupungissa": ("895", "02"), "Uudenkaupungin": ("895", "02"),
    "Isossakyrössä": ("152", "14"), "Uudessakaarlepyyssä": ("893", "15"),
    "Kempeleessä": ("244", "17"), "Keiteleellä": ("239", "11"), "Kiteellä": ("260", "12"),
    "Sundissa": ("771", "21"), "Korsnäsissä": ("280", "15"), "Maarianhaminassa": ("478", "21"),
    "Mänttä-Vilppulassa": ("508", "06"), "Mäntässä": ("508", "06"), "Koski Tl:ssä": ("284", "02"),
    "Koskella Tl": ("284", "02"), "Pedersören kunnassa": ("599", "15"), "Pedersöressä": ("599", "15"),
    "Joensuuhun": ("167", "12"), "Espooseen": ("049", "01"), "Kuopiota": ("297", "11"),
    "Turussakin": ("853", "02"), "Helsingist": ("091", "01"), "Tampereel": ("837", "06"),
}
SWEDISH = {
    "i Vasa": ("905", "15"), "Vasas": ("905", "15"), "i Helsingfors": ("091", "01"), "från Åbo": ("853", "02"),
    "i Jakobstad": ("598", "15"), "Esbo": ("049", "01"), "i Borgå": ("638", "01"), "Karleby": ("272", "16"),
    "i Mariehamn": ("478", "21"), "Närpes": ("545", "15"), "Åbos": ("853", "02"), "i Tammerfors": ("837", "06"),
    "från Uleåborg": ("564", "17"), "i S:t Karins": ("202", "02"), "S:t Michels": ("491", "10"),
    "i St. Michel": ("491", "10"), "i Ingå": ("149", "01"), "i Lovisa": ("434", "01"), "Pedersöre": ("599", "15"),
    "Kimitoön": ("322", "02"), "i Korsholm": ("499", "15"), "Grankulla": ("235", "01"), "Sunds": ("771", "21"),
}


@pytest.mark.parametrize("text, expected", list(FINNISH.items()) + list(SWEDISH.items()))
def test_inflected_and_swedish_forms_name_the_municipality_and_region(text, expected):
    found = find_municipality(text)
    assert found is not None, text
    assert (found.code, found.region_code) == expected
    assert find_region(text) == expected[1]


@pytest.mark.parametrize("text, code", [
    ("Asun Vaasassa ja etsin töitä.", "905"),
    ("asun vaasassa", "905"),
    ("ASUN VAASASSA", "905"),
    ("Yritykseni toimii Lahdessa, voinko saada starttirahaa?", "398"),
    ("Muutin Oulusta Vaasaan viime vuonna", "564"),  # the first one named
    ("Jag bor i Vasa och behöver hjälp", "905"),
    ("Vi har ett företag i Borgå, hur får vi lönesubvention?", "638"),
    ("Onko Helsinki-Vantaan lentoasemalla töitä?", "091"),
    ("kotikuntani on Salla", "732"),
    ("Salla", "732"),
    ("Simon kunnassa", "751"),
    ("Kemi stad", "240"),
    ("Pellossa on pajatyötä", "854"),
    ("Olen Iistä kotoisin", "139"),
])
def test_municipality_in_a_sentence(text, code):
    found = find_municipality(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize("text", [
    "Haluan hakea starttirahaa yritykselleni",
    "Jag vill anmäla mig som arbetssökande",
    "Miten työnhaku toimii",
    "Voinko saada palkkatukea?",
    "Hur ansöker jag om startpeng?",
    "Minulla on kysymys työttömyysturvasta",
    "Kiitos avusta, hyvää päivänjatkoa!",
    "Tack för hjälpen, ha en bra dag",
    "Haluan vuokrata pellon ja aloittaa viljelyn",  # pellon = of a field, not of Pello
    "Miten toimin, jos työpaikalla tapahtuu varkaus?",  # varkaus = theft
    "Jouduin työmatkalla kolariin",  # kolari = crash
    "Olen lopen uupunut työnhakuun",  # lopen = utterly, not of Loppi
    "Haluan perustaa salon",
    "Hur ska jag ingå ett anställningsavtal?",  # ingå = enter into
    "Avtalet ingås för ett år",
    "En sund arbetsmiljö är viktig",  # sund = healthy
    "Jag har studerat kemi och biologi",  # kemi = chemistry
    "Haku tehdään EURA 2021 -järjestelmässä",  # the EU funding service, not Eura
    "Hakemus jätetään EURAssa",
    "Palkkatuen osa II koskee yhdistyksiä",  # Roman numeral, not Ii
    "Ystävällisin terveisin, Salla Virtanen",  # a signature, not the municipality
    "Jag heter Simon och söker jobb",
    "Hälsningar Lovisa",
    "Tarvitsen apua Y-tunnuksen kanssa",
    "Voinko saada ansiosidonnaista päivärahaa?",
])
def test_ordinary_sentences_name_no_municipality(text):
    assert find_municipality(text) is None
    assert find_region(text) is None


def test_no_false_match_inside_other_words():
    assert find_municipality("Vaasankadulla on toimisto") is None  # a street, one token
    assert find_municipality("Helsinkiläinen yritys") is None
    assert find_municipality("Palkkatuki ja työkokeilu Pohjois-Pohjanmaalla") is None  # a region, no municipality


@pytest.mark.parametrize("template_fi, template_sv", [("kotikunta on {}", "min hemkommun är {}")])
def test_every_municipality_is_found_by_its_finnish_and_swedish_name(template_fi, template_sv):
    for municipality in municipalities():
        for template, name in ((template_fi, municipality.name_fi), (template_sv, municipality.name_sv)):
            found = find_municipality(template.format(name))
            assert found is not None and found.code == municipality.code, name


def test_municipalities_and_regions_from_the_csv():
    all_of_them = municipalities()
    assert len(all_of_them) == 309 and len({m.code for m in all_of_them}) == 309
    assert all(len(m.code) == 3 and m.code.isdigit() for m in all_of_them)
    vaasa = next(m for m in all_of_them if m.code == "905")
    assert vaasa == Municipality("905", "Vaasa", "Vasa", "15", "Pohjanmaa", "Österbotten", "fi-sv")
    assert {m.language for m in all_of_them} == {"fi", "sv", "fi-sv", "sv-fi"}
    found = {region.code: (region.name_fi, region.name_sv) for region in registry()}
    assert len(found) == 19 and list(found) == sorted(found)
    assert found["15"] == ("Pohjanmaa", "Österbotten") and found["21"] == ("Ahvenanmaa", "Åland")
    assert found["01"] == ("Uusimaa", "Nyland")
    all_of_them.clear()  # the result is a copy: the cache is intact
    assert len(municipalities()) == 309


@pytest.mark.skipif(not BRIEF_CSV.exists(), reason="the shared brief is not beside this checkout")
def test_the_csv_is_the_briefs_copy_unchanged():
    assert CSV_PATH.read_bytes() == BRIEF_CSV.read_bytes()
