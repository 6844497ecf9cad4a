"""The email channel's outbound mail without a network: header injection is refused, the relay URL is read
as documented, the mail is threaded and its HTML carries nothing active."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.message import AnswerSection, ServiceAnswer
from assistant.models import Conversation, Message
from assistant.settings import Settings
from channels.mail.outbound import HeaderInjection, Outgoing, Relay, compose, mailable, message_id, subject_line

pytestmark = pytest.mark.email
SETTINGS = Settings(email_address="neuvo@example.fi", secret="x" * 32)


def conversation(lang: str = "fi") -> Conversation:
    return Conversation(id="c0ffee00-0000-4000-8000-000000000000", language=lang, channel="email",
                        contact={"email": "maija@example.com"})


def answer_message() -> Message:
    answer = ServiceAnswer("start_up_grant", "summary", "Starttiraha", "Tukea <b>yrittäjälle</b>.",
                           (AnswerSection("audience", "Kenelle", items=("työttömälle", "palkansaajalle")),),
                           "https://tyomarkkinatori.fi/starttiraha", dt.date(2026, 11, 1), "Lisätietoa",
                           "Tiedot tarkistettu 1.11.2026.")
    return Message(seq=2, sender="bot", text="Starttiraha …", answer=answer.as_dict(), internal=False)


def outgoing(**changes) -> Outgoing:
    values = {"to": "maija@example.com", "subject": "Starttiraha", "token": "AbCdEf0123456789_-xy",
              "in_reply_to": "<q1@example.com>", "references": ("<q0@example.com>", "<q1@example.com>")}
    return Outgoing(**{**values, **changes})


@pytest.mark.parametrize("field,value", [("subject", "Hei\r\nBcc: victim@example.net"), ("to", "a@example.com\nBcc: b@x"),
                                         ("in_reply_to", "<x@y>\r\nX-Evil: 1"), ("token", "tok\nen")])
def test_a_header_value_with_a_line_break_is_refused(field, value):
    with pytest.raises(HeaderInjection):
        compose(SETTINGS, conversation(), [answer_message()], outgoing(**{field: value}), "<m@example.fi>")


def test_a_bot_answer_is_threaded_marked_automatic_and_its_html_is_inert():
    mail = compose(SETTINGS, conversation(), [answer_message()], outgoing(), "<m@example.fi>")
    assert mail["In-Reply-To"] == "<q1@example.com>" and mail["References"] == "<q0@example.com> <q1@example.com>"
    assert mail["Subject"] == "Re: Starttiraha [#AbCdEf0123456789_-xy]" and mail["Auto-Submitted"] == "auto-replied"
    assert mail["Reply-To"] == "neuvo+AbCdEf0123456789_-xy@example.fi" and mail["From"] == "Neuvo <neuvo@example.fi>"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Starttiraha" in text and "- työttömälle" in text and "https://tyomarkkinatori.fi/starttiraha" in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;yrittäjälle" in html and "<b>" not in html and '<a href="https://tyomarkkinatori.fi/starttiraha"' in html


def test_an_agent_answer_is_no_auto_reply_and_chat_only_messages_are_not_mailed():
    agent = Message(seq=5, sender="agent", text="Hei Maija!", author="Anna", internal=False)
    mail = compose(SETTINGS, conversation("sv"), [agent], outgoing(), "<m@example.fi>")
    assert "Auto-Submitted" not in mail and mail["Content-Language"] == "sv"
    assert mailable(agent) and mailable(answer_message())
    assert not mailable(Message(seq=3, sender="bot", text="Tarkoititko…", buttons=[{"payload": "/x"}], internal=False))
    assert not mailable(Message(seq=4, sender="system", text="Anna liittyi", event="agent_joined", internal=False))
    assert not mailable(Message(seq=6, sender="agent", text="muistiinpano", internal=True))


def test_subject_keeps_one_re_and_one_token():
    assert subject_line("Re: RE: Starttiraha [#tok123]", "tok123") == "Re: Starttiraha [#tok123]"


def test_the_message_id_is_the_same_on_every_attempt_and_on_our_domain():
    key = SETTINGS.signing_key()
    first = message_id(key, "c1", 3, "example.fi")
    assert first == message_id(key, "c1", 3, "example.fi") != message_id(key, "c1", 4, "example.fi")
    assert first.startswith("<c1.3.") and first.endswith("@example.fi>")


def test_the_relay_url_is_read_as_documented():
    assert Relay.parse("") is None
    assert Relay.parse("smtp://relay.example.fi") == Relay("relay.example.fi", 25)
    assert Relay.parse("smtp://neuvo:p%40ss@relay.example.fi:587?starttls=1") == Relay(
        "relay.example.fi", 587, "neuvo", "p@ss", tls=False, starttls=True)
    assert Relay.parse("smtps://relay.example.fi") == Relay("relay.example.fi", 465, tls=True)
    with pytest.raises(ValueError):
        Relay.parse("http://relay.example.fi")
