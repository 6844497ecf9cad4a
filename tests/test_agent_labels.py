"""Learning from agents: an agent labels a customer message in the console with the service it was really
about; the label waits in the review list (`assistant knowledge suggestions`); an editor accepts it into the
catalogue's examples, and the next training data has it. Identity codes never get there unmasked.

Real app and database (the engine is down: the console does not need it), the real command line, and a copy
of the catalogue and the dialogue intents for the editor to write into."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.content import ContentProvider
from assistant.db import session_factory
from assistant.retention import purge
from assistant.models import Message, utcnow
from channels.server import main
from handoff.models import LabelSuggestion, MessageLabel
from knowledge.catalogue import CATALOGUE_DIR, load, validate
from nlu.project import DIALOGUE_INTENTS_FILE, generate, load_dialogue_intents, training_examples
from test_handoff import PASSWORD, Agent, customer, say, staffed_app
from test_widget_browser import axe_violations, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.labels
CODE = "131052-308T"  # a valid personal identity code
QUESTION = f"Hei, hetuni on {CODE}, saanko starttirahaa jos aloitan kevytyrittäjänä"
MASKED = "Hei, hetuni on [henkilötunnus], saanko starttirahaa jos aloitan kevytyrittäjänä"


@pytest.fixture
def app(offline_settings):
    return staffed_app(offline_settings)


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the catalogue and of the dialogue intents for the editor's accepts."""
    catalogue, dialogue = tmp_path / "catalogue", tmp_path / "dialogue_intents.yml"
    shutil.copytree(CATALOGUE_DIR, catalogue)
    shutil.copy(DIALOGUE_INTENTS_FILE, dialogue)
    return catalogue, dialogue


@pytest.fixture
def editor(offline_settings, sources, monkeypatch, capsys):
    """`assistant knowledge suggestions …` on the test's database and the copied files: (exit code, stdout)."""
    monkeypatch.setenv("DATABASE_URL", offline_settings.database_url)
    catalogue, dialogue = sources

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["knowledge", "suggestions", *args, "--catalogue", str(catalogue), "--dialogue", str(dialogue)])
        return code, capsys.readouterr().out
    return run


def pending(editor) -> list[dict]:
    code, out = editor("list", "--json")
    assert code == 0
    return json.loads(out)


def waiting_customer(app, text: str, lang: str = "fi") -> tuple[TestClient, str]:
    """A customer who asked `text` and then for a person: waiting in the national general queue."""
    http, conversation, _ = customer(app, text, lang=lang)
    assert say(http, conversation, "/request_human")["state"] == "queued"
    return http, conversation


def seq_of(agent: Agent, conversation: str, text: str) -> int:
    messages = agent.get(f"/console/api/conversations/{conversation}").json()["messages"]
    return next(m["seq"] for m in messages if m["from"] == "customer" and m["text"] == text)


def label(agent: Agent, conversation: str, seq: int, value: str | None):
    return agent.post(f"/console/api/conversations/{conversation}/messages/{seq}/label", {"label": value})


