"""What an agent reads instead of an id: service titles, dialogue intent labels, queue and topic names.

Ids (`start_up_grant`, `request_human`, `topic:entrepreneurs`) are for programs; the console shows the
catalogue's title in the agent's UI language (fi or sv; en reads the Finnish title, as the catalogue
serves it), a label for each dialogue intent and the queue's own name. One `Names` holds one catalogue
version, from the content provider, for one view.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.content import ContentProvider
from assistant.i18n import N_, gettext
from handoff.queues import Queue
from knowledge.catalogue import Catalogue

#: Every intent of nlu/dialogue_intents.yml, Rasa's fallback, and the handoff offer's button payloads.
INTENT_NAMES = {
    "greet": N_("Greeting"),
    "goodbye": N_("Saying goodbye"),
    "thanks": N_("Thanks"),
    "affirm": N_("Yes"),
    "deny": N_("No"),
    "request_human": N_("Asks for a person"),
    "switch_language": N_("Changes the language"),
    "give_business_id": N_("Gives a business ID"),
    "give_municipality": N_("Gives a municipality"),
    "bot_challenge": N_("Asks whether this is a bot"),
    "feedback": N_("Feedback"),
    "out_of_scope": N_("Not about growth services"),
    "nlu_fallback": N_("Not recognised"),
    "leave_message": N_("Leave a message"),
    "callback": N_("Ask for a call back"),
}
OTHER = N_("Other request")  # an intent nobody has named yet: still never its id


@dataclass(frozen=True)
class Names:
    catalogue: Catalogue
    queues: dict[str, Queue]
    lang: str

    def service(self, service_id: str | None) -> str | None:
        """The catalogue title of a service, or None when it is not one."""
        entry = self.catalogue.get(service_id) if service_id else None
        return entry.text(self.lang).title if entry else None

    def label(self, label: str | None) -> str | None:
        """A service id or an intent name as a person reads it."""
        if not label:
            return None
        return self.service(label) or gettext(self.lang, INTENT_NAMES.get(label, OTHER))

    def command(self, text: str, buttons: dict[str, str]) -> str:
        """A button's payload stored as a customer message ("/request_human", "/start_up_grant{…}"): the
        title the customer clicked when the bot offered it, else the intent's or service's name."""
        return buttons.get(text) or self.label(text[1:].split("{", 1)[0]) or gettext(self.lang, OTHER)

    def queue(self, queue_id: str | None) -> str | None:
        queue = self.queues.get(queue_id or "")
        return queue.name(self.lang) if queue else None


def names(content: ContentProvider, queues: dict[str, Queue], lang: str) -> Names:
    return Names(content.current().catalogue, queues, lang)
