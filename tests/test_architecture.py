"""Dependencies flow one way: channels and handoff call the assistant; the assistant, nlu and knowledge
never import them (docs/architecture.md)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.seams
ROOT = Path(__file__).resolve().parent.parent
LOWER = ("assistant", "nlu", "knowledge")
UPPER = ("channels", "handoff")


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_assistant_nlu_and_knowledge_never_import_channels_or_handoff():
    offenders = {str(p.relative_to(ROOT)): sorted(imported(p) & set(UPPER))
                 for package in LOWER for p in (ROOT / package).rglob("*.py")}
    assert {p: bad for p, bad in offenders.items() if bad} == {}


def test_knowledge_and_nlu_know_nothing_of_the_assistant():
    offenders = {str(p.relative_to(ROOT)): sorted(imported(p) & {"assistant"})
                 for package in ("nlu", "knowledge") for p in (ROOT / package).rglob("*.py")}
    assert {p: bad for p, bad in offenders.items() if bad} == {}


def test_the_environment_is_read_only_by_the_settings():
    readers = [str(p.relative_to(ROOT)) for package in (*LOWER, *UPPER) for p in (ROOT / package).rglob("*.py")
               if "environ.get(" in p.read_text(encoding="utf-8") or "getenv(" in p.read_text(encoding="utf-8")]
    assert readers == ["handoff/cli.py"]  # NEUVO_PASSWORD: a secret typed for one command, not a setting