def test_a_label_in_the_console_becomes_training_data_once_an_editor_accepts_it(app, offline_settings, sources, editor):
    catalogue, dialogue = sources
    anna, sven = Agent(app, "anna"), Agent(app, "sven")
    _, first = waiting_customer(app, QUESTION)
    _, second = waiting_customer(app, QUESTION.upper())  # the same words, shouted

    messages = anna.get(f"/console/api/conversations/{first}").json()["messages"]
    asked = next(m for m in messages if m["from"] == "customer" and m["text"] == MASKED)  # stored masked already
    assert asked["labellable"] and asked["label"] is None
    assert not any(m["labellable"] for m in messages if m["from"] != "customer" or m["text"].startswith("/")
                   or m.get("payload"))
    options = anna.get("/console/api/labels").json()
    assert {"label": "start_up_grant", "title": "Starttiraha"} in options
    assert options[-1] == {"label": "out_of_scope", "title": "Ei koske kasvupalveluja"}

    saved = label(anna, first, asked["seq"], "start_up_grant")
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"seq": asked["seq"], "label": {"label": "start_up_grant", "title": "Starttiraha",
                                                           "state": "pending"}}
    shown = next(m for m in anna.get(f"/console/api/conversations/{first}").json()["messages"] if m["seq"] == asked["seq"])
    assert shown["label"]["title"] == "Starttiraha"  # the saved label, by its title
    shouted = next(m["seq"] for m in sven.get(f"/console/api/conversations/{second}").json()["messages"]
                   if m["from"] == "customer" and m["text"].startswith("HEI, HETUNI ON [henkilötunnus]"))
    assert label(sven, second, shouted, "start_up_grant").status_code == 200

    [suggestion] = pending(editor)  # two agents, the same words and label: one suggestion
    assert suggestion["label"] == "start_up_grant" and suggestion["text"] == MASKED and suggestion["labels"] == 2
    assert suggestion["language"] == "fi" and suggestion["agent"] == "anna" and suggestion["conflict"] == []

    code, out = editor("accept", str(suggestion["id"]), "--by", "eeva")
    assert code == 0, out
    assert pending(editor) == []
    code, out = editor("list", "--all", "--json")
    [accepted] = json.loads(out)
    assert accepted["state"] == "accepted" and accepted["reviewed_by"] == "eeva" and accepted["known"]
    assert CODE not in out

    entry = (catalogue / "start_up_grant.yml").read_text(encoding="utf-8")
    assert f"    - {MASKED}\n" in entry and CODE not in entry  # a line of the Finnish examples, as the others
    assert validate(catalogue)[0] == []  # `assistant knowledge validate` still passes
    assert MASKED in load(catalogue).get("start_up_grant").texts["fi"].examples
    assert MASKED in ContentProvider(lambda: load(catalogue)).reload().catalogue.get("start_up_grant").texts["fi"].examples

    trained = MASKED.replace("[", "(").replace("]", ")")  # Rasa's examples carry no annotation brackets
    assert trained in training_examples(load(catalogue), load_dialogue_intents(dialogue))["start_up_grant"]
    project = generate(load(catalogue), catalogue.parent / "rasa", dialogue=load_dialogue_intents(dialogue))
    nlu = (project.data / "nlu.yml").read_text(encoding="utf-8")
    block = nlu.split("- intent: start_up_grant\n", 1)[1].split("- intent:", 1)[0]
    assert f"    - {trained}\n" in block and CODE not in nlu
    assert project.content_hash != generate(load(), catalogue.parent / "before").content_hash  # so it retrains

    agent_view = sven.get(f"/console/api/conversations/{second}").json()["messages"]
    assert next(m for m in agent_view if m["seq"] == shouted)["label"]["state"] == "accepted"
    with session_factory(offline_settings.database_url)() as db:
        stored = [(s.text, s.agent) for s in db.scalars(select(LabelSuggestion))]
    assert stored == [(MASKED, "anna")] and CODE not in str(stored)


def test_only_an_account_that_may_read_the_conversation_labels_its_customer_messages(app):
    rita = Agent(app, "rita")  # the Ostrobothnia advisor; nobody national online yet
    http, conversation, _ = customer(app, "Asun Vaasassa ja haluaisin perustaa kahvilan.")
    assert say(http, conversation, "/request_human")["state"] == "queued"
    olli, anna = Agent(app, "olli"), Agent(app, "anna")  # another region's advisor; a national agent
    seq = seq_of(rita, conversation, "Asun Vaasassa ja haluaisin perustaa kahvilan.")
    path = f"/console/api/conversations/{conversation}/messages/{seq}/label"
    body = {"label": "starting_a_business"}

    assert label(olli, conversation, seq, "starting_a_business").json()["error"]["code"] == "forbidden"
    assert label(anna, conversation, seq, "starting_a_business").status_code == 403  # not a queue she serves
    assert TestClient(app).post(path, json=body).status_code == 401  # no session
    assert http.post(path, json=body).status_code == 401  # the customer's own token opens nothing here
    assert rita.http.post(path, json=body).status_code == 403  # no CSRF token
    assert rita.http.post(path, json=body, headers={"X-CSRF-Token": rita.csrf, "Origin": "https://evil.example"}
                          ).status_code == 403
    assert label(rita, conversation, seq, "no_such_service").json()["error"]["code"] == "unknown_label"
    assert label(rita, conversation, seq, "request_human").status_code == 422  # a dialogue intent is no service
    messages = rita.get(f"/console/api/conversations/{conversation}").json()["messages"]
    bot = next(m["seq"] for m in messages if m["from"] == "bot")
    pressed = next(m["seq"] for m in messages if m.get("payload") == "/request_human")
    assert label(rita, conversation, bot, "starting_a_business").json()["error"]["code"] == "not_labellable"
    assert label(rita, conversation, pressed, "starting_a_business").json()["error"]["code"] == "not_labellable"
    assert label(rita, conversation, 999, "starting_a_business").json()["error"]["code"] == "unknown_message"
    assert label(rita, "00000000-0000-0000-0000-000000000000", seq, "starting_a_business").status_code == 404

    done = label(rita, conversation, seq, "starting_a_business")
    assert done.status_code == 200 and done.json()["label"]["title"] == "Yrityksen perustaminen ja Uusyrityskeskukset"
    assert rita.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
    assert rita.post(f"/console/api/conversations/{conversation}/return").status_code == 200
    assert label(rita, conversation, seq, "out_of_scope").status_code == 403  # back with the bot: not hers to read



