"""The region registry: the 19 regions of the municipality list, their names and the languages they serve."""
from __future__ import annotations

import pytest

from nlu.places import municipalities
from nlu.regions import CSV_PATH, Region, RegionRegistry, registry

pytestmark = pytest.mark.regional


def test_19_regions_by_code_with_aland():
    codes = [region.code for region in registry()]
    assert len(codes) == 19 == len(registry()) and codes == sorted(codes)
    assert codes[0] == "01" and codes[-1] == "21" and "03" not in codes and "20" not in codes
    aland = registry().get("21")
    assert (aland.name_fi, aland.name_sv, aland.languages) == ("Ahvenanmaa", "Åland", ("sv",))
    assert len(aland.municipalities) == 16


def test_bilingual_regions_serve_finnish_and_swedish():
    assert registry().get("15").languages == ("fi", "sv")  # Pohjanmaa / Österbotten, Swedish majority
    assert registry().get("01").languages == ("fi", "sv")  # Uusimaa
    assert registry().get("16").languages == ("fi", "sv")  # Keski-Pohjanmaa: Kokkola is bilingual
    assert registry().get("13").languages == ("fi",)      # Keski-Suomi
    assert {region.code for region in registry() if "sv" in region.languages} == {"01", "02", "08", "15", "16", "21"}


def test_names_by_language():
    assert registry().name("15", "fi") == "Pohjanmaa" and registry().name("15", "sv") == "Österbotten"
    assert registry().name("15", "en") == "Pohjanmaa"
    assert registry().get("01").name("sv") == "Nyland"
    assert registry().name("99", "fi") is None and registry().name(None, "sv") is None
    assert registry().get("99") is None and "99" not in registry() and "15" in registry()


def test_every_municipality_is_in_its_region_once():
    members = {code: region.code for region in registry() for code in region.municipalities}
    assert len(members) == 309
    assert members == {m.code: m.region_code for m in municipalities()}
    assert registry().of_municipality("905").code == "15"  # Vaasa
    assert registry().of_municipality("000") is None


def test_a_registry_from_another_csv(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("code,name_fi,name_sv,region_code,region_fi,region_sv,language\n"
                    "905,Vaasa,Vasa,15,Pohjanmaa,Österbotten,fi-sv\n"
                    "478,Maarianhamina,Mariehamn,21,Ahvenanmaa,Åland,sv\n"
                    "893,Uusikaarlepyy,Nykarleby,15,Pohjanmaa,Österbotten,sv-fi\n", encoding="utf-8")
    regions = RegionRegistry(path)
    assert list(regions) == [Region("15", "Pohjanmaa", "Österbotten", ("fi", "sv"), ("893", "905")),
                             Region("21", "Ahvenanmaa", "Åland", ("sv",), ("478",))]
    assert RegionRegistry().get("15") == registry().get("15") and CSV_PATH.exists()


@pytest.mark.parametrize("row, message", [
    ("906,Vöyri,Vörå,15,Pohjanmaa,Norra Österbotten,sv-fi", "two names"),
    ("906,Vöyri,Vörå,15,Pohjanmaa,Österbotten,se", "unknown language"),
])
def test_an_inconsistent_csv_is_refused(tmp_path, row, message):
    path = tmp_path / "m.csv"
    path.write_text("code,name_fi,name_sv,region_code,region_fi,region_sv,language\n"
                    f"905,Vaasa,Vasa,15,Pohjanmaa,Österbotten,fi-sv\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        RegionRegistry(path)
