"""The catalogue editors' safety net: every problem is reported with file, line and a clear message."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.catalogue import CATALOGUE_DIR, MIN_EXAMPLES, SERVICES_FILE, load, load_service_list, validate

from conftest import SHARED

pytestmark = pytest.mark.nlu


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def test_shipped_catalogue_is_complete_in_finnish_and_swedish():
    problems, parsed = validate()
    assert problems == []
    catalogue = load()
    assert [e.id for e in catalogue] == [s["id"] for s in load_service_list()]
    for entry in catalogue:
        for lang in ("fi", "sv"):
            text = entry.texts[lang]
            assert len(text.examples) >= MIN_EXAMPLES
            assert text.source_url.startswith("https://")


def test_service_list_is_the_canonical_one():
    shared = SHARED / "brief" / "services.yml"
    if not shared.exists():
        pytest.skip("no ../shared beside this clone")
    assert load_service_list(SERVICES_FILE) == load_service_list(shared)


def test_missing_service_is_reported(catalogue_copy: Path):
    (catalogue_copy / "start_up_grant.yml").unlink()
    problems, _ = validate(catalogue_copy)
    assert any("start_up_grant" in p.message and "missing" in p.message for p in problems)


def test_missing_language_is_reported_with_line(catalogue_copy: Path):
    path = catalogue_copy / "pay_subsidy.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["sv"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems, _ = validate(catalogue_copy)
    assert [(Path(p.file).name, p.message) for p in problems] == [("pay_subsidy.yml", "missing language 'sv'")]


def test_duplicate_example_is_reported_with_its_line(catalogue_copy: Path):
    path = catalogue_copy / "work_trial.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fi"]["examples"].append(data["fi"]["examples"][0].upper())
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems, _ = validate(catalogue_copy)
    assert len(problems) == 1 and "duplicate example" in problems[0].message
    line = path.read_text(encoding="utf-8").splitlines()[problems[0].line - 1]
    assert data["fi"]["examples"][-1] in line


def test_broken_yaml_is_reported_with_file_and_line(catalogue_copy: Path):
    path = catalogue_copy / "apprenticeship.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  broken: [unclosed")
    path.write_text("\n".join(lines), encoding="utf-8")
    problems, _ = validate(catalogue_copy)
    assert len(problems) == 1
    assert problems[0].file.endswith("apprenticeship.yml") and "broken YAML" in problems[0].message
    assert problems[0].line >= 4


def test_validate_command_fails_on_a_broken_catalogue(catalogue_copy: Path, monkeypatch):
    (catalogue_copy / "job_coaching.yml").write_text("id: job_coaching\nfi: {title: x\n", encoding="utf-8")
    code = ("import sys; from pathlib import Path; import knowledge.catalogue as c; "
            f"c.CATALOGUE_DIR = Path({str(catalogue_copy)!r}); c.validate.__defaults__ = (c.CATALOGUE_DIR, c.SERVICES_FILE); "
            "from channels.server import main; sys.exit(main(['knowledge', 'validate']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert "job_coaching.yml:" in result.stderr and "broken YAML" in result.stderr


def test_stats_json_counts_every_service_and_language():
    result = subprocess.run([sys.executable, "-m", "channels.server", "knowledge", "stats", "--json"],
                            capture_output=True, text=True, check=True)
    stats = json.loads(result.stdout)
    assert stats["services"] == len(load_service_list())
    assert all(set(v) == {"fi", "sv"} and v["fi"]["examples"] >= MIN_EXAMPLES for v in stats["per_service"].values())
