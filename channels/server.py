"""The composition root: the one place that knows every part of the product and wires it.

- the app (`create_app`, what `make run` serves): the assistant, every customer channel and the
  contact centre, from one `Settings`;
- the schema (`migrate`): the assistant's migrations and the contact centre's own;
- the command line (`main`, the `assistant` command) with the contact centre's commands;
- the process stack (`stack`) that the CLI and the tests run.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fastapi import APIRouter, FastAPI

from assistant import cli, db
from assistant.app import Assistant
from assistant.app import create_app as assistant_app
from assistant.runtime import Stack
from assistant.settings import Settings
from channels import cli as channels_cli
from channels import webchat, widget
from channels.mail import cli as mail_cli
from channels.mail.outbound import EmailOutput
from channels.mail.receiver import MailHandler, Receiver
from channels.mail.threads import MailConversations
from handoff import cli as handoff_cli
from handoff import console
from handoff.desk import Desk
from handoff.queues import queues

APP = "channels.server:create_app"
ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = [ROOT / "handoff" / "migrations" / "versions", ROOT / "channels" / "migrations" / "versions"]


def migrate(url: str) -> None:
    db.migrate(url, MIGRATIONS)


def contact_centre(parts: Assistant) -> APIRouter:
    """Conversations the bot hands over go to the desk; agents work them in the console."""
    desk = Desk(parts.service, queues(parts.settings.queues_file))
    parts.service.desk = desk
    return console.router(parts, desk)


def email(parts: Assistant) -> APIRouter:
    """Mail in through the SMTP receiver, out through the outbox's email channel (channels/mail); the
    channel's startup hook starts the receiver with the app. No routes of its own."""
    conversations = MailConversations(parts.settings, parts.service, parts.limits)
    receiver = Receiver(parts.settings, MailHandler(parts.settings, parts.content, conversations))
    parts.outbox.register(EmailOutput(parts.settings, parts.sessions, receiver))
    return APIRouter()


def create_app(settings: Settings | None = None) -> FastAPI:
    return assistant_app(settings or Settings(), extensions=[contact_centre, webchat.router, widget.router, email])


def stack(settings: Settings, **options) -> Stack:
    return Stack(settings, app=APP, migrate=migrate, **options)


def main(argv: list[str] | None = None) -> int:
    return cli.main(cli.Wiring(stack=stack, migrate=migrate,
                               commands=[handoff_cli.register, channels_cli.register, mail_cli.register],
                               knowledge_commands=[handoff_cli.register_knowledge]), argv)


if __name__ == "__main__":
    sys.exit(main())
