"""Finnish base forms and compound parts (Voikko, simplemma for the words it does not know) in the catalogue
search; the path without Voikko; the Rasa project that carries the same features."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import nlu.project as nlu_project
from assistant.settings import Settings
from knowledge.catalogue import default
from knowledge.morphology import Morphology, compound_forms, morphology
from knowledge.retrieval import Ranker, snowball, word_forms
from nlu.project import generate

pytestmark = pytest.mark.morphology

DOCS = [
    "Palkkatuki maksetaan työnantajalle, joka palkkaa työttömän.",
    "Koulutus alkaa syksyllä ja kestää vuoden.",
    "Asunnon vuokraa kunta.",
    "Työ löytyy Työmarkkinatorilta.",
]


@pytest.fixture(scope="module")
def finnish() -> Morphology:
    m = morphology("fi")
    assert m.uses_voikko, "Voikko is missing: `make setup` installs libvoikko1 and voikko-fi"
    return m


def test_voikko_gives_base_forms_first(finnish):
    assert finnish.forms("työttömyysturvaa")[0] == "työttömyysturva"
    assert finnish.forms("yrityksen")[0] == "yritys"
    assert finnish.forms("haen") == ("hakea",)
    assert finnish.forms("töitä") == ("työ",)


def test_a_compound_meets_its_parts_and_their_runs(finnish):
    forms = finnish.forms("starttirahahakemuksen")
    assert forms[0] == "starttirahahakemus"
    assert {"starttiraha", "hakemus", "startti", "raha", "rahahakemus"} <= set(forms)
    assert {"työttömyysturva", "työttömyys", "turva"} == set(finnish.forms("työttömyysturvaa"))
    assert set(finnish.forms("starttirahaa")) <= set(finnish.forms("starttirahahakemus"))


def test_the_reading_with_the_fewest_parts_wins(finnish):
    """Voikko reads "nuorisotakuu" as nuori|sota|kuu first; the lexicalised nuoriso|takuu is the one."""
    assert set(finnish.forms("nuorisotakuu")) == {"nuorisotakuu", "nuoriso", "takuu"}


def test_words_voikko_does_not_know_get_their_snowball_stem(finnish):
    assert finnish.forms("finnveran") == finnish.forms("finnvera") == ("finnver",)  # a name
    assert finnish.forms("työkkärissä") == ("työkkär",)


def test_simplemma_lemmatises_the_words_it_knows_when_asked():
    asked = Morphology("fi", simplemma=True)
    assert asked.forms("työkkärissä") == ("työkkäri",)               # colloquial: simplemma knows it
    assert asked.forms("finnveran") == ("finnver",)                  # not its guess "finnverka"
    assert asked.forms("starttirahaa")[0] == "starttiraha"           # Voikko still answers first


def test_compound_parts_need_a_base_form_that_keeps_the_written_head():
    assert compound_forms("starttirahaa", "starttiraha", "=ppppppp=ppppp") == ["startti", "raha"]
    assert compound_forms("starttirahaa", "jotain", "=ppppppp=ppppp") == []   # base form does not fit
    assert compound_forms("talossa", "talo", "=ppppppp") == []                # not a compound


def test_without_voikko_finnish_gets_simplemma_lemmas_and_no_parts():
    without = Morphology("fi", voikko=False)
    assert not without.uses_voikko and without.uses_simplemma
    assert without.forms("työkkärissä") == ("työkkäri",)
    assert without.forms("työttömyysturvaa") == ("työttömyysturva",)
    assert without.forms("starttirahahakemus") == ("starttirahahakemus",)
    assert without.forms("yrityksen") == ("yritys",)


def test_without_voikko_the_search_still_ranks_inflected_questions():
    ranker = Ranker(DOCS, "fi", forms=Morphology("fi", voikko=False).forms)
    scores = ranker.scores("palkkatukea työnantajalle")
    assert max(range(len(DOCS)), key=scores.__getitem__) == 0


def test_swedish_keeps_snowball_stems():
    """Measured: simplemma's Swedish lemmas did not beat the stems (docs/retrieval.md)."""
    assert word_forms("sv")("föräldrapenningen") == snowball("sv")("föräldrapenningen")


def test_a_question_that_only_its_base_forms_match_finds_its_document():
    """"töitä" (partitive plural of "työ") shares no stem and no character n-gram with "työ": only the base
    form links them. Dropping the lemmatiser (Snowball stems, or no Voikko) loses the document."""
    scores = Ranker(DOCS, "fi").scores("Mistä saisi töitä?")
    assert max(range(len(DOCS)), key=lambda i: (scores[i], -i)) == 3 and scores[3] > 0
    assert Ranker(DOCS, "fi", forms=snowball("fi")).scores("töitä")[3] == 0
    assert Ranker(DOCS, "fi", forms=Morphology("fi", voikko=False).forms).scores("töitä")[3] == 0


def test_a_word_meets_a_compound_by_its_part_in_the_words_view():
    """"tuen" (genitive of "tuki") meets "Palkkatuki" through the part "tuki": only Voikko's parts do that."""
    lexical, _ = Ranker(DOCS, "fi").components("tuen")
    assert lexical[0] > 0
    lexical, _ = Ranker(DOCS, "fi", forms=Morphology("fi", voikko=False).forms).components("tuen")
    assert lexical[0] == 0


def test_the_lemma_pipeline_ships_its_tokenizer_and_a_change_to_it_retrains(tmp_path, monkeypatch):
    catalogue = default()
    project = generate(catalogue, tmp_path / "lemma", pipeline="lemma_lr")
    assert "class BaseFormTokenizer" in (project.directory / "base_forms.py").read_text(encoding="utf-8")
    assert "base_forms.BaseFormTokenizer" in project.config.read_text(encoding="utf-8")
    assert not (generate(catalogue, tmp_path / "plain", pipeline="char_lr").directory / "base_forms.py").exists()
    changed = tmp_path / "base_forms.py"
    changed.write_text(project_module().read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    monkeypatch.setitem(nlu_project.COMPONENTS, "base_forms", changed)
    assert generate(catalogue, tmp_path / "changed", pipeline="lemma_lr").content_hash != project.content_hash


def project_module() -> Path:
    return Path(nlu_project.__file__).parent / "engine" / "base_forms.py"


def test_rasas_tokenizer_gives_base_forms_and_parts_as_the_lemma(tmp_path):
    """The component as Rasa runs it: its own Python, imported from the generated project's directory."""
    rasa_python = Settings().rasa_venv / "bin" / "python"
    project = generate(default(), tmp_path, pipeline="lemma_lr")
    script = ("import base_forms as b\n"
              "from rasa.shared.nlu.training_data.message import Message\n"
              "t = b.BaseFormTokenizer(b.BaseFormTokenizer.get_default_config())\n"
              "print('|'.join(x.lemma for x in t.tokenize(Message({'text': 'Haen starttirahaa, tack'}), 'text')))\n")
    out = subprocess.run([str(rasa_python), "-c", script], cwd=project.directory, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "hakea|starttiraha startti raha|tack"
