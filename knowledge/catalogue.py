"""Load and validate the national service catalogue (one YAML file per canonical service id).

Validation reports every problem with file and line, because editors fix content, not stack traces.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator

import yaml

from knowledge import currency

HERE = Path(__file__).resolve().parent
CATALOGUE_DIR = HERE / "catalogue"
SERVICES_FILE = HERE / "services.yml"
LANGS = ("fi", "sv")
TEXT_FIELDS = ("title", "summary", "audience", "how_to_apply", "provider")
LIST_FIELDS = ("conditions", "sources", "examples")
MIN_EXAMPLES = 12
SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÅÄÖ]|$)")


@dataclass(frozen=True)
class ServiceText:
    """One language's content of a catalogue entry."""

    title: str
    summary: str
    audience: str
    conditions: tuple[str, ...]
    how_to_apply: str
    provider: str
    sources: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def source_url(self) -> str:
        return self.sources[0]


@dataclass(frozen=True)
class CatalogueEntry:
    """A reviewed service description in Finnish and Swedish."""

    id: str
    customer: str
    category: int
    topic: str
    reviewed: dt.date
    needs_person: bool
    texts: dict[str, ServiceText]

    def text(self, lang: str) -> ServiceText:
        """Content in `lang`; Finnish for a language the catalogue does not carry (e.g. English)."""
        return self.texts.get(lang) or self.texts["fi"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


class Catalogue:
    def __init__(self, entries: dict[str, CatalogueEntry]):
        self.entries = entries

    def __iter__(self) -> Iterator[CatalogueEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, service_id: object) -> bool:
        return service_id in self.entries

    def get(self, service_id: str) -> CatalogueEntry | None:
        return self.entries.get(service_id)

    def stats(self) -> dict[str, Any]:
        return {
            "services": len(self.entries),
            "per_service": {
                e.id: {lang: {"examples": len(t.examples), "sources": len(t.sources)} for lang, t in e.texts.items()}
                for e in self
            },
            "examples": {lang: sum(len(e.texts[lang].examples) for e in self) for lang in LANGS},
        }


def load_service_list(path: Path = SERVICES_FILE) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)["services"]


def _node_at(node: yaml.Node | None, path: tuple[Any, ...]) -> yaml.Node | None:
    """The YAML node at `path` (keys and list indexes), or its nearest parent."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == key]
            if not match:
                return node
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def _line_of(node: yaml.Node | None, path: tuple[Any, ...]) -> int:
    """1-based line of the YAML node at `path`, or of its nearest parent."""
    found = _node_at(node, path)
    return found.start_mark.line + 1 if found is not None else 1


def _line_of_token(source: str, node: yaml.Node | None, token: str, occurrence: int) -> int:
    """1-based line of the `occurrence`-th `token` inside a scalar node (folding only changes whitespace, so the
    count of a token without spaces is the same in the parsed text and in the file)."""
    if node is None:
        return 1
    raw = source[node.start_mark.index:node.end_mark.index]
    at = -1
    for _ in range(occurrence + 1):
        at = raw.find(token, at + 1)
        if at < 0:
            return node.start_mark.line + 1
    return node.start_mark.line + 1 + raw.count("\n", 0, at)


def _check_currency(data: dict, node: yaml.Node, source: str, problem: Callable[[int, str], None]) -> None:
    """Amounts and year-bound rules state the value in force in the entry's reviewed year (knowledge/currency.py)."""
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, dt.date):
        return
    for lang in LANGS:
        text = data.get(lang)
        if not isinstance(text, dict):
            continue
        paths: list[tuple[Any, ...]] = [(lang, field) for field in TEXT_FIELDS]
        if isinstance(text.get("conditions"), list):
            paths += [(lang, "conditions", i) for i in range(len(text["conditions"]))]
        for path in paths:
            value = text.get(path[1]) if len(path) == 2 else text["conditions"][path[2]]
            if not isinstance(value, str):
                continue
            scalar = _node_at(node, path)
            for stale in currency.check(value, reviewed.year):
                field = ".".join(map(str, path))
                problem(_line_of_token(source, scalar, stale.token, stale.occurrence), f"{field}: {stale.message}")


