"""`assistant email parse FILE.eml [--json]`: what the receiver would do with one message, by the same
code path (`channels.mail.inbound.parse`), so a real message can be checked by hand."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path


def cmd_parse(args, settings, wiring) -> int:
    from assistant.content import ContentProvider
    from channels.mail.inbound import parse
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {args.file}", file=sys.stderr)
        return 2
    mail = parse(raw, args.envelope_from, settings.email_address, settings.max_mail_bytes, ContentProvider())
    shown = {"action": mail.action, "reason": mail.reason, "language": mail.language, "text": mail.text,
             "from": mail.sender, "subject": mail.subject, "sender_name": mail.sender_name,
             "message_id": mail.message_id, "in_reply_to": mail.in_reply_to, "reply_token": mail.reply_token,
             "attachments": [asdict(a) for a in mail.attachments], "masked_count": mail.masked_count,
             "content_hash": mail.content_hash}
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        for key, value in shown.items():
            if key != "text":
                print(f"{key}: {value}")
        print(f"text:\n{mail.text}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("email", help="the email channel").add_subparsers(dest="email", required=True)
    p = e.add_parser("parse", help="read one message (.eml) as the receiver would: process, ignore or reject")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--envelope-from", default=None, help='SMTP MAIL FROM ("" for the null sender of a bounce)')
    p.set_defaults(func=cmd_parse)
