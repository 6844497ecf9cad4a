"""Does the customer ask for a person? A rule, read before any classifier.

"I want a human" must never be answered as a service question: a classifier trained on service examples
reads "haluan puhua jonkun kanssa starttirahasta" as a question about the start-up grant, and a plea like
"en jaksa tätä robottia, onks siel ketään oikeeta" as whatever its words resemble. Any of these is a
request: a way of reaching someone (talk, connect, put through, call, chat, ask, contact) near a person (human,
official, adviser, expert, someone); a "real" next to a person ("oikealta ihmiseltä", "nån riktig"); a
wish followed closely by a person ("haluun et joku ihminen…", "ge mig en människa"); a refusal of the bot
("en halua puhua koneelle", "botten förstår int"); or a person alone in a clause ("Asiakaspalvelija!",
"tämä ei auta. ihminen, nyt!"). Hiring ("palkata ihmisiä", "anställa personal") keeps only the first,
and a question for contact details ("Mihin numeroon soitan…") is the contacts service, so an employer's or
a caller's question stays a service question. Words are compared without diacritics: "manniska",
"handlaggare" and "nan" are typed as often as the proper forms.
"""
from __future__ import annotations

import re
import unicodedata

_WINDOW = 6  # words between the way of reaching and the person
_NEAR = 4    # words between a wish and the person wished for

_PERSON = re.compile(
    r"^(ihmi(nen|sen|sta|selle|sel|seen|ses|selta|silta)|ihmsen|ihimisen|asiakaspalvel[ij]j?a\w*"
    r"|virkailij\w*|\w*asiantuntij\w*|\w*neuvoja(n|lle|a|an|lta)|henkilo(n|lle|a|lta)?"
    r"|joku|jonkun|jonku|jollekin|joltakin|kukaan|ketaan|tyypi(n|lle|lta)|agentti\w*|paivystaja\w*"
    r"|manniska|manniskan|manniskor|person|personen|nagon|nan|handlaggare\w*|\w*radgivare\w*"
    r"|tjanste(man|mannen|kvinna)|expert(en)?|sakkunnig\w*|\w*medarbetare\w*|\w*personal(en)?|agent(en)?|anstalld"
    r"|human|humans|someone|somebody|representative|advis[eo]r|operator)$")
#: Someone, staff, an expert: a person to reach, not one to wish for ("tarvitsen asiantuntijan arvioimaan…",
#: "vi behöver personal" are service questions).
_INDEFINITE = re.compile(r"^(joku|jonkun|jonku|jollekin|joltakin|kukaan|ketaan|nagon|nan|someone|somebody"
                         r"|\w*asiantuntij\w*|expert(en)?|\w*personal(en)?|person|personen)$")
_REACH = re.compile(
    r"^(puhu\w*|siirto|jutel\w*|juttel\w*|keskustel\w*|yhdista\w*|siirr\w*|siirta\w*|soit\w*|chat\w*|yhteytta"
    r"|yhteydenot\w*|linjoille|linjalle|tavoit\w*|kiinni|kysy\w*|puhelimessa|puhelimitse|varata|varaan"
    r"|boka|book"
    r"|prata\w*|tala|talar|snacka\w*|koppla\w*|ringa|ringer|ring|kontakt\w*|flytta|overfor\w*|diskutera\w*|fraga\w*|telefon"
    r"|talk|speak|connect|transfer|call|contact|ask)$")
#: Put through: "välittää minut", "förmedla mig" (a handler passing one's data to employers is a service).
_PUT_THROUGH = re.compile(r"^(valit\w*|formedla\w*)$")
_ME = re.compile(r"^(minut|mut|meidat|mig|mej|oss|me|us)$")
#: "Finns det rådgivare som hjälper…": whether a service has specialists, not a call for one (a generic person
#: still is: "finns det en människa här?").
_SPECIALIST = re.compile(r"^(\w*radgivare\w*|\w*neuvoja(n|lle|a|an|lta)|\w*asiantuntij\w*|expert(en)?|sakkunnig\w*)$")
_EXISTS = re.compile(r"^(finns det|is there)\b")
#: A question word between a wish and a person opens another clause: "saanko nähdä mitä virkailija kirjoitti".
_CLAUSE = re.compile(r"^(mita|mika|miten|kuka|ketka|mihin|missa|vad|vem|hur|som|joka|jota|what|who|that)$")
_REAL = re.compile(r"^(oikea\w*|oikee\w*|elava\w*|riktig\w*|levande|mansklig\w*|real|actual|live)$")
_BOT = re.compile(r"^(bott?i\w*|robot\w*|kone|koneelle|koneen|konetta|bot|boten|botten|chatbot\w*|maskin|maskinen|machine)$")
_NOT = re.compile(r"^(halua|jaksa|ei|et|emme|ette|eivat|inte|int|not|dont|cant|orkar)$")  # Finnish "en" is a Swedish article
_CALL_ME = re.compile(r"\b(soit\w* (minulle|mulle|meille|takaisin)|ring\w* (mig|mej|upp|oss)|call me)\b")
_HELP_ME = re.compile(r"\b(autta\w* (minua|mua)|auta (minua|mua)|hjalpa (mig|mej)|help me)\b")
_IS_THERE = re.compile(r"^(onko siella|onks siel|onko siel|finns det|is there)\b")
#: "Oletko oikea ihminen?", "är det en bot eller en människa?": a question about the bot (bot_challenge).
_ABOUT_THE_BOT = re.compile(
    r"^(oletko|oletteko|olet|onko tama (botti|robotti|kone|ihminen|oikea)|onks taa|eihan tama|ar du"
    r"|ar det (en )?(bot|robot|manniska|riktig|dator)|are you|is this (a )?(bot|human|person|real)|am i talking)\b"
    r"|\b(vai|eller|or) (en |a )?(kone|botti|bot|robotti|robot|ihminen|manniska|human|dator|computer)\b")
