"""The handoff in real browsers (Debian's chromium, Playwright). Against the real stack (Rasa + app): a
customer in the widget asks for a person, an agent in the console claims and answers, transfers to a
regional queue, a regional advisor takes over; the bot is silent throughout and the customer sees every step.
With the engine down: what the console shows (service titles, queue and display names, never ids or login
names) and how the sender's lists follow a transfer."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from appserver import app_process
from assistant.db import session_factory
from conftest import UNLIMITED, open_conversation
from handoff.agents import create_user
from tests.test_widget_browser import SCREENS, axe_violations, browser, open_chat, wait_for_in_log  # noqa: F401 (fixture)

pytestmark = pytest.mark.handoff
PASSWORD = "correct horse battery"
DATA = Path(__file__).resolve().parent / "data"
SOON = 5_000  # ms: how soon the page must follow a change (its own step, or a websocket frame)
# set in a task after the page's code has read an answer of /me (and done all it does with it at once)
ANSWERED = ("(() => { const json = Response.prototype.json; Response.prototype.json = function () { const url = this.url; "
            "return json.call(this).finally(() => { if (url.endsWith('/console/api/me')) "
            "setTimeout(() => { window.meAnswered = (window.meAnswered || 0) + 1; }); }); }; })()")
NO_POLL = "(() => { const every = window.setInterval; window.setInterval = (f, ms, ...a) => ms === 15000 ? 0 : every(f, ms, ...a); })()"
RAW = ("start_up_grant", "request_human", "entrepreneurs", "topic:", "region:", "aino.k", "sue.k")


@pytest.fixture(scope="module")
def staff(stack):
    sessions = session_factory(stack.settings.database_url)
    create_user(sessions, "anna.e2e", PASSWORD, "Anna", "agent", ["fi", "sv"])
    create_user(sessions, "rita.e2e", PASSWORD, "Rita", "regional_advisor", ["fi", "sv"], region="15")
    return stack.settings.app_url


def console(browser, url: str, username: str, live_only: bool = False):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to inject axe
    if live_only:  # the console's 15 s safety-net poll never runs: only the live refresh can update the page
        context.add_init_script(NO_POLL)
    page = context.new_page()
    page.goto(f"{url}/console?lang=fi")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.locator("#queues").wait_for()
    page.locator(".queue").first.wait_for(timeout=20_000)
    return page


def events_in_widget(page) -> list[str]:
    return page.locator("[role=log] [data-event]").evaluate_all("els => els.map(e => e.dataset.event)")


@pytest.mark.e2e
def test_agent_claims_transfers_to_a_region_and_the_customer_sees_every_step(staff, browser):
    url = staff
    anna = console(browser, url, "anna.e2e")
    rita = console(browser, url, "rita.e2e")
    customer = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
    box = open_chat(customer, f"{url}/?lang=fi")
    box.fill("Miten haen starttirahaa?")
    box.press("Enter")
    wait_for_in_log(customer, "Tiedot tarkistettu")
    customer.locator(".neuvo-human").click()
    customer.locator("[role=log] [data-event=queued]").wait_for(timeout=20_000)
    bot_replies = customer.locator("[role=log] .neuvo-msg-bot").count()
    token = customer.evaluate("() => window.NeuvoWidget._state.token")
    conversation = token.split(".")[0]

    # the agent sees it in the right queue (start-up grant → entrepreneurs) with the transcript, and claims it
    item = anna.locator(f'.queue[data-queue-id="topic:entrepreneurs"] .queue-item[data-conversation-id="{conversation}"]')
    item.wait_for(timeout=20_000)
    item.locator(".claim").click()
    anna.locator("#composer-text").wait_for(timeout=20_000)
    assert "starttirahaa" in anna.locator("#transcript").inner_text()
    customer.locator("[role=log] [data-event=agent_joined]").wait_for(timeout=20_000)

    anna.fill("#composer-text", "Hei, olen Anna. Kerron mielelläni starttirahasta lisää.")
    anna.click("#composer-send")
    wait_for_in_log(customer, "Kerron mielelläni starttirahasta")
    box.fill("Kiitos! Asun Vaasassa, onko siellä omaa neuvontaa?")
    box.press("Enter")
    anna.locator("#transcript").get_by_text("onko siellä omaa neuvontaa").wait_for(timeout=20_000)

    anna.select_option("#transfer-target", "region:15")
    anna.fill("#transfer-note", "Asiakas Vaasasta, starttiraha")
    anna.click("#transfer-submit")
    customer.locator("[role=log] [data-event=transferred]").wait_for(timeout=20_000)
    # the conversation left Anna's desk: her view closes with a note, not a permission error
    anna.wait_for_function("document.getElementById('notice').textContent.includes('ei ole enää sinulla')")
    assert "is-error" not in (anna.locator("#notice").get_attribute("class") or "")
    assert anna.locator("#conversation-body").is_hidden()

    # the regional advisor of Ostrobothnia takes it, sees the private note, and answers
    item = rita.locator(f'.queue[data-queue-id="region:15"] .queue-item[data-conversation-id="{conversation}"]')
    item.wait_for(timeout=20_000)
    item.locator(".claim").click()
    rita.locator("#composer-text").wait_for(timeout=20_000)
    assert "Asiakas Vaasasta, starttiraha" in rita.locator("#transcript").inner_text()
    rita.fill("#composer-text", "Hei, Rita Pohjanmaan yritysneuvonnasta täällä.")
    rita.click("#composer-send")
    wait_for_in_log(customer, "Rita Pohjanmaan yritysneuvonnasta")

    assert events_in_widget(customer) == ["queued", "agent_joined", "transferred", "agent_joined"]
    assert customer.locator("[role=log] .neuvo-msg-bot").count() == bot_replies  # the bot said nothing meanwhile
    assert "Asiakas Vaasasta" not in customer.locator("[role=log]").inner_text()  # private notes stay private
    transcript = httpx.get(f"{url}/api/v1/conversations/{conversation}",
                           headers={"Authorization": f"Bearer {token}"}).json()["messages"]
    queued_at = next(m["seq"] for m in transcript if m.get("event") == "queued")
    assert [m["from"] for m in transcript if m["seq"] > queued_at and m["from"] == "bot"] == []
    assert axe_violations(rita) == [] and axe_violations(customer) == []
    rita.screenshot(path=str(SCREENS / "console-fi.png"))
    for page in (anna, rita, customer):
        page.context.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The product's app with the engine down (catalogue answers), always-open queues, an agent and a supervisor
    whose display names differ from their login names."""
    db = f"sqlite:///{tmp_path_factory.mktemp('console') / 'neuvo.db'}"
    with app_process(db, queues_file=DATA / "queues-open.yml", **UNLIMITED) as app:
        sessions = session_factory(db)
        create_user(sessions, "aino.k", PASSWORD, "Aino Virtanen", "agent", ["fi", "sv"])
        create_user(sessions, "sue.k", PASSWORD, "Susanna Esimies", "supervisor", ["fi", "sv"])
        yield app.url


