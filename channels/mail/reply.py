"""The new text of a mail: what the customer wrote this time, without the quoted history, the signature,
the phone's "sent from" line or the company's disclaimer.

Line rules, in the three languages the service speaks and the clients customers use: the earliest line
that starts history or trailing boilerplate cuts the text there; quoted lines (`>`) left above it are
dropped (inline answers between them are kept); a closing ("Ystävällisin terveisin") followed only by a
few short lines (the signature block) goes too. A forward keeps the sender's own note; a bare forward
is itself the question. `docs/email.md` measures these rules against the maintained reply parsers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FROM_KEYS = r"from|lähettäjä|från"
OTHER_KEYS = (r"sent|date|to|cc|subject|lähetetty|päivämäärä|päiväys|vastaanottaja|kopio|aihe|"
              r"skickat|datum|till|kopia|ämne")
_MARKUP = r"[\s>*]*"  # quote marks and Outlook's bold stars before a header name
HEADER_FROM = re.compile(rf"^{_MARKUP}(?:{FROM_KEYS})\s*\**\s*:\s*\S", re.I)
HEADER_OTHER = re.compile(rf"^{_MARKUP}(?:{OTHER_KEYS})\s*\**\s*:", re.I)
# "On Mon, 3 Mar 2025 at 10:12, Neuvo <…> wrote:", "ma 3.3.2025 klo 10.12 Neuvo <…> kirjoitti:",
# "Neuvo <…> kirjoitti 3.3.2025 kello 10.12:", "Den mån 3 mars 2025 kl 10:12 skrev Neuvo <…>:"
ATTRIBUTION = re.compile(r"\b(?:wrote|kirjoitti|skrev)\b[^\n]{0,200}:\s*$", re.I)
ORIGINAL = re.compile(r"^[>\s]*-{2,}\s*(?:original message|alkuperäinen viesti|ursprungligt meddelande|"
                      r"ursprungl\. meddelande)\s*-{2,}\s*$", re.I)
FORWARD = re.compile(r"^[>\s]*(?:-{2,}\s*(?:forwarded message|välitetty viesti|edelleenlähetetty viesti|"
                     r"vidarebefordrat meddelande|vidarebefordrat brev)\s*-{2,}|"
                     r"(?:begin forwarded message|välitetty viesti alkaa|edelleenlähetetty viesti alkaa|"
                     r"vidarebefordrat brev|början på vidarebefordrat brev|vidarebefordrat mejl)\s*:)\s*$", re.I)
SEPARATOR = re.compile(r"^[>\s]*_{10,}\s*$")
SIGNATURE = re.compile(r"^--\s*$")
SENT_FROM = re.compile(r"^(?:sent from (?:my |mail for |outlook for )|get outlook for |"
                       r"lähetetty (?:iphonesta|ipadista|android|mobiili|puhelimesta|windowsin|outlook|samsung|"
                       r"älypuhelimesta)|lähetetty .{1,40}(?:puhelimesta|laitteesta)$|hanki outlook |"
                       r"skickat från min |skickades från |skickat från (?:e-post|outlook|mail) |hämta outlook för )",
                       re.I)
DISCLAIMER = re.compile(
    r"^(?:tämä (?:sähkö)?(?:posti)?viesti (?:ja sen liitteet )?(?:voi sisältää|saattaa sisältää|on tarkoitettu|"
    r"sisältää luottamuksellista)|tämä sähköposti (?:voi|saattaa) sisältää|luottamuksellisuusilmoitus|vastuuvapauslauseke|"
    r"detta (?:e-post)?(?:meddelande|mejl|e-postmeddelande) (?:och eventuella bilagor )?(?:kan innehålla|är avsett|"
    r"innehåller konfidentiell)|konfidentialitetsmeddelande|"
    r"this (?:e-?mail|message|communication)(?: and any attachments?)? (?:may contain|is confidential|contains confidential|"
    r"is intended)|confidentiality notice|disclaimer:|the information (?:contained )?in this (?:e-?mail|message))", re.I)
CLOSING = re.compile(r"^(?:ystävällisin terveisin|ystävällisesti|parhain terveisin|terveisin|terveisin,|t\.|"
                     r"med vänliga hälsningar|med vänlig hälsning|vänliga hälsningar|vänligen|hälsningar|bästa hälsningar|"
                     r"mvh|best regards|kind regards|regards|best wishes|best|br|sincerely|yours sincerely|thanks|"
                     r"thank you)[,.!]?$", re.I)
SIGNATURE_LINES = 6   # a closing is a signature when at most this many short lines follow it
SHORT_LINE = 60


@dataclass(frozen=True)
class NewText:
    text: str
    forwarded: bool = False  # a bare forward: the text is the forwarded message's own new text


def new_text(text: str, forward: bool = False) -> NewText:
    """`forward`: the subject says so (Fw:, VL:, VB:), so an Outlook header block starts a forwarded mail."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    cut, kind = _first_cut(lines)
    if kind == "header" and forward:
        kind = "forward"
    mine = _tidy(_without_signature(_unquoted(lines[:cut])))
    if kind == "forward" and not mine:
        return NewText(new_text("\n".join(_skip_header_block(lines[cut + 1:]))).text, forwarded=True)
    return NewText(mine)


