"""Learning from agents: an agent labels a customer message with the service it was really about (or "out of
scope"); the labels wait in a review list; an editor accepts one into the catalogue's examples (or the
out-of-scope intent's), so the next training learns from real traffic (docs/handoff.md, docs/nlu.md).

- Labelling follows the console's reading rule (`agents.may_see`: role and region), only a customer's own
  words (not a pressed button), only a service of the catalogue or `out_of_scope`.
- The text is masked again here (`nlu.pii`), at the boundary, whatever the message store holds: it is what an
  editor reads and what is written into the catalogue.
- The same text with the same label is one suggestion however many agents (or messages) gave it; a message
  relabelled moves to its new suggestion, and a pending one nobody holds any more is dropped.
- A text that is already an example of another intent is a conflict: listed as such, never accepted (Rasa
  refuses one example under two intents, and the older one would win silently).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant.models import Message, utcnow
from handoff import agents
from handoff.desk import visible
from handoff.models import LabelSuggestion, MessageLabel, User
from knowledge.catalogue import CATALOGUE_DIR, LANGS, SERVICES_FILE, Catalogue, load
from knowledge.examples import add_catalogue_example, append_example, example_key
from nlu.pii import mask_personal_codes
from nlu.project import DIALOGUE_INTENTS_FILE, load_dialogue_intents

OUT_OF_SCOPE = "out_of_scope"
STATES = ("pending", "accepted", "rejected")


class LabelError(ValueError):
    """A label that cannot be given or a suggestion that cannot be reviewed so; `code` names why."""

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(detail or code)


@dataclass(frozen=True)
class Suggestion:
    id: int
    state: str
    label: str
    language: str
    text: str
    agent: str
    labels: int  # messages labelled so now (retention deletes theirs with their conversations)
    created_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    conflict: tuple[str, ...] = ()  # other intents that have this text as an example already
    known: bool = False             # the label's own examples have it already

    def as_dict(self) -> dict:
        return {"id": self.id, "state": self.state, "label": self.label, "language": self.language,
                "text": self.text, "agent": self.agent, "labels": self.labels,
                "created_at": self.created_at.isoformat(), "reviewed_by": self.reviewed_by,
                "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
                "conflict": list(self.conflict), "known": self.known}


def masked(text: str) -> str:
    """The words as they may be kept and written: one line, identity codes, IBANs and cards masked."""
    return mask_personal_codes(" ".join(text.split()))[0]


def digest(text: str) -> str:
    return hashlib.sha256(example_key(text).encode()).hexdigest()


def labels(catalogue: Catalogue) -> list[str]:
    """What a message may be labelled with: every service of the catalogue, and out of scope."""
    return [entry.id for entry in catalogue] + [OUT_OF_SCOPE]


def labellable(message: Message) -> bool:
    return message.sender == "customer" and not message.internal and not message.text.startswith("/")


# -- the console's side ---------------------------------------------------------------------------------

def of_conversation(db: Session, conversation_id: str) -> dict[int, tuple[str, str]]:
    """seq → (label, suggestion state) of a conversation's labelled messages."""
    rows = db.execute(select(MessageLabel.seq, LabelSuggestion.label, LabelSuggestion.state)
                      .join(LabelSuggestion, LabelSuggestion.id == MessageLabel.suggestion_id)
                      .where(MessageLabel.conversation_id == conversation_id)).all()
    return {seq: (label, state) for seq, label, state in rows}


def _drop_if_unheld(db: Session, suggestion_id: int | None) -> None:
    """A pending suggestion no message holds any more was an agent's mistake: it leaves the list."""
    if suggestion_id is None:
        return
    db.flush()
    held = db.scalar(select(func.count()).select_from(MessageLabel).where(MessageLabel.suggestion_id == suggestion_id))
    if not held:
        db.execute(delete(LabelSuggestion).where(LabelSuggestion.id == suggestion_id,
                                                 LabelSuggestion.state == "pending"))


def label_message(sessions: sessionmaker, user: User, conversation_id: str, seq: int, label: str | None,
                  catalogue: Catalogue) -> tuple[str, str] | None:
    """Set (or, with None, clear) the label of one customer message; (label, suggestion state) after it.
    ConversationNotFound, NotAllowed("forbidden") as for reading the conversation; LabelError otherwise."""
    if label is not None and label not in labels(catalogue):
        raise LabelError("unknown_label")
    for attempt in range(3):  # two agents creating the same suggestion at once: the loser joins it
        try:
            return _label(sessions, user, conversation_id, seq, label)
        except IntegrityError:
            if attempt == 2:
                raise
    return None  # not reached


def _label(sessions: sessionmaker, user: User, conversation_id: str, seq: int,
           label: str | None) -> tuple[str, str] | None:
    with sessions.begin() as db:
        conversation = visible(db, user, conversation_id)
        message = db.scalar(select(Message).where(Message.conversation_id == conversation_id, Message.seq == seq))
        if message is None:
            raise LabelError("unknown_message")
        text = masked(message.text)
        if not labellable(message) or not text:
            raise LabelError("not_labellable")
        current = db.get(MessageLabel, (conversation_id, seq))
        previous = current.suggestion_id if current else None
        if label is None:
            if current is not None:
                db.delete(current)
                _drop_if_unheld(db, previous)
            return None
        key = digest(text)
        suggestion = db.scalar(select(LabelSuggestion).where(LabelSuggestion.label == label,
                                                             LabelSuggestion.text_key == key))
        if suggestion is None:
            suggestion = LabelSuggestion(label=label, text=text, text_key=key, agent=user.username, state="pending",
                                         language=message.language or conversation.language)
            db.add(suggestion)
            db.flush()
        if current is None:
            db.add(MessageLabel(conversation_id=conversation_id, seq=seq, suggestion_id=suggestion.id,
                                agent=user.username))
        else:
            current.suggestion_id, current.agent, current.at = suggestion.id, user.username, utcnow()
        if previous != suggestion.id:
            _drop_if_unheld(db, previous)
        return suggestion.label, suggestion.state


