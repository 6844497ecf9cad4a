"""The contact centre's commands: `assistant user add` (accounts are made here, not in the console)."""
from __future__ import annotations

import argparse
import getpass
import sys

from handoff.agents import ROLES, AccountError, create_user

PASSWORD_VARIABLE = "NEUVO_PASSWORD"


def cmd_user_add(args, settings, wiring) -> int:
    """The password is asked, never echoed (or taken from NEUVO_PASSWORD, for scripts)."""
    import os

    from assistant.db import session_factory
    password = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass(f"password for {args.username}: ")
    wiring.migrate(settings.database_url)
    try:
        user = create_user(session_factory(settings.database_url), args.username, password, args.name or "",
                           args.role, [lang.strip() for lang in args.languages.split(",") if lang.strip()],
                           region=args.region, max_chats=args.max_chats,
                           topics=[t.strip() for t in args.topics.split(",")] if args.topics else None,
                           ui_language=args.ui_language)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"created {user.role} {user.username} (languages {', '.join(user.languages)}"
          f"{', region ' + user.region if user.region else ''})")
    if not args.name:
        print("no --name: customers and colleagues see this account as 'Expert' (Asiantuntija, Sakkunnig)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser("user", help="contact-centre accounts").add_subparsers(dest="user", required=True)
    s = u.add_parser("add", help=f"create an account (password from {PASSWORD_VARIABLE} or asked)")
    s.add_argument("username")
    s.add_argument("--name", help="the display name customers and colleagues see, e.g. 'Anna' (never the username)")
    s.add_argument("--role", required=True, choices=ROLES)
    s.add_argument("--languages", default="fi", help="comma-separated: fi,sv,en")
    s.add_argument("--region", help="region code of a regional advisor, e.g. 15")
    s.add_argument("--topics", help="national topics an agent serves (default: all)")
    s.add_argument("--max-chats", type=int, default=3)
    s.add_argument("--ui-language", default="fi", choices=("fi", "sv", "en"))
    s.set_defaults(func=cmd_user_add)
