"""`assistant eval`: run labelled questions through the real pipeline (REST API → Rasa → our actions)."""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import httpx

from assistant.understanding import OUT_OF_SCOPE


def read_questions(path: Path) -> list[dict]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            assert isinstance(item["text"], str) and isinstance(item["expected"], str)
        except (ValueError, KeyError, TypeError, AssertionError):
            raise ValueError(f"{path}:{number}: expected a JSON object with text and expected") from None
        items.append(item)
    return items


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(app_url: str, items: list[dict]) -> dict:
    results = []
    with httpx.Client(base_url=app_url, timeout=60) as client:
        for item in items:
            opened = client.post("/api/v1/conversations", json={}).json()
            started = time.perf_counter()
            response = client.post(f"/api/v1/conversations/{opened['conversation_id']}/messages",
                                   json={"text": item["text"]}, headers={"Authorization": f"Bearer {opened['token']}"})
            elapsed = (time.perf_counter() - started) * 1000
            body = response.json()
            understood = body.get("understood") or {}
            ranking = [c["label"] for c in understood.get("ranking") or []] or [understood.get("intent")]
            results.append({"id": item.get("id"), "lang": item.get("lang"), "text": item["text"],
                            "expected": item["expected"], "predicted": understood.get("intent"), "top3": ranking[:3],
                            "detected_language": body.get("language"), "latency_ms": elapsed,
                            "engine": body.get("engine")})
    return summarise(results)


def summarise(results: list[dict]) -> dict:
    def group(rows: list[dict]) -> dict:
        n = len(rows)
        return {"n": n,
                "top1": round(sum(r["predicted"] == r["expected"] for r in rows) / n, 4) if n else None,
                "top3": round(sum(r["expected"] in r["top3"] for r in rows) / n, 4) if n else None,
                "language_detected": round(sum(r["detected_language"] == r["lang"] for r in rows) / n, 4) if n else None}

    predicted_oos = [r for r in results if r["predicted"] == OUT_OF_SCOPE]
    expected_oos = [r for r in results if r["expected"] == OUT_OF_SCOPE]
    true_oos = [r for r in expected_oos if r["predicted"] == OUT_OF_SCOPE]
    latencies = [r["latency_ms"] for r in results]
    return {
        "fi": group([r for r in results if r["lang"] == "fi"]),
        "sv": group([r for r in results if r["lang"] == "sv"]),
        "all": group(results),
        "out_of_scope": {"precision": round(len(true_oos) / len(predicted_oos), 4) if predicted_oos else None,
                         "recall": round(len(true_oos) / len(expected_oos), 4) if expected_oos else None,
                         "n": len(expected_oos)},
        "latency_ms": {"p50": round(statistics.median(latencies), 1) if latencies else None,
                       "p95": round(percentile(latencies, 0.95), 1)},
        "engine_down_turns": sum(r["engine"] == "down" for r in results),
        "misclassified": [{k: r[k] for k in ("id", "lang", "text", "expected", "predicted", "top3")}
                          for r in results if r["predicted"] != r["expected"]],
    }
