"""Personal identity codes are masked; languages are detected; every UI string exists in fi and sv."""
from __future__ import annotations

import pytest

from assistant.dialogue import requested_language
from assistant.i18n import gettext, marked_strings, missing_translations
from assistant.language import build_detector, next_language
from knowledge.catalogue import default
from nlu.identifiers import valid_business_id
from nlu.pii import mask_personal_codes

DETECTOR = build_detector(default())

pytestmark = pytest.mark.nlu


@pytest.mark.parametrize("text", ["hetuni on 131052-308T", "010190A123B mun tunnus", "id 311299-999A.", "080808Y987K"])
def test_identity_codes_are_masked(text):
    masked, count = mask_personal_codes(text)
    assert count == 1 and "[henkilötunnus]" in masked
    assert not any(code in masked for code in ("131052", "010190", "311299", "080808"))


def test_business_ids_and_dates_are_not_masked():
    text = "Y-tunnus 2345678-1, soitin 12.5.2025 klo 10-12"
    assert mask_personal_codes(text) == (text, 0)


def test_business_id_check_digit():
    assert valid_business_id("y-tunnus on 0112038-9") == "0112038-9"
    assert valid_business_id("y-tunnus on 0112038-8") is None


@pytest.mark.parametrize("text,lang", [
    ("Miten haen starttirahaa?", "fi"), ("Hur ansöker jag om startpeng?", "sv"),
    ("jäin työttömäksi mitä nyt", "fi"), ("jag blev uppsagd vad gör jag nu", "sv"),
    ("Voiko palkkatukea saada yhdistys", "fi"), ("Kan en förening få lönesubvention", "sv"),
])
def test_language_is_detected(text, lang):
    assert DETECTOR.detect(text).language == lang


def test_language_is_sticky_but_follows_a_clear_switch():
    assert next_language(DETECTOR, "fi", False, "Hur söker jag jobb utomlands?", decided=True) == "sv"
    assert next_language(DETECTOR, "fi", False, "ok", decided=True) == "fi"
    assert next_language(DETECTOR, "fi", True, "Hur söker jag jobb utomlands?", decided=True) == "fi"
    assert next_language(DETECTOR, "fi", False, "hejsan, tack", decided=False) == "sv"
    assert next_language(DETECTOR, "fi", False, "hej", decided=False) == "fi"  # both languages say it


def test_requested_language():
    assert requested_language("voinko kirjoittaa ruotsiksi", "fi") == "sv"
    assert requested_language("kan vi byta till finska", "sv") == "fi"
    assert requested_language("in English please", "fi") == "en"
    assert requested_language("Kan vi byta till svenska?", "sv") == "sv"  # named: kept, not toggled
    assert requested_language("en ymmärrä ruotsia, suomeksi please", "fi") == "fi"  # the target form wins
    assert requested_language("kielen vaihto", "fi") == "sv"


def test_every_marked_string_is_translated_to_finnish_and_swedish():
    assert missing_translations() == {}
    for msgid in marked_strings():
        if " " in msgid.strip():  # a sentence left in English; single words may coincide ("Region", "Bot")
            assert gettext("fi", msgid) != msgid and gettext("sv", msgid) != msgid
        assert gettext("fi", msgid) != gettext("sv", msgid)


def test_translation_check_catches_a_new_untranslated_string(tmp_path):
    (tmp_path / "new.py").write_text('from assistant.i18n import N_\nX = N_("A brand new string")\n')
    assert "A brand new string" in marked_strings(tmp_path)
    assert gettext("fi", "A brand new string") == "A brand new string"  # untranslated: falls back to the msgid
