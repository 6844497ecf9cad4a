"""A catalogue answer in the widget on a 360 px wide phone: its title and short answer are what the customer
sees first, every other part is a native disclosure the keyboard opens, and axe-core finds nothing serious.
The app runs with the engine down (answers from the catalogue search), as in tests/test_widget_browser.py."""
from __future__ import annotations

import pytest

from knowledge.catalogue import default
from test_widget_browser import SCREENS, ask, axe_violations, browser, open_chat, site  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.webchat, pytest.mark.answers]

ENTRY = default().get("start_up_grant")
CASES = {
    "fi": {"question": "Miten haen starttirahaa?", "follow_up": "Kuka voi saada?", "reviewed": "Tiedot tarkistettu"},
    "sv": {"question": "Hur ansöker jag om startpeng?", "follow_up": "Vem kan få?", "reviewed": "Uppgifterna granskade"},
}
# Where the n-th answer's title is, measured against the log's visible area and its scroll range.
TITLE_PLACE = """n => {
  const log = document.querySelector('[role=log]');
  const title = document.querySelectorAll('[role=log] .neuvo-answer-title')[n];
  const box = log.getBoundingClientRect(), t = title.getBoundingClientRect();
  return {visible: t.top >= box.top && t.bottom <= box.bottom,
          hiddenAtBottom: t.top - box.top + log.scrollTop < log.scrollHeight - log.clientHeight,
          scrolls: log.scrollHeight > log.clientHeight};
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def answers_shown(page, n: int) -> None:
    """Wait for the n-th answer and the end of its turn (the limited mode's offer follows it)."""
    page.wait_for_function("n => document.querySelectorAll('[role=log] .neuvo-answer').length >= n"
                           " && document.querySelector('.neuvo-typing').hidden"
                           " && document.querySelectorAll('.neuvo-quick-replies button').length > 0", arg=n,
                           timeout=20_000)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_long_answer_shows_its_title_and_short_answer_first(site, phone, lang):
    case, text = CASES[lang], ENTRY.text(lang)
    box = open_chat(phone, f"{site}/?lang={lang}")
    ask(phone, box, case["question"])
    answers_shown(phone, 1)
    answer = phone.locator("[role=log] .neuvo-answer").first
    assert answer.locator("h3.neuvo-answer-title").inner_text() == text.title  # the service, as a heading
    assert answer.locator(".neuvo-answer-short").inner_text() == text.how_to_apply  # what was asked, first
    assert phone.evaluate(TITLE_PLACE, 0)["visible"]
    labels = answer.locator("details > summary").all_inner_texts()
    assert len(labels) == 4 and answer.locator("details[open]").count() == 0  # the rest folded
    assert answer.locator(".neuvo-answer-source a").get_attribute("href") == text.source_url
    assert case["reviewed"] in answer.locator(".neuvo-answer-reviewed").inner_text()
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / f"answer-{lang}.png"))

    # the follow-up asks who can get it: a second long answer, its title in view although the log scrolls
    phone.locator(".neuvo-quick-replies button", has_text=case["follow_up"]).click()
    answers_shown(phone, 2)
    second = phone.locator("[role=log] .neuvo-answer").nth(1)
    assert second.locator(".neuvo-answer-short").inner_text() == text.audience
    assert second.locator("details[open] > summary").all_inner_texts() == [labels[2]]  # the conditions, open
    place = phone.evaluate(TITLE_PLACE, 1)
    assert place["scrolls"] and place["hiddenAtBottom"]  # scrolled to the end, the title would be out of sight
    assert place["visible"]
    assert axe_violations(phone) == []


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_sections_open_with_the_keyboard(site, phone, lang):
    text = ENTRY.text(lang)
    box = open_chat(phone, f"{site}/?lang={lang}")
    ask(phone, box, CASES[lang]["question"])
    answers_shown(phone, 1)
    phone.locator("[role=log]").focus()
    phone.keyboard.press("Tab")  # past the greeting's privacy link: the first section's summary
    if phone.evaluate("document.activeElement.matches('.neuvo-privacy a')"):
        phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    first = phone.locator("[role=log] details").first
    assert not first.evaluate("d => d.open") and not first.locator("p").is_visible()
    phone.keyboard.press("Enter")
    assert first.evaluate("d => d.open") and first.locator("p").inner_text() == " ".join(text.summary.split())
    phone.keyboard.press("Tab")
    phone.keyboard.press(" ")
    second = phone.locator("[role=log] details").nth(1)
    assert second.evaluate("d => d.open") and second.locator("p").inner_text() == text.audience
    focused = phone.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                             " return r.width > 0 && r.height >= 24; })()")
    assert focused  # a visible target, big enough to hit
    assert axe_violations(phone) == []
