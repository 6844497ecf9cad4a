"""Conversation storage is safe for several app workers: sequence numbers never collide."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.app import build
from assistant.message import MessageDraft, Sender
from assistant.settings import Settings
from channels.server import migrate

pytestmark = pytest.mark.api


def concurrent_appends(url: str) -> list[int]:
    migrate(url)
    migrate(url)  # idempotent
    settings = Settings(database_url=url)
    service = build(settings).service
    conversation = service._create("fi", None, "rest")

    def two(i: int) -> None:
        service.append(conversation.id, [MessageDraft(Sender.CUSTOMER, f"m{i}"), MessageDraft(Sender.BOT, f"n{i}")])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(two, range(40)))
    assert sorted(service.outbox.states(conversation.id)) == list(range(2, 81, 2))  # each bot message, once
    _, messages = service.history(conversation.id)
    return [m.seq for m in messages]


def test_sqlite_sequence_numbers_are_unique_and_contiguous(sqlite_url):
    assert concurrent_appends(sqlite_url) == list(range(1, 81))


def test_postgresql_sequence_numbers_are_unique_and_contiguous(postgres_url):
    assert concurrent_appends(postgres_url) == list(range(1, 81))
