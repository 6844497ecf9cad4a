"""The web chat widget's UI strings: key → English msgid, marked for the Babel catalogs.

`strings(lang)` is what `GET /widget/strings/{lang}.json` serves; the texts are in
assistant/locale/{fi,sv,en}/LC_MESSAGES/messages.po like every other user-facing string.
"""
from __future__ import annotations

from assistant.i18n import N_, translate_all

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
    # who answers (header subtitle, typing indicator) and the queue line
    "subtitle_bot": N_("Virtual assistant"),
    "subtitle_queue": N_("Waiting for an expert"),
    "subtitle_agent": N_("{name}, expert"),
    "expert": N_("Expert"),
    "agent_typing": N_("{name} is typing…"),
    "expert_typing": N_("The expert is typing…"),
    "queue_position": N_("You are number {position} in the queue. Estimated wait about {minutes} min."),
    "queue_position_short": N_("You are number {position} in the queue."),
    # leave a message / call back form (titles as on the no_agents buttons of handoff/desk.py)
    "leave_message_title": N_("Leave a message"),
    "leave_message_intro": N_("An expert will answer by email, usually within two working days. We use your address "
                              "only for this answer."),
    "callback_title": N_("Ask for a call back"),
    "callback_intro": N_("An expert will call you back, usually within two working days. We use your number only "
                         "for this call."),
    "email_label": N_("Email address"),
    "phone_label": N_("Phone number"),
    "message_label": N_("Message"),
    "callback_text_label": N_("When and about what should we call you?"),
    "optional": N_("(optional)"),
    "cancel": N_("Cancel"),
    "sending": N_("Sending…"),
    "error_email_empty": N_("Enter your email address."),
    "error_email_invalid": N_("Check the email address. It should look like name@example.fi."),
    "error_phone_empty": N_("Enter your phone number."),
    "error_phone_invalid": N_("Check the phone number, for example 040 123 4567 or +358 40 123 4567."),
    "error_text_empty": N_("Write your message."),
    "message_sent": N_("Your message has been sent."),
    "callback_sent": N_("Your call back request has been sent."),
    # the greeting on open: what Neuvo helps with, where its answers come from, examples, privacy
    "greeting": N_("Hi! I am Neuvo, a virtual assistant. I answer questions about job seeking, recruiting, "
                   "starting and growing a business, and public funding."),
    "catalogue_note": N_("My answers come from the public service catalogue of the employment and business services."),
    "examples_label": N_("Example questions"),
    "example_1": N_("How do I register as a jobseeker?"),
    "example_2": N_("How do I apply for a start-up grant?"),
    "example_3": N_("What support can I get for hiring an employee?"),
    "privacy_notice": N_("Please do not send your personal identity code. Conversations are deleted after {days} days."),
    "privacy_link": N_("How we handle your data"),
    # the message limit, visible before sending
    "chars_counter": N_("{count}/{max} characters"),
    "too_long": N_("Your message is {over} characters too long (at most {max}). Shorten it to send it."),
    "error_text_too_long": N_("The message is {over} characters too long (at most {max})."),
}


def strings(lang: str) -> dict[str, str]:
    """Key → the UI text in `lang` (fi, sv or en) from the Babel catalogs."""
    return translate_all(WIDGET_STRINGS, lang)
