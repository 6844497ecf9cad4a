"""Train the Rasa model, skipping training when the generated project is unchanged (content hash)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from knowledge.catalogue import Catalogue
from nlu.folds import Dialogue
from nlu.project import generate

ROOT = Path(__file__).resolve().parent.parent
RASA_VENV = ROOT / ".venv-rasa"
CACHE_DIR = Path.home() / ".cache" / "neuvo"
BUILD_DIR = ROOT / "build" / "rasa"


def rasa_executable(venv: Path = RASA_VENV) -> Path:
    exe = Path(venv) / "bin" / "rasa"
    if not exe.exists():
        raise RuntimeError(f"Rasa is not installed in {venv}; run `make setup` first")
    return exe


@dataclass(frozen=True)
class TrainedModel:
    path: Path
    content_hash: str
    trained: bool  # False when the cached model was reused
    seconds: float


def train(catalogue: Catalogue, force: bool = False, pipeline: str | None = None, quiet: bool = True,
          cache_dir: Path = CACHE_DIR, venv: Path = RASA_VENV, dialogue: Dialogue | None = None) -> TrainedModel:
    """The model for this catalogue (and these dialogue intents, by default nlu/dialogue_intents.yml): from
    the cache (`cache_dir`/models/<hash>.tar.gz) or trained now."""
    project = generate(catalogue, BUILD_DIR, pipeline=pipeline, dialogue=dialogue)
    models = Path(cache_dir) / "models"
    model = models / f"{project.content_hash}.tar.gz"
    if model.exists() and not force:
        return TrainedModel(model, project.content_hash, False, 0.0)
    models.mkdir(parents=True, exist_ok=True)
    staging = BUILD_DIR / "models"
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    cmd = [str(rasa_executable(venv)), "train", "--config", str(project.config), "--domain", str(project.domain),
           "--data", str(project.data), "--out", str(staging), "--fixed-model-name", project.content_hash]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(cmd, cwd=BUILD_DIR, env=env, capture_output=quiet, text=True)
    if result.returncode != 0:
        sys.stderr.write((result.stdout or "")[-4000:] + (result.stderr or "")[-4000:])
        raise RuntimeError(f"rasa train failed with exit code {result.returncode}")
    shutil.move(str(staging / f"{project.content_hash}.tar.gz"), model)
    return TrainedModel(model, project.content_hash, True, time.perf_counter() - started)
