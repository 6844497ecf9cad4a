"""The REST API with the engine down: clear errors for bad input, graceful catalogue answers, both databases."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from channels.server import migrate
from conftest import open_conversation
from assistant.settings import Settings

pytestmark = pytest.mark.api


def client_for(settings: Settings) -> TestClient:
    migrate(settings.database_url)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def client(offline_settings):
    with client_for(offline_settings) as c:
        yield c


def start(client: TestClient, **body) -> str:
    """Start a conversation; the client sends its token from now on."""
    conversation, headers = open_conversation(client, **body)
    client.headers.update(headers)
    return conversation


def test_an_unknown_conversation_without_its_token_is_a_clear_401(client):
    response = client.post("/api/v1/conversations/nope/messages", json={"text": "hei"}, headers={"Accept-Language": "fi"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "invalid_token"
    assert response.json()["error"]["message"].startswith("Keskustelua ei voi avata")


@pytest.mark.parametrize("text,status,code", [("", 422, "empty_message"), ("   ", 422, "empty_message"),
                                              ("a" * 10_000, 413, "message_too_long"), (42, 422, "invalid_body")])
def test_bad_messages_get_a_clear_error_and_nothing_is_stored(client, text, status, code):
    conversation = start(client)
    response = client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text})
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert client.get(f"/api/v1/conversations/{conversation}").json()["messages"] == []


def test_non_utf8_body_is_a_clear_error(client):
    conversation = start(client)
    response = client.post(f"/api/v1/conversations/{conversation}/messages", content=b'{"text": "\xff\xfe hei"}',
                           headers={"Content-Type": "application/json", "Accept-Language": "sv"})
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"].startswith("Begäran måste vara UTF-8")


def test_unsupported_language_is_refused(client):
    response = client.post("/api/v1/conversations", json={"lang": "de"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "unsupported_language"


def test_engine_down_gives_a_catalogue_answer_and_offers_a_human(client):
    conversation = start(client)
    body = client.post(f"/api/v1/conversations/{conversation}/messages",
                       json={"text": "Miten haen starttirahaa yrityksen perustamiseen?"}).json()
    assert body["engine"] == "down" and body["language"] == "fi"
    texts = " ".join(m["text"] for m in body["messages"])
    assert "rajoitetusti" in texts  # the customer is told the assistant is in limited mode
    assert any(m["service"] == "start_up_grant" and m["source_url"].startswith("https://") for m in body["messages"]) or \
        any(b["payload"] == "/start_up_grant" for m in body["messages"] for b in m["buttons"])
    assert any(b["payload"] == "/request_human" for m in body["messages"] for b in m["buttons"])
    health = client.get("/health").json()
    assert health["engine"]["state"] == "down" and health["status"] == "degraded"


def test_widget_rating_is_thanked_even_when_the_engine_is_down(client):
    conversation = start(client, lang="sv")
    body = client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": '/feedback{"rating": 5}'}).json()
    assert [m["text"] for m in body["messages"]] == ["Tack för din respons! Den hjälper oss att utveckla tjänsten."]


def test_identity_code_is_masked_before_it_is_stored(client):
    conversation = start(client, lang="fi")
    client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "hetuni on 131052-308T, voinko saada palkkatukea"})
    stored = client.get(f"/api/v1/conversations/{conversation}").json()["messages"][0]["text"]
    assert "131052" not in stored and "[henkilötunnus]" in stored


def test_openapi_documents_the_conversation_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/conversations" in paths and "/api/v1/conversations/{conversation_id}/messages" in paths


def test_postgresql_stores_the_conversation_in_order(postgres_url):
    settings = Settings(database_url=postgres_url, rasa_port=1)
    with client_for(settings) as client:
        conversation = start(client, lang="sv")
        for text in ("Hur ansöker jag om startpeng?", "Jag vill prata med en människa"):
            assert client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}).status_code == 200
        transcript = client.get(f"/api/v1/conversations/{conversation}").json()
    seqs = [m["seq"] for m in transcript["messages"]]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 4
    assert transcript["messages"][0]["from"] == "customer" and transcript["language"] == "sv"