# -- the editor's side -----------------------------------------------------------------------------------

@dataclass
class Examples:
    """Which intents have a text as an example now: the catalogue (examples and titles, as Rasa is trained
    on them) and the dialogue intents."""
    by_key: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalogue: Catalogue, dialogue: dict[str, dict[str, list[str]]]) -> Examples:
        found = cls()
        for entry in catalogue:
            for lang in LANGS:
                for text in (*entry.texts[lang].examples, entry.texts[lang].title):
                    found.add(text, entry.id)
        for intent, by_lang in dialogue.items():
            for texts in by_lang.values():
                for text in texts:
                    found.add(str(text), intent)
        return found

    def add(self, text: str, intent: str) -> None:
        self.by_key.setdefault(example_key(masked(text)), set()).add(intent)

    def of_text(self, text: str) -> set[str]:
        return self.by_key.get(example_key(text), set())


@dataclass(frozen=True)
class Sources:
    """Where accepted examples are written (the shipped files, or a copy to try on)."""
    catalogue_dir: Path = CATALOGUE_DIR
    services_file: Path = SERVICES_FILE
    dialogue_file: Path = DIALOGUE_INTENTS_FILE

    def examples(self) -> Examples:
        return Examples.of(load(self.catalogue_dir, self.services_file), load_dialogue_intents(self.dialogue_file))


def _suggestion(row: LabelSuggestion, count: int, examples: Examples) -> Suggestion:
    intents = examples.of_text(row.text)
    return Suggestion(row.id, row.state, row.label, row.language, row.text, row.agent, count, row.created_at,
                      row.reviewed_by, row.reviewed_at, tuple(sorted(intents - {row.label})), row.label in intents)


def suggestions(sessions: sessionmaker, sources: Sources = Sources(), state: str | None = "pending") -> list[Suggestion]:
    """The review list, oldest first (only `state`'s; every suggestion with None), each with its conflicts."""
    examples = sources.examples()
    count = (select(MessageLabel.suggestion_id, func.count().label("n")).group_by(MessageLabel.suggestion_id)
             .subquery())
    query = (select(LabelSuggestion, func.coalesce(count.c.n, 0))
             .outerjoin(count, count.c.suggestion_id == LabelSuggestion.id).order_by(LabelSuggestion.id))
    if state is not None:
        query = query.where(LabelSuggestion.state == state)
    with sessions() as db:
        return [_suggestion(row, n, examples) for row, n in db.execute(query).all()]


def _review(sessions: sessionmaker, suggestion_id: int, reviewer: str, to_state: str,
            write: Callable[[LabelSuggestion], None] = lambda row: None) -> LabelSuggestion:
    with sessions() as db:
        row = db.get(LabelSuggestion, suggestion_id)
    if row is None:
        raise LabelError("not_found", f"no suggestion {suggestion_id}")
    if row.state != "pending":
        raise LabelError("reviewed", f"suggestion {suggestion_id} is {row.state} already")
    write(row)
    with sessions.begin() as db:  # compare-and-set: of two reviewers, one decides
        moved = db.execute(update(LabelSuggestion).where(LabelSuggestion.id == suggestion_id,
                                                         LabelSuggestion.state == "pending")
                           .values(state=to_state, reviewed_by=agents.login_name(reviewer), reviewed_at=utcnow()))
        if moved.rowcount != 1:
            raise LabelError("reviewed", f"suggestion {suggestion_id} was reviewed meanwhile")
        return db.get(LabelSuggestion, suggestion_id)


def accept(sessions: sessionmaker, suggestion_id: int, reviewer: str, sources: Sources = Sources(),
           lang: str | None = None) -> tuple[LabelSuggestion, Path]:
    """Write the suggestion's text (masked) into the examples of its label in its language, then mark it
    accepted; returns the suggestion and the file written. A service label goes to the catalogue entry's
    `examples`, `out_of_scope` to that dialogue intent's. `lang` overrides the language (needed for a
    message in a language the catalogue does not carry)."""
    path: list[Path] = []

    def write(row: LabelSuggestion) -> None:
        language = lang or row.language
        if language not in LANGS:
            raise LabelError("language", f"the message is in {row.language!r}: give --lang {' or '.join(LANGS)}")
        text = masked(row.text)  # masked when labelled; and again, at the last boundary
        others = sources.examples().of_text(text) - {row.label}
        if others:
            raise LabelError("conflict", f"already an example of {', '.join(sorted(others))}")
        if row.label == OUT_OF_SCOPE:
            append_example(sources.dialogue_file, ("intents", OUT_OF_SCOPE, language), text)
            path.append(sources.dialogue_file)
        else:
            add_catalogue_example(row.label, language, text, sources.catalogue_dir, sources.services_file)
            path.append(Path(sources.catalogue_dir) / f"{row.label}.yml")

    return _review(sessions, suggestion_id, reviewer, "accepted", write), path[0]


def reject(sessions: sessionmaker, suggestion_id: int, reviewer: str) -> LabelSuggestion:
    return _review(sessions, suggestion_id, reviewer, "rejected")
