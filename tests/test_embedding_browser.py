"""The widget on a municipality's website: a host page served from a second local origin, under a strict
Content-Security-Policy of the kind the README recommends, in a real Chromium (Debian's, Playwright).
The first impression (greeting, example questions, privacy notice), the visible message limit, and a site
that is not on the allow-list (one clear console message, no widget, no reconnect loop)."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.db import session_factory
from assistant.runtime import free_port
from channels.sites import Sites
from assistant.settings import Settings
from tests.appserver import app_process
from tests.test_widget_browser import CHROMIUM, SCREENS, axe_violations, browser, wait_for_in_log  # noqa: F401

pytestmark = [pytest.mark.embedding, pytest.mark.webchat]

HOST_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kunnan yrityspalvelut</title></head>
<body><main><h1>{heading}</h1><p>{intro}</p></main>
<script src="{app}/widget.js" data-lang="{lang}"></script></body></html>"""
PAGES = {"fi": ("Kunnan yrityspalvelut", "Kysy yrityksen perustamisesta chatissa."),
         "sv": ("Kommunens företagstjänster", "Fråga om att starta företag i chatten.")}


def csp(app: str) -> str:
    """The host page's policy as the README documents it: the widget's origin, nothing inline."""
    ws = app.replace("http", "ws", 1)
    return (f"default-src 'self'; script-src 'self' {app}; style-src 'self' {app}; connect-src 'self' {app} {ws}; "
            f"img-src 'self' {app}; base-uri 'none'; form-action 'self'")


