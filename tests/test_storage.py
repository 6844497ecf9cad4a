"""Conversation storage is safe for several app workers: sequence numbers never collide."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.conversation import ConversationService
from assistant.db import migrate, session_factory
from assistant.settings import Settings

pytestmark = pytest.mark.api


def concurrent_appends(url: str) -> list[int]:
    migrate(url)
    migrate(url)  # idempotent
    settings = Settings(database_url=url)
    service = ConversationService(settings, session_factory(url), engine=None, understander=None)
    conversation = service._create("fi", None, "rest")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: service.append(conversation.id, "customer", [{"text": f"m{i}"}, {"text": f"n{i}"}]), range(40)))
    _, messages = service.history(conversation.id)
    return [m.seq for m in messages]


def test_sqlite_sequence_numbers_are_unique_and_contiguous(sqlite_url):
    assert concurrent_appends(sqlite_url) == list(range(1, 81))


def test_postgresql_sequence_numbers_are_unique_and_contiguous(postgres_url):
    assert concurrent_appends(postgres_url) == list(range(1, 81))
