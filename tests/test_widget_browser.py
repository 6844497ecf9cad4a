"""The widget in a real headless Chromium (Debian's), driven by Playwright, scanned with axe-core."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from channels.server import migrate
from assistant.engine import wait_until_up
from assistant.runtime import free_port, stop

pytestmark = pytest.mark.webchat

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = Path(__file__).resolve().parent.parent / "docs" / "screens"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The product's app with the engine down: the widget, the demo page and catalogue answers."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser`")
    db = f"sqlite:///{tmp_path_factory.mktemp('widget') / 'neuvo.db'}"
    migrate(db)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db, "PORT": str(port), "RASA_PORT": str(free_port()), "NEUVO_SECRET": "t"}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "channels.server:create_app", "--factory",
                                "--port", str(port), "--log-level", "warning"], env=env, start_new_session=True)
    wait_until_up(f"http://127.0.0.1:{port}/health", process, 60, "the app")
    yield f"http://127.0.0.1:{port}"
    stop(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def open_chat(page, url: str):
    page.goto(url)
    page.locator(".neuvo-launcher").click()
    page.locator(".neuvo-panel textarea, .neuvo-panel input[type=text]").first.wait_for()
    return page.locator(".neuvo-panel textarea, .neuvo-panel input[type=text]").first


def ask(page, box, text: str) -> None:
    box.fill(text)
    box.press("Enter")


def log_text(page) -> str:
    return page.locator("[role=log]").inner_text()


def wait_for_in_log(page, text: str) -> None:
    page.locator("[role=log]").get_by_text(text, exact=False).first.wait_for(timeout=20_000)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang,question,answer", [
    ("fi", "Miten haen starttirahaa yrityksen perustamiseen?", "Tiedot tarkistettu"),
    ("sv", "Hur ansöker jag om lönesubvention för en ny anställd?", "Uppgifterna granskade"),
])
def test_a_question_gets_the_catalogue_answer_and_the_page_is_accessible(site, page, lang, question, answer):
    box = open_chat(page, f"{site}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    ask(page, box, question)
    wait_for_in_log(page, answer)  # the review date line ends every catalogue answer
    assert page.locator("[role=log] a[href^='https://']").count() >= 1  # the service's link, as a link
    assert page.locator("[role=log]").get_attribute("aria-live") in ("polite", "assertive")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"widget-{lang}.png"))
    assert axe_violations(page) == []


def test_quick_reply_and_reload_keep_the_conversation(site, page):
    box = open_chat(page, f"{site}/?lang=fi")
    ask(page, box, "Mikä on työkokeilu?")
    wait_for_in_log(page, "Tiedot tarkistettu")
    no_thanks = page.locator(".neuvo-quick-replies button", has_text="Ei kiitos")
    no_thanks.wait_for(timeout=20_000)
    no_thanks.click()
    wait_for_in_log(page, "Mitä haluaisit tietää?")
    before = log_text(page)
    page.reload()
    if not page.locator("[role=log]").is_visible():
        page.locator(".neuvo-launcher").click()
    wait_for_in_log(page, "Mitä haluaisit tietää?")
    after = log_text(page)
    assert after.count("Tiedot tarkistettu") == before.count("Tiedot tarkistettu") == 1
    assert after.count("Mitä haluaisit tietää?") == 1


def test_injected_markup_is_shown_as_text(site, page):
    box = open_chat(page, f"{site}/?lang=fi")
    payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    ask(page, box, payload)
    wait_for_in_log(page, "<img src=x")
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".neuvo-panel img").count() == 0


def test_keyboard_only_flow(site, page):
    page.goto(f"{site}/?lang=sv")
    launcher = page.locator(".neuvo-launcher")
    for _ in range(10):  # Tab until the launcher has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('neuvo-launcher')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('neuvo-launcher')")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && ['TEXTAREA','INPUT'].includes(document.activeElement.tagName)")
    page.keyboard.type("Var hittar jag lediga jobb?")
    page.keyboard.press("Enter")
    wait_for_in_log(page, "Jobbmarknad")
    page.keyboard.press("Escape")
    page.wait_for_function("document.activeElement.classList.contains('neuvo-launcher')")
    assert launcher.is_visible()


def test_messages_sent_while_offline_arrive_once(site, page):
    box = open_chat(page, f"{site}/?lang=fi")
    ask(page, box, "Mikä on työkokeilu?")
    wait_for_in_log(page, "Työkokeilu")
    page.context.set_offline(True)
    page.evaluate("() => window.NeuvoWidget && window.NeuvoWidget._socket && window.NeuvoWidget._socket.close()")
    ask(page, box, "Mitä on palkkatuki?")
    page.wait_for_function("() => window.NeuvoWidget._state.pending.some(p => p.text === 'Mitä on palkkatuki?')"
                           " && document.querySelector('[role=log] .neuvo-msg-pending')"  # held, unsent, while offline
                           " && !(window.NeuvoWidget._socket && window.NeuvoWidget._socket.readyState === 1)")
    page.context.set_offline(False)
    page.wait_for_function("document.querySelector('[role=log]').innerText.split('Tiedot tarkistettu').length === 3",
                           timeout=30_000)
    # the resent message is acknowledged and its turn is over (the typing indicator goes off after its last frame)
    page.wait_for_function("() => window.NeuvoWidget._state.pending.length === 0"
                           " && !document.querySelector('[role=log] .neuvo-msg-pending')"
                           " && document.querySelector('.neuvo-typing').hidden", timeout=20_000)
    text = log_text(page)
    assert text.count("Mitä on palkkatuki?") == 1
    assert text.count("Palkkatuki\n") <= 1
    token = page.evaluate("() => window.NeuvoWidget._state.token")
    stored = httpx.get(f"{site}/api/v1/conversations/{token.split('.')[0]}",
                       headers={"Authorization": f"Bearer {token}"}).json()["messages"]
    assert [m["text"] for m in stored if m["from"] == "customer"].count("Mitä on palkkatuki?") == 1  # stored once


@pytest.mark.parametrize("width,height", [(320, 640), (640, 400)], ids=["320px", "1280x800 at 200% zoom"])
def test_narrow_screen_and_zoom_keep_the_panel_usable(site, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2)
    page = context.new_page()
    box = open_chat(page, f"{site}/?lang=fi")
    panel = page.evaluate("(() => { const r = document.querySelector('.neuvo-panel').getBoundingClientRect();"
                          " return [r.left, r.right, r.top, r.bottom]; })()")
    assert panel[0] >= 0 and panel[1] <= width and panel[2] >= 0 and panel[3] <= height
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ask(page, box, "Mikä on työkokeilu?")
    wait_for_in_log(page, "Tiedot tarkistettu")
    assert box.is_visible() and page.locator(".neuvo-send").first.is_visible()
    context.close()


@pytest.mark.parametrize("motion,animated", [("reduce", False), ("no-preference", True)])
def test_reduced_motion_is_respected(site, browser, motion, animated):
    context = browser.new_context(reduced_motion=motion)
    page = context.new_page()
    open_chat(page, f"{site}/?lang=fi")
    names = page.evaluate("[...document.querySelectorAll('.neuvo-root *')]"
                          ".map(e => getComputedStyle(e).animationName).filter(n => n !== 'none')")
    transitions = page.evaluate("[...document.querySelectorAll('.neuvo-root *')]"
                                ".map(e => getComputedStyle(e).transitionDuration).filter(d => d !== '0s')")
    assert bool(names) == animated and (transitions == [] if not animated else True)
    context.close()


@pytest.mark.handoff
def test_no_one_to_chat_with_leaves_a_message_through_the_form(site, page):
    """Nobody is logged in to the console: asking for a person offers a message, answered by email."""
    open_chat(page, f"{site}/?lang=fi")
    page.locator(".neuvo-human").click()
    page.locator("[role=log] [data-event=no_agents]").wait_for(timeout=20_000)
    page.locator(".neuvo-quick-replies button", has_text="Jätä viesti").click()
    email = page.locator(".neuvo-contact input[type=email]")
    email.wait_for()
    assert page.evaluate("() => document.activeElement.type") == "email"  # focus moved into the form
    email.fill("maija@")
    page.locator(".neuvo-contact textarea").fill("Haluaisin neuvoa starttirahasta, hetuni on 131052-308T.")
    page.locator(".neuvo-contact button[type=submit]").click()
    error = page.locator(".neuvo-contact .neuvo-field-error").first
    assert error.inner_text().strip() and email.get_attribute("aria-describedby")
    email.fill("maija@example.fi")
    page.locator(".neuvo-contact button[type=submit]").click()
    page.locator("[role=log] [data-event=message_left]").wait_for(timeout=20_000)
    assert page.locator(".neuvo-contact").is_hidden()
    assert "maija@example.fi" in log_text(page)
    assert "131052-308T" not in log_text(page)  # the stored copy was masked before it came back
    assert axe_violations(page) == []
    page.reload()
    if not page.locator("[role=log]").is_visible():
        page.locator(".neuvo-launcher").click()
    page.locator("[role=log] [data-event=message_left]").wait_for(timeout=20_000)
    assert page.locator("[role=log] [data-event=message_left]").count() == 1