def waiting_item(page, queue: str, conversation: str):
    return page.locator(f'.queue[data-queue-id="{queue}"] .queue-item[data-conversation-id="{conversation}"]')


def shows_no_ids(page) -> None:
    text = page.locator("body").inner_text()
    assert [raw for raw in RAW if raw in text] == []


@pytest.mark.console
def test_the_console_shows_titles_and_display_names_and_a_transfer_updates_the_senders_lists(desk, browser):
    aino, sue = console(browser, desk, "aino.k", live_only=True), console(browser, desk, "sue.k", live_only=True)
    with httpx.Client(base_url=desk, timeout=30) as http:
        conversation, headers = open_conversation(http, lang="fi")
        for text in ("Miten haen starttirahaa?", "/request_human"):
            assert http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text},
                             headers=headers).status_code == 200

    # the queue list: the service's Finnish title under the queue's name
    item = waiting_item(aino, "topic:entrepreneurs", conversation)
    item.wait_for(timeout=20_000)
    assert item.locator(".item-title").inner_text() == "Starttiraha"
    assert aino.locator('.queue[data-queue-id="topic:entrepreneurs"] .queue-name').inner_text() == "Yrityksen perustaminen"
    assert aino.locator("#user-name").inner_text() == "Aino Virtanen"
    shows_no_ids(aino)

    # the open conversation: who holds it, what was asked and understood, the button the customer pressed
    item.locator(".claim").click()
    aino.locator("#composer-text").wait_for(timeout=20_000)
    meta = aino.locator("#conversation-meta").inner_text()
    assert "Aino Virtanen" in meta and "Yrityksen perustaminen" in meta
    assert "Starttiraha" in aino.locator("#understood-body").inner_text()
    assert "Starttiraha" in aino.locator("#context-list").inner_text()
    assert "Valitsi: Kyllä, ohjaa minut ihmiselle" in aino.locator("#transcript").inner_text()
    assert "Aino Virtanen yhteyspalvelusta liittyi keskusteluun." in aino.locator("#transcript").inner_text()
    assert aino.locator(f'#mine [data-conversation-id="{conversation}"] .mine-queue').inner_text() == "Yrityksen perustaminen"
    shows_no_ids(aino)
    assert axe_violations(aino) == []

    # a transfer to a queue she also serves: it leaves her conversations and waits in that queue, read-only
    aino.select_option("#transfer-target", "topic:general")
    aino.click("#transfer-submit")
    waiting_item(aino, "topic:general", conversation).wait_for(timeout=SOON)
    aino.locator(f'#mine [data-conversation-id="{conversation}"]').wait_for(state="detached", timeout=SOON)
    aino.locator("#conversation-claim").wait_for(timeout=SOON)
    assert "Yleinen neuvonta" in aino.locator("#conversation-meta").inner_text()
    assert "is-error" not in (aino.locator("#notice").get_attribute("class") or "")

    # a transfer away from her desk: gone from every list of hers, the view closed with a note, no error
    waiting_item(aino, "topic:general", conversation).locator(".claim").click()
    aino.locator("#composer-text").wait_for(timeout=20_000)
    aino.select_option("#transfer-target", "region:15")
    aino.fill("#transfer-note", "Asiakas Vaasasta")
    aino.click("#transfer-submit")
    aino.wait_for_function("document.getElementById('notice').textContent.includes('ei ole enää sinulla')",
                           timeout=SOON)
    assert "is-error" not in (aino.locator("#notice").get_attribute("class") or "")
    aino.locator(f'[data-conversation-id="{conversation}"]').first.wait_for(state="detached", timeout=SOON)
    assert aino.locator("#conversation-body").is_hidden()

    # the supervisor's live view: the history by display names and queue names, the agents by display name
    item = waiting_item(sue, "region:15", conversation)
    item.wait_for(timeout=SOON)
    item.locator(".open-conversation").click()
    sue.locator("#history-list li").first.wait_for(timeout=20_000)
    history = sue.locator("#history-list").inner_text()
    assert "Aino Virtanen" in history and "Yleinen neuvonta → Alueellinen neuvonta – Pohjanmaa" in history
    assert "Aino Virtanen siirsi keskustelun jonoon Alueellinen neuvonta – Pohjanmaa" in sue.locator("#transcript").inner_text()
    assert "Aino Virtanen" in sue.locator("#supervisor-agents").inner_text()
    assert sue.locator("#user-name").inner_text() == "Susanna Esimies"
    shows_no_ids(sue)
    for page in (aino, sue):
        page.context.close()


@pytest.mark.console
def test_a_sign_in_while_the_page_still_asks_who_is_signed_in_stays_signed_in(desk, browser):
    """A slow answer to the page's first "who am I" (401: it was sent before the sign-in) must not sign the
    agent out again."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(ANSWERED)
    page = context.new_page()
    held = []
    page.route("**/console/api/me", lambda route: held.append(route))  # held until signed in
    page.goto(f"{desk}/console?lang=fi")
    page.fill("#login-username", "aino.k")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.locator(".queue").first.wait_for(timeout=20_000)
    assert len(held) == 1
    held[0].fulfill(status=401, json={"error": {"code": "login_required", "message": "Kirjaudu sisään."}})
    page.wait_for_function("window.meAnswered === 1")
    assert page.locator("#queues").is_visible() and page.locator("#login-view").is_hidden()
    context.close()