_SERVICE_DESK = re.compile(r"^(asiakaspalvelu(un|a|n)?|kundtjanst\w*|kundservice|customer)$")  # only with a connect
_CONNECT = re.compile(r"^(yhdista\w*|siirr\w*|siirta\w*|koppla\w*|flytta|transfer|connect)$")
#: "Mihin numeroon soitan?" / "Vilket telefonnummer…": the contact details (a catalogue service), not a request.
_CONTACT_DETAILS = re.compile(r"(numero|puhelin|puhelim|aukiolo|yhteystie|osoite|telefon|nummer|oppet|adress|phone|opening)")
_DETAILS_NOUN = re.compile(r"^(yhteystie\w*|kontaktuppgift\w*|aukioloaj\w*|oppettid\w*|contact details)$")
_QUESTION = re.compile(r"^(miten|mihin|mista|mika|mitka|milloin|koska|monelta|hur|var|vart|vilket|vilka|nar|vad"
                       r"|how|where|what|when|which)$")
_HIRING = re.compile(r"^(palka\w*|palkkaa\w*|palkkaam\w*|rekrytoi\w*|tyollista\w*|anstall\w*|rekryter\w*|hire\w*"
                     r"|hiring|employ\w*)$")
_WISH = re.compile(
    r"^(haluan|haluun|halusin|haluaisin|saisinko|saanko|voinko|tarvitsen|tartten|kaipaan|anna|antakaa|paastakaa"
    r"|vill|ge|behover|begar|snalla|want|need|give|get|please|pliis)$")
_ALONE = re.compile(r"^(ihminen|oikea ihminen|ihmisasiakaspalvelu|mansklig kundtjanst|asiakaspalvel[ij]j?a|virkailija|agentti|asiakaspalvelu|manniska"
                    r"|en manniska|handlaggare|kundtjanst|sakkunnig|agent|human|a human|real person|operator)"
                    r"( kiitos| kiitti| pliis| please| tack| nu| nyt| now| tanne| hit| here)?$")


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def folded_words(text: str) -> list[str]:
    """The message's words, lower case and without diacritics (letters only: digits and signs split them)."""
    return re.findall(r"[^\W\d_]+", _fold(text))


def _near(first: list[int], second: list[int], window: int) -> bool:
    return any(abs(i - j) <= window for i in first for j in second)


def asks_for_person(text: str) -> bool:
    """True when the message asks to be put through to a person, in Finnish, Swedish or English."""
    words = folded_words(text)
    if not words or len(words) > 40:  # a long message is a question that may mention staff, not a request
        return False
    if any(_ALONE.match(" ".join(folded_words(clause))) for clause in re.split(r"[.!?,;:]", text)):
        return True
    folded = " ".join(words)
    if _ABOUT_THE_BOT.search(folded):
        return False
    if _CALL_ME.search(folded):
        return True
    if _QUESTION.match(words[0]) and any(_CONTACT_DETAILS.search(w) for w in words) \
            or any(_DETAILS_NOUN.match(w) for w in words):
        return False

    def where(pattern: re.Pattern) -> list[int]:
        return [i for i, w in enumerate(words) if pattern.match(w)]

    persons, bots = where(_PERSON), where(_BOT)
    reaches = [i for i in where(_REACH) if i not in bots]  # "chatbot" is no way to reach anyone
    reaches += [i for i in where(_PUT_THROUGH) if i + 1 < len(words) and _ME.match(words[i + 1])]
    if _near(where(_CONNECT), where(_SERVICE_DESK), _WINDOW) or _near(reaches, persons, _WINDOW):
        return True
    if any(_HIRING.match(w) for w in words):
        return False
    strong = [i for i in persons if not _INDEFINITE.match(words[i])]
    bot = bool(bots)
    return (bool(strong) and bool(_HELP_ME.search(folded))
            or _near(where(_REAL), persons, 2)
            or any(0 < j - i <= _NEAR and not any(_CLAUSE.match(w) for w in words[i + 1:j])
                   for i in where(_WISH) for j in strong)
            or any(not (_EXISTS.match(folded) and _SPECIALIST.match(words[i])) for i in strong)
            and bool(_IS_THERE.match(folded))
            or bot and (bool(persons) or bool(where(_NOT)) and bool(reaches)))
