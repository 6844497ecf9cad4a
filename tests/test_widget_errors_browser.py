"""The widget and a message the server refuses as invalid, in a real Chromium: the error is shown once, the
message is never sent again (not after a reconnect either), and the chat goes on."""
from __future__ import annotations

import pytest

from test_widget_browser import ask, browser, open_chat, page, site, wait_for_in_log  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.webchat, pytest.mark.input]

# Every frame the page sends, and every text the status line shows, recorded from the page's first script on.
RECORDER = """
window.__sent = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) { window.__sent.push(String(data)); return send.call(this, data); };
window.__shown = [];
new MutationObserver(() => {
  const status = document.querySelector('.neuvo-status');
  if (status && status.textContent) window.__shown.push(status.textContent);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
REFUSED = "Tekstissä on merkkejä, joita ei voi tallentaa"


def sent_messages(page, text: str) -> list[dict]:
    return page.evaluate("(text) => window.__sent.map(s => JSON.parse(s))"
                         ".filter(f => f.type === 'message' && f.text.includes(text))", text)


def test_a_refused_message_is_shown_once_and_never_resent(site, page):
    page.add_init_script(RECORDER)
    box = open_chat(page, f"{site}/?lang=fi")
    ask(page, box, "Mikä on työkokeilu?")
    wait_for_in_log(page, "Tiedot tarkistettu")
    # a lone surrogate, as a broken paste leaves it: the browser sends it as the JSON escape \\ud800
    box.evaluate("(el) => { el.value = 'Rikki \\ud800 teksti'; }")
    box.press("Enter")
    page.wait_for_function(f"() => window.__shown.some(s => s.startsWith('{REFUSED}'))", timeout=20_000)
    page.wait_for_function("() => window.NeuvoWidget._state.pending.length === 0"
                           " && !document.querySelector('[role=log] .neuvo-msg-pending')")
    assert "Rikki" not in page.locator("[role=log]").inner_text()  # the refused message left the log
    # the connection drops and comes back: the refused message stays refused, nothing is resent
    page.evaluate("() => window.NeuvoWidget._socket.close()")
    page.wait_for_function("() => window.__sent.filter(s => JSON.parse(s).type === 'resume').length === 1"
                           " && window.NeuvoWidget._socket && window.NeuvoWidget._socket.readyState === 1")
    ask(page, box, "Mitä on palkkatuki?")  # and the chat goes on
    page.wait_for_function("document.querySelector('[role=log]').innerText.split('Tiedot tarkistettu').length === 3",
                           timeout=20_000)
    assert len(sent_messages(page, "Rikki")) == 1
    assert len([s for s in page.evaluate("window.__shown") if s.startswith(REFUSED)]) == 1
