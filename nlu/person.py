"""Does the customer ask for a person? A rule, read before any classifier.

"I want a human" must never be answered as a service question: a classifier trained on service examples
reads "haluan puhua jonkun kanssa starttirahasta" as a question about the start-up grant, and a plea like
"et sä tajuu, anna mulle oikee ihminen" as whatever its words resemble. The rule wants two things near
each other: a way of reaching someone (talk, connect, call, chat, contact) and a person (human, agent,
official, adviser, someone); or a wish ("haluan", "ge mig") directly followed by a person; or a person
alone ("Asiakaspalvelija!", "människa tack"). Hiring words ("palkata ihmisiä", "anställa personal") are
neither, so an employer's question stays a service question.
"""
from __future__ import annotations

import re

_WINDOW = 6  # words between the way of reaching and the person

# Finnish, Swedish and English word starts; matched against lower-case words.
_PERSON = re.compile(
    r"^(ihmi(nen|sen|stä|selle|sel|seen|ses)|ihmsen|ihimisen"
    r"|asiakaspalvelij\w*|virkailij\w*|asiantuntij\w*|neuvoja(n|lle|a|an)"
    r"|henkilö(n|lle|ä)?|joku|jonkun|jollekin|joltakin|jonkin|kukaan|agentti\w*|päivystäjä\w*"
    r"|människa|människan|människor|person|personen|någon|handläggare\w*"
    r"|rådgivare\w*|tjänste(man|mannen|kvinna)|expert(en)?|medarbetare\w*|agent(en)?"
    r"|human|humans|person|someone|somebody|representative|advis[eo]r|operator)$")
_REACH = re.compile(
    r"^(puhu\w*|puhuu|jutel\w*|juttel\w*|jutella|keskustel\w*|yhdistä\w*|yhdistäkää|siirr\w*|siirtä\w*"
    r"|soit\w*|chat\w*|yhteyttä|yhteydenot\w*|linjoille|linjalle|tavoit\w*|kiinni"
    r"|prata\w*|tala|talar|snacka\w*|chatta\w*|koppla\w*|ringa|ringer|ring|kontakta\w*|kontakt|flytta"
    r"|talk|speak|chat|connect|transfer|call|contact)$")
_SERVICE_DESK = re.compile(r"^(asiakaspalvelu(un|a|n)?|kundtjänst\w*|kundservice|customer)$")  # only with a connect
_CONNECT = re.compile(r"^(yhdistä\w*|siirr\w*|siirtä\w*|koppla\w*|flytta|transfer|connect)$")
#: "Mihin numeroon soitan?" / "Vilket telefonnummer…": the contact details (a catalogue service), not a request.
_CONTACT_DETAILS = re.compile(r"(numero|puhelin|aukiolo|yhteystie|osoite|telefon|nummer|öppet|adress|phone|opening)")
_QUESTION = re.compile(r"^(miten|mihin|mistä|mikä|mitkä|milloin|koska|monelta|hur|var|vart|vilket|vilka|när|vad"
                       r"|how|where|what|when|which)$")
_WISH = re.compile(
    r"^(haluan|haluun|halusin|haluaisin|saisinko|saanko|voinko|tarvitsen|tartten|anna|antakaa|päästäkää"
    r"|vill|ge|får|behöver|want|need|give|get)$")
_FILLER = re.compile(r"^(mulle|minulle|mut|minut|nyt|vaan|vain|en|ett|mig|ha|jag|a|an|me|to|real|riktig\w*"
                     r"|levande|hjälp|av|apua|tähän|oikea\w*|oikee\w*|elävä\w*|the|please)$")
_ALONE = re.compile(r"^(ihminen|oikea ihminen|asiakaspalvelija|virkailija|agentti|asiakaspalvelu|människa"
                    r"|en människa|handläggare|kundtjänst|agent|human|a human|real person|operator)"
                    r"( kiitos| kiitti| pliis| please| tack| nu)?$")


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def asks_for_person(text: str) -> bool:
    """True when the message asks to be put through to a person, in Finnish, Swedish or English."""
    words = _words(text)
    if not words or len(words) > 40:  # a long message is a question that may mention staff, not a request
        return False
    if _ALONE.match(" ".join(words)):
        return True
    if _QUESTION.match(words[0]) and any(_CONTACT_DETAILS.search(w) for w in words):
        return False
    desks = [i for i, w in enumerate(words) if _SERVICE_DESK.match(w)]
    connects = [i for i, w in enumerate(words) if _CONNECT.match(w)]
    if any(abs(i - j) <= _WINDOW for i in connects for j in desks):
        return True
    persons = [i for i, w in enumerate(words) if _is_person(w)]
    if not persons:
        return False
    reaches = [i for i, w in enumerate(words) if _REACH.match(w)]
    if any(abs(i - j) <= _WINDOW for i in reaches for j in persons):
        return True
    for i, w in enumerate(words):
        if _WISH.match(w):
            j = i + 1
            while j < len(words) and _FILLER.match(words[j]) and j - i <= 3:
                j += 1
            if j < len(words) and _is_person(words[j]) and not words[j].startswith(("joku", "jonk", "jolle",
                                                                                     "jolta", "någon", "kukaan")):
                return True
    return False


def _is_person(word: str) -> bool:
    return bool(_PERSON.match(word))
