"""HTML mail to plain text: sanitised by nh3 (the Ammonia sanitiser) first, then read as text.

No script, style, form, frame or attribute survives: nh3 drops them (and the content of script, style and
the like), keeping only structural tags. The few attributes it is allowed to keep (class, id, type on div
and blockquote) only tell where quoted history is — Gmail's `gmail_quote`, Outlook's `divRplyFwdMsg`,
Apple Mail's `blockquote type=cite`, Thunderbird's `moz-cite-prefix` — and are never written to the text.
Paragraph and line breaks are kept, so the reply rules (`channels.mail.reply`) can read lines.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

TAGS = {"a", "abbr", "address", "article", "b", "blockquote", "br", "caption", "center", "cite", "code", "dd", "div",
        "dl", "dt", "em", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "li", "main", "ol",
        "p", "pre", "q", "s", "section", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "tt", "u", "ul"}
ATTRIBUTES = {"div": {"class", "id"}, "blockquote": {"class", "type"}}
DROPPED_WITH_CONTENT = {"script", "style", "title", "noscript", "template", "textarea", "select", "iframe", "object",
                        "svg", "math"}
PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "dl", "pre", "address"}
LINE = {"div", "tr", "li", "dt", "dd", "hr", "section", "article", "header", "footer", "main", "center", "caption"}
QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "gmail_signature", "moz-signature")
REST_IS_HISTORY = ("divrplyfwdmsg", "appendonsend", "x_divrplyfwdmsg")  # Outlook: everything after is quoted
VOID = {"br", "hr"}


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, clean_content_tags=DROPPED_WITH_CONTENT,
                     strip_comments=True, link_rel=None)


def html_to_text(html: str) -> str:
    reader = _Reader()
    reader.feed(sanitise(html))
    reader.close()
    return reader.text()


class _Reader(HTMLParser):
    """Writes the text of sanitised HTML, skipping quoted history; paragraphs become blank lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.depth = 0
        self.skip_from: int | None = None  # depth of the quoted element being skipped
        self.stopped = False               # Outlook's reply header: nothing after it is new
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            if not self._skipping():
                self._newline() if tag == "hr" else self.out.append("\n")
            return
        self.depth += 1
        if self._skipping():
            return
        values = {k: (v or "").lower() for k, v in attrs}
        if values.get("id", "") in REST_IS_HISTORY:
            self.stopped = True
            return
        if (tag == "blockquote" and values.get("type") == "cite") or any(c in values.get("class", "") for c in QUOTE_CLASSES):
            self.skip_from = self.depth
            return
        self.pre += tag == "pre"
        self._paragraph() if tag in PARAGRAPH else self._newline() if tag in LINE else None

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.skip_from is not None and self.depth == self.skip_from:
            self.skip_from = None
            self._newline()
        elif not self._skipping():
            self.pre -= tag == "pre" and self.pre > 0
            self._paragraph() if tag in PARAGRAPH else self._newline() if tag in LINE else None
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))

    def _skipping(self) -> bool:
        return self.stopped or self.skip_from is not None

    def _tail(self) -> str:
        return "".join(self.out[-4:]).rstrip(" ")

    def _newline(self) -> None:
        if self.out and not self._tail().endswith("\n"):
            self.out.append("\n")

    def _paragraph(self) -> None:
        if not self.out:
            return
        tail = self._tail()
        self.out.append("" if tail.endswith("\n\n") else "\n" if tail.endswith("\n") else "\n\n")

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
