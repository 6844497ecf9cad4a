"""Business IDs (Y-tunnus) found in free text and checked by python-stdnum."""
from __future__ import annotations

import pytest
from stdnum.fi import ytunnus

from nlu.identifiers import valid_business_id

pytestmark = pytest.mark.nlu

VALID = ["0112038-9", "1572860-0", "2617416-4"]


@pytest.mark.parametrize("business_id", VALID)
def test_valid_ids_are_found_as_written(business_id):
    assert ytunnus.is_valid(business_id)  # the examples themselves are right
    assert valid_business_id(business_id) == business_id


@pytest.mark.parametrize("text", ["0112038-8", "1572860-1", "2617416-5", "1234567-2"])
def test_wrong_check_digits_are_refused(text):
    assert valid_business_id(text) is None


def test_a_prefix_with_no_possible_check_digit_is_refused():
    # 0000006 gives the remainder 1 (6 × 2 = 12): no check digit 0–9 can make it right.
    assert all(valid_business_id(f"0000006-{digit}") is None for digit in range(10))


@pytest.mark.parametrize("text, found", [
    ("Yrityksemme y-tunnus on 1572860-0, voitteko auttaa?", "1572860-0"),
    ("Vårt FO-nummer är 2617416-4 och vi finns i Vasa.", "2617416-4"),
    ("Y-tunnus: 0112038 - 9", "0112038-9"),
    ("FO-nummer 0112038 -9.", "0112038-9"),
    ("tunnus (1572860- 0)", "1572860-0"),
])
def test_ids_inside_finnish_and_swedish_sentences_and_with_spaces(text, found):
    assert valid_business_id(text) == found


def test_the_first_valid_id_wins_after_wrong_ones():
    assert valid_business_id("0112038-8 vai 2617416-4 tai 1572860-0?") == "2617416-4"


@pytest.mark.parametrize("text", [
    "", "ei tunnusta", "01120389", "112038-9", "10112038-9", "0112038-99", "0112038  -  9",
    "puh 040 1234567", "hetu 131052-308T", "0112038–9",  # an en dash is not taken (as before)
])
def test_no_id_in_other_numbers(text):
    assert valid_business_id(text) is None
