"""Before and after the understanding work, as whole stacks side by side (issue 11's bench requirement).

Three stacks run at once, each its own Rasa server and app process on its own SQLite database:

* **before**: pipeline `char_lr` (Rasa's words as written, no Finnish base forms), embedding off;
* **shipped**: pipeline `lemma_lr` (base forms and compound parts in Rasa), embedding off (the default);
* **embedding on**: `lemma_lr` with `NEUVO_SEMANTIC=on`.

The catalogue search reads Finnish base forms in all three (it is not a setting). Each dev question is
asked of the three REST APIs in turn, a new conversation each time, so the three see the same load;
medians, p95 and the resident memory of each stack's two processes afterwards. First-reply quality is not
measured here (docs/nlu.md has it, per set).

Run: `python bench/stacks.py` (prints the section; `make bench` puts it into docs/benchmarks.md).
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import percentile, read_questions  # noqa: E402
from assistant.runtime import free_port  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench import limits  # noqa: E402
from channels.server import stack  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
VARIANTS = {"before (`char_lr`, embedding off)": ("char_lr", "off"),
            "shipped (`lemma_lr`, embedding off)": ("lemma_lr", "off"),
            "embedding on (`lemma_lr`)": ("lemma_lr", "on")}


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def report(questions: list[str] | None = None) -> str:
    questions = questions or [q.text for q in read_questions(DEV)]
    tmp = Path(tempfile.mkdtemp())
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    memory: dict[str, tuple[float, float]] = {}
    with ExitStack() as running, httpx.Client(timeout=60) as client:
        urls = {}
        for number, (name, (pipeline, semantic)) in enumerate(VARIANTS.items()):
            settings = Settings(database_url=f"sqlite:///{tmp / f'stack{number}.db'}", port=free_port(),
                                rasa_port=free_port(), smtp_port=0, pipeline=pipeline, semantic=semantic,
                                queues_file=ROOT / "tests" / "data" / "queues-open.yml")
            started = running.enter_context(stack(settings, env=limits.UNLIMITED))
            urls[name] = (settings.app_url, started)
        for text in questions:
            for name, (url, _) in urls.items():
                opened = client.post(f"{url}/api/v1/conversations", json={}).json()
                began = time.perf_counter()
                client.post(f"{url}/api/v1/conversations/{opened['conversation_id']}/messages", json={"text": text},
                            headers={"Authorization": f"Bearer {opened['token']}"})
                samples[name].append((time.perf_counter() - began) * 1000)
        for name, (_, started) in urls.items():
            memory[name] = (rss_mb(started.started[1].pid), rss_mb(started.started[0].pid))
    rows = "\n".join(f"| {name} | {statistics.median(ms):.1f} / {percentile(ms, 0.95):.1f} | {memory[name][0]:.0f} MB "
                     f"| {memory[name][1]:.0f} MB |" for name, ms in samples.items())
    return f"""## Understanding before and after, three whole stacks side by side ({len(questions)} dev questions each)

Each question asked of the three REST APIs in turn (`bench/stacks.py`); memory after the run.

| stack | REST turn ms, median / p95 | app | Rasa |
|---|---|---|---|
{rows}
"""


if __name__ == "__main__":
    print(report())