def _first_cut(lines: list[str]) -> tuple[int, str | None]:
    for i, line in enumerate(lines):
        bare = line.lstrip("> \t").strip()
        if FORWARD.match(line):
            return i, "forward"
        if ORIGINAL.match(line):
            return i, "history"
        if HEADER_FROM.match(line) and sum(bool(HEADER_OTHER.match(n)) for n in lines[i + 1:i + 6]) >= 2:
            return _back_over_separator(lines, i), "header"
        if _attribution(lines, i):
            return i, "history"
        if (SIGNATURE.match(bare) and not line.startswith(">")) or (SENT_FROM.match(bare) and len(bare) <= SHORT_LINE):
            return i, "signature"
        if DISCLAIMER.match(bare):
            return i, "disclaimer"
    return len(lines), None


def _attribution(lines: list[str], i: int) -> bool:
    """A "… wrote:" line, possibly wrapped over up to three lines, that names a date and either an address
    or stands right before quoted lines (or the end: an HTML quote was already dropped). A customer's own
    "I wrote to you on 3 March:" is none of these."""
    if not lines[i].strip():
        return False
    for n in (1, 2, 3):
        chunk = lines[i:i + n]
        if len(chunk) < n or not chunk[-1].strip():
            return False
        last = chunk[-1].lstrip("> \t")
        if n > 1 and ATTRIBUTION.search(last) and re.search(r"\d", last):
            return False  # the attribution starts on a later line
        joined = " ".join(line.lstrip("> \t") for line in chunk)
        if ATTRIBUTION.search(joined) and len(joined) < 300:
            after = next((line for line in lines[i + n:] if line.strip()), None)
            quoted = lines[i].lstrip().startswith(">") or after is None or after.lstrip().startswith(">")
            return bool(re.search(r"\d", joined)) and ("@" in joined or quoted)
        if last.endswith(":"):
            return False
    return False


def _back_over_separator(lines: list[str], i: int) -> int:
    j = i
    while j > 0 and not lines[j - 1].strip():
        j -= 1
    if j > 0 and (SEPARATOR.match(lines[j - 1]) or ORIGINAL.match(lines[j - 1])):
        return j - 1
    return i


def _unquoted(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.lstrip().startswith(">")]


def _without_signature(lines: list[str]) -> list[str]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for i in filled[1:]:
        after = [lines[j] for j in filled if j > i]
        if CLOSING.match(lines[i].strip()) and len(after) <= SIGNATURE_LINES and all(len(a) <= SHORT_LINE for a in after):
            return lines[:i]
    return lines


def _skip_header_block(lines: list[str]) -> list[str]:
    i = 0
    while i < len(lines) and (not lines[i].strip() or re.match(r"^[\s>*]*[\w-]{2,20}\s*\**\s*:", lines[i])):
        i += 1
    return lines[i:]


def _tidy(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in lines)).strip()
