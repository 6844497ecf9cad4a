"""Every text the bot says, composed in the conversation's language from gettext strings and catalogue content."""
from __future__ import annotations

from babel.dates import format_date

from assistant.i18n import N_, gettext
from assistant.message import BotMessage, Button
from knowledge.catalogue import LANGS, CatalogueEntry

SMALL_TALK = {
    "utter_greet": N_("Hello! I am Neuvo, the virtual assistant of the public employment and business services. "
                      "Ask me about job seeking, training, recruiting, starting or growing a business, or funding."),
    "utter_goodbye": N_("Goodbye and all the best! You are welcome back any time."),
    "utter_thanks": N_("You are welcome! Is there anything else I can help you with?"),
    "utter_bot_challenge": N_("I am a virtual assistant, not a person. My answers come from the reviewed national "
                              "service catalogue. If you wish, I can connect you to a human expert."),
    "utter_feedback": N_("Thank you for your feedback! It helps us improve the service."),
}
LABELS = {
    "audience": N_("Who it is for"),
    "conditions": N_("Main conditions"),
    "how_to_apply": N_("How to apply"),
    "provider": N_("Provided by"),
    "source": N_("More information"),
}
SWITCHED = {"fi": N_("Sure, let us continue in Finnish."), "sv": N_("Sure, let us continue in Swedish."),
            "en": N_("Sure, let us continue in English.")}


def _(lang: str, msgid: str, **kwargs: object) -> str:
    return gettext(lang, msgid, **kwargs)


def small_talk(lang: str, utter: str, understood: dict | None = None) -> BotMessage:
    return BotMessage(_(lang, SMALL_TALK[utter]), understood=understood)


def service_answer(lang: str, entry: CatalogueEntry, understood: dict | None = None) -> BotMessage:
    text = entry.text(lang)
    label = {key: _(lang, msgid) for key, msgid in LABELS.items()}
    parts = [f"{text.title}\n\n{text.summary}", f"{label['audience']}: {text.audience}"]
    if text.conditions:
        parts.append(f"{label['conditions']}:\n" + "\n".join(f"• {c}" for c in text.conditions))
    reviewed = format_date(entry.reviewed, format="short", locale=lang if lang in LANGS else "en")
    parts += [
        f"{label['how_to_apply']}: {text.how_to_apply}",
        f"{label['provider']}: {text.provider}",
        f"{label['source']}: {text.source_url}",
        _(lang, N_("Content reviewed on {date}."), date=reviewed),
    ]
    if lang not in LANGS:
        parts.insert(0, _(lang, N_("This service description is available in Finnish and Swedish; here it is in Finnish.")))
    return BotMessage("\n\n".join(parts), service=entry.id, source_url=text.source_url, understood=understood)


def clarification(lang: str, options: list[CatalogueEntry], understood: dict | None = None) -> BotMessage:
    buttons = [Button(e.text(lang).title, f"/{e.id}") for e in options]
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
