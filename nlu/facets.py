"""Which part of a service description a question asks for: how to apply, who can get it, who provides it.

A customer who asks "Miten haen starttirahaa?" wants the application steps first, not the whole service
description; "Vem kan få startpeng?" wants the audience and the conditions. Cues are written for Finnish,
Swedish and English and all of them are tried on every question: customers mix languages, and the cues of
one language do not occur in the others. The rules are tried in order and the first match wins (so "Kuka
voi hakea…" is about who may apply, and "Hur mycket får man…" about the amount); a question with no cue
asks what the service is (`SUMMARY`).
"""
from __future__ import annotations

import re
from enum import StrEnum


class Facet(StrEnum):
    SUMMARY = "summary"            # what the service is
    HOW_TO_APPLY = "how_to_apply"
    AUDIENCE = "audience"          # who it is for, and its main conditions
    PROVIDER = "provider"          # who provides it, whom to contact


def _words(*alternatives: str) -> str:
    return r"(?:" + "|".join(alternatives) + r")"


# Verbs of applying, registering or getting a service, in the forms a question uses them.
_APPLY_VERB = _words(r"hae\w*", r"hake\w*", r"hak(?:u|uun|ua)", r"ano(?:a|n|taan|tte)", r"ilmoittau\w*",
                     r"ilmoittaud\w*", r"rekisteröi\w*", r"pääse\w*", r"saa(?:n|da|daan|tte|a)?", r"teen",
                     r"ansök\w*", r"söker", r"söka", r"söks", r"anmäl\w*", r"registrer\w*", r"får", r"gör",
                     r"apply\w*", r"register\w*", r"sign", r"get", r"enrol\w*", r"claim")
_GAP = r"(?:\s+\w+){0,3}?\s+"  # up to three words between the question word and the verb
# "Kuinka paljon saa…", "Hur länge får man…", "How much can I get": an amount or a time, not the way to apply
_NOT_AMOUNT = r"(?!\s+(?:paljon|pitkä\w*|kauan|usein|suur\w*|mycket|länge|stor\w*|ofta|much|long|many|often)\b)"

