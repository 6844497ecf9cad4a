"""Email: from a customer's mail reaching the receiver to our answer reaching the relay, and how many mails a
second one app worker answers when many customers write at once. Real SMTP both ways: smtplib sends to the
app's receiver, an aiosmtpd sink stands in for the relay."""
from __future__ import annotations

import smtplib
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

from aiosmtpd.controller import Controller

from assistant.evaluation import percentile
from assistant.settings import Settings

BURST = 40          # customers writing at once, one mail each
SENDERS = 4         # SMTP connections sending the burst
DEADLINE_S = 300.0


class Sink:
    """The relay: records when each answer arrived, by the customer's Message-ID it answers."""

    def __init__(self, port: int):
        self.arrived: dict[str, float] = {}
        self.changed = threading.Condition()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.changed:
            self.arrived.setdefault(str(mail.get("In-Reply-To", "")).strip(), time.perf_counter())
            self.changed.notify_all()
        return "250 OK"

    def wait(self, ids: list[str]) -> None:
        deadline = time.perf_counter() + DEADLINE_S
        with self.changed:
            while not all(i in self.arrived for i in ids):
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(f"{sum(i not in self.arrived for i in ids)} answers never arrived")
                self.changed.wait(left)


def _mail(text: str, sender: str) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, "neuvo@example.fi", "Kysymys"
    m["Message-ID"] = make_msgid(domain="example.com")
    m.set_content(text)
    return m


def _send(port: int, mails: list[EmailMessage]) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for m in mails:
            client.send_message(m, from_addr=str(m["From"]), to_addrs=["neuvo@example.fi"])


def report(settings: Settings, sink: Sink, questions: list[str]) -> str:
    latencies = []
    for number, text in enumerate(questions):  # one at a time: inbound to reply
        m = _mail(text, f"bench-{number}@example.com")
        started = time.perf_counter()
        _send(settings.smtp_port, [m])
        sink.wait([str(m["Message-ID"])])
        latencies.append((sink.arrived[str(m["Message-ID"])] - started) * 1000)
    burst = [_mail(questions[i % len(questions)], f"burst-{i}@example.com") for i in range(BURST)]
    started = time.perf_counter()
    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(lambda part: _send(settings.smtp_port, part), [burst[i::SENDERS] for i in range(SENDERS)]))
    sink.wait([str(m["Message-ID"]) for m in burst])
    elapsed = time.perf_counter() - started
    return f"""## Email (real SMTP both ways, one app worker, SQLite)

| what | value |
|---|---|
| inbound to reply, one mail at a time ({len(latencies)} dev questions; median / p95) | {statistics.median(latencies):.0f} / {percentile(latencies, 0.95):.0f} ms |
| sustained: {BURST} customers' mails over {SENDERS} SMTP connections, until every answer reached the relay | {BURST / elapsed:.1f} mails/s |

Each mail is parsed, checked for a resend, stored, understood (Rasa), answered or queued for an agent, and the
answer or acknowledgement is rendered (plain text + HTML) and sent through the outbox to the relay. The
outbox polls once a second when idle and is woken by each new message, so latency is not the poll interval.
"""
