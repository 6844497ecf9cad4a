"""Every text the bot says, composed in the conversation's language from gettext strings and catalogue content."""
from __future__ import annotations

from assistant import answers
from assistant.i18n import N_, gettext
from assistant.message import BotMessage, Button, Payload
from knowledge.catalogue import CatalogueEntry
from nlu.facets import Facet

SMALL_TALK = {
    "utter_greet": N_("Hello! I am Neuvo, the virtual assistant of the public employment and business services. "
                      "Ask me about job seeking, training, recruiting, starting or growing a business, or funding."),
    "utter_goodbye": N_("Goodbye and all the best! You are welcome back any time."),
    "utter_thanks": N_("You are welcome! Is there anything else I can help you with?"),
    "utter_bot_challenge": N_("I am a virtual assistant, not a person. My answers come from the reviewed national "
                              "service catalogue. If you wish, I can connect you to a human expert."),
    "utter_feedback": N_("Thank you for your feedback! It helps us improve the service."),
}
SWITCHED = {"fi": N_("Sure, let us continue in Finnish."), "sv": N_("Sure, let us continue in Swedish."),
            "en": N_("Sure, let us continue in English.")}


def _(lang: str, msgid: str, **kwargs: object) -> str:
    return gettext(lang, msgid, **kwargs)


def small_talk(lang: str, utter: str, understood: dict | None = None) -> BotMessage:
    return BotMessage(_(lang, SMALL_TALK[utter]), understood=understood)


def service_answer(lang: str, entry: CatalogueEntry, understood: dict | None = None,
                   facet: Facet = Facet.SUMMARY) -> BotMessage:
    """The catalogue answer to a question that asks for `facet`, with buttons that ask for other facets."""
    answer = answers.compose(lang, entry, facet)
    return BotMessage(answers.plain_text(answer), answers.follow_ups(lang, entry, facet), service=entry.id,
                      source_url=answer.source_url, understood=understood, answer=answer)


def clarification(lang: str, options: list[CatalogueEntry], understood: dict | None = None,
                  facet: Facet = Facet.SUMMARY) -> BotMessage:
    """Which service was meant; each option's button keeps the facet the question asked for."""
    entities = {} if facet == Facet.SUMMARY else {"facet": facet.value}
    buttons = [Button(e.text(lang).title, str(Payload(e.id, entities))) for e in options]
    buttons.append(Button(_(lang, N_("None of these")), "/deny"))
    return BotMessage(_(lang, N_("I am not sure I understood. Did you mean one of these?")), buttons, understood=understood)


def human_offer(lang: str, reason: str, understood: dict | None = None) -> BotMessage:
    intro = {
        "not_understood": N_("I am sorry, I could not find an answer to that."),
        "needs_person": N_("The answer depends on your own situation, so an expert should look at it with you."),
        "engine_down": N_("The assistant is working in limited mode right now."),
    }[reason]
    text = _(lang, intro) + " " + _(lang, N_("Would you like to talk to a human expert?"))
    buttons = [Button(_(lang, N_("Yes, connect me to a person")), "/request_human"), Button(_(lang, N_("No, thanks")), "/deny")]
    return BotMessage(text, buttons, understood=understood)


def handoff_requested(lang: str, understood: dict | None = None) -> BotMessage:
    return BotMessage(_(lang, N_("I will pass the conversation to a human expert of the contact centre.")),
                      understood=understood)


def out_of_scope(lang: str, understood: dict | None = None) -> BotMessage:
    return BotMessage(_(lang, N_("Sorry, I can only help with public employment and business services: job seeking, "
                                 "training, recruiting, starting a business and funding. Could you put your question "
                                 "another way?")), understood=understood)


def language_switched(lang: str, understood: dict | None = None) -> BotMessage:
    return BotMessage(_(lang, SWITCHED[lang]), understood=understood)


def acknowledged(lang: str, understood: dict | None = None) -> BotMessage:
    return BotMessage(_(lang, N_("All right. What would you like to know?")), understood=understood)


def business_id_noted(lang: str, business_id: str | None, understood: dict | None = None) -> BotMessage:
    if business_id:
        return BotMessage(_(lang, N_("Thank you, I noted the business ID {business_id}. What would you like to know?"),
                            business_id=business_id), understood=understood)
    return BotMessage(_(lang, N_("A business ID has the form 1234567-8. Could you check it?")), understood=understood)


def municipality_noted(lang: str, understood: dict | None = None) -> BotMessage:
    return BotMessage(_(lang, N_("Thank you. What would you like to know about the services in your area?")),
                      understood=understood)
