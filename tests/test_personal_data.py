"""The personal-data layer over every shape customers type, in Finnish and Swedish sentences: identity
codes (valid and mistyped), IBANs, card numbers are masked; business IDs, dates, phone numbers, amounts,
postal and order numbers are left as they are. Also the log filter, the contact fields, the login form
and the once-per-conversation notice, on the real app with Rasa down."""
from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.db import session_factory
from assistant.logfilter import PersonalDataFilter
from assistant.models import Conversation, Message
from channels.server import create_app, migrate
from conftest import receive_json, receive_until
from handoff.agents import AccountError, create_user
from assistant.models import LimitCounter
from nlu.personal_data import Kind, mask, pipeline
from nlu.pii import mask_personal_codes
from personal_data_shapes import ALL, HETU, NEAR_MISSES, PERSONAL, SENTENCES, Shape

pytestmark = pytest.mark.privacy


def test_the_table_has_at_least_sixty_shapes():
    assert len(PERSONAL) >= 60 and len(NEAR_MISSES) >= 20
    assert len({s.value for s in ALL}) == len(ALL)


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("shape", ALL, ids=[repr(s.value) for s in ALL])
def test_each_shape_in_a_sentence(shape: Shape, lang: str):
    sentence = SENTENCES[lang].format(v=shape.value)
    result = mask(sentence, lang)
    assert result.text == SENTENCES[lang].format(v=shape.expected)
    assert result.count == (1 if shape.personal else 0)
    assert [(f.kind.value, f.valid) for f in result.findings] == ([(shape.kind, shape.valid)] if shape.kind else [])
    if shape.personal:
        assert not any(needle in result.text for needle in shape.needles)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_pipelines_are_blank_spacy_ones_with_the_rule_component(lang):
    nlp = pipeline(lang)
    assert nlp.lang == lang and nlp.pipe_names == ["personal_data"]
    doc = nlp("HETU131052-308Tkiitos, tili FI2112345600000785, Y-tunnus 0737546-2")
    assert [(e.text, e.label_, e._.checksum_valid) for e in doc.ents] == [
        ("131052-308T", "IDENTITY_CODE", True), ("FI2112345600000785", "IBAN", True),
        ("0737546-2", "BUSINESS_ID", True)]
    assert [t.text for t in doc[:3]] == ["HETU", "131052-308T", "kiitos"]  # tokens split to fit the entity


def test_several_values_in_one_message_and_masking_twice_changes_nothing():
    text = ("Hetu 131052-308 T, tili FI21 1234 5600 0007 85 ja SE35 5000 0000 0549 1000 0003, kortti "
            "4111 1111 1111 1111 12 kpl, Y-tunnus 0737546-2, soita 040 123 4567")
    masked, count = mask_personal_codes(text)
    assert masked == ("Hetu [henkilötunnus], tili [tilinumero] ja [tilinumero], kortti [korttinumero] 12 kpl, "
                      "Y-tunnus 0737546-2, soita 040 123 4567")
    assert count == 4 and mask_personal_codes(masked) == (masked, 0)


def test_invisible_characters_outside_a_value_are_kept():
    assert mask("perhe 👨\u200d👩\u200d👧 ja 1310\u200b52-308T").text == "perhe 👨\u200d👩\u200d👧 ja " + HETU


# -- logs -------------------------------------------------------------------------------------------

def test_the_log_filter_masks_message_arguments_reprs_and_tracebacks():
    record = logging.LogRecord("neuvo.test", logging.WARNING, __file__, 1, "login for %r from %s", (
        "131052\u200b-308T", "FI2112345600000785"), None)
    try:
        raise ValueError("bad value 4111 1111 1111 1111")
    except ValueError:
        import sys
        record.exc_info = sys.exc_info()
    assert PersonalDataFilter().filter(record)
    line = logging.Formatter().format(record)
    assert "login for '[henkilötunnus]' from [tilinumero]" in line and "bad value [korttinumero]" in line
    for raw in ("131052", "308T", "2112345600000785", "4111 1111"):
        assert raw not in line


def test_a_repr_with_escaped_invisible_characters_is_masked_too():
    record = logging.LogRecord("neuvo.test", logging.INFO, __file__, 1, "frame %s", ({"text": "131052\u200b-308T"},),
                               None)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "frame {'text': '[henkilötunnus]'}"


# -- the app: every path, with Rasa down ---------------------------------------------------------

@pytest.fixture
def app(offline_settings):
    migrate(offline_settings.database_url)
    return create_app(offline_settings)


def _texts(app) -> list[str]:
    with app.state.parts.sessions() as db:
        return [m.text for m in db.scalars(select(Message).order_by(Message.id))]


def test_rest_messages_are_stored_masked_and_the_customer_is_told_once(app):
    client = TestClient(app)
    started = client.post("/api/v1/conversations", json={"lang": "sv"}).json()
    url, headers = f"/api/v1/conversations/{started['conversation_id']}/messages", {
        "Authorization": f"Bearer {started['token']}"}
    first = client.post(url, json={"text": "Mitt personnummer är 131052–308T"}, headers=headers).json()
    notice = [m for m in first["messages"] if m.get("event") == "personal_data_notice"]
    assert len(notice) == 1 and notice[0]["from"] == "system" and first["messages"][0] == notice[0]
    assert notice[0]["text"].startswith("Skicka inte din personbeteckning")
    second = client.post(url, json={"text": "och kortet 4111 1111 1111 1111"}, headers=headers).json()
    assert not [m for m in second["messages"] if m.get("event") == "personal_data_notice"]
    assert "Mitt personnummer är [henkilötunnus]" in _texts(app) and "och kortet [korttinumero]" in _texts(app)
    with app.state.parts.sessions() as db:
        assert db.get(Conversation, started["conversation_id"]).personal_data_noticed_at is not None