def _check_entry(data: Any, service_id: str, node: yaml.Node, report) -> None:
    if not isinstance(data, dict):
        report((), "the file must contain a mapping with id, reviewed and the languages fi and sv")
        return
    if data.get("id") != service_id:
        report(("id",), f"id {data.get('id')!r} does not match the file name {service_id!r}")
    if not isinstance(data.get("reviewed"), dt.date):
        report(("reviewed",), "reviewed must be a date (YYYY-MM-DD)")
    if not isinstance(data.get("needs_person", False), bool):
        report(("needs_person",), "needs_person must be true or false")
    for lang in LANGS:
        text = data.get(lang)
        if not isinstance(text, dict):
            report((), f"missing language {lang!r}")
            continue
        for field in TEXT_FIELDS:
            if not isinstance(text.get(field), str) or not text[field].strip():
                report((lang, field), f"{lang}.{field} is missing or empty")
        for field in LIST_FIELDS:
            value = text.get(field)
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                report((lang, field), f"{lang}.{field} must be a list of non-empty strings")
        sources = text.get("sources")
        if isinstance(sources, list):
            if not sources:
                report((lang, "sources"), f"{lang}.sources needs at least one link")
            for i, url in enumerate(sources):
                if not str(url).startswith("https://"):
                    report((lang, "sources", i), f"{lang}.sources: {url!r} is not an https link")
        examples = text.get("examples")
        if isinstance(examples, list):
            if len(examples) < MIN_EXAMPLES:
                report((lang, "examples"), f"{lang} has {len(examples)} example questions, at least {MIN_EXAMPLES} needed")
            seen: dict[str, int] = {}
            for i, example in enumerate(examples):
                key = " ".join(str(example).lower().split())
                if key in seen:
                    report((lang, "examples", i), f"duplicate example {example!r} (same as item {seen[key] + 1})")
                seen.setdefault(key, i)
        summary = text.get("summary")
        if isinstance(summary, str) and not 2 <= len(SENTENCE_END.findall(summary.strip())) <= 5:
            report((lang, "summary"), f"{lang}.summary should be 2–4 sentences")


def validate(catalogue_dir: Path = CATALOGUE_DIR, services_file: Path = SERVICES_FILE) -> tuple[list[Problem], dict[str, dict]]:
    """Return (problems, parsed entries by id)."""
    problems: list[Problem] = []
    parsed: dict[str, dict] = {}
    services = {s["id"]: s for s in load_service_list(services_file)}
    files = {p.stem: p for p in sorted(Path(catalogue_dir).glob("*.yml"))}
    for service_id in services:
        if service_id not in files:
            problems.append(Problem(str(Path(catalogue_dir) / f"{service_id}.yml"), 1, f"missing catalogue entry for service id {service_id!r}"))
    for service_id, path in files.items():
        if service_id not in services:
            problems.append(Problem(str(path), 1, f"{service_id!r} is not a service id of {services_file.name}"))
            continue
        source = path.read_text(encoding="utf-8")
        try:
            node = yaml.compose(source, Loader=yaml.SafeLoader)
            data = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(str(path), (mark.line + 1) if mark else 1, f"broken YAML: {getattr(exc, 'problem', exc)}"))
            continue

        def report(where: tuple, message: str, _path=path, _node=node) -> None:
            problems.append(Problem(str(_path), _line_of(_node, where), message))

        def report_line(line: int, message: str, _path=path) -> None:
            problems.append(Problem(str(_path), line, message))

        _check_entry(data, service_id, node, report)
        if isinstance(data, dict):
            _check_currency(data, node, source, report_line)
        parsed[service_id] = data
    return problems, parsed


def _entry(data: dict, meta: dict) -> CatalogueEntry:
    def fields(lang: str) -> dict[str, Any]:
        return {**{f: data[lang][f].strip() for f in TEXT_FIELDS},
                **{f: tuple(v.strip() for v in data[lang][f]) for f in LIST_FIELDS}}

    texts = {
        lang: ServiceText(**fields(lang))
        for lang in LANGS
    }
    return CatalogueEntry(
        id=meta["id"], customer=meta["customer"], category=int(meta["category"]), topic=meta["topic"],
        reviewed=data["reviewed"], needs_person=bool(data.get("needs_person", False)), texts=texts,
    )


def load(catalogue_dir: Path = CATALOGUE_DIR, services_file: Path = SERVICES_FILE) -> Catalogue:
    problems, parsed = validate(catalogue_dir, services_file)
    if problems:
        raise CatalogueError(problems)
    order = [s["id"] for s in load_service_list(services_file)]
    metas = {s["id"]: s for s in load_service_list(services_file)}
    return Catalogue({sid: _entry(parsed[sid], metas[sid]) for sid in order})


def default() -> Catalogue:
    """The shipped catalogue, read from disk (the running product reaches it through its content provider)."""
    return load()
