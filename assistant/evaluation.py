"""`assistant eval`: labelled questions through the real pipeline (REST API → Rasa → our actions), scored by
what the customer saw on the first reply, not by internal scores (docs/nlu.md, "How we measure").

Each question opens its own conversation. The reply is read from the REST response as the customer gets
it: a message with a `service` is an answer, buttons naming services are a clarification, a conversation
gone to a person is a handoff, and a fixed text (small talk, the out-of-scope reply, …) is recognised by
rendering the product's own replies in the conversation's language.
"""
from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Literal

import httpx

from assistant import replies
from assistant.dialogue import SMALL_TALK_INTENTS
from assistant.message import Payload
from assistant.runtime import Stack, free_port
from assistant.settings import Settings
from assistant.states import DIALOGUE
from assistant.understanding import OUT_OF_SCOPE
from nlu.project import load_dialogue_intents

#: The eval is one client address asking for many customers: the stack it starts has no rate limits.
NO_LIMITS = {name: "0" for name in ("messages_per_conversation_per_minute", "messages_per_address_per_minute",
                                    "conversations_per_address_per_minute")}
NOT_SERVICES = {"/deny", "/request_human", "/leave_message", "/callback"}  # button payloads that name no service
#: Dialogue labels and the replies that serve them; any other label is served by its own reply only.
ACCEPTED = {"request_human": {"request_human", "handoff", "human_offer"}, "affirm": {"ack"}, "deny": {"ack"}}


class Outcome(StrEnum):
    ANSWERED_RIGHT = "answered_right"              # answered the service asked about
    ANSWERED_WRONG = "answered_wrong"              # a confident answer about another service
    CLARIFIED_WITH_RIGHT = "clarified_with_right"  # asked which service, the right one among the buttons
    CLARIFIED_WITHOUT = "clarified_without"        # asked which service, the right one not offered
    DIALOGUE_RIGHT = "dialogue_right"              # the expected dialogue reply (greeting, handoff, …)
    DIALOGUE_WRONG = "dialogue_wrong"              # a dialogue reply that was not the one expected
    OUT_OF_SCOPE_RIGHT = "out_of_scope_right"      # the out-of-scope reply to an out-of-scope question
    OUT_OF_SCOPE_WRONG = "out_of_scope_wrong"      # the out-of-scope reply to a question we serve


RIGHT = {Outcome.ANSWERED_RIGHT, Outcome.DIALOGUE_RIGHT, Outcome.OUT_OF_SCOPE_RIGHT}


@dataclass(frozen=True)
class Question:
    id: str | None
    lang: str | None
    text: str
    expected: str                   # a service id, a dialogue intent or out_of_scope
    style: str | None = None        # the held-out sets say how the question was written


@dataclass(frozen=True)
class Reply:
    """What the customer saw first: a service answer, a choice of services, or a dialogue reply."""
    kind: Literal["answer", "clarify", "dialogue"]
    service: str | None = None      # answer: the service
    options: tuple[str, ...] = ()   # clarify: the services on the buttons
    dialogue: str | None = None     # dialogue: greet, thanks, out_of_scope, handoff, human_offer, ack, …


@dataclass(frozen=True)
class Result:
    question: Question
    reply: Reply
    outcome: Outcome
    predicted: str | None           # the intent the pipeline read (top1/top3)
    top3: tuple[str, ...]
    detected_language: str | None
    latency_ms: float
    engine_down: bool


def read_questions(path: Path) -> list[Question]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            assert isinstance(item["text"], str) and isinstance(item["expected"], str)
        except (ValueError, KeyError, TypeError, AssertionError):
            raise ValueError(f"{path}:{number}: expected a JSON object with text and expected") from None
        items.append(Question(item.get("id"), item.get("lang"), item["text"], item["expected"], item.get("style")))
    return items


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@cache
def fixed_replies(lang: str) -> dict[str, str]:
    """The text of each fixed reply in `lang` → the dialogue label it serves."""
    texts = {replies.small_talk(lang, utter).text: intent for intent, utter in SMALL_TALK_INTENTS.items()}
    texts |= {replies.out_of_scope(lang).text: OUT_OF_SCOPE, replies.acknowledged(lang).text: "ack",
              replies.language_switched(lang).text: "switch_language",
              replies.handoff_requested(lang).text: "request_human",
              replies.municipality_noted(lang).text: "give_municipality",
              replies.business_id_noted(lang, None).text: "give_business_id"}
    return texts


