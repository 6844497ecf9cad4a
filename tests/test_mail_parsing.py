"""Inbound mail as customers' clients really send it: each message of tests/data/mail/ is processed with
only its new text (history, signatures, disclaimers gone; identity codes masked), ignored (auto-replies,
bounces, lists, our own mail) or refused (too large, not a mail, no sender), with a stable reason; the
CLI gives the receiver's answer for one file."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant.content import ContentProvider
from channels.mail.html_text import html_to_text
from channels.mail.inbound import InboundMail, parse, smtp_reply

pytestmark = pytest.mark.email

ROOT = Path(__file__).resolve().parent.parent
MAIL = Path(__file__).resolve().parent / "data" / "mail"
EXPECTED = yaml.safe_load((MAIL / "expected.yml").read_text())
OWN = "neuvo@example.fi"
LIMIT = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def content() -> ContentProvider:
    return ContentProvider()


def read(name: str, content: ContentProvider | None, **overrides) -> InboundMail:
    case = EXPECTED.get(name, {})
    return parse((MAIL / name).read_bytes(), overrides.get("envelope_from", case.get("envelope_from")), OWN,
                 overrides.get("max_bytes", LIMIT), content)


def test_the_corpus_is_large_and_every_message_has_an_expectation():
    files = {p.name for p in MAIL.glob("*.eml")}
    assert len(files) >= 30
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_message(name: str, content: ContentProvider):
    case = EXPECTED[name]
    mail = read(name, content)
    assert (mail.action, mail.reason, mail.language) == (case["action"], case["reason"], case["language"]), mail.text
    for phrase in case.get("contains", []):
        assert phrase in mail.text
    for phrase in case.get("excludes", []):
        assert phrase not in mail.text
    if "attachments" in case:
        assert [a.filename for a in mail.attachments] == case["attachments"]
    for key in ("subject", "reply_token", "masked_count"):
        if key in case:
            assert getattr(mail, key) == case[key]
    if mail.action != "process":
        assert mail.text == "" and mail.attachments == ()


def test_attachments_are_listed_by_name_size_and_type_and_executables_are_flagged(content):
    mail = read("attachment_executable_sv.eml", content)
    exe, html, passwd = mail.attachments
    assert (exe.content_type, exe.size, exe.executable) == ("application/x-msdownload", 257, True)
    assert (html.content_type, html.executable) == ("text/html", False)
    assert passwd.filename == "passwd"  # "../../etc/passwd": no directories
    pdf, = read("attachment_pdf_fi.eml", content).attachments
    assert (pdf.content_type, pdf.size, pdf.executable) == ("application/pdf", 5000, False)


def test_identity_codes_are_masked_in_every_field_and_the_message_id_is_kept_only_as_a_digest(content):
    raw = (MAIL / "identity_code_fi.eml").read_bytes().replace(b"<hetu-1@example.com>", b"<131052-308T@example.com>")
    raw = raw.replace(b"From: Matti <", b"From: Matti 131052-308T <")
    mail = parse(raw, None, OWN, LIMIT, content)
    assert mail.masked_count == 4 and mail.sender_name == "Matti [henkilötunnus]"
    assert "131052-308T" not in json.dumps(mail.__dict__, default=str)
    assert mail.message_id is not None and mail.message_id.startswith("<sha256.")


def test_a_long_digit_run_in_a_message_id_is_kept_for_threading(content):
    """Machine-made ids are full of digits, and a tenth of them pass the card-number check (Luhn)."""
    luhn_valid = "<179614112465.9553.2862143783530394196@example.com>"
    raw = (MAIL / "identity_code_fi.eml").read_bytes().replace(b"<hetu-1@example.com>", luhn_valid.encode())
    assert parse(raw, None, OWN, LIMIT, content).message_id == luhn_valid


def test_a_resend_with_another_message_id_has_the_same_hash_and_a_reused_id_does_not(content):
    first, second, reused = (read(n, None) for n in ("resend_first.eml", "resend_second.eml", "reused_message_id.eml"))
    assert first.message_id != second.message_id and first.content_hash == second.content_hash
    assert first.message_id == reused.message_id and first.content_hash != reused.content_hash
    assert len(first.content_hash) == 64


def test_a_message_over_the_limit_is_refused_with_552_and_logged(caplog):
    template = (MAIL / "attachment_pdf_fi.eml").read_bytes()
    head, _, rest = template.partition(b"--mixed-pdf--")
    huge = head + b"--mixed-pdf\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" \
        + b"JVBERi0xLjQK" * (LIMIT // 12 + 1000) + b"\r\n--mixed-pdf--\r\n"
    assert len(huge) > LIMIT
    with caplog.at_level(logging.INFO, logger="channels.mail.inbound"):
        mail = parse(huge, "minna@example.com", OWN, LIMIT, None)
    assert (mail.action, mail.reason, mail.text) == ("reject", "too_large", "")
    assert mail.sender == "minna@example.com" and mail.message_id == "<att-pdf-1@example.com>"
    assert smtp_reply(mail)[0] == 552
    assert any("too_large" in r.getMessage() and "att-pdf-1" in r.getMessage() for r in caplog.records)
    assert parse(huge, "minna@example.com", OWN, 0, None).action == "process"  # 0 = no limit
    assert smtp_reply(read("attachment_pdf_fi.eml", None)) == (250, "2.0.0 OK")


def test_no_script_style_or_attribute_survives_html():
    html = ("<html><head><style>p{color:red}</style><script>alert(1)</script><title>T-TITLE</title></head>"
            "<body onload=\"alert(2)\"><p class=\"c\" style=\"x:y\" onclick=\"steal()\" data-x=\"DATA\">Hei <b title=\"TIP\">"
            "maailma</b></p><a href=\"javascript:alert(3)\" target=\"_blank\">linkki</a><img src=\"x\" onerror=\"alert(4)\" alt=\"ALT\">"
            "<iframe srcdoc=\"<p>FRAME</p>\"></iframe><svg onload=\"alert(5)\"><text>SVG</text></svg>"
            "<div>toinen rivi</div><p>uusi kappale</p></body></html>")
    text = html_to_text(html)
    assert text == "Hei maailma\n\nlinkki\ntoinen rivi\n\nuusi kappale"
    for leaked in ("alert", "color", "T-TITLE", "steal", "DATA", "TIP", "javascript", "ALT", "FRAME", "SVG", "<", "=", "\""):
        assert leaked not in text


def test_html_quote_blocks_are_history():
    gmail = '<div>Uusi</div><div class="gmail_quote">ma 3.3.2025 kirjoitti:<blockquote>VANHA</blockquote></div>'
    outlook = '<div>Uusi</div><hr><div id="divRplyFwdMsg"><b>Lähettäjä:</b> x</div><div>VANHA</div>'
    apple = '<div>Uusi</div><blockquote type="cite"><div>VANHA</div></blockquote><div>Loppu</div>'
    assert html_to_text(gmail) == html_to_text(outlook) == "Uusi"
    assert html_to_text(apple) == "Uusi\nLoppu"


def test_garbage_of_every_kind_is_answered_never_raised():
    for raw in (b"", b"\x00" * 100, b"From: x\r\n", b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n",
                b"From: a@b.fi\r\nContent-Type: text/plain; charset=zlib_codec\r\n\r\nx\xff\xfe",
                b"From: a@b.fi\r\nSubject: =?utf-8?b?!!!?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + b"--b\r\n" * 2000):
        assert parse(raw, None, OWN, LIMIT, None).action in ("process", "ignore", "reject")


def _cli(name: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "channels.server", "email", "parse", str(MAIL / name), "--json", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_cli_prints_what_the_receiver_would_do():
    runs = {name: _cli(name, *extra) for name, extra in (("outlook_reply_fi.eml", ()), ("identity_code_fi.eml", ()),
                                                          ("empty_envelope_sender.eml", ("--envelope-from", "")))}
    out = {}
    for name, run in runs.items():
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr
        out[name] = json.loads(stdout)
    assert {"action", "reason", "language", "text", "from", "subject"} <= set(out["outlook_reply_fi.eml"])
    outlook = out["outlook_reply_fi.eml"]
    assert (outlook["action"], outlook["reason"], outlook["language"]) == ("process", None, "fi")
    assert (outlook["from"], outlook["subject"]) == ("pekka.korhonen@example.com", "VS: Palkkatuki")
    assert "ensimmäisen työntekijämme" in outlook["text"] and "Lähettäjä" not in outlook["text"]
    hetu = out["identity_code_fi.eml"]
    assert "[henkilötunnus]" in hetu["text"] and "131052-308T" not in json.dumps(hetu)
    bounce = out["empty_envelope_sender.eml"]
    assert (bounce["action"], bounce["reason"], bounce["language"], bounce["text"]) == ("ignore", "bounce", None, "")