def test_relabelled_cleared_conflicting_and_out_of_scope_labels_keep_the_list_and_the_files_right(
        app, offline_settings, sources, editor):
    catalogue, dialogue = sources
    anna = Agent(app, "anna")
    _, conversation = waiting_customer(app, "startti raha hakemus")  # an example of start_up_grant already
    wrong = seq_of(anna, conversation, "startti raha hakemus")
    _, other = waiting_customer(app, "Mikä on Suomen pääkaupunki?")
    weather = seq_of(anna, other, "Mikä on Suomen pääkaupunki?")
    _, third = waiting_customer(app, "haluan ostaa auton")
    car = seq_of(anna, third, "haluan ostaa auton")

    assert label(anna, third, car, "pay_subsidy").status_code == 200  # a slip …
    assert [s["label"] for s in pending(editor)] == ["pay_subsidy"]
    assert label(anna, third, car, "job_mediation").json()["label"]["label"] == "job_mediation"  # … corrected
    assert [s["label"] for s in pending(editor)] == ["job_mediation"]  # the slip left the list
    assert label(anna, third, car, None).json() == {"seq": car, "label": None}  # and cleared
    assert pending(editor) == []

    assert label(anna, conversation, wrong, "pay_subsidy").status_code == 200
    assert label(anna, other, weather, "out_of_scope").status_code == 200
    listed = {s["label"]: s for s in pending(editor)}
    assert listed["pay_subsidy"]["conflict"] == ["start_up_grant"] and not listed["pay_subsidy"]["known"]
    code, out = editor("list")
    assert code == 0 and "conflict: already an example of start_up_grant" in out
    before = (catalogue / "pay_subsidy.yml").read_text(encoding="utf-8")
    code, _ = editor("accept", str(listed["pay_subsidy"]["id"]), "--by", "eeva")
    assert code == 1 and (catalogue / "pay_subsidy.yml").read_text(encoding="utf-8") == before  # never silently added
    assert editor("reject", str(listed["pay_subsidy"]["id"]), "--by", "eeva")[0] == 0
    assert editor("reject", str(listed["pay_subsidy"]["id"]), "--by", "eeva")[0] == 1  # reviewed already

    assert editor("accept", str(listed["out_of_scope"]["id"]), "--by", "eeva")[0] == 0
    intents = load_dialogue_intents(dialogue)
    assert intents["out_of_scope"]["fi"][-1] == "Mikä on Suomen pääkaupunki?"
    assert "Mikä on Suomen pääkaupunki?" in training_examples(load(catalogue), intents)["out_of_scope"]
    assert validate(catalogue)[0] == [] and before == (catalogue / "pay_subsidy.yml").read_text(encoding="utf-8")

    sessions = session_factory(offline_settings.database_url)
    assert purge(sessions, 1, now=utcnow().replace(year=utcnow().year + 1)) == 3  # retention deletes the conversations …
    with sessions() as db:
        assert db.scalars(select(MessageLabel)).all() == []
    code, out = editor("list", "--all", "--json")
    assert {(s["label"], s["state"], s["labels"]) for s in json.loads(out)} == {  # … the reviewed list stays
        ("pay_subsidy", "rejected", 0), ("out_of_scope", "accepted", 0)}


