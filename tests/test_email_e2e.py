"""The email channel over real SMTP both ways: a test client sends mail to the app's receiver (aiosmtpd, on a
free port), the app's answers arrive at a real SMTP sink acting as the relay (aiosmtpd too).

Most tests run with the engine down (answers from the catalogue search, so anything uncertain goes to an
agent); two use the session's real Rasa for catalogue answers in Finnish and Swedish."""
from __future__ import annotations

import smtplib
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.db import session_factory
from assistant.models import Conversation, Message, OutboxItem
from assistant.runtime import free_port
from assistant.settings import Settings
from channels.mail.models import MailRecord
from channels.server import create_app, migrate
from conftest import DATA, UNLIMITED, receive_json, wait_for
from handoff.agents import create_user
from test_handoff import PASSWORD, Agent

pytestmark = pytest.mark.email
CUSTOMER = "maija.meikalainen@example.com"


class Sink:
    """The relay: a real SMTP server that keeps what it is given."""

    def __init__(self, port: int):
        self.port, self.mails, self.lock = port, [], threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content or envelope.content,
                                                                     policy=policy.default)))
        return "250 OK"

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return [m for _, m in self.mails]

    def start(self) -> "Sink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@contextmanager
def sink(port: int | None = None) -> Iterator[Sink]:
    s = Sink(port or free_port()).start()
    try:
        yield s
    finally:
        s.stop()