def read_reply(body: dict) -> Reply:
    """The first reply as the REST response shows it (`POST …/messages`)."""
    bot = [m for m in body.get("messages") or [] if m.get("from") == "bot"]
    for m in bot:
        if m.get("service"):
            return Reply("answer", service=m["service"])
    for m in bot:
        # a button may ask for one facet of its service (`/service{"facet": …}`): the service is the intent
        options = tuple(p.intent for b in m.get("buttons") or []
                        if b["payload"] not in NOT_SERVICES and (p := Payload.parse(b["payload"])) is not None)
        if options:
            return Reply("clarify", options=options)
    if body.get("state") not in DIALOGUE:
        return Reply("dialogue", dialogue="handoff")
    if any(b["payload"] == "/request_human" for m in bot for b in m.get("buttons") or []):
        return Reply("dialogue", dialogue="human_offer")
    texts = fixed_replies(body.get("language") or "fi")
    label = next((texts[m["text"]] for m in bot if m.get("text") in texts), None)
    return Reply("dialogue", dialogue=label or (body.get("understood") or {}).get("intent") or "unknown")


def classify(expected: str, reply: Reply) -> Outcome:
    if reply.kind == "answer":
        return Outcome.ANSWERED_RIGHT if reply.service == expected else Outcome.ANSWERED_WRONG
    if reply.kind == "clarify":
        return Outcome.CLARIFIED_WITH_RIGHT if expected in reply.options else Outcome.CLARIFIED_WITHOUT
    if reply.dialogue == OUT_OF_SCOPE:
        return Outcome.OUT_OF_SCOPE_RIGHT if expected == OUT_OF_SCOPE else Outcome.OUT_OF_SCOPE_WRONG
    return Outcome.DIALOGUE_RIGHT if reply.dialogue in ACCEPTED.get(expected, {expected}) else Outcome.DIALOGUE_WRONG


def result(question: Question, body: dict, latency_ms: float) -> Result:
    understood = body.get("understood") or {}
    ranking = [c["label"] for c in understood.get("ranking") or []] or [understood.get("intent")]
    reply = read_reply(body)
    return Result(question, reply, classify(question.expected, reply), understood.get("intent"),
                  tuple(r for r in ranking[:3] if r), body.get("language"), latency_ms, body.get("engine") == "down")


def _post(client: httpx.Client, url: str, **kwargs: object) -> httpx.Response:
    """A request, again after Retry-After while a running product's rate limits refuse it."""
    while True:
        response = client.post(url, **kwargs)  # type: ignore[arg-type]
        if response.status_code != 429:
            response.raise_for_status()
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))


def run(app_url: str, questions: Iterable[Question]) -> list[Result]:
    results = []
    with httpx.Client(base_url=app_url, timeout=60) as client:
        for question in questions:
            opened = _post(client, "/api/v1/conversations", json={}).json()
            started = time.perf_counter()
            body = _post(client, f"/api/v1/conversations/{opened['conversation_id']}/messages",
                         json={"text": question.text}, headers={"Authorization": f"Bearer {opened['token']}"}).json()
            results.append(result(question, body, (time.perf_counter() - started) * 1000))
    return results


def kfold(settings: Settings, stack: Callable[[Settings], Stack], folds: list[list[dict]],
          only: Iterable[int] | None = None) -> dict[str, list[Result]]:
    """Each fold asked of a Rasa and an app that never saw it (nlu/folds.py): trained without it (cached
    by the training data's hash), their catalogue search without it, on free ports and a fresh database."""
    from nlu.folds import write
    results: dict[str, list[Result]] = {}
    with tempfile.TemporaryDirectory(prefix="neuvo-kfold-") as tmp:
        for number in only if only is not None else range(len(folds)):
            held_out = write(Path(tmp) / f"fold{number}.jsonl", folds[number])
            fold = stack(settings.replace(held_out=held_out, port=free_port(), rasa_port=free_port(),
                                          database_url=f"sqlite:///{tmp}/fold{number}.db"))
            fold.env = {**fold.env, **NO_LIMITS}
            with fold:
                results[f"fold:{number}"] = run(fold.settings.app_url, read_questions(held_out))
    return results