def test_the_label_masks_again_whatever_the_message_store_holds(app, offline_settings, editor, sources):
    """Stored messages are masked already; a row written before that (or by a path that forgot) still never
    reaches the review list or the catalogue raw."""
    anna = Agent(app, "anna")
    _, conversation = waiting_customer(app, "Palkkatuki tilille")
    seq = seq_of(anna, conversation, "Palkkatuki tilille")
    raw = f"Palkkatuki tilille FI21 1234 5600 0007 85, hetu {CODE}"
    sessions = session_factory(offline_settings.database_url)
    with sessions.begin() as db:
        db.scalars(select(Message).where(Message.conversation_id == conversation, Message.seq == seq)).one().text = raw
    assert label(anna, conversation, seq, "pay_subsidy").status_code == 200
    [suggestion] = pending(editor)
    assert suggestion["text"] == "Palkkatuki tilille [tilinumero], hetu [henkilötunnus]"
    assert editor("accept", str(suggestion["id"]), "--by", "eeva")[0] == 0
    entry = (sources[0] / "pay_subsidy.yml").read_text(encoding="utf-8")
    assert "[tilinumero], hetu [henkilötunnus]" in entry and CODE not in entry and "5600" not in entry


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The product's app in its own process (engine down, queues always open) and one agent."""
    from appserver import app_process
    from conftest import UNLIMITED
    from handoff.agents import create_user
    db = f"sqlite:///{tmp_path_factory.mktemp('labels') / 'neuvo.db'}"
    with app_process(db, queues_file=Path(__file__).parent / "data" / "queues-open.yml", **UNLIMITED) as running:
        create_user(session_factory(db), "aino.l", PASSWORD, "Aino Virtanen", "agent", ["fi", "sv"])
        yield running.url


def test_an_agent_labels_a_message_with_the_keyboard_and_sees_the_label_after_a_reload(desk, browser):
    import httpx

    from conftest import open_conversation
    page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()  # axe is injected
    # signed in through the API in the page's own context (its cookie): this test is about labelling, and the
    # login form's own tests are in tests/test_handoff_browser.py
    assert page.request.post(f"{desk}/console/api/login", data={"username": "aino.l", "password": PASSWORD}).ok
    page.goto(f"{desk}/console?lang=fi")
    page.locator(".queue").first.wait_for(timeout=20_000)  # signed in and online: the customer is queued
    with httpx.Client(base_url=desk, timeout=30) as http:
        conversation, headers = open_conversation(http, lang="fi")
        for text in ("Voinko saada rahaa oman kahvilan aloittamiseen?", "/request_human"):
            assert http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text},
                             headers=headers).status_code == 200
    item = page.locator(f'.queue-item[data-conversation-id="{conversation}"]')
    item.wait_for(timeout=20_000)
    item.locator(".open-conversation").click()
    asked = page.locator(".msg-customer", has_text="oman kahvilan")
    control = asked.locator(".msg-label")
    control.wait_for(timeout=20_000)
    assert page.locator(".msg-customer.msg-command .msg-label").count() == 0  # not on a pressed button
    assert page.locator(".msg-bot .msg-label").count() == 0
    assert control.locator("label").inner_text() == "Merkitse palvelu"

    control.locator("select").focus()
    page.keyboard.type("Starttiraha")  # the select's own type-ahead, no mouse
    assert control.locator("select").evaluate("s => s.options[s.selectedIndex].text") == "Starttiraha"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Tallenna merkintä"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.msg-label-status') && "
                           "document.querySelector('.msg-label-status').textContent.includes('Starttiraha')")
    assert control.locator(".msg-label-status").inner_text() == "Merkitty: Starttiraha · odottaa tarkistusta"
    assert axe_violations(page) == []

    page.reload()
    page.locator(f'.queue-item[data-conversation-id="{conversation}"] .open-conversation').click()
    again = page.locator(".msg-customer", has_text="oman kahvilan").locator(".msg-label")
    again.wait_for(timeout=20_000)
    assert again.locator(".msg-label-status").inner_text() == "Merkitty: Starttiraha · odottaa tarkistusta"
    assert again.locator("select").evaluate("s => s.options[s.selectedIndex].text") == "Starttiraha"
    page.context.close()
