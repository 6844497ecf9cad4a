"""A catalogue answer people can read on a phone: the part the question asks for first, the rest folded.

`compose` turns a catalogue entry and the question's facet (`nlu.facets`) into a `ServiceAnswer`: a short
answer of a few sentences, then the other parts of the description as ordered sections. `plain_text` is
the same answer as one text (short answer first), for channels that only show text and for email.
"""
from __future__ import annotations

import re

from babel.dates import format_date

from assistant.i18n import N_, gettext
from assistant.message import AnswerSection, Button, Payload, ServiceAnswer
from knowledge.catalogue import LANGS, CatalogueEntry
from nlu import facets
from nlu.facets import Facet

LABELS = {
    "about": N_("About the service"),
    "more": N_("More about the service"),
    "audience": N_("Who it is for"),
    "conditions": N_("Main conditions"),
    "how_to_apply": N_("How to apply"),
    "provider": N_("Provided by"),
    "source": N_("More information"),
}
#: The follow-up questions an answer offers, in this order; the one it answered is left out.
FOLLOW_UPS = {
    Facet.HOW_TO_APPLY: N_("How do I apply?"),
    Facet.AUDIENCE: N_("Who can get it?"),
    Facet.SUMMARY: N_("What is it?"),
}
#: The section each facet's short answer stands for: it is not repeated below the short answer.
ANSWERED_BY = {Facet.HOW_TO_APPLY: "how_to_apply", Facet.AUDIENCE: "audience", Facet.PROVIDER: "provider"}
SHORT_SENTENCES = 2          # a summary's short answer: its first two sentences…
SHORT_ENOUGH = 200           # …and the third too when the first two are shorter than this (characters)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")


def sentences(text: str) -> list[str]:
    """The text's sentences (a full stop, question or exclamation mark followed by a capital starts one)."""
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _split_summary(summary: str) -> tuple[str, str]:
    """(the short answer, the rest) of a summary."""
    parts = sentences(summary)
    n = SHORT_SENTENCES + (len(" ".join(parts[:SHORT_SENTENCES])) < SHORT_ENOUGH)
    return " ".join(parts[:n]), " ".join(parts[n:])


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def compose(lang: str, entry: CatalogueEntry, facet: Facet = Facet.SUMMARY) -> ServiceAnswer:
    """The answer to a question about `entry` that asks for `facet`, in `lang` (catalogue content in
    Finnish for a language the catalogue does not carry)."""
    text = entry.text(lang)

    def label(key: str) -> str:
        return gettext(lang, LABELS[key])

    if facet == Facet.HOW_TO_APPLY:
        short, about = text.how_to_apply, text.summary
    elif facet == Facet.AUDIENCE:
        short, about = text.audience, text.summary
    elif facet == Facet.PROVIDER:
        short = gettext(lang, N_("The service is provided by: {provider}"), provider=_sentence(text.provider))
        about = text.summary
    else:
        short, about = _split_summary(text.summary)
    sections = []
    if about:
        sections.append(AnswerSection("about", label("more" if facet == Facet.SUMMARY else "about"), about))
    sections.append(AnswerSection("audience", label("audience"), text.audience))
    if text.conditions:
        sections.append(AnswerSection("conditions", label("conditions"), items=text.conditions,
                                      open=facet == Facet.AUDIENCE))
    sections.append(AnswerSection("how_to_apply", label("how_to_apply"), text.how_to_apply))
    sections.append(AnswerSection("provider", label("provider"), text.provider))
    shown = ANSWERED_BY.get(facet)
    reviewed = format_date(entry.reviewed, format="short", locale=lang if lang in LANGS else "en")
    note = None if lang in LANGS else gettext(
        lang, N_("This service description is available in Finnish and Swedish; here it is in Finnish."))
    return ServiceAnswer(entry.id, facet.value, text.title, short, tuple(s for s in sections if s.key != shown),
                         text.source_url, entry.reviewed, label("source"),
                         gettext(lang, N_("Content reviewed on {date}."), date=reviewed), note)


def plain_text(answer: ServiceAnswer) -> str:
    """The whole answer as text: title and short answer first, then the sections, the link, the review date."""
    parts = [answer.note] if answer.note else []
    parts.append(f"{answer.title}\n\n{answer.short}")
    for s in answer.sections:
        parts.append(f"{s.label}: {s.text}" if s.text is not None else f"{s.label}:\n" + "\n".join(f"• {i}" for i in s.items))
    parts += [f"{answer.source_label}: {answer.source_url}", answer.reviewed_text]
    return "\n\n".join(parts)


def follow_ups(lang: str, entry: CatalogueEntry, answered: Facet) -> list[Button]:
    """Buttons that ask for another facet of the same service: `/service{"facet": "…"}`."""
    return [Button(gettext(lang, title), str(Payload(entry.id, {"facet": facet.value})))
            for facet, title in FOLLOW_UPS.items() if facet != answered][:2]


def facet_asked(text: str) -> Facet:
    """The facet a customer message asks for: named by a button's payload, else read from the question."""
    payload = Payload.parse(text)
    if payload is not None:
        return facets.parse(payload.entities.get("facet")) or Facet.SUMMARY
    return facets.detect(text)