def test_no_notice_when_nothing_was_masked(app):
    client = TestClient(app)
    started = client.post("/api/v1/conversations", json={"lang": "fi"}).json()
    body = client.post(f"/api/v1/conversations/{started['conversation_id']}/messages",
                       json={"text": "Y-tunnus 0737546-2, puh 040 123 4567"},
                       headers={"Authorization": f"Bearer {started['token']}"}).json()
    assert not [m for m in body["messages"] if m.get("event") == "personal_data_notice"]
    assert "Y-tunnus 0737546-2, puh 040 123 4567" in _texts(app)


def test_the_notice_is_remembered_by_the_database_not_the_worker(offline_settings):
    migrate(offline_settings.database_url)
    first, second = create_app(offline_settings), create_app(offline_settings)  # two workers, or a restart
    started = TestClient(first).post("/api/v1/conversations", json={"lang": "fi"}).json()
    url, headers = f"/api/v1/conversations/{started['conversation_id']}/messages", {
        "Authorization": f"Bearer {started['token']}"}
    told = TestClient(first).post(url, json={"text": "hetu 131052-308T"}, headers=headers).json()
    again = TestClient(second).post(url, json={"text": "hetu 010594Y987S"}, headers=headers).json()
    assert [m["event"] for m in told["messages"] if m.get("event")][:1] == ["personal_data_notice"]
    assert "Älä lähetä henkilötunnustasi" in told["messages"][0]["text"]
    assert not [m for m in again["messages"] if m.get("event") == "personal_data_notice"]


def test_web_chat_region_client_id_and_contact_fields_never_store_a_code(app):
    with TestClient(app).websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "start", "lang": "fi", "region": "131052-308T"})  # a region is a code: refused
        assert receive_json(ws)["code"] == "invalid_region"
        ws.send_json({"type": "start", "lang": "fi"})
        started = receive_json(ws)
        assert started["type"] == "started"
        ws.send_json({"type": "message", "id": "010594Y987S", "text": "hei, tilini FI21 1234 5600 0007 85"})
        frames = receive_until(ws, lambda f: f.get("type") == "typing" and f.get("on") is False)
        assert [f["event"] for f in frames if f.get("event")][:1] == ["personal_data_notice"]
        for field in ("email", "phone"):
            ws.send_json({"type": "leave_message", "id": f"lm-{field}", "kind": "message" if field == "email" else
                          "callback", field: "131052-308T" if field == "phone" else "131052-308T@example.fi",
                          "text": "soittakaa"})
            assert receive_json(ws)["code"] == f"invalid_{field}"
        ws.send_json({"type": "leave_message", "id": "lm-ok", "kind": "message", "email": "maija@example.fi",
                      "text": "kortti 4111-1111-1111-1111, hetu 131052 308T"})
        ack = receive_json(ws)
        assert ack["type"] == "ack" and not ack["duplicate"]
    with app.state.parts.sessions() as db:
        conversation = db.get(Conversation, started["conversation_id"])
        ids = list(db.scalars(select(Message.client_id).where(Message.client_id.is_not(None))))
    assert conversation.region is None and conversation.contact == {"email": "maija@example.fi"}
    assert "kortti [korttinumero], hetu [henkilötunnus]" in _texts(app)
    assert "010594Y987S" not in ids and len(ids) == 2 and all(i and "987" not in i for i in ids)
    assert not any("131052" in t or "4111" in t or "2112345600000785" in t for t in _texts(app))


def test_login_usernames_are_masked_in_the_log_and_the_login_counters(offline_settings, caplog):
    settings = offline_settings.replace(login_attempts_per_user_address=5, login_attempts_per_address=20,
                                        login_attempts_per_user=10)  # counted, as in production
    migrate(settings.database_url)
    app = create_app(settings)
    client = TestClient(app)
    with caplog.at_level(logging.WARNING, logger="neuvo.console"):
        response = client.post("/console/api/login", json={"username": "HETU131052-308Tkiitos", "password": "x"})
    assert response.status_code == 401
    assert "HETU[henkilötunnus]kiitos" in caplog.text and "131052" not in caplog.text
    with app.state.parts.sessions() as db:  # failed logins are counted under keyed hashes only
        keys = list(db.scalars(select(LimitCounter.key)))
    assert keys and not any("131052" in k or "HETU" in k for k in keys)


def test_an_account_cannot_be_named_like_personal_data(offline_settings):
    migrate(offline_settings.database_url)
    with pytest.raises(AccountError):
        create_user(session_factory(offline_settings.database_url), "anna131052-308T", "correct horse battery",
                    "Anna", "agent", ["fi"])


def test_training_examples_are_masked():
    from nlu.project import _clean
    assert _clean("tilini on FI21 1234 5600 0007 85 ja hetu 131052-308T") == \
        "tilini on (tilinumero) ja hetu (henkilötunnus)"


def test_kinds_have_masks_except_business_ids():
    assert mask("0737546-2").findings[0].kind == Kind.BUSINESS_ID and not mask("0737546-2").findings[0].masked