def mail(text: str, subject: str = "Kysymys", sender: str = CUSTOMER, message_id: str | None = None,
         in_reply_to: str | None = None, references: str | None = None, **headers: str) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"Maija <{sender}>", "neuvo@example.fi", subject
    m["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        m["In-Reply-To"] = in_reply_to
        m["References"] = references or in_reply_to
    for name, value in headers.items():
        m[name.replace("_", "-")] = value
    m.set_content(text)
    return m


def send(port: int, message: EmailMessage, envelope_from: str = CUSTOMER) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.send_message(message, from_addr=envelope_from, to_addrs=["neuvo@example.fi"])


class Running:
    def __init__(self, settings: Settings, client: TestClient):
        self.settings, self.client = settings, client
        self.sessions = session_factory(settings.database_url)

    @property
    def smtp_port(self) -> int:
        return self.settings.smtp_port

    def count(self, model, *where) -> int:
        with self.sessions() as db:
            return db.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def conversation_of(self, message_id: str) -> str | None:
        with self.sessions() as db:
            return db.scalar(select(MailRecord.conversation_id).where(MailRecord.message_id == message_id))

    def agent(self, username: str, role: str = "agent") -> Agent:
        create_user(self.sessions, username, PASSWORD, username.capitalize(), role, ["fi", "sv", "en"])
        return Agent(self.client.app, username)


@contextmanager
def app(base: Settings, relay_port: int | None, **values: object) -> Iterator[Running]:
    """The product in this process (TestClient runs its lifespan: the receiver listens on a free port and the
    outbox sends to the relay), on `base`'s database and notifier, with the engine down unless `values` name a
    Rasa."""
    values = {"database_url": base.database_url, "notifier": base.notifier, "redis_url": base.redis_url,
              "rasa_port": base.rasa_port, **values}
    settings = Settings(port=free_port(), smtp_port=free_port(), queues_file=DATA / "queues-open.yml",
                        smtp_relay=f"smtp://127.0.0.1:{relay_port}" if relay_port else "",
                        outbox_retry_s=0.2, outbox_retry_max_s=0.5, **{**UNLIMITED, **values})  # type: ignore[arg-type]
    migrate(settings.database_url)
    with TestClient(create_app(settings)) as client:
        yield Running(settings, client)


def threaded_under(reply: EmailMessage, original: EmailMessage) -> bool:
    return (reply["In-Reply-To"] == original["Message-ID"] and original["Message-ID"] in reply["References"]
            and "[#" in reply["Subject"] and reply["Subject"].startswith("Re: "))


def body(m: EmailMessage) -> str:
    part = m.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


# -- without Rasa: what the bot cannot answer goes to an agent, answered by email -------------------------


def test_a_mail_the_bot_cannot_answer_is_answered_by_an_agent_in_the_same_thread(offline_settings):
    with sink() as relay, app(offline_settings, relay.port) as product:
        anna = product.agent("anna")
        # offline, the catalogue search alone: a question it cannot tell a service from goes to an agent
        question = mail("Hei, tarvitsisin neuvoja omaan tilanteeseeni Tampereella, en tiedä mistä aloittaa.",
                        subject="Neuvoa tilanteeseeni")
        send(product.smtp_port, question)
        ack = wait_for(relay.received, what="the acknowledgement")[0]
        assert threaded_under(ack, question) and ack["To"] == CUSTOMER and ack["Auto-Submitted"] == "auto-replied"
        assert "Kiitos! Viestisi" in body(ack) and ack["Content-Language"] == "fi"
        assert ack.get_body(preferencelist=("html",)) is not None
        conversation_id = product.conversation_of(question["Message-ID"])
        waiting = [w for q in anna.get("/console/api/queues").json() for w in q["waiting"]]
        assert [w["state"] for w in waiting if w["conversation_id"] == conversation_id] == ["message_left"]
        assert anna.post(f"/console/api/conversations/{conversation_id}/claim").status_code == 200
        sent = anna.post(f"/console/api/conversations/{conversation_id}/messages",
                         {"text": "Hei Maija! Tampereen yrityspalvelut auttavat: varaa aika numerosta 040 123 4567."})
        assert sent.status_code == 200, sent.text
        answer = wait_for(lambda: [m for m in relay.received() if "Tampereen yrityspalvelut" in body(m)],
                          what="the agent's answer")[0]
        assert threaded_under(answer, question) and "Auto-Submitted" not in answer
        assert answer["Message-ID"] != ack["Message-ID"] and answer["Message-ID"].endswith("@example.fi>")
        # the customer's reply to the agent's mail comes back into the same conversation, to the agent
        reply = mail("Kiitos, soitan huomenna.", subject=answer["Subject"], in_reply_to=answer["Message-ID"])
        send(product.smtp_port, reply)
        assert product.conversation_of(reply["Message-ID"]) == conversation_id
        detail = anna.get(f"/console/api/conversations/{conversation_id}").json()
        assert "Kiitos, soitan huomenna." in [m["text"] for m in detail["messages"]]
        assert detail["conversation"]["channel"] == "email"


def test_a_left_message_from_the_web_chat_is_answered_by_email(offline_settings):
    with sink() as relay, app(offline_settings, relay.port) as product:
        anna = product.agent("anna")
        with product.client.websocket_connect("/ws/chat") as ws:
            ws.send_json({"type": "start", "lang": "sv"})
            conversation_id = receive_json(ws)["conversation_id"]
            ws.send_json({"type": "leave_message", "id": "c-1", "kind": "message", "email": "kalle@example.se",
                          "text": "Hur ansöker jag om startpeng?"})
            frames = [receive_json(ws) for _ in range(2)]
            assert frames[-1]["event"] == "message_left"
        ack = wait_for(relay.received, what="the confirmation by email")[0]
        assert ack["To"] == "kalle@example.se" and "[#" in ack["Subject"] and ack["Content-Language"] == "sv"
        anna.post(f"/console/api/conversations/{conversation_id}/claim")
        anna.post(f"/console/api/conversations/{conversation_id}/messages", {"text": "Hej Kalle! Startpeng söks hos TE."})
        answer = wait_for(lambda: [m for m in relay.received() if "Hej Kalle" in body(m)], what="the answer")[0]
        assert answer["To"] == "kalle@example.se" and answer["In-Reply-To"] == ack["Message-ID"]
        # a reply by mail (the client kept only the subject token) continues the chat's conversation
        send(product.smtp_port, mail("Tack!", subject=answer["Subject"], sender="kalle@example.se"), "kalle@example.se")
        assert product.count(Message, Message.conversation_id == conversation_id, Message.text == "Tack!") == 1
        # the same token from another address is no way into it
        other = mail("Visa mig allt", subject=answer["Subject"], sender="mallory@example.net")
        send(product.smtp_port, other, "mallory@example.net")
        assert product.conversation_of(other["Message-ID"]) not in (None, conversation_id)


def test_the_relay_down_for_a_while_the_mail_goes_out_once_when_it_is_back(offline_settings):
    port = free_port()
    with app(offline_settings, port) as product:
        question = mail("Tarvitsen apua työnhakuun.")
        send(product.smtp_port, question)
        conversation_id = product.conversation_of(question["Message-ID"])

        def failed_twice() -> bool:
            with product.sessions() as db:
                return any(i.attempts >= 2 and i.state == "pending" and "relay unreachable" in (i.last_error or "")
                           for i in db.scalars(select(OutboxItem).where(OutboxItem.conversation_id == conversation_id)))
        wait_for(failed_twice, what="two failed attempts while the relay is down")
        with sink(port) as relay:
            wait_for(relay.received, what="the mail once the relay is back")

            def settled() -> bool:
                with product.sessions() as db:
                    return all(i.state == "sent" for i in db.scalars(
                        select(OutboxItem).where(OutboxItem.conversation_id == conversation_id)))
            wait_for(settled, what="the outbox items marked sent")
            assert len(relay.received()) == 1 and threaded_under(relay.received()[0], question)


def test_without_a_relay_mail_stays_in_the_outbox_and_supervisors_see_why(offline_settings):
    with app(offline_settings, None) as product:
        question = mail("Tarvitsen apua työnhakuun.")
        send(product.smtp_port, question)
        conversation_id = product.conversation_of(question["Message-ID"])
        sue, anna = product.agent("sue", "supervisor"), product.agent("anna")

        def listed() -> list:
            return [d for d in sue.get("/console/api/supervisor/email").json()
                    if d["conversation_id"] == conversation_id and d["last_error"] == "no relay configured"]
        row = wait_for(listed, what="the pending mail in the supervisor's view")[0]
        assert row["state"] == "pending" and row["attempts"] >= 1 and row["to"] == CUSTOMER
        assert anna.get("/console/api/supervisor/email").status_code == 403


def test_a_mail_is_processed_once_and_auto_replies_bounces_and_our_own_mail_never_answered(offline_settings):
    with sink() as relay, app(offline_settings, relay.port) as product:
        question = mail("Miten ilmoittaudun työnhakijaksi?")
        for _ in range(2):  # the same mail twice
            send(product.smtp_port, question)
        resent = mail("Miten ilmoittaudun työnhakijaksi?")  # resent with a new Message-ID
        send(product.smtp_port, resent)
        reused = mail("Entä starttiraha?", message_id=question["Message-ID"])  # a reused id, another mail
        send(product.smtp_port, reused)
        assert product.count(Message, Message.sender == "customer") == 2
        assert product.count(MailRecord, MailRecord.direction == "in") == 2
        before = product.count(Conversation)
        send(product.smtp_port, mail("Olen lomalla.", subject="Automaattinen vastaus: Re: Kysymys", Auto_Submitted="auto-replied"))
        send(product.smtp_port, mail("Delivery failed", sender="mailer-daemon@example.com"), "")
        send(product.smtp_port, mail("Hei itse", sender="neuvo@example.fi"), "neuvo@example.fi")
        assert product.count(Conversation) == before
        wait_for(lambda: len(relay.received()) >= 1, what="the acknowledgement of the first question")
        assert all(m["To"] == CUSTOMER for m in relay.received())


def test_a_mail_over_the_size_limit_is_refused_with_552(offline_settings):
    with app(offline_settings, None, max_mail_bytes=20_000) as product:
        big = mail("Liite tekstinä. " * 2500)
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send(product.smtp_port, big)
        assert refused.value.smtp_code == 552
        assert product.count(Conversation) == 0


def test_a_sender_over_the_hourly_limit_is_asked_to_try_later(offline_settings):
    with app(offline_settings, None, mail_per_sender_per_hour=2) as product:
        for i in range(2):
            send(product.smtp_port, mail(f"Kysymys numero {i}"))
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send(product.smtp_port, mail("Kysymys numero 3"))
        assert refused.value.smtp_code == 451
        send(product.smtp_port, mail("Toinen ihminen", sender="other@example.com"), "other@example.com")
        assert product.count(Message, Message.sender == "customer") == 3


def test_identity_codes_are_masked_before_the_mail_is_stored(offline_settings):
    with app(offline_settings, None) as product:
        send(product.smtp_port, mail("Hetuni on 131052-308T, auttakaa.", subject="Hakemus 131052-308T"))
        with product.sessions() as db:
            texts = db.scalars(select(Message.text)).all()
            subjects = db.scalars(select(MailRecord.references)).all()
        assert texts and not any("131052-308T" in t for t in texts) and not any("131052" in (s or "") for s in subjects)


# -- with the real Rasa: catalogue answers go out by themselves, in the customer's language --------------


@pytest.fixture
def rasa_app(stack, offline_settings):
    """This process's app as one more worker of the session's stack (same database, same Rasa, same key)."""
    @contextmanager
    def running(relay_port: int) -> Iterator[Running]:
        s = stack.settings
        with app(offline_settings, relay_port, database_url=s.database_url, rasa_port=s.rasa_port,
                 secret=s.signing_key().decode()) as product:
            yield product
    return running


@pytest.mark.e2e
def test_a_finnish_mail_is_answered_in_its_thread_and_the_reply_continues_it(rasa_app):
    with sink() as relay, rasa_app(relay.port) as product:
        sender = f"fi-{uuid.uuid4().hex[:8]}@example.com"
        question = mail("Miten haen starttirahaa kun perustan yrityksen?", subject="Starttiraha", sender=sender)
        send(product.smtp_port, question, sender)
        answer = wait_for(relay.received, what="the catalogue answer")[0]
        assert threaded_under(answer, question) and answer["Content-Language"] == "fi"
        assert "Starttiraha" in body(answer) and "https://" in body(answer) and "Tiedot tarkistettu" in body(answer)
        assert answer["Auto-Submitted"] == "auto-replied"
        html = answer.get_body(preferencelist=("html",)).get_content()
        assert "<h2>" in html and "<script" not in html
        reply = mail("Entä miten haen palkkatukea uudelle työntekijälle?", subject=answer["Subject"], sender=sender,
                     in_reply_to=answer["Message-ID"], references=f"{question['Message-ID']} {answer['Message-ID']}")
        send(product.smtp_port, reply, sender)
        assert product.conversation_of(reply["Message-ID"]) == product.conversation_of(question["Message-ID"])
        second = wait_for(lambda: relay.received()[1:], what="the answer to the reply")[0]
        assert second["In-Reply-To"] == reply["Message-ID"] and question["Message-ID"] in second["References"]
        assert "Palkkatuki" in body(second)


@pytest.mark.e2e
def test_a_swedish_mail_is_answered_in_swedish(rasa_app):
    with sink() as relay, rasa_app(relay.port) as product:
        sender = f"sv-{uuid.uuid4().hex[:8]}@example.se"
        question = mail("Hur ansöker jag om lönesubvention för en ny anställd?", subject="Lönesubvention", sender=sender)
        send(product.smtp_port, question, sender)
        answer = wait_for(relay.received, what="the Swedish answer")[0]
        assert threaded_under(answer, question) and answer["Content-Language"] == "sv"
        assert "Lönesubvention" in body(answer) and "Uppgifterna granskade" in body(answer)
