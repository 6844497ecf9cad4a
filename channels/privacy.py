"""The privacy page the widget links to: what a conversation stores, for how long and who sees it.

Every sentence is true of this product: masking is nlu/personal_data.py, deletion assistant/retention.py.
"""
from __future__ import annotations

import html

from assistant.i18n import N_, gettext

TITLE = N_("How the Neuvo chat handles your data")
STORED = N_("What is stored: what you write in the chat, the replies of the assistant and of the experts, the "
            "language and region of the conversation, and the email address or phone number you leave for a reply.")
MASKED = N_("Personal identity codes and bank account numbers are masked before anything is stored or passed on, "
            "but please do not write them in the chat: an expert asks for what your case needs.")
KEPT = N_("How long: a conversation is deleted {days} days after its last message.")
KEPT_UNTIL_DELETED = N_("How long: conversations are kept until the service's administrator deletes them.")
WHO = N_("Who sees it: the experts of the public employment and business services who answer you. The conversation "
         "is not used for marketing.")
ANSWERS = N_("The assistant's answers come from the reviewed public service catalogue, each with its source. "
             "Decisions on your own case are made by the service that handles it.")
LEARNING = N_("An expert may mark a question you asked as an example the assistant learns from, with identity codes "
             "and account numbers masked and without the rest of the conversation; an editor reviews it first. "
             "Such an example is kept when the conversation is deleted.")
BACK = N_("Back to the chat: close this tab.")


def page(lang: str, retention_days: int) -> str:
    def t(msgid: str, **values: object) -> str:
        return html.escape(gettext(lang, msgid, **values))

    kept = t(KEPT, days=retention_days) if retention_days > 0 else t(KEPT_UNTIL_DELETED)
    items = "".join(f"<li>{text}</li>" for text in (t(STORED), t(MASKED), kept, t(LEARNING), t(WHO), t(ANSWERS)))
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{t(TITLE)}</title>'
            '<style>body{margin:0;font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a}'
            'main{max-width:40rem;margin:0 auto;padding:2rem 1rem}h1{color:#0b5394;font-size:1.5rem}'
            'li{margin-bottom:.75rem}</style></head>'
            f'<body><main><h1>{t(TITLE)}</h1><ul>{items}</ul><p>{t(BACK)}</p></main></body></html>')
