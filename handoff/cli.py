"""The contact centre's commands: `assistant user add` (accounts are made here, not in the console) and
`assistant knowledge suggestions` (the review list of agents' labels, handoff/labels.py)."""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

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


# -- assistant knowledge suggestions: the review list of agents' labels (handoff/labels.py) -------------------

def _sources(args):
    from handoff.labels import Sources
    return Sources(catalogue_dir=args.catalogue, dialogue_file=args.dialogue)


def _sessions(settings, wiring):
    from assistant.db import session_factory
    wiring.migrate(settings.database_url)
    return session_factory(settings.database_url)


def cmd_suggestions_list(args, settings, wiring) -> int:
    import json

    from handoff.labels import suggestions
    from knowledge.catalogue import CatalogueError
    try:
        found = suggestions(_sessions(settings, wiring), _sources(args), None if args.all else "pending")
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([s.as_dict() for s in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no suggestions" if args.all else "no pending suggestions")
    for s in found:
        agents = f"{s.labels} message(s)" if s.labels != 1 else "1 message"
        print(f"{s.id}\t{s.state}\t{s.language}\t{s.label}\t{s.text}\t({agents}, first by {s.agent})")
        if s.conflict:
            print(f"\tconflict: already an example of {', '.join(s.conflict)}: accept refuses it")
        elif s.known:
            print(f"\talready an example of {s.label}: accept only marks it accepted")
    return 0


def _reviewer(args) -> str:
    return args.by or getpass.getuser()


def cmd_suggestions_accept(args, settings, wiring) -> int:
    from handoff.labels import LabelError, accept
    from knowledge.examples import ExampleError
    try:
        row, path = accept(_sessions(settings, wiring), args.id, _reviewer(args), _sources(args), lang=args.lang)
    except (LabelError, ExampleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"accepted {row.id}: {row.text!r} is an example of {row.label} in {args.lang or row.language} ({path})")
    print("`assistant train` (or the next `make run`) trains on it; a running app's content provider has it "
          "on its next reload")
    return 0


def cmd_suggestions_reject(args, settings, wiring) -> int:
    from handoff.labels import LabelError, reject
    try:
        row = reject(_sessions(settings, wiring), args.id, _reviewer(args))
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"rejected {row.id}: {row.text!r} as {row.label}")
    return 0


def register_knowledge(sub: argparse._SubParsersAction) -> None:
    """`assistant knowledge suggestions list|accept|reject`: what agents labelled, for an editor."""
    from knowledge.catalogue import CATALOGUE_DIR
    from nlu.project import DIALOGUE_INTENTS_FILE
    files = argparse.ArgumentParser(add_help=False)
    files.add_argument("--catalogue", type=Path, default=CATALOGUE_DIR, help="the catalogue folder (default: the shipped one)")
    files.add_argument("--dialogue", type=Path, default=DIALOGUE_INTENTS_FILE,
                       help="the dialogue intents file, where out-of-scope examples go (default: the shipped one)")
    s = sub.add_parser("suggestions", help="agents' labels of customer messages: the review list")
    review = s.add_subparsers(dest="suggestions", required=True)
    c = review.add_parser("list", parents=[files], help="pending suggestions (conflicts flagged)")
    c.add_argument("--all", action="store_true", help="accepted and rejected ones too")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_suggestions_list)
    c = review.add_parser("accept", parents=[files], help="write it into the examples of its service (masked)")
    c.add_argument("id", type=int)
    c.add_argument("--lang", choices=("fi", "sv"), help="the examples' language (default: the message's)")
    c.add_argument("--by", help="the reviewer's name (default: the login name)")
    c.set_defaults(func=cmd_suggestions_accept)
    c = review.add_parser("reject", parents=[files], help="leave it out of the examples")
    c.add_argument("id", type=int)
    c.add_argument("--by", help="the reviewer's name (default: the login name)")
    c.set_defaults(func=cmd_suggestions_reject)
