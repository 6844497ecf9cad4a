"""The web chat widget's UI strings: key → English msgid, marked for the Babel catalogs.

`strings(lang)` is what `GET /widget/strings/{lang}.json` serves; the texts are in
assistant/locale/{fi,sv,en}/LC_MESSAGES/messages.po like every other user-facing string.
"""
from __future__ import annotations

from assistant.i18n import N_, gettext

WIDGET_STRINGS: dict[str, str] = {
    "launcher": N_("Chat with us"),
    "title": N_("Neuvo – growth services advisory"),
    "close": N_("Close"),
    "send": N_("Send"),
    "input": N_("Write your question"),
    "human": N_("Talk to a human"),
    "typing": N_("Neuvo is typing…"),
    "connection_lost": N_("Connection lost, reconnecting…"),
    "reconnected": N_("Connection restored"),
    "rating_question": N_("How satisfied were you with the conversation?"),
    "rating_1": N_("1 – very dissatisfied"),
    "rating_2": N_("2 – dissatisfied"),
    "rating_3": N_("3 – neither satisfied nor dissatisfied"),
    "rating_4": N_("4 – satisfied"),
    "rating_5": N_("5 – very satisfied"),
    "rating_submit": N_("Send rating"),
    "skip": N_("Skip"),
    "rating_thanks": N_("Thank you for your feedback!"),
    "language": N_("Language"),
    "demo_title": N_("Growth services"),
    "demo_intro": N_("Ask about job seeking, recruiting, starting a business or funding. "
                     "The chat opens from the button in the corner."),
    "error": N_("Something went wrong. Please try again."),
}


def strings(lang: str) -> dict[str, str]:
    """Key → the UI text in `lang` (fi, sv or en) from the Babel catalogs."""
    return {key: gettext(lang, msgid) for key, msgid in WIDGET_STRINGS.items()}
