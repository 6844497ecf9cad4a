"""Which websites may embed the widget: the allow-list, CORS on what the widget fetches, the websocket's
Origin check, the admin command, and the privacy page and retention the widget's notice promises."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from starlette.websockets import WebSocketDisconnect

from assistant import retention
from assistant.db import session_factory
from assistant.models import Conversation, Message, OutboxItem
from channels.server import create_app, migrate
from channels.sites import InvalidOrigin, Sites, normalise
from conftest import open_conversation

pytestmark = pytest.mark.embedding
HOST = "https://www.kunta.fi"
OTHER = "https://evil.example"


@pytest.fixture
def settings(offline_settings):
    migrate(offline_settings.database_url)
    return offline_settings.replace(widget_origins=("https://Configured.example/",))


@pytest.fixture
def sites(settings):
    return Sites(settings, session_factory(settings.database_url))


@pytest.mark.parametrize("typed, origin", [
    ("https://www.kunta.fi", "https://www.kunta.fi"),
    ("  https://WWW.Kunta.FI/ ", "https://www.kunta.fi"),
    ("https://www.kunta.fi:443", "https://www.kunta.fi"),
    ("http://localhost:8080", "http://localhost:8080"),
    ("https://www.närpes.fi", "https://www.xn--nrpes-gra.fi"),  # what the browser sends
])
def test_an_origin_is_written_as_the_browser_sends_it(typed, origin):
    assert normalise(typed) == origin


@pytest.mark.parametrize("typed", ["www.kunta.fi", "https://www.kunta.fi/chat", "ftp://kunta.fi", "*",
                                   "https://www.kunta.fi/?a=1", "https://user@kunta.fi", "https://"])
def test_what_is_not_an_origin_is_refused_with_a_reason(typed):
    with pytest.raises(InvalidOrigin, match="origin|port"):
        normalise(typed)


def test_a_site_is_allowed_at_once_and_revoked_at_once(settings, sites):
    other_worker = Sites(settings, session_factory(settings.database_url))
    assert not other_worker.allows(HOST)
    assert sites.allow("https://www.kunta.fi/", note="Kunta") == HOST
    assert other_worker.allows(HOST)  # no restart, no cache: every worker reads the list
    assert other_worker.allows("https://configured.example") and other_worker.allows(settings.app_url)
    assert not other_worker.allows(OTHER) and not other_worker.allows("null")
    assert sites.revoke(HOST) and not other_worker.allows(HOST)


def test_the_widget_shares_its_strings_only_with_allowed_sites(settings, sites):
    sites.allow(HOST)
    http = TestClient(create_app(settings))
    allowed = http.get("/widget/strings/sv.json", headers={"Origin": HOST})
    assert allowed.headers["access-control-allow-origin"] == HOST and "Origin" in allowed.headers["vary"]
    assert allowed.json()["launcher"] != "Chat with us"  # Swedish, not the English fallback
    refused = http.get("/widget/strings/sv.json", headers={"Origin": OTHER})
    assert "access-control-allow-origin" not in refused.headers  # the other site's browser keeps it from the page
    for asset in ("/widget.js", "/widget.css"):  # plain subresources, usable from pages that require CORP
        assert http.get(asset).headers["cross-origin-resource-policy"] == "cross-origin"


def test_the_embedding_check_answers_any_page_and_tells_it_the_limits(settings, sites):
    sites.allow(HOST)
    http = TestClient(create_app(settings))
    refused = http.get("/widget/config.json", headers={"Origin": OTHER})
    assert refused.headers["access-control-allow-origin"] == "*"  # readable, so the widget can say why
    assert refused.json()["embedding"] == "refused" and refused.json()["origin"] == OTHER
    allowed = http.get("/widget/config.json", headers={"Origin": HOST}).json()
    assert allowed["embedding"] == "allowed"
    assert allowed["max_message_chars"] == settings.max_message_chars
    assert allowed["retention_days"] == settings.retention_days
    assert http.get("/widget/config.json").json()["embedding"] == "allowed"  # our own pages send no Origin


def test_the_chat_socket_opens_only_for_allowed_sites(settings, sites):
    http = TestClient(create_app(settings))
    # refused at the handshake (HTTP 403)
    with pytest.raises(WebSocketDisconnect), http.websocket_connect("/ws/chat", headers={"Origin": HOST}):
        pass
    sites.allow(HOST)
    with http.websocket_connect("/ws/chat?lang=sv", headers={"Origin": HOST}) as ws:
        ws.send_json({"type": "start", "lang": "sv"})
        assert ws.receive_json()["type"] == "started"
    sites.revoke(HOST)
    with pytest.raises(WebSocketDisconnect), http.websocket_connect("/ws/chat", headers={"Origin": HOST}):
        pass


def test_the_admin_command_adds_lists_and_removes_a_site(settings, tmp_path):
    env = {**os.environ, "DATABASE_URL": settings.database_url}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "channels.server", "sites", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    added = run("allow", "https://www.Kunta.fi/", "--note", "Kunta")
    assert added.returncode == 0 and HOST in added.stdout
    assert Sites(settings, session_factory(settings.database_url)).allows(HOST)
    assert HOST in run("list").stdout
    wrong = run("allow", "www.kunta.fi")
    assert wrong.returncode == 2 and "https://www.example.fi" in wrong.stderr  # says how to write it
    assert run("revoke", HOST).returncode == 0 and HOST not in run("list").stdout


@pytest.mark.parametrize("lang, title, kept", [
    ("fi", "Näin Neuvo-chat käsittelee tietojasi", "180 päivän kuluttua"),
    ("sv", "Så behandlar Neuvo-chatten dina uppgifter", "180 dagar efter"),
])
def test_the_privacy_page_says_what_is_stored_and_for_how_long(settings, lang, title, kept):
    page = TestClient(create_app(settings.replace(retention_days=180))).get(f"/privacy?lang={lang}")
    assert page.status_code == 200 and f'lang="{lang}"' in page.text
    assert title in page.text and kept in page.text


def test_old_conversations_are_deleted_with_everything_on_them(settings):
    sessions = session_factory(settings.database_url)
    http = TestClient(create_app(settings))
    old, old_headers = open_conversation(http, lang="fi")
    recent, _ = open_conversation(http, lang="fi")
    http.post(f"/api/v1/conversations/{old}/messages", json={"text": "Miten haen starttirahaa?"}, headers=old_headers)
    now = dt.datetime.now(dt.UTC)
    with sessions.begin() as db:
        db.execute(update(Conversation).where(Conversation.id == old).values(updated_at=now - dt.timedelta(days=31)))
        db.execute(update(Conversation).where(Conversation.id == recent).values(updated_at=now - dt.timedelta(days=29)))
    assert retention.purge(sessions, 0) == 0  # 0 keeps everything
    assert retention.purge(sessions, 30) == 1
    with sessions() as db:
        assert db.get(Conversation, old) is None and db.get(Conversation, recent) is not None
        assert not db.scalars(select(Message).where(Message.conversation_id == old)).all()
        assert not db.scalars(select(OutboxItem).where(OutboxItem.conversation_id == old)).all()
