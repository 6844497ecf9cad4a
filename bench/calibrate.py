"""Calibrate the answer / clarify thresholds and the fusion weight on a tuning set, never on a test set.

Rasa is asked once per question (`/model/parse`, the raw intent ranking); then every combination of
RASA_WEIGHT, ANSWER_THRESHOLD and MARGIN is replayed in process through the product's own rules — the
person rule, Rasa's small-talk rule (its top intent when it clears the fallback threshold), the
understander's fusion and `assistant.dialogue.respond` — and scored like `assistant eval` scores the first
reply. The choice: the most first replies right (answered, dialogue or out of scope) plus the most within
one click (a clarification with the right service), counted together, among the settings whose confident
wrong answers stay at or under `--max-wrong`; ties go to fewer wrong answers.

    python bench/calibrate.py FILE.jsonl… [--max-wrong 0.02] [--check FILE.jsonl…] [--scope] [--cross-fit]

`--scope` first fits the out-of-scope model (`SCOPE_COEFFICIENTS`: a logistic regression over the evidence
of the service and out-of-scope questions whose reading is a service) and prints it to paste.
`--cross-fit` asks each folder's files of a model and a catalogue search trained without their questions:
the tuning sets are training examples too (docs/nlu.md, round two). How it was run for the shipped setting:

    python bench/calibrate.py --cross-fit --scope --max-wrong 0.015 tests/data/tuning/{fi,sv}.jsonl \
        tests/data/tuning/retired-heldout/{fi,sv}.jsonl tests/data/tuning/retired-heldout-3/{fi,sv}.jsonl

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
from nlu.folds import HeldOut  # noqa: E402
from nlu.project import load_dialogue_intents  # noqa: E402
import numpy as np  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from knowledge.catalogue import default  # noqa: E402
from nlu.person import asks_for_person  # noqa: E402
from nlu.project import FALLBACK_THRESHOLD  # noqa: E402
from nlu.train import train  # noqa: E402

WEIGHTS = (0.5, 0.65, 0.8)
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
MARGINS = (0.05, 0.08, 0.12, 0.16, 0.2, 0.25)
SCOPES = (0.4, 0.5, 0.6, 0.7)


def rasa_rankings(questions: list[Question], held_out: HeldOut = HeldOut()) -> list[list[tuple[str, float]]]:
    """Rasa's raw ranking of each question, by the model trained without the `held_out` texts."""
    model = train(held_out.catalogue(default()), dialogue=held_out.dialogue(load_dialogue_intents()))
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


def understander_for(held_out: HeldOut, semantic: bool) -> U.Understander:
    """The product's understander without the `held_out` texts, its pure steps cached (each is asked many
    times over the grid)."""
    index = semantic_from("on", Settings().cache_dir) if semantic else None
    catalogue = held_out.catalogue(default())
    understander = U.Understander(catalogue, index.index(catalogue) if index else None,
                                  held_out.dialogue(load_dialogue_intents()))
    for name in ("retrieval", "embedding", "catalogue_match"):
        setattr(understander, name, lru_cache(maxsize=None)(getattr(understander, name)))
    return understander


def ask(groups: list[list[Question]], cross_fit: bool, semantic: bool) -> list[tuple[Question, list, U.Understander]]:
    """Each question with Rasa's ranking and the understander that reads it. With `cross_fit`, each group
    (the files of one folder) is asked of a model and a catalogue search without that group's texts: the
    tuning questions are also training examples (docs/nlu.md), and a model asked its own examples is
    overconfident."""
    asked = []
    shared = understander_for(HeldOut(), semantic)
    together = [] if cross_fit else rasa_rankings([q for g in groups for q in g])
    for group in groups:
        if cross_fit and group:
            held = HeldOut.of([{"text": q.text} for q in group])
            rankings, reader = rasa_rankings(group, held), understander_for(held, semantic)
        else:
            rankings, together, reader = together[:len(group)], together[len(group):], shared
        asked += [(q, r, reader) for q, r in zip(group, rankings)]
    return asked


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
    reading = unscoped(understander, question, ranking)
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


def unscoped(understander: U.Understander, question: Question, ranking: list[tuple[str, float]]) -> U.Understanding:
    """The reading before the scope check: what the thresholds see."""
    saved, U.SCOPE_THRESHOLD = U.SCOPE_THRESHOLD, 2.0
    try:
        return understander.understand(question.text, question.lang or "fi", ranking)
    finally:
        U.SCOPE_THRESHOLD = saved


