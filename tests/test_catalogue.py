"""The catalogue editors' safety net: every problem is reported with file, line and a clear message."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge import currency
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


# Content currency: amounts and year-bound rules state the value in force on the entry's reviewed date.

STALE_FI = "37,21 €/pv vuonna 2025"
CURRENT_FI = "37,21 €/päivä vuonna 2026"


def _stale_start_up_grant(catalogue_copy: Path, old: str = CURRENT_FI, new: str = STALE_FI) -> Path:
    path = catalogue_copy / "start_up_grant.yml"
    text = path.read_text(encoding="utf-8")
    assert "reviewed: 2026-" in text and old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, field", [
    (CURRENT_FI, STALE_FI, "fi.summary"),
    ("37,21 €/dag år 2026", "37,21 €/dag år 2025", "sv.summary"),
])
def test_last_years_amount_as_current_fails_with_file_and_line(catalogue_copy: Path, old: str, new: str, field: str):
    path = _stale_start_up_grant(catalogue_copy, old, new)
    problems, _ = validate(catalogue_copy)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert Path(problem.file).name == "start_up_grant.yml"
    assert problem.message.startswith(f"{field}: names 2025 as current in an entry reviewed in 2026")
    assert new in path.read_text(encoding="utf-8").splitlines()[problem.line - 1]


def test_the_same_text_is_current_in_an_entry_reviewed_that_year(catalogue_copy: Path):
    path = _stale_start_up_grant(catalogue_copy)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reviewed: 2026-12-01", "reviewed: 2025-06-01"), encoding="utf-8")
    assert validate(catalogue_copy)[0] == []


def test_euro_amount_without_a_year_fails_on_its_line(catalogue_copy: Path):
    path = catalogue_copy / "work_trial.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("  conditions:") + 1
    lines.insert(at, "    - Kulukorvaus on 9 €/päivä.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems, _ = validate(catalogue_copy)
    assert [(Path(p.file).name, p.line) for p in problems] == [("work_trial.yml", at + 1)]
    assert problems[0].message.startswith("fi.conditions.0: euro amount '9 €' names no year")


def test_validate_command_reports_a_stale_amount_with_file_and_line(catalogue_copy: Path):
    path = _stale_start_up_grant(catalogue_copy)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if STALE_FI in text)
    code = ("import sys; from pathlib import Path; import knowledge.catalogue as c; "
            f"c.CATALOGUE_DIR = Path({str(catalogue_copy)!r}); c.validate.__defaults__ = (c.CATALOGUE_DIR, c.SERVICES_FILE); "
            "from channels.server import main; sys.exit(main(['knowledge', 'validate']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"start_up_grant.yml:{line}: fi.summary: names 2025 as current" in result.stderr


@pytest.mark.parametrize("text", [
    "Vuonna 2025 määrä oli 37,21 €/päivä; tarkista ajantasainen määrä Kelalta.",
    "År 2025 var beloppet 37,21 €/dag; kontrollera det aktuella beloppet hos FPA.",
    "Until 2024 the grant was paid by the TE office.",
    "Korotusosaa maksettiin vuoteen 2024 asti.",
    "Fram till 2024 beslutade TE-byrån, och före 2025 fanns inga sysselsättningsområden.",
    "Ennen vuotta 2025 päätökset teki TE-toimisto.",
    "Vuodesta 2025 alkaen toiminnan voi aloittaa omalla riskillä.",
    "Starttiraha on 37,21 €/päivä (1.1.2023 alkaen).",
    "Sedan början av 2025 ordnas tjänsterna av sysselsättningsområdet.",
    "Since 2025 the employment areas decide.",
    "Irtisanottu 1.1.2023 tai myöhemmin.",
    "Laki tuli voimaan 1.1.2025, ja suojaosa poistui 1.4.2024.",
    "Valtion pääomasijoitustoiminta koottiin Tesi-konserniin toukokuussa 2025.",
    "Utbildningsersättningen slopades 2024.",
    "Ohjelmasta Uudistuva ja osaava Suomi 2021–2027 haetaan EURA 2021 -järjestelmässä (laki 758/2021).",
    "Perustamistuki on CAP-kaudella 2023–2027 5 000–35 000 euroa.",
    "Jobbsökarsamtal hålls var tredje månad sedan 2023.",
])
def test_history_and_rules_in_force_since_a_past_year_are_accepted(text: str):
    assert currency.check(text, 2026) == []


@pytest.mark.parametrize("text", [
    "Starttiraha on 37,21 €/pv vuonna 2025.",
    "Startpengen är 37,21 €/dag år 2025.",
    "The grant is 37,21 € a day in 2025.",
    "Starttiraha on 37,21 €/päivä (2025).",
    "Karenssi on vuonna 2024 14 päivää.",
    "Säännöt ovat 2024–2025 nämä.",
    "Jobbsökarsamtal hålls var tredje månad år 2024.",
    "Starttiraha on 37,21 €/päivä.",
])
def test_a_past_year_as_current_or_an_amount_without_year_fails(text: str):
    assert len(currency.check(text, 2026)) == 1
