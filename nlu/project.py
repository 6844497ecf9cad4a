"""Generate the Rasa project (NLU data, domain, rules, config) from the catalogue and the dialogue intents.

Everything Rasa learns comes from reviewed catalogue content, so a catalogue change retrains the engine.
The content hash of the generated files names the trained model: unchanged data never trains twice.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.catalogue import LANGS, Catalogue
from nlu.pii import mask_personal_codes

HERE = Path(__file__).resolve().parent
DIALOGUE_INTENTS_FILE = HERE / "dialogue_intents.yml"
RASA_LOCK = HERE / "engine" / "requirements.lock"
#: Custom components, copied next to the generated config (Rasa imports them from its working directory).
COMPONENTS = {"base_forms": HERE / "engine" / "base_forms.py"}

#: Dialogue intents answered by a fixed response rendered by our NLG endpoint.
SMALL_TALK = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "bot_challenge": "utter_bot_challenge",
    "feedback": "utter_feedback",
}
#: The one custom action: catalogue answers, clarification, handoff offers and conversation state.
RESPOND_ACTION = "action_respond"
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_THRESHOLD = 0.5  # below it Rasa predicts nlu_fallback, and our action endpoint decides

#: Candidate pipelines; docs/nlu.md records how they were measured. The settings' `pipeline` (NEUVO_PIPELINE) picks one.
PIPELINES: dict[str, list[dict[str, Any]]] = {
    "char_lr": [
        {"name": "WhitespaceTokenizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
        {"name": "LogisticRegressionClassifier", "max_iter": 500, "solver": "lbfgs", "tol": 0.0001, "random_state": 42},
        {"name": "FallbackClassifier", "threshold": FALLBACK_THRESHOLD, "ambiguity_threshold": 0.0},
    ],
    # char_lr with Finnish base forms and compound parts as the word features (nlu/engine/base_forms.py, Voikko)
    "lemma_lr": [
        {"name": "base_forms.BaseFormTokenizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5, "use_lemma": False},
        {"name": "LogisticRegressionClassifier", "max_iter": 500, "solver": "lbfgs", "tol": 0.0001, "random_state": 42},
        {"name": "FallbackClassifier", "threshold": 0.5, "ambiguity_threshold": 0.0},
    ],
    "char_diet": [
        {"name": "WhitespaceTokenizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
        {"name": "DIETClassifier", "epochs": 60, "entity_recognition": False, "random_seed": 42, "constrain_similarities": True},
        {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.0},
    ],
}
DEFAULT_PIPELINE = "lemma_lr"


@dataclass(frozen=True)
class RasaProject:
    directory: Path
    content_hash: str
    intents: tuple[str, ...]

    @property
    def config(self) -> Path:
        return self.directory / "config.yml"

    @property
    def domain(self) -> Path:
        return self.directory / "domain.yml"

    @property
    def data(self) -> Path:
        return self.directory / "data"


def load_dialogue_intents(path: Path = DIALOGUE_INTENTS_FILE) -> dict[str, dict[str, list[str]]]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)["intents"]


def _clean(example: str) -> str:
    """One line of Rasa's example list: masked, single-line, no entity-annotation brackets."""
    text = mask_personal_codes(" ".join(str(example).split()))[0]
    return text.replace("[", "(").replace("]", ")")


def training_examples(catalogue: Catalogue, dialogue: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """Intent name → examples in both languages (service ids are the service intents' names)."""
    examples: dict[str, list[str]] = {}
    for entry in catalogue:
        examples[entry.id] = [e for lang in LANGS for e in entry.texts[lang].examples]
        examples[entry.id] += [entry.texts[lang].title for lang in LANGS]
    for intent, by_lang in dialogue.items():
        examples[intent] = [e for lang in by_lang for e in by_lang[lang]]
    deduped: dict[str, list[str]] = {}
    seen: set[str] = set()
    for intent, texts in examples.items():
        deduped[intent] = []
        for text in map(_clean, texts):
            key = text.lower()
            if key and key not in seen:  # Rasa refuses one example under two intents
                seen.add(key)
                deduped[intent].append(text)
    return deduped


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def generate(catalogue: Catalogue, out_dir: Path, pipeline: str | None = None,
             dialogue: dict[str, dict[str, list[str]]] | None = None) -> RasaProject:
    """Write the Rasa project files to `out_dir` and return it with its content hash."""
    pipeline = pipeline or DEFAULT_PIPELINE
    dialogue = dialogue if dialogue is not None else load_dialogue_intents()
    examples = training_examples(catalogue, dialogue)
    intents = tuple(examples)
    nlu_yaml = 'version: "3.1"\nnlu:\n' + "".join(
        f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {t}\n" for t in texts)
        for intent, texts in examples.items()
    )
    responses = {utter: [{"text": utter}] for utter in SMALL_TALK.values()}  # texts come from our NLG endpoint
    domain = {
        "version": "3.1",
        "intents": list(intents),
        "responses": responses,
        "actions": [RESPOND_ACTION],
        "session_config": {"session_expiration_time": 0, "carry_over_slots_to_new_session": True},
    }
    rules = [
        {"rule": f"{intent} -> {SMALL_TALK.get(intent, RESPOND_ACTION)}",
         "steps": [{"intent": intent}, {"action": SMALL_TALK.get(intent, RESPOND_ACTION)}]}
        for intent in (*intents, FALLBACK_INTENT)
    ]
    config = {
        "recipe": "default.v1",
        "language": "fi",
        "assistant_id": "neuvo",
        "pipeline": PIPELINES[pipeline],
        "policies": [{"name": "RulePolicy", "core_fallback_threshold": 0.3, "enable_fallback_prediction": False}],
    }
    files = {
        "config.yml": _dump(config),
        "domain.yml": _dump(domain),
        "data/nlu.yml": nlu_yaml,
        "data/rules.yml": _dump({"version": "3.1", "rules": rules}),
    }
    used = {str(c["name"]).split(".")[0] for c in PIPELINES[pipeline]}
    files |= {f"{module}.py": path.read_text(encoding="utf-8") for module, path in COMPONENTS.items() if module in used}
    digest = hashlib.sha256(RASA_LOCK.read_bytes())
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    out_dir = Path(out_dir)
    (out_dir / "data").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out_dir / name).write_text(content, encoding="utf-8")
    return RasaProject(out_dir, digest.hexdigest()[:16], intents)
