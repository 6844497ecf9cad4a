"""The whole handoff in real browsers (Debian's chromium, Playwright) against the real stack (Rasa + app):
a customer in the widget asks for a person, an agent in the console claims and answers, transfers to a
regional queue, a regional advisor takes over; the bot is silent throughout and the customer sees every step."""
from __future__ import annotations

import httpx
import pytest

from assistant.db import session_factory
from handoff.agents import create_user
from tests.test_widget_browser import SCREENS, axe_violations, browser, open_chat, wait_for_in_log  # noqa: F401 (fixture)

pytestmark = [pytest.mark.handoff, pytest.mark.e2e]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def staff(stack):
    sessions = session_factory(stack.settings.database_url)
    create_user(sessions, "anna.e2e", PASSWORD, "Anna", "agent", ["fi", "sv"])
    create_user(sessions, "rita.e2e", PASSWORD, "Rita", "regional_advisor", ["fi", "sv"], region="15")
    return stack.settings.app_url


def console(browser, url: str, username: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()  # to inject axe
    page.goto(f"{url}/console?lang=fi")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.locator("#queues").wait_for()
    page.locator(".queue").first.wait_for(timeout=20_000)
    return page


def events_in_widget(page) -> list[str]:
    return page.locator("[role=log] [data-event]").evaluate_all("els => els.map(e => e.dataset.event)")


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