@dataclass(frozen=True)
class Group:
    """The rates of one set of questions (a language, all, a style)."""
    n: int
    rates: dict[str, float]
    top1: float
    top3: float
    language_detected: float
    out_of_scope_n: int             # questions expected out of scope
    out_of_scope_precision: float | None  # of the out-of-scope replies given, the share to such questions
    out_of_scope_recall: float | None     # of such questions, the share given the out-of-scope reply
    right: float                    # the first reply was right: answered right, the dialogue reply or out of scope
    within_one_click: float         # right, or the right service among a clarification's buttons

    @classmethod
    def of(cls, results: list[Result]) -> "Group":
        n = len(results) or 1

        def rate(count: int, of: int) -> float | None:
            return round(count / of, 4) if of else None

        said_oos = [r for r in results if r.reply.dialogue == OUT_OF_SCOPE]
        oos_right = sum(r.outcome == Outcome.OUT_OF_SCOPE_RIGHT for r in results)
        oos_n = sum(r.question.expected == OUT_OF_SCOPE for r in results)
        right = sum(r.outcome in RIGHT for r in results)
        one_click = right + sum(r.outcome == Outcome.CLARIFIED_WITH_RIGHT for r in results)
        return cls(len(results), {o.value: round(sum(r.outcome == o for r in results) / n, 4) for o in Outcome},
                   round(sum(r.predicted == r.question.expected for r in results) / n, 4),
                   round(sum(r.question.expected in r.top3 for r in results) / n, 4),
                   round(sum(r.detected_language == r.question.lang for r in results) / n, 4),
                   oos_n, rate(oos_right, len(said_oos)), rate(oos_right, oos_n), round(right / n, 4),
                   round(one_click / n, 4))


@dataclass(frozen=True)
class Report:
    groups: dict[str, Group]        # fi, sv, all, services, dialogue, style:<style>, and any subsets given
    latency_ms: dict[str, float]
    engine_down_turns: int
    misses: list[Result] = field(default_factory=list)  # every question not served right at once

    @classmethod
    def of(cls, results: list[Result], subsets: dict[str, list[Result]] | None = None) -> "Report":
        dialogue = {*load_dialogue_intents(), OUT_OF_SCOPE}
        groups = {"fi": [r for r in results if r.question.lang == "fi"],
                  "sv": [r for r in results if r.question.lang == "sv"], "all": results,
                  "services": [r for r in results if r.question.expected not in dialogue],
                  "dialogue": [r for r in results if r.question.expected in dialogue]}
        for style in sorted({r.question.style for r in results if r.question.style}):
            groups[f"style:{style}"] = [r for r in results if r.question.style == style]
        groups |= subsets or {}
        latencies = [r.latency_ms for r in results]
        return cls({name: Group.of(rows) for name, rows in groups.items() if rows},
                   {"p50": round(statistics.median(latencies), 1) if latencies else 0.0,
                    "p95": round(percentile(latencies, 0.95), 1)},
                   sum(r.engine_down for r in results), [r for r in results if r.outcome not in RIGHT])

    def as_dict(self) -> dict:
        data: dict = {name: asdict(group) for name, group in self.groups.items()}
        total = self.groups.get("all")
        if total is not None:  # the overall out-of-scope numbers, where they always were
            data["out_of_scope"] = {"precision": total.out_of_scope_precision, "recall": total.out_of_scope_recall,
                                    "n": total.out_of_scope_n}
        data["latency_ms"] = self.latency_ms
        data["engine_down_turns"] = self.engine_down_turns
        data["misses"] = [{**asdict(r.question), "outcome": r.outcome.value, "reply": asdict(r.reply),
                           "predicted": r.predicted, "top3": list(r.top3)} for r in self.misses]
        return data

    def table(self) -> list[str]:
        """The rates as a Markdown table (docs/nlu.md)."""
        names = [o.value for o in Outcome]
        lines = ["| set | n | right | ≤ 1 click | " + " | ".join(names) + " | top1 | top3 | oos P | oos R |",
                 "|---|---:|" + "---:|" * (len(names) + 6)]
        for name, g in self.groups.items():
            oos = [f"{v:.3f}" if v is not None else "–" for v in (g.out_of_scope_precision, g.out_of_scope_recall)]
            lines.append(f"| {name} | {g.n} | {g.right:.3f} | {g.within_one_click:.3f} | " + " | ".join(f"{g.rates[o]:.3f}" for o in names)
                         + f" | {g.top1:.3f} | {g.top3:.3f} | {oos[0]} | {oos[1]} |")
        return lines
