"""`make bench`: measure the product side by side in one run and write docs/benchmarks.md.

Numbers live here, not in timed tests: the machines are shared and noisy, so every comparison is made in
the same run, interleaved, and reported as medians and ratios.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import percentile, read_questions  # noqa: E402
from bench import handoff, limits, mail, morphology, notify, semantic, stacks, webchat  # noqa: E402
from bench import text as text_bench  # noqa: E402  (a loop below names its strings `text`)
from assistant.runtime import free_port  # noqa: E402
from channels.server import stack  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from knowledge.catalogue import default  # noqa: E402
from nlu.project import DEFAULT_PIPELINE  # noqa: E402
from knowledge.retrieval import rank_file  # noqa: E402
from nlu.train import train  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SWEFAQ = ROOT.parent / "shared" / "benchmarks" / "swefaq" / "swefaq_dev.jsonl"
ROUNDS = 2


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Rasa forks none; uvicorn may)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if status.parent.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def latency(samples: list[float]) -> str:
    return f"{statistics.median(samples):.1f} / {percentile(samples, 0.95):.1f}"


def main() -> None:
    questions = [q.text for q in read_questions(DEV)]
    faq = rank_file(SWEFAQ, lang="sv")
    with tempfile.TemporaryDirectory() as cache:  # empty model cache and empty Rasa component cache
        os.environ.update(RASA_CACHE_DIRECTORY=str(Path(cache) / "rasa"))  # read by Rasa's own process
        trained = train(default(), force=True, cache_dir=Path(cache))
        os.environ.pop("RASA_CACHE_DIRECTORY")
        started = time.perf_counter()
        assert not train(default(), cache_dir=Path(cache)).trained
        skipped_s = time.perf_counter() - started
    db = Path(tempfile.mkdtemp()) / "bench.db"
    relay = mail.Sink(free_port())
    settings = Settings(database_url=f"sqlite:///{db}", port=free_port(), rasa_port=free_port(),
                        queues_file=ROOT / "tests" / "data" / "queues-open.yml",  # any weekday or hour
                        smtp_port=free_port(), smtp_relay=f"smtp://127.0.0.1:{relay.controller.port}")
    relay.controller.start()
    api_ms: list[float] = []
    rasa_ms: list[float] = []
    # many simulated customers from one address: this stack has no limits (bench/limits.py measures them)
    with stack(settings, env=limits.UNLIMITED) as running, httpx.Client(timeout=60) as client:
        for _ in range(ROUNDS):
            for number, text in enumerate(questions):
                opened = client.post(f"{settings.app_url}/api/v1/conversations", json={}).json()
                started = time.perf_counter()
                client.post(f"{settings.app_url}/api/v1/conversations/{opened['conversation_id']}/messages",
                            json={"text": text}, headers={"Authorization": f"Bearer {opened['token']}"})
                api_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                client.post(f"{settings.rasa_url}/webhooks/rest/webhook", json={"sender": f"bench-{number}-{_}", "message": text})
                rasa_ms.append((time.perf_counter() - started) * 1000)
        app_pid, rasa_pid = running.started[1].pid, running.started[0].pid
        memory = {"app": rss_mb(app_pid), "rasa": rss_mb(rasa_pid)}
        webchat_section = webchat.report(settings, questions, lambda: rss_mb(app_pid))
        handoff_section = handoff.report(settings)
        limits_section = limits.report(settings)
        mail_section = mail.report(settings, relay, questions)
    relay.controller.stop()
    notify_section = notify.report()  # its own app processes, without Rasa
    text_section = text_bench.report()
    morphology_section = morphology.report()  # the catalogue search alone, in-process
    semantic_section = semantic.report()  # the embedding in process, without Rasa (bench/semantic.py)
    stacks_section = stacks.report(questions)  # before / shipped / embedding on, three whole stacks
    report = f"""# Benchmarks

Written by `make bench` ({dt.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, shared machine).
All numbers in one run; latencies interleaved turn by turn so both sides see the same load.

## Per-turn latency (ms, median / p95), {len(api_ms)} turns: the {len(questions)} dev questions × {ROUNDS}

| path | median / p95 |
|---|---|
| REST API `POST /api/v1/conversations/{{id}}/messages` (store, detect language, Rasa, our action, store) | {latency(api_ms)} |
| Rasa's own `/webhooks/rest/webhook`, same model (includes the call to our action server) | {latency(rasa_ms)} |
| ratio of medians (API / Rasa) | {statistics.median(api_ms) / statistics.median(rasa_ms):.2f} |

## Training and memory

| what | value |
|---|---|
| Rasa training, pipeline `{Settings().pipeline or DEFAULT_PIPELINE}`, from scratch (empty caches) | {trained.seconds:.0f} s |
| `assistant train` when the generated data is unchanged (content hash hit: generate + hash only) | {skipped_s:.2f} s |
| Resident memory of the Rasa server after the run | {memory['rasa']:.0f} MB |
| Resident memory of the app (one uvicorn worker) after the run | {memory['app']:.0f} MB |

## Retrieval engine on SweFAQ dev ({faq['labelled']} questions, same run)

| ranker | accuracy | MRR |
|---|---|---|
| BM25, Swedish Snowball stemmer (baseline) | {faq['baseline_bm25']['accuracy']:.3f} | {faq['baseline_bm25']['mrr']:.3f} |
| `knowledge.retrieval.Ranker` (words + char n-grams BM25, fused) | {faq['accuracy']:.3f} | {faq['mrr']:.3f} |

{webchat_section}
{handoff_section}
{limits_section}
{mail_section}
{notify_section}
{text_section}
{morphology_section}
{semantic_section}
{stacks_section}
Dev-set accuracy of the whole pipeline: `assistant eval ../shared/eval/dev.jsonl --json`; pipeline choice:
`docs/nlu.md`.
"""
    (ROOT / "docs" / "benchmarks.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
