"""Accept-Language negotiation: q-values, `*`, and Babel's matching of regional tags to fi, sv and en."""
from __future__ import annotations

import pytest

from assistant.i18n import negotiate_language

pytestmark = pytest.mark.api


@pytest.mark.parametrize("header, lang", [
    ("sv-FI", "sv"),
    ("fi-FI;q=0.5, sv;q=0.9", "sv"),
    ("de, sv;q=0.1", "sv"),
    ("de", "en"),
    ("fi", "fi"),
    ("en-GB,en;q=0.9", "en"),
    ("SV-fi", "sv"),                      # tags are case-insensitive
    ("sv_FI", "sv"),                      # an underscore, as some clients send it
    ("fi ; q=0.8 , en-GB ; q=0.9", "en"),  # spaces anywhere
    ("sv;q=0.7, fi;q=0.7", "sv"),         # equal q: the header's order
    ("fi;q=1.000, sv", "fi"),
])
def test_the_best_supported_language_by_q_value(header, lang):
    assert negotiate_language(header) == lang


@pytest.mark.parametrize("header, lang", [
    ("fi;q=0, sv;q=0.2", "sv"),           # q=0 means "not Finnish"
    ("sv;q=0", "en"),
    ("fi;q=0.0, en;q=0", "en"),           # nothing acceptable: the default all the same
])
def test_q_zero_is_excluded(header, lang):
    assert negotiate_language(header) == lang


@pytest.mark.parametrize("header, lang", [
    ("*", "en"),
    ("de, *;q=0.5", "en"),
    ("en;q=0, *", "fi"),                  # any language but English: the first other supported one
    ("*;q=0.5, fi;q=0.4", "en"),          # * means the languages the header does not name
    ("de, *;q=0.1, fi;q=0.05", "en"),
    ("sv;q=0.9, *;q=0.5", "sv"),
    ("fi;q=0, sv;q=0, en;q=0, *", "en"),
])
def test_the_wildcard(header, lang):
    assert negotiate_language(header) == lang


@pytest.mark.parametrize("header", [None, "", " ", ",,", "fi;q=abc", "fi;q=2", "fi;q=-1", "x-klingon-very-long-tag",
                                    "fi;level=1", "12"])
def test_missing_or_malformed_headers_give_the_default(header):
    assert negotiate_language(header) == "en"


def test_malformed_entries_are_skipped_not_fatal():
    assert negotiate_language("fi;q=abc, sv;q=0.5") == "sv"


def test_supported_and_default_can_be_given():
    assert negotiate_language("de-AT, fi;q=0.3", supported=("de", "fi"), default="fi") == "de"
    assert negotiate_language("en", supported=("fi", "sv"), default="fi") == "fi"
    assert negotiate_language(None, default="sv") == "sv"
