"""Calibrate the answer / clarify thresholds and the fusion weight on a tuning set, never on a test set.

Rasa is asked once per question (`/model/parse`, the raw intent ranking); then every combination of
RASA_WEIGHT, ANSWER_THRESHOLD and MARGIN is replayed in process through the product's own rules — the
person rule, Rasa's small-talk rule (its top intent when it clears the fallback threshold), the
understander's fusion and `assistant.dialogue.respond` — and scored like `assistant eval` scores the first
reply. The choice: the most first replies right (answered, dialogue or out of scope) plus the most within
one click (a clarification with the right service), counted together, among the settings whose confident
wrong answers stay at or under `--max-wrong`; ties go to fewer wrong answers.

    python bench/calibrate.py FILE.jsonl… [--max-wrong 0.02] [--check FILE.jsonl…]

`--check` files are only scored with the chosen setting (say, the dev set): they are not tuned on.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import understanding as U  # noqa: E402
from assistant.content import semantic_from  # noqa: E402
from assistant.dialogue import SMALL_TALK_INTENTS, ConversationState, respond  # noqa: E402
from assistant.engine import start_rasa, wait_until_up  # noqa: E402
from assistant.evaluation import RIGHT, Outcome, Question, classify, read_questions, read_reply  # noqa: E402
from assistant.runtime import free_port, stop  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from knowledge.catalogue import default  # noqa: E402
from nlu.person import asks_for_person  # noqa: E402
from nlu.project import FALLBACK_THRESHOLD  # noqa: E402
from nlu.train import train  # noqa: E402

WEIGHTS = (0.5, 0.65, 0.8)
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
MARGINS = (0.05, 0.08, 0.12, 0.16, 0.2, 0.25)


def rasa_rankings(questions: list[Question]) -> list[list[tuple[str, float]]]:
    model = train(default())
    settings = Settings(port=free_port(), rasa_port=free_port())
    rasa = start_rasa(settings, model.path, Path(tempfile.gettempdir()) / "calibrate-rasa.log")
    try:
        wait_until_up(f"{settings.rasa_url}/", rasa, 300, "Rasa")
        with httpx.Client(timeout=30) as client:
            return [[(r["name"], r["confidence"]) for r in client.post(
                f"{settings.rasa_url}/model/parse", json={"text": q.text},
                params={"token": settings.rasa_auth_token}).json().get("intent_ranking", [])] for q in questions]
    finally:
        stop(rasa)


def outcome(understander: U.Understander, question: Question, ranking: list[tuple[str, float]]) -> Outcome:
    lang = question.lang or "fi"
    if not asks_for_person(question.text) and ranking and ranking[0][0] in SMALL_TALK_INTENTS \
            and ranking[0][1] >= FALLBACK_THRESHOLD:  # Rasa's rule: small talk goes to the NLG endpoint
        body = {"messages": [{"from": "bot", "text": _small_talk(lang, ranking[0][0])}], "state": "bot", "language": lang}
        return classify(question.expected, read_reply(body))
    reading = understander.understand(question.text, lang, ranking)
    turn = respond(reading, ConversationState(lang), question.text, understander)
    body = {"messages": [{"from": "bot", **m.as_dict()} for m in turn.messages], "state": turn.state.state.value,
            "language": lang, "understood": reading.as_dict()}
    return classify(question.expected, read_reply(body))


@lru_cache
def _small_talk(lang: str, intent: str) -> str:
    from assistant import replies
    return replies.small_talk(lang, SMALL_TALK_INTENTS[intent]).text


def score(outcomes: list[Outcome]) -> dict[str, float]:
    n = len(outcomes) or 1
    right = sum(o in RIGHT for o in outcomes) / n
    return {"right": right, "wrong": sum(o == Outcome.ANSWERED_WRONG for o in outcomes) / n,
            "one_click": right + sum(o == Outcome.CLARIFIED_WITH_RIGHT for o in outcomes) / n}


def paths(understander: U.Understander, question: Question, ranking: list[tuple[str, float]]) -> dict:
    """The outcome of each way the first reply can go for this question at today's RASA_WEIGHT: answer or
    clarify (the thresholds only choose between them), with the scores that choose."""
    saved = (U.ANSWER_THRESHOLD, U.MARGIN)
    reading = understander.understand(question.text, question.lang or "fi", ranking)
    top = reading.ranking[0].score if reading.ranking else 0.0
    runner = reading.ranking[1].score if len(reading.ranking) > 1 else 0.0
    forced = {}
    for path, setting in (("answer", (0.0, -1.0)), ("clarify", (2.0, 2.0))):
        U.ANSWER_THRESHOLD, U.MARGIN = setting
        forced[path] = outcome(understander, question, ranking)
    U.ANSWER_THRESHOLD, U.MARGIN = saved
    return {"service": reading.service is not None, "top": top, "gap": top - runner, **forced}


def decide(row: dict, threshold: float, margin: float) -> Outcome:
    """The outcome `respond` gives for these thresholds (assistant.understanding.Understander.is_clear)."""
    if not row["service"]:
        return row["answer"]
    return row["answer"] if row["top"] >= threshold and row["gap"] >= margin else row["clarify"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", nargs="*", type=Path, default=[])
    parser.add_argument("--max-wrong", type=float, default=0.02)
    parser.add_argument("--misses", action="store_true", help="print the tuning files' misses at today's setting")
    parser.add_argument("--semantic", action="store_true", help="with the sentence embedding (NEUVO_SEMANTIC=on)")
    args = parser.parse_args()
    tune = [q for f in args.files for q in read_questions(f)]
    check = [q for f in args.check for q in read_questions(f)]
    rankings = rasa_rankings(tune + check)
    semantic = semantic_from("on", Settings().cache_dir) if args.semantic else None
    understander = U.Understander(default(), semantic.index(default()) if semantic else None)
    understander.retrieval = lru_cache(maxsize=None)(understander.retrieval)  # type: ignore[method-assign]
    understander.embedding = lru_cache(maxsize=None)(understander.embedding)  # type: ignore[method-assign]
    current = (U.RASA_WEIGHT, U.ANSWER_THRESHOLD, U.MARGIN)
    outcomes = [outcome(understander, q, r) for q, r in zip(tune, rankings)]
    print(f"today's setting {current}: {score(outcomes)}")
    print("  " + ", ".join(f"{o.value} {sum(x == o for x in outcomes)}" for o in Outcome))
    if args.misses:
        for q, r, o in zip(tune, rankings, outcomes):
            if o not in RIGHT:
                top = [c.label for c in understander.understand(q.text, q.lang or "fi", r).ranking[:3]]
                print(f"  {o.value:22} {q.expected:28} {top} rasa={r[0] if r else None} {q.text}")
    rows = []
    for weight in WEIGHTS:
        U.RASA_WEIGHT = weight
        table = [paths(understander, q, r) for q, r in zip(tune, rankings)]
        for threshold, margin in itertools.product(THRESHOLDS, MARGINS):
            rows.append(((weight, threshold, margin), score([decide(t, threshold, margin) for t in table])))
    allowed = [r for r in rows if r[1]["wrong"] <= args.max_wrong] or rows
    best = max(allowed, key=lambda r: (round(r[1]["right"] + r[1]["one_click"], 4), -r[1]["wrong"]))
    print("| RASA_WEIGHT | ANSWER_THRESHOLD | MARGIN | right | wrong | ≤ 1 click |\n|---:|---:|---:|---:|---:|---:|")
    for (w, t, m), s in sorted(allowed, key=lambda r: -(r[1]["right"] + r[1]["one_click"]))[:10]:
        print(f"| {w} | {t} | {m} | {s['right']:.3f} | {s['wrong']:.3f} | {s['one_click']:.3f} |")
    print(f"\nchosen on the tuning files (wrong ≤ {args.max_wrong}): {best[0]} → {best[1]}")
    if check:
        U.RASA_WEIGHT, U.ANSWER_THRESHOLD, U.MARGIN = best[0]
        print("check files:", score([outcome(understander, q, r) for q, r in zip(check, rankings[len(tune):])]))


if __name__ == "__main__":
    main()