def scope_features(understander: U.Understander, question: Question, ranking: list[tuple[str, float]]
                   ) -> list[float] | None:
    """The evidence `Understander.scope_odds` weighs; None when the check never sees the question (its
    reading is no service, or the catalogue uses all its words)."""
    lang = question.lang or "fi"
    reading = unscoped(understander, question, ranking)
    if reading.service is None or understander.ranker(lang).known_share(question.text) >= 1.0:
        return None
    return understander.scope_features(question.text, lang, dict(ranking), reading.confidence)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.3, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method with an L2 penalty (not on the bias): [bias, weights…]."""
    x = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(x.shape[1])
    penalty = np.diag([0.0] + [1.0 / l2] * (x.shape[1] - 1))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x.T * (p * (1 - p))) @ x + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def fit_scope(asked: list[tuple[Question, list, U.Understander]]) -> dict[str, float]:
    rows = [(f, q.expected == U.OUT_OF_SCOPE) for q, r, u in asked
            if (q.expected in u.catalogue or q.expected == U.OUT_OF_SCOPE) and (f := scope_features(u, q, r)) is not None]
    w = fit_logistic(np.array([f for f, _ in rows]), np.array([float(y) for _, y in rows]))
    return {name: round(float(v), 2) for name, v in zip(U.SCOPE_COEFFICIENTS, w)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", nargs="*", type=Path, default=[])
    parser.add_argument("--max-wrong", type=float, default=0.02)
    parser.add_argument("--misses", action="store_true", help="print the tuning files' misses at today's setting")
    parser.add_argument("--semantic", action="store_true", help="with the sentence embedding (NEUVO_SEMANTIC=on)")
    parser.add_argument("--scope", action="store_true", help="fit SCOPE_COEFFICIENTS first and use them")
    parser.add_argument("--cross-fit", action="store_true",
                        help="ask each folder's files of a model trained without them (they are training examples)")
    args = parser.parse_args()
    folders: dict[Path, list[Question]] = {}
    for f in args.files:
        folders.setdefault(f.resolve().parent, []).extend(read_questions(f))
    check = [q for f in args.check for q in read_questions(f)]
    asked = ask([*folders.values(), check], args.cross_fit, args.semantic)
    tune, checked = asked[:len(asked) - len(check)], asked[len(asked) - len(check):]
    if args.scope:
        U.SCOPE_COEFFICIENTS = fit_scope(tune)
        print(f"SCOPE_COEFFICIENTS = {U.SCOPE_COEFFICIENTS}")
    current = (U.RASA_WEIGHT, U.ANSWER_THRESHOLD, U.MARGIN, U.SCOPE_THRESHOLD)
    outcomes = [outcome(u, q, r) for q, r, u in tune]
    print(f"today's setting {current}: {score(outcomes)}")
    print("  " + ", ".join(f"{o.value} {sum(x == o for x in outcomes)}" for o in Outcome))
    if args.misses:
        for (q, r, u), o in zip(tune, outcomes):
            if o not in RIGHT:
                top = [c.label for c in u.understand(q.text, q.lang or "fi", r).ranking[:3]]
                print(f"  {o.value:22} {q.expected:28} {top} rasa={r[0] if r else None} {q.text}")
    rows = []
    for weight, scope in itertools.product(WEIGHTS, SCOPES):
        U.RASA_WEIGHT, U.SCOPE_THRESHOLD = weight, scope
        table = [paths(u, q, r) for q, r, u in tune]
        for threshold, margin in itertools.product(THRESHOLDS, MARGINS):
            rows.append(((weight, threshold, margin, scope), score([decide(t, threshold, margin) for t in table])))
    allowed = [r for r in rows if r[1]["wrong"] <= args.max_wrong] or rows
    best = max(allowed, key=lambda r: (round(r[1]["right"] + r[1]["one_click"], 4), -r[1]["wrong"]))
    print("| RASA_WEIGHT | ANSWER_THRESHOLD | MARGIN | SCOPE_THRESHOLD | right | wrong | ≤ 1 click |\n"
          "|---:|---:|---:|---:|---:|---:|---:|")
    for (w, t, m, sc), s in sorted(allowed, key=lambda r: -(r[1]["right"] + r[1]["one_click"]))[:10]:
        print(f"| {w} | {t} | {m} | {sc} | {s['right']:.3f} | {s['wrong']:.3f} | {s['one_click']:.3f} |")
    print(f"\nchosen on the tuning files (wrong ≤ {args.max_wrong}): {best[0]} → {best[1]}")
    if checked:
        U.RASA_WEIGHT, U.ANSWER_THRESHOLD, U.MARGIN, U.SCOPE_THRESHOLD = best[0]
        print("check files:", score([outcome(u, q, r) for q, r, u in checked]))


if __name__ == "__main__":
    main()
