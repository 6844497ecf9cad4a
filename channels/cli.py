"""The channels' commands: `assistant sites allow|revoke|list` (which websites may embed the widget)."""
from __future__ import annotations

import argparse
import sys

from channels.sites import InvalidOrigin, Sites


def _sites(settings, wiring) -> Sites:
    from assistant.db import session_factory
    wiring.migrate(settings.database_url)
    return Sites(settings, session_factory(settings.database_url))


def cmd_allow(args, settings, wiring) -> int:
    try:
        origin = _sites(settings, wiring).allow(args.origin, args.note)
    except InvalidOrigin as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{origin} may embed the widget (at once, on every worker)")
    return 0


def cmd_revoke(args, settings, wiring) -> int:
    try:
        removed = _sites(settings, wiring).revoke(args.origin)
    except InvalidOrigin as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("removed" if removed else "not on the list (WIDGET_ORIGINS is changed in the environment)")
    return 0 if removed else 1


def cmd_list(args, settings, wiring) -> int:
    sites = _sites(settings, wiring)
    for origin in sorted(sites.configured):
        print(f"{origin}\t(settings)")
    for site in sites.listed():
        print(f"{site.origin}\t{site.note or ''}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sites", help="websites that may embed the widget").add_subparsers(dest="sites", required=True)
    a = s.add_parser("allow", help="let a site's pages embed the widget, e.g. https://www.kunta.fi")
    a.add_argument("origin")
    a.add_argument("--note", help="whose site it is")
    a.set_defaults(func=cmd_allow)
    r = s.add_parser("revoke", help="remove a site from the list")
    r.add_argument("origin")
    r.set_defaults(func=cmd_revoke)
    s.add_parser("list", help="every origin that may embed the widget").set_defaults(func=cmd_list)