def host_site(app: str) -> tuple[ThreadingHTTPServer, str]:
    """A municipality's web server on its own origin: /fi and /sv pages that embed the widget."""
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            lang = "sv" if self.path.startswith("/sv") else "fi"
            body = HOST_PAGE.format(lang=lang, app=app, heading=PAGES[lang][0], intro=PAGES[lang][1]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", csp(app))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://localhost:{server.server_port}"  # another host name and port: another origin


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser`")
    db = f"sqlite:///{tmp_path_factory.mktemp('embedding') / 'neuvo.db'}"
    with app_process(db) as running:
        yield running.url, Sites(Settings(database_url=db, port=running.port), session_factory(db))


@pytest.fixture(scope="module")
def municipality(app):
    url, sites = app
    server, origin = host_site(url)
    sites.allow(origin, note="the municipality of the test")  # as `assistant sites allow` does; live at once
    yield origin
    server.shutdown()


@pytest.fixture(scope="module")
def unlisted(app):
    server, origin = host_site(app[0])
    yield origin.replace("localhost", "127.0.0.1")  # the same server under a name nobody allowed
    server.shutdown()


def watched(browser, url: str | None, width: int = 1000, bypass_csp: bool = False):
    """A page that records console messages, websockets and CSP violations from its first script on
    (`url` None: not opened yet)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=bypass_csp)
    page = context.new_page()
    page.console_messages, page.sockets = [], []
    page.on("console", lambda m: page.console_messages.append((m.type, m.text)))
    page.on("websocket", lambda ws: page.sockets.append(ws.url))
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    if url is not None:
        page.goto(url)
    return page


EXAMPLES = {"fi": ["Miten ilmoittaudun työnhakijaksi?", "Miten haen starttirahaa?",
                   "Millaista tukea saan työntekijän palkkaamiseen?"],
            "sv": ["Hur anmäler jag mig som arbetssökande?", "Hur ansöker jag om startpeng?",
                   "Vilket stöd kan jag få för att anställa en arbetstagare?"]}
FIRST_IMPRESSION = {  # greeting, the catalogue as the source, the privacy notice, the launcher (not English)
    "fi": ("Olen Neuvo", "julkiseen palveluluetteloon", "Älä lähetä henkilötunnustasi", "Kysy chatissa"),
    "sv": ("Jag är Neuvo", "offentliga servicekatalogen", "Skicka inte din personbeteckning", "Chatta med oss"),
}
ANSWER = {"fi": "Starttiraha", "sv": "Startpeng"}


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_municipality_page_embeds_the_chat_and_gets_answers(app, municipality, browser, lang):
    page = watched(browser, f"{municipality}/{lang}")
    greeting, source, privacy, launcher = FIRST_IMPRESSION[lang]
    page.locator(".neuvo-launcher", has_text=launcher).click()  # strings fetched across origins (CORS)
    log = page.locator("[role=log]")
    log.get_by_text(greeting).wait_for(timeout=20_000)
    assert source in log.inner_text() and privacy in log.inner_text()
    link = page.locator(".neuvo-privacy a")
    assert link.get_attribute("href") == f"{app[0]}/privacy?lang={lang}"
    examples = page.locator(".neuvo-quick-replies[aria-label] .neuvo-quick-reply")
    assert examples.all_inner_texts() == EXAMPLES[lang]
    examples.nth(1).click()  # "how do I apply for a start-up grant?" as the customer's first question
    wait_for_in_log(page, ANSWER[lang])
    assert page.locator(".neuvo-msg-customer", has_text=EXAMPLES[lang][1]).count() == 1
    assert page.locator(".neuvo-quick-replies[aria-label]").count() == 0  # examples only before the first question
    assert page.evaluate("window.__csp") == []  # the documented policy is enough
    assert [text for kind, text in page.console_messages if kind == "error"] == []
    assert page.sockets and all(s.startswith(app[0].replace("http", "ws")) for s in page.sockets)
    page.context.close()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_first_impression_is_accessible_in_a_narrow_panel(app, municipality, browser, lang):
    page = watched(browser, f"{municipality}/{lang}", width=360, bypass_csp=True)  # axe is injected
    page.locator(".neuvo-launcher").click()
    page.locator(".neuvo-intro").get_by_text(FIRST_IMPRESSION[lang][0]).wait_for(timeout=20_000)
    page.locator(".neuvo-quick-reply").first.wait_for()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"widget-embedded-{lang}.png"))
    assert axe_violations(page) == []
    page.context.close()


def test_a_site_not_on_the_list_gets_one_clear_message_and_no_widget(app, unlisted, browser):
    page = watched(browser, None)
    with page.expect_console_message(lambda m: "not allowed to embed" in m.text, timeout=20_000):
        page.goto(f"{unlisted}/fi")
    refusals = [text for kind, text in page.console_messages if "not allowed to embed" in text]
    assert len(refusals) == 1 and unlisted in refusals[0] and "assistant sites allow" in refusals[0]
    assert page.locator(".neuvo-root").count() == 0  # no launcher that would lead to a dead chat
    assert page.sockets == []  # and no websocket: nothing to reconnect
    page.context.close()


def test_the_message_limit_is_shown_and_never_cuts_the_text(app, municipality, browser):
    page = watched(browser, f"{municipality}/fi", width=360)
    page.locator(".neuvo-launcher").click()
    box = page.locator(".neuvo-input")
    box.fill("a" * 2001)  # one over the server's limit, as a paste would bring it
    notice = page.locator(".neuvo-limit")
    notice.wait_for()
    assert "1 merkkiä liian pitkä" in notice.inner_text() and "2000" in notice.inner_text()
    assert "2001/2000" in page.locator(".neuvo-counter").inner_text()
    assert box.get_attribute("aria-invalid") == "true"
    box.press("Enter")
    assert box.input_value() == "a" * 2001  # kept for the customer to shorten, never cut
    assert page.locator(".neuvo-msg-customer").count() == 0
    box.press("End")
    box.press("Backspace")
    notice.wait_for(state="hidden")
    assert "2000/2000" in page.locator(".neuvo-counter").inner_text()
    box.press("Enter")
    page.locator(".neuvo-msg-customer").wait_for()
    page.locator(".neuvo-msg-customer:not(.neuvo-msg-pending)").wait_for(timeout=20_000)  # the server took it whole
    assert box.input_value() == ""
    page.context.close()


def test_thanks_in_a_swedish_chat_is_answered_in_swedish(app, municipality, browser):
    """Short words never flip the language: "tack" (and "ok") in a Swedish chat keep it Swedish."""
    page = watched(browser, f"{municipality}/sv", width=360)
    page.locator(".neuvo-launcher").click()
    box = page.locator(".neuvo-input")
    box.fill("Hur ansöker jag om startpeng?")
    box.press("Enter")
    wait_for_in_log(page, ANSWER["sv"])
    box.fill("tack")
    box.press("Enter")
    wait_for_in_log(page, "Varsågod")
    box.fill("ok 👍")
    box.press("Enter")
    page.locator(".neuvo-msg-customer:not(.neuvo-msg-pending)", has_text="ok 👍").wait_for(timeout=20_000)
    page.locator(".neuvo-msg-bot").last.wait_for()
    assert "Kiitos" not in page.locator("[role=log]").inner_text()
    page.context.close()
