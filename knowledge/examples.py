"""Add an example question to a hand-written YAML file without rewriting it: one line appended to a block
list, in the style of the list's last item (plain, 'single' or "double" quoted), everything else as it was.

Used for the catalogue's examples (`add_catalogue_example`, checked with the catalogue's own validation) and
for other example lists of the same shape (the dialogue intents of nlu/dialogue_intents.yml).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import yaml

from knowledge.catalogue import CATALOGUE_DIR, LANGS, SERVICES_FILE, validate

_ITEM = re.compile(r"^([ \t]*-[ \t]+)")


class ExampleError(ValueError):
    """The example cannot be added there (no such list, or the file would no longer be valid)."""


def example_key(text: str) -> str:
    """A question as Rasa and the catalogue's validation compare examples: one line, case folded, with the
    entity-annotation brackets Rasa's examples may not have (nlu.project)."""
    return " ".join(text.split()).lower().replace("[", "(").replace("]", ")")


def _scalar(text: str, style: str | None) -> str:
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style is None:  # plain, when it reads back as the same string
        try:
            if yaml.safe_load(f"- {text}") == [text]:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _list_node(root: yaml.Node | None, keys: tuple[str, ...]) -> yaml.SequenceNode:
    node = root
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            raise ExampleError(f"no {'.'.join(keys)} list")
        match = [v for k, v in node.value if k.value == key]
        if not match:
            raise ExampleError(f"no {'.'.join(keys)} list")
        node = match[0]
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not node.value:
        raise ExampleError(f"{'.'.join(keys)} is not a non-empty block list")
    return node


def _items(data: object, keys: tuple[str, ...]) -> list:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, list) else []


def _write(path: Path, text: str) -> None:
    """Replace the file whole (a reader sees the old or the new file, never half of one)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def append_example(path: Path, keys: tuple[str, ...], text: str) -> bool:
    """Append `text` (made one line) to the block list at `keys` of the YAML file; False when the list has it
    already (as `example_key` compares). The rest of the file is left byte for byte as it was."""
    text = " ".join(text.split())
    if not text:
        raise ExampleError("the example is empty")
    source = path.read_text(encoding="utf-8")
    try:
        node = _list_node(yaml.compose(source, Loader=yaml.SafeLoader), keys)
        before = _items(yaml.safe_load(source), keys)
    except yaml.YAMLError as exc:
        raise ExampleError(f"{path}: broken YAML: {exc}") from exc
    if any(isinstance(item, str) and example_key(item) == example_key(text) for item in before):
        return False
    last = node.value[-1]
    line_start = source.rfind("\n", 0, last.start_mark.index) + 1
    prefix = _ITEM.match(source[line_start:last.start_mark.index])
    if prefix is None:
        raise ExampleError(f"{path}: {'.'.join(keys)} has an item that does not start its own line")
    end = last.end_mark.index
    if last.end_mark.column == 0:  # a block scalar ends at the start of the next line
        at = end
    else:
        newline = source.find("\n", end)
        at = len(source) if newline < 0 else newline + 1
    head = source[:at] if source[:at].endswith("\n") or not source[:at] else source[:at] + "\n"
    changed = head + prefix.group(1) + _scalar(text, getattr(last, "style", None)) + "\n" + source[at:]
    if _items(yaml.safe_load(changed), keys) != [*before, text]:  # never write what does not read back so
        raise ExampleError(f"{path}: the example would not read back as written")
    _write(path, changed)
    return True


def add_catalogue_example(service_id: str, lang: str, text: str, catalogue_dir: Path = CATALOGUE_DIR,
                          services_file: Path = SERVICES_FILE) -> bool:
    """Add an example question to a catalogue entry's `examples` in `lang` (fi or sv); False when the entry
    has it already. The catalogue must still validate afterwards, else the file is put back as it was."""
    if lang not in LANGS:
        raise ExampleError(f"the catalogue's languages are {', '.join(LANGS)}, not {lang!r}")
    path = Path(catalogue_dir) / f"{service_id}.yml"
    if not path.exists():
        raise ExampleError(f"no catalogue entry {service_id!r}")
    original = path.read_text(encoding="utf-8")
    known = {str(p) for p in validate(catalogue_dir, services_file)[0]}
    if not append_example(path, (lang, "examples"), text):
        return False
    new = [p for p in validate(catalogue_dir, services_file)[0] if str(p) not in known and p.file == str(path)]
    if new:
        _write(path, original)
        raise ExampleError("; ".join(map(str, new)))
    return True
