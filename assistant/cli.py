"""The `assistant` command: serve, chat, eval, train, knowledge validate|stats|rank, db upgrade, i18n check.

The composition root (`channels.server.main`) runs it with the product's wiring (how to migrate, which
stack to run) and adds the commands of the other packages (`assistant user add` is the contact centre's).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.runtime import Stack
from assistant.settings import Settings


@dataclass(frozen=True)
class Wiring:
    """What the commands need from the composition root."""
    stack: Callable[[Settings], Stack]
    migrate: Callable[[str], None]
    commands: Sequence[Callable[[argparse._SubParsersAction], None]] = field(default_factory=tuple)
    # commands of other packages under `assistant knowledge` (`knowledge suggestions` is the contact centre's)
    knowledge_commands: Sequence[Callable[[argparse._SubParsersAction], None]] = field(default_factory=tuple)


def _print(data: dict | list, as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for key, value in (data.items() if isinstance(data, dict) else enumerate(data)):
            print(f"{key}: {value}")


def cmd_serve(args, settings: Settings, wiring: Wiring) -> int:
    from assistant.runtime import serve
    stack = wiring.stack(settings)
    stack.workers = args.workers
    return serve(stack)


def cmd_train(args, settings: Settings, wiring: Wiring) -> int:
    from knowledge.catalogue import default
    from nlu.train import train
    model = train(default(), force=args.force, pipeline=args.pipeline or settings.pipeline, quiet=not args.verbose,
                  cache_dir=settings.cache_dir, venv=settings.rasa_venv)
    print(f"{'trained' if model.trained else 'unchanged, reused'} {model.path} ({model.seconds:.1f} s)")
    return 0


def cmd_eval(args, settings: Settings, wiring: Wiring) -> int:
    from assistant.evaluation import NO_LIMITS, Report, kfold, read_questions, run
    if bool(args.files) == bool(args.kfold):
        print("error: give question files or --kfold K, not both", file=sys.stderr)
        return 2
    if args.kfold:
        from knowledge.catalogue import default
        from nlu.folds import split
        from nlu.project import load_dialogue_intents
        if args.kfold < 2:
            print("error: --kfold needs K >= 2", file=sys.stderr)
            return 2
        folds = split(default(), load_dialogue_intents(), args.kfold)
        if any(not 0 <= f < args.kfold for f in args.folds or ()):
            print(f"error: folds are numbered 0 to {args.kfold - 1}", file=sys.stderr)
            return 2
        by_fold = kfold(settings, wiring.stack, folds, args.folds)
        results, subsets = [r for fold in by_fold.values() for r in fold], by_fold
    else:
        try:
            questions = [q for file in args.files for q in read_questions(Path(file))]
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        stack = wiring.stack(settings)
        stack.env = {**stack.env, **NO_LIMITS}  # only for the processes it starts; a running product keeps its own
        with stack:
            results, subsets = run(settings.app_url, questions), {}
    report = Report.of(results, subsets)
    if args.rates_only:  # a held-out set's misses must not be read: whoever reads them has tuned on it
        report = dataclasses.replace(report, misses=[])
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print("\n".join(report.table()))
    print(f"latency_ms: {report.latency_ms}; engine down on {report.engine_down_turns} turn(s)")
    for miss in report.misses:
        q, reply = miss.question, miss.reply
        said = reply.service or ", ".join(reply.options) or reply.dialogue
        print(f"  ✗ [{q.lang}] {q.text!r}: expected {q.expected}, {miss.outcome.value} ({reply.kind} {said})")
    return 0


def cmd_chat(args, settings: Settings, wiring: Wiring) -> int:
    with wiring.stack(settings), httpx.Client(base_url=settings.app_url, timeout=60) as client:
        conversation = client.post("/api/v1/conversations", json={"lang": args.lang} if args.lang else {}).json()
        client.headers["Authorization"] = f"Bearer {conversation['token']}"
        print("Neuvo — kirjoita kysymyksesi / skriv din fråga (Ctrl-D lopettaa / avslutar)")
        for line in sys.stdin:
            if not line.strip():
                continue
            body = client.post(f"/api/v1/conversations/{conversation['conversation_id']}/messages", json={"text": line}).json()
            if "error" in body:
                print(f"! {body['error']['message']}")
            for message in body.get("messages", []):
                print(f"\nNeuvo: {message['text']}")
                for button in message["buttons"]:
                    print(f"  [{button['payload']}] {button['title']}")
            print(flush=True)
    return 0


def cmd_validate(args, settings: Settings, wiring: Wiring) -> int:
    from knowledge.catalogue import validate
    problems, parsed = validate()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the catalogue", file=sys.stderr)
        return 1
    print(f"catalogue ok: {len(parsed)} services, fi and sv")
    return 0


def cmd_stats(args, settings: Settings, wiring: Wiring) -> int:
    from knowledge.catalogue import CatalogueError, load
    try:
        _print(load().stats(), args.json)
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_rank(args, settings: Settings, wiring: Wiring) -> int:
    from knowledge.retrieval import rank_file
    try:
        report = rank_file(args.file, lang=args.lang)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.semantic:  # the sentence embedding and its fusion with the Ranker, extra rows (docs/retrieval.md)
        from knowledge import semantic
        try:
            report["semantic"] = semantic.rank_file(args.file, args.lang, cache_dir=settings.cache_dir)
        except semantic.SemanticUnavailable as exc:
            print(f"semantic rows left out: {exc}", file=sys.stderr)
    if not args.rankings:
        report.pop("rankings", None)
    _print(report, args.json)
    return 0


def cmd_db_upgrade(args, settings: Settings, wiring: Wiring) -> int:
    wiring.migrate(settings.database_url)
    print("database schema is up to date")
    return 0


def cmd_i18n_check(args, settings: Settings, wiring: Wiring) -> int:
    from assistant.i18n import missing_translations
    missing = missing_translations()
    for lang, msgids in missing.items():
        for msgid in msgids:
            print(f"missing {lang} translation: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


def parser(wiring: Wiring) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the product (Rasa + app) in the foreground")
    s.add_argument("--workers", type=int, default=1)
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("train", help="train the Rasa model unless the generated data is unchanged")
    s.add_argument("--force", action="store_true")
    s.add_argument("--pipeline", default=None, help="lemma_lr (default), char_lr or char_diet")
    s.add_argument("--verbose", action="store_true")
    s.set_defaults(func=cmd_train)
    s = sub.add_parser("eval", help="run labelled JSONL files, or k folds of the catalogue, through the real pipeline")
    s.add_argument("files", nargs="*", metavar="FILE")
    s.add_argument("--kfold", type=int, metavar="K", help="train without each of K folds of the examples, ask it")
    s.add_argument("--folds", type=lambda v: [int(f) for f in v.split(",")], metavar="0,1",
                   help="with --kfold: only these folds")
    s.add_argument("--json", action="store_true")
    s.add_argument("--rates-only", action="store_true", help="the rates without the misses (for a held-out set)")
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("chat", help="chat in the terminal")
    s.add_argument("--lang", choices=("fi", "sv", "en"))
    s.set_defaults(func=cmd_chat)
    k = sub.add_parser("knowledge", help="the service catalogue").add_subparsers(dest="knowledge", required=True)
    s = k.add_parser("validate")
    s.set_defaults(func=cmd_validate)
    s = k.add_parser("stats")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)
    s = k.add_parser("rank", help="rank candidate answers of a FAQ file (SweFAQ format)")
    s.add_argument("file")
    s.add_argument("--lang", default="sv")
    s.add_argument("--json", action="store_true")
    s.add_argument("--rankings", action="store_true", help="include each question's ranking")
    s.add_argument("--no-semantic", dest="semantic", action="store_false",
                   help="leave out the sentence embedding's rows (knowledge/semantic.py)")
    s.set_defaults(func=cmd_rank)
    for add_commands in wiring.knowledge_commands:
        add_commands(k)
    d = sub.add_parser("db").add_subparsers(dest="db", required=True)
    d.add_parser("upgrade").set_defaults(func=cmd_db_upgrade)
    i = sub.add_parser("i18n").add_subparsers(dest="i18n", required=True)
    i.add_parser("check", help="fail on a missing fi or sv translation").set_defaults(func=cmd_i18n_check)
    for add_commands in wiring.commands:
        add_commands(sub)
    return p


def main(wiring: Wiring, argv: list[str] | None = None) -> int:
    args = parser(wiring).parse_args(argv)
    return args.func(args, Settings(), wiring)