RULES: tuple[tuple[Facet, re.Pattern[str]], ...] = tuple((facet, re.compile(pattern)) for facet, pattern in (
    # "Miten haen…", "Kuinka starttirahaa haetaan", "Hur ansöker jag…", "Hur får man…", "How do I apply…",
    # "Mistä haen…", "Var ansöker man…": the question is how to apply
    (Facet.HOW_TO_APPLY, r"\b" + _words("miten", "kuinka", r"millä tavalla", r"millä tavoin", "hur", "how")
     + _NOT_AMOUNT + _GAP + _APPLY_VERB + r"\b"),
    (Facet.HOW_TO_APPLY, r"\b" + _words("mistä", "missä", "minne", "var", "vart", "where")
     + _GAP + _words(r"hae\w*", r"hake\w*", r"ansök\w*", "söker", "söka", "söks", r"anmäl\w*", r"apply\w*") + r"\b"),
    (Facet.HOW_TO_APPLY, r"\bhow to (?:apply|register|get)\b"),
    # "Kuinka paljon…", "Hur mycket får man…", "How long…": an amount or a duration, told in the summary
    (Facet.SUMMARY, r"\b" + _words(r"kuinka (?:paljon|pitkä\w*|kauan|suur\w*)", r"paljonko", r"montako",
                                   r"hur (?:mycket|länge|stor\w*|många)", r"how (?:much|long|many)") + r"\b"),
    # "Kuka myöntää…", "Vem beviljar…", "Who provides…", "Keneen otan yhteyttä", "Vart vänder jag mig"
    (Facet.PROVIDER, r"\b" + _words("kuka", "ketkä", "mikä taho", "mikä viranomainen", "vem", "vilken myndighet",
                                    "who", "which authority")
     + r"\s+" + _words(r"myöntä\w*", r"tarjoa\w*", r"järjestä\w*", r"päättä\w*", r"vastaa\w*", r"hoita\w*",
                       r"maksa\w*", r"autta\w*", r"beviljar", r"erbjuder", r"ordnar", r"beslutar", r"ansvarar", r"betalar",
                       r"hjälper", r"står för", r"helps?", r"provides?", r"offers?", r"grants?", r"decides?", r"runs?", r"pays?") + r"\b"),
    (Facet.PROVIDER, r"\b" + _words("kuka", "ketkä", "vem", "vilka", "who") + r"\s+" + _words("voi", "kan", "can")
     + r"\s+" + _words(r"autta\w*", r"neuvo\w*", r"hjälpa", r"ge råd", r"help", r"advise") + r"\b"),
    (Facet.PROVIDER, r"\b" + _words(r"keneen", r"kehen", r"mihin", r"kenen puoleen", r"vem", r"who")
     + r"\s+" + _words(r"otan yhteyttä", r"voin ottaa yhteyttä", r"käännyn", r"kontaktar", r"ska jag kontakta",
                       r"kan jag kontakta", r"do i contact", r"should i contact") + r"\b"),
    (Facet.PROVIDER, r"\b" + _words(r"vart (?:vänder|ska|kan) (?:jag|man)", r"var (?:får|kan) (?:jag|man) "
                                    r"(?:få )?(?:hjälp|råd|rådgivning|stöd)",
                                    r"var finns (?:tjänsten|kontoret|rådgivning\w*)",
                                    r"mistä (?:saan|saa|voin saada) (?:apua|neuvo\w*|tukea hakemuk\w*)",
                                    r"keneltä", r"missä (?:palvelu|toimisto|neuvonta)\w*",
                                    r"where can i get (?:help|advice)", r"who is (?:responsible|in charge)")
     + r"\b"),
    # "Kuka voi saada…", "Kenelle…", "Voinko saada…", "Saako…", "Vem kan få…", "För vem…", "Kan jag få…"
    (Facet.AUDIENCE, r"\b" + _words("kuka", "ketkä", "kenelle", "kelle", "keille", "voinko", "saanko", "saako",
                                    "voiko", "olenko", "kuulunko", "pääsenkö", "pääseekö", "sovinko", "sopiiko",
                                    r"(?:vem|vilka) (?:kan|får|har|är)", r"för vem", r"(?:kan|får) (?:jag|man|vi)",
                                    r"har jag rätt", r"är jag berättigad",
                                    r"who (?:can|is|are|gets?)", r"(?:can|could|may) (?:i|we)", r"am i", r"do i qualify")
     + r"\b"),
    # keywords alone: an application form, the conditions
    (Facet.HOW_TO_APPLY, r"\b" + _words(r"\w*hakemu\w*", r"hake(?:mi|a)\w*", r"hae(?:n|t|mme|tte|taan)", r"haku\w*",
                                        r"anomu\w*", r"\w*ansök\w*", r"söks", r"apply\w*", r"application\w*") + r"\b"),
    (Facet.AUDIENCE, r"\b" + _words(r"ehdot", r"ehtoja", r"ehdoista", r"ehdoilla", r"ehto", r"ehtona",
                                    r"edellyty\w*", r"edellyttä\w*", r"vaatimu\w*", r"vaaditaan", r"kriteer\w*",
                                    r"oikeus", r"oikeutettu", r"oikeutta", r"oikeuden", r"villkor\w*", r"krav\w*",
                                    r"kriteri\w*", r"berättig\w*", r"behörig\w*", r"rätt till", r"eligib\w*",
                                    r"conditions?", r"requirements?", r"criteria", r"entitled", r"qualify")
     + r"\b"),
))
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower case, punctuation and runs of spaces as one space: the cues are written for this form."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def detect(text: str) -> Facet:
    """The facet a question asks for; SUMMARY when it names none."""
    plain = normalise(text)
    for facet, pattern in RULES:
        if pattern.search(plain):
            return facet
    return Facet.SUMMARY


def parse(value: object) -> Facet | None:
    """A facet named in a button's payload, or None for anything else."""
    try:
        return Facet(value) if isinstance(value, str) else None
    except ValueError:
        return None
