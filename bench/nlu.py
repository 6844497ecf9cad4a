"""Choose the NLU pipeline and the fusion weight by measurement; writes docs/nlu.md.

Every 5th catalogue example is held out of training, so the numbers include questions the engine has
never seen (besides the dev set, which it never trains on either). Rasa is asked through /model/parse.
"""
from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import understanding as U  # noqa: E402
from assistant.engine import start_rasa, wait_until_up  # noqa: E402
from assistant.evaluation import read_questions  # noqa: E402
from assistant.runtime import free_port, stop  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from knowledge.catalogue import LANGS, Catalogue, default  # noqa: E402
from nlu.project import PIPELINES  # noqa: E402
from nlu.train import train  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
WEIGHTS = (0.0, 0.5, 0.65, 0.8, 1.0)


def split(catalogue: Catalogue) -> tuple[Catalogue, list[dict]]:
    held: list[dict] = []
    entries = {}
    for entry in catalogue:
        texts = {}
        for lang in LANGS:
            examples = entry.texts[lang].examples
            held += [{"lang": lang, "text": t, "expected": entry.id} for t in examples[::5]]
            texts[lang] = dataclasses.replace(entry.texts[lang], examples=tuple(t for i, t in enumerate(examples) if i % 5))
        entries[entry.id] = dataclasses.replace(entry, texts=texts)
    return Catalogue(entries), held


def measure(pipeline: str, train_catalogue: Catalogue, sets: dict[str, list[dict]]) -> dict:
    model = train(train_catalogue, pipeline=pipeline)
    settings = Settings(port=free_port(), rasa_port=free_port())
    rasa = start_rasa(settings, model.path, Path(tempfile.gettempdir()) / f"nlu-bench-{pipeline}.log")
    try:
        wait_until_up(f"{settings.rasa_url}/", rasa, 240, "Rasa")
        understander = U.Understander(train_catalogue)
        results = {"train_seconds": model.seconds if model.trained else None}
        for name, items in sets.items():
            hits = {w: 0 for w in WEIGHTS}
            for item in items:
                parsed = httpx.post(f"{settings.rasa_url}/model/parse", json={"text": item["text"]},
                                    params={"token": settings.rasa_auth_token}, timeout=30).json()
                ranking = [(r["name"], r["confidence"]) for r in parsed.get("intent_ranking", [])]
                for w in WEIGHTS:
                    U.RASA_WEIGHT = w
                    hits[w] += understander.understand(item["text"], item["lang"], ranking).intent == item["expected"]
            results[name] = {w: hits[w] / len(items) for w in WEIGHTS}
        return results
    finally:
        stop(rasa)


def main() -> None:
    train_catalogue, held_out = split(default())
    dev = [dataclasses.asdict(q) for q in read_questions(DEV)]
    sets = {"dev": dev, "held-out catalogue examples": held_out}
    pipelines = sys.argv[1:] or list(PIPELINES)
    rows = {p: measure(p, train_catalogue, sets) for p in pipelines}
    lines = ["# NLU: how the pipeline and the fusion were chosen", "",
             "Written by `python bench/nlu.py` (top-1 accuracy; every 5th catalogue example held out of training;",
             "the dev set is never trained on). `w` is the share of Rasa's confidence in a service's fused score",
             "(`assistant.understanding.RASA_WEIGHT`): w = 1 is Rasa alone; w = 0 is the catalogue search alone for",
             "services (dialogue intents always come from Rasa).", ""]
    for name in sets:
        lines += [f"## {name} (n = {len(sets[name])})", "", "| pipeline | train s | " + " | ".join(f"w={w}" for w in WEIGHTS) + " |",
                  "|---|---|" + "---|" * len(WEIGHTS)]
        for p, r in rows.items():
            secs = f"{r['train_seconds']:.0f}" if r["train_seconds"] else "cached"
            lines.append(f"| {p} | {secs} | " + " | ".join(f"{r[name][w]:.3f}" for w in WEIGHTS) + " |")
        lines.append("")
    text = "\n".join(lines)
    (ROOT / "docs" / "nlu-measurements.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
