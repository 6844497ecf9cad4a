"""Find the customer's municipality, and so their region, in a free-text message in Finnish or Swedish.

Regional queues and content need the region, and customers name their home town the way they speak:
inflected ("Vaasassa", "Helsingistä", "Lahteen", "Kauniaisissa"), in Swedish ("i Vasa", "från Åbo") or
spoken ("Helsingist", "Tampereel"). Finnish inflection of place names is regular enough to generate: this
module builds, once, every inflected form of every municipality name (stems with consonant gradation,
case endings, vowel harmony, and the lexical stems of common final elements such as -joki → -joe-) into a
dict, so a message is looked up token by token in a few microseconds, with no model and no network.

Some forms are also ordinary words ("pellon" = of a field, "varkaus" = theft, sv "ingå" = to enter into,
"kemi" = chemistry) or first names ("Salla", "Simon", "Lovisa"): those match only when written as a name
(capitalised; not enough for first names) or in context ("i Ingå", "kotikunta on Salla", "Simon kunta").
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from nlu.regions import CSV_PATH


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str
    region_code: str
    region_fi: str
    region_sv: str
    language: str  # fi, sv, fi-sv (bilingual, Finnish majority) or sv-fi (bilingual, Swedish majority)


@lru_cache(maxsize=1)
def _municipalities() -> tuple[Municipality, ...]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return tuple(Municipality(**{key: value.strip() for key, value in row.items()}) for row in rows)


def municipalities() -> list[Municipality]:
    """All municipalities of the csv, in its order (by code)."""
    return list(_municipalities())


# -- Finnish inflection --------------------------------------------------------------------------------

_VOWELS = "aeiouyäö"
_FRONT = str.maketrans("aou", "äöy")

# Final elements whose stems can't be derived from the nominative (i/e alternation, -as, -in).
# element → [(weak stem, strong stem, partitive)]; as place names -lampi takes both (Toholammilla).
_LEXICAL: dict[str, list[tuple[str, str, str]]] = {
    "joki": [("joe", "joke", "jokea")],
    "järvi": [("järve", "järve", "järveä")],
    "lahti": [("lahde", "lahte", "lahtea")],
    "salmi": [("salme", "salme", "salmea")],
    "niemi": [("nieme", "nieme", "niemeä")],
    "koski": [("koske", "koske", "koskea")],
    "saari": [("saare", "saare", "saarta")],
    "mäki": [("mäe", "mäke", "mäkeä")],
    "vesi": [("vede", "vete", "vettä")],
    "lampi": [("lamme", "lampe", "lampea"), ("lammi", "lampi", "lampia")],
    "nummi": [("numme", "numme", "nummea")],
    "loppi": [("lope", "loppe", "loppea")],
    "pudas": [("putaa", "putaa", "pudasta")],
    "laidun": [("laitume", "laitume", "laidunta")],
}

# Strong → weak grade of the consonants that open a final short syllable (Turku → Turussa).
_GRADATION = (
    ("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"), ("nt", "nn"), ("lt", "ll"),
    ("rt", "rr"), ("ht", "hd"), ("lk", "l"), ("rk", "r"), ("hk", "h"),
)
_SINGLE_GRADATION = {"k": "", "t": "d", "p": "v"}

# Endings after the weak stem: genitive, inessive, elative, adessive, ablative, allative, translative,
# abessive, and the clipped spoken forms (Helsingiss, Tampereel, Turust). Not the dialects' bare -s
# (Turus): it would take foreign names such as Lopes.
_WEAK_ENDINGS = ("n", "ssa", "sta", "lla", "lta", "lle", "ksi", "tta", "ss", "st", "l", "lt")
_PLURAL_ENDINGS = ("ssa", "sta", "lla", "lta", "lle", "ksi", "tta", "na", "ss", "st", "l", "lt")
_CLITICS = ("kin", "kaan", "kään", "ko", "kö", "han", "hän", "pa", "pä")

# Names whose both parts inflect: Uusikaupunki → Uudessakaupungissa. Prefix forms by case.
_DOUBLE: dict[str, dict[str, str]] = {
    "uusi": {"nom": "uusi", "gen": "uuden", "ssa": "uudessa", "sta": "uudesta", "lla": "uudella",
             "lta": "uudelta", "lle": "uudelle", "ksi": "uudeksi", "ill": "uuteen", "na": "uutena", "par": "uutta"},
    "iso": {"nom": "iso", "gen": "ison", "ssa": "isossa", "sta": "isosta", "lla": "isolla", "lta": "isolta",
            "lle": "isolle", "ksi": "isoksi", "ill": "isoon", "na": "isona", "par": "isoa"},
}
_DOUBLE_HEADS = ("kaupunki", "kaarlepyy", "kyrö")


def _front(word: str) -> bool:
    """Vowel harmony follows the last back or front vowel: Pudasjärvellä, Seinäjoella."""
    for char in reversed(word):
        if char in "aou":
            return False
        if char in "äöy":
            return True
    return True


def _weak(stem: str) -> str:
    """Weak grade of a vowel stem ending in a short open syllable: helsinki → helsingi, juuka → juua."""
    if len(stem) < 3 or stem[-1] not in _VOWELS or stem[-2] in _VOWELS:
        return stem
    for strong, weak in _GRADATION:
        if stem[:-1].endswith(strong):
            return stem[: -1 - len(strong)] + weak + stem[-1]
    if stem[-2] in _SINGLE_GRADATION and stem[-3] in _VOWELS:
        return stem[:-2] + _SINGLE_GRADATION[stem[-2]] + stem[-1]
    return stem


def _long_vowel(stem: str) -> bool:
    return len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] in _VOWELS


def _stem_forms(weak: str, strong: str, partitives: tuple[str, ...], front: bool) -> dict[str, set[str]]:
    """Singular case forms of one stem pair, by case key (keys shared with _DOUBLE)."""
    def h(suffix: str) -> str:
        return suffix.translate(_FRONT) if front else suffix

    forms: dict[str, set[str]] = {"par": set(partitives), "na": {strong + h("na")}}
    for ending in _WEAK_ENDINGS if len(weak) > 3 else _WEAK_ENDINGS[:8]:  # no spoken "iis" for Ii
        key = {"n": "gen", "ss": "ssa", "st": "sta", "l": "lla", "lt": "lta"}.get(ending, ending)
        forms.setdefault(key, set()).add(weak + h(ending))
    if _long_vowel(strong):
        forms["ill"] = {strong + "h" + strong[-1] + "n", strong + "seen"}
    else:
        forms["ill"] = {strong + strong[-1] + "n"}
    return forms


def _finnish_paradigm(word: str) -> dict[str, set[str]]:
    """Case key → inflected forms of one lower-case word, generous where the type is lexical (inner or
    outer local cases, Raahessa or Tampereella): an extra form that is no Finnish word costs nothing."""
    front = _front(word)
    a = "ä" if front else "a"
    paradigms: list[dict[str, set[str]]] = []

    def add(weak: str, strong: str, *partitives: str) -> None:
        paradigms.append(_stem_forms(weak, strong, partitives, front))

    for element, stems in _LEXICAL.items():
        if word.endswith(element):
            # Harmony follows the last element, also when it has only e and i: Rovaniemellä, Orivedellä.
            front = _front(element)
            base = word[: -len(element)]
            for weak, strong, partitive in stems:
                add(base + weak, base + strong, base + partitive)
            break
    else:
        if word.endswith("nen"):  # Kaustinen → Kaustisella; Kauniainen → Kauniaisissa (plural)
            base = word[:-3]
            add(base + "se", base + "se", base + "sta".replace("a", a))
            plural = {ending.translate(_FRONT) if front else ending for ending in _PLURAL_ENDINGS}
            paradigms.append({
                "plural": {base + "si" + ending for ending in plural}
                | {base + "siin", base + "sten", base + "sien", base + "si" + ("ä" if front else "a")},
            })
        elif word.endswith("virrat"):  # plural name: Virroilla, Virtain
            base = word[:-6]
            paradigms.append({"plural": {base + "virroi" + e for e in _PLURAL_ENDINGS} | {
                base + f for f in ("virtoihin", "virtain", "virtojen", "virtoja", "virroiksi")}})
        elif re.search(f"[{_VOWELS}]s$", word):  # Kannus → Kannuksessa; Alavus, Varkaus → Alavudella
            base = word[:-1]
            add(base + "kse", base + "kse", word + "ta".replace("a", a))
            add(base + "de", base + "te", base + "tta".replace("a", a))
            add(word + "i", word + "i", word + "i" + a)  # a Swedish-origin name: Korsnäsissä
        elif word[-1] not in _VOWELS:  # Swedish-origin names take -i-: Sundissa, Finströmissä
            add(word + "i", word + "i", word + "i" + a)
        elif word.endswith("e") and not word.endswith("ee"):  # Raahessa / Tampereella, Keiteleellä
            add(word, word, word + a)
            add(word + "e", word + "e", word + "tt" + a)
        elif _long_vowel(word) or word[-2] in _VOWELS:  # Espoossa, Joensuussa; Kuopiota, Nokiaa
            add(word, word, word + "t" + a, *(() if _long_vowel(word) else (word + a,)))
        else:
            add(_weak(word), word, word + a, word + "t" + a)
            if _weak(word) != word and word[-3] in _VOWELS:  # no gradation in a loan: Geta → Getassa
                add(word, word)
    result: dict[str, set[str]] = {"nom": {word}}
    for paradigm in paradigms:
        for key, forms in paradigm.items():
            result.setdefault(key, set()).update(forms)
    return result


def _finnish_forms(name: str) -> set[str]:
    """Every inflected form of a (lower-case, one-token) Finnish name."""
    for prefix, cases in _DOUBLE.items():
        for head in _DOUBLE_HEADS:
            if name == prefix + head:
                head_forms = _finnish_paradigm(head)
                both = {cases[key] + form for key, forms in head_forms.items() if key in cases for form in forms}
                return both | _flatten(_finnish_paradigm(name))
    return _flatten(_finnish_paradigm(name))


def _flatten(paradigm: dict[str, set[str]]) -> set[str]:
    return {form for forms in paradigm.values() for form in forms}


def _swedish_forms(name: str) -> set[str]:
    """Swedish place names inflect only in the genitive: Vasas, Åbos; Helsingfors stays."""
    return {name} if name[-1] in "sxz" else {name, name + "s"}


# -- lookup table --------------------------------------------------------------------------------------

# Forms that are also ordinary words or acronyms likely in a message about work or business, found with
# the Voikko lexicon, a Swedish word list and the catalogue's own texts (EURA 2021). Rarer clashes, such
# as kotka "eagle" or hanko "pitchfork", are left alone: people write those towns in lower case too.
# These count only when capitalised (not as an acronym) or in context.
COMMON_WORDS = frozenset(["pellon", "pellossa", "pellosta", "pellolla", "pellolta", "pellolle", "pelloksi", "pellotta", "varkaus", "varkauden", "varkaudessa", "varkaudesta", "varkauteen", "varkaudella", "varkaudelta", "varkaudelle", "varkautta", "varkaudeksi", "varkautena", "kolari", "kolarin", "kolarissa", "kolarista", "kolariin", "kolarilla", "kolarilta", "kolarille", "kolaria", "kolarina", "kolariksi", "lopen", "salon", "kannusta", "hyvinkään", "ii", "auran", "eura", "euran", "eurassa", "eurasta", "euraan", "euralla", "euralta", "euralle", "euraa", "eurana", "euraksi", "sund", "sunds", "ingå", "ingås", "kemi", "kemin", "kemist"])
# Forms that are also first names (Kaarina, Salla, Simon, Lovisa; Gustavs = Gustav's): an e-mail signed
# "Salla" must not move the customer to Lapland, and capitals don't tell them apart, so these count only
# in context or as the whole message (the answer to "which municipality?").
PERSONAL_NAMES = frozenset({"kaarina", "salla", "simo", "simon", "inari", "aura", "lovisa", "lovisas", "gustavs"})
# Context that makes a place of an ambiguous form: a Swedish preposition before it ("i Ingå"), a word
# for home municipality shortly before it ("kotikunta on Salla"), or one for municipality or town after
# it ("Simon kunta", "Kemi stad").
_PREPOSITIONS = frozenset({"i", "från", "till", "på"})
_HOME_WORDS = ("kunta", "kotikunt", "asuinkunt", "kotipaik", "asuinpaik", "hemkommun", "hemort", "kommun")
_PLACE_NOUNS = ("kunta", "kunna", "kaupun", "kommun", "stad")

# Other names people use: the former towns of a merged municipality, the short Finnish name of
# Pedersören kunta, and Swedish spellings of "S:t".
_ALIASES_FI = {"508": ("Mänttä", "Vilppula"), "599": ("Pedersöre",)}
_ALIASES_SV = {"202": ("Sankt Karins", "St Karins"), "491": ("Sankt Michel", "St Michel")}  # "St." too

_TOKEN = re.compile(r"[^\W\d_]+(?:[-:][^\W\d_]+)*")


@dataclass(frozen=True)
class _Entry:
    municipality: Municipality
    rest: tuple[frozenset[str], ...]  # what the following tokens must be, for names of several words
    rank: int  # 0 = the name itself, 1 = an inflected form: a name beats another name's inflected form


def _name_entries(name: str, municipality: Municipality, finnish: bool) -> list[tuple[str, _Entry]]:
    words = name.lower().split()
    inflect = _finnish_forms if finnish else _swedish_forms
    if len(words) == 1:
        return [(form, _Entry(municipality, (), 0 if form == words[0] else 1)) for form in inflect(words[0])]
    # The word that inflects: the head noun ("Pedersören kunnassa"), or the place before an
    # abbreviation ("Koskella Tl", "Koski Tl:ssä", a colon ending on the abbreviation is taken off).
    head = 0 if finnish and len(words[-1]) <= 2 else len(words) - 1
    options = [frozenset({word}) for word in words]
    options[head] = frozenset(inflect(words[head]))
    return [(first, _Entry(municipality, tuple(options[1:]), 0 if first == words[0] else 1)) for first in options[0]]


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[_Entry, ...]]:
    table: dict[str, list[_Entry]] = {}
    for municipality in _municipalities():
        names = [(municipality.name_fi, True), (municipality.name_sv, False)]
        if municipality.name_sv == municipality.name_fi:
            names.append((municipality.name_sv, True))
        names += [(alias, True) for alias in _ALIASES_FI.get(municipality.code, ())]
        names += [(alias, False) for alias in _ALIASES_SV.get(municipality.code, ())]
        for name, finnish in names:
            for form, entry in _name_entries(name, municipality, finnish):
                table.setdefault(form, []).append(entry)
    return {
        form: tuple(sorted(set(entries), key=lambda e: (-len(e.rest), e.rank, e.municipality.code)))
        for form, entries in table.items()
    }


def _lookup(token: str) -> tuple[str, tuple[_Entry, ...]]:
    """The name form a token is (without a clitic or a colon ending), and what it may name."""
    table = _table()
    entries = table.get(token)
    if entries:
        return token, entries
    if ":" in token:  # "Ii:ssä"
        form = token.split(":", 1)[0]
        return form, table.get(form, ())
    for clitic in _CLITICS:  # "Vaasassakin", "Turkuunko"
        if token.endswith(clitic) and len(token) > len(clitic) + 1:
            form = token[: -len(clitic)]
            entries = table.get(form)
            if entries:
                return form, entries
    return token, ()


def _acronym(original: str) -> bool:
    """Two capitals or more: "EURA 2021" (the EU funding service), "EURAssa", the Roman numeral II."""
    return sum(char.isupper() for char in original) > 1


def _in_context(tokens: list[tuple[str, str]], index: int) -> bool:
    if len(tokens) == 1:
        return True
    before = [word for word, _ in tokens[max(0, index - 2): index]]
    after = tokens[index + 1][0] if index + 1 < len(tokens) else ""
    return (bool(before) and before[-1] in _PREPOSITIONS) or any(word.startswith(_HOME_WORDS) for word in before) \
        or after.startswith(_PLACE_NOUNS)


def _matches(tokens: list[tuple[str, str]], index: int, token: str, original: str) -> Municipality | None:
    form, entries = _lookup(token)
    for entry in entries:
        if not entry.rest and (form in COMMON_WORDS or form in PERSONAL_NAMES):
            if _acronym(original):
                continue
            named = form in COMMON_WORDS and original[0].isupper()
            if not named and not _in_context(tokens, index):
                continue
        following = tokens[index + 1: index + 1 + len(entry.rest)]
        if len(following) < len(entry.rest):
            continue
        if all(_word_in(word, options) for (word, _), options in zip(following, entry.rest)):
            return entry.municipality
    return None


def _word_in(word: str, options: frozenset[str]) -> bool:
    return word in options or word.split(":", 1)[0] in options


def find_municipality(text: str) -> Municipality | None:
    """The first municipality the text names, in any inflected form, in Finnish or Swedish."""
    tokens = [(match.group().lower(), match.group()) for match in _TOKEN.finditer(text)]
    for index, (token, original) in enumerate(tokens):
        found = _matches(tokens, index, token, original)
        if found:
            return found
        if "-" in token:  # "Helsinki-Vantaan lentoasema": the parts, when the whole is no name
            for part, original_part in zip(token.split("-"), original.split("-")):
                found = _matches(tokens, index, part, original_part)
                if found:
                    return found
    return None


def find_region(text: str) -> str | None:
    """The region code of the first municipality the text names."""
    municipality = find_municipality(text)
    return municipality.region_code if municipality else None
