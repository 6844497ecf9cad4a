#!/usr/bin/env python3
"""Build and validate blind evaluation set 4 (fi.jsonl, sv.jsonl).

Usage: python3 tools/build.py            # build + validate
       python3 tools/build.py --check    # validate existing jsonl only
Exit code 0 = all checks passed.
"""
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES_YML = Path("/work/shared/brief/services.yml")
LANGS = ("fi", "sv")
STYLES = {"colloquial", "formal", "faq", "typo", "short"}
DIALOGUE = {"greet": 8, "thanks": 8, "goodbye": 8, "request_human": 20, "out_of_scope": 50}
NEAR = {"pay_subsidy", "employment_subsidy_55plus", "business_development_grant",
        "operating_environment_grant", "job_market_platform", "labour_market_information",
        "youth_services", "career_guidance"}
KEYS = ["id", "lang", "text", "expected", "style"]
OOS_DOMAIN_WORD = 24
OOS_SHORT = 10


def load_services():
    svc = {}
    for line in SERVICES_YML.read_text(encoding="utf-8").splitlines():
        m = re.match(r'\s*-\s*\{id:\s*([a-z0-9_]+),.*?fi:\s*"([^"]*)",\s*sv:\s*"([^"]*)"', line)
        if m:
            svc[m.group(1)] = {"fi": m.group(2), "sv": m.group(3)}
    return svc


def fold(s):
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


def short_title(t):
    t = t.split("(")[0]
    t = t.split(": ")[0]
    return t.strip()


def words(s):
    return s.split()


def load_sources():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import items_fi
    import items_sv
    return {"fi": items_fi.ITEMS, "sv": items_sv.ITEMS}


def build():
    src = load_sources()
    for lang in LANGS:
        rows = []
        for label, items in src[lang].items():
            for it in items:
                rows.append({"lang": lang, "text": it[1], "expected": label, "style": it[0]})
        rnd = random.Random(f"blind4-{lang}-2026-12-01")
        rnd.shuffle(rows)
        with open(ROOT / f"{lang}.jsonl", "w", encoding="utf-8") as f:
            for i, r in enumerate(rows, 1):
                obj = {"id": f"b4-{lang}-{i:04d}", "lang": lang, "text": r["text"],
                       "expected": r["expected"], "style": r["style"]}
                f.write(json.dumps(obj, ensure_ascii=False) + "\n")


def validate():
    svc = load_services()
    allowed = set(svc) | set(DIALOGUE)
    errors, report = [], []
    if len(svc) != 59:
        errors.append(f"services.yml parsed {len(svc)} services, expected 59")
    src = load_sources()
    all_ids = set()
    for lang in LANGS:
        path = ROOT / f"{lang}.jsonl"
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                o = json.loads(line)
            except Exception as e:
                errors.append(f"{lang}:{n} JSON error {e}")
                continue
            if list(o.keys()) != KEYS:
                errors.append(f"{lang}:{n} keys {list(o.keys())}")
            rows.append(o)
        texts = Counter()
        for o in rows:
            if o.get("id") in all_ids:
                errors.append(f"duplicate id {o.get('id')}")
            all_ids.add(o.get("id"))
            if not re.fullmatch(rf"b4-{lang}-\d{{4}}", o.get("id", "")):
                errors.append(f"bad id {o.get('id')}")
            if o.get("lang") != lang:
                errors.append(f"{o['id']} lang {o.get('lang')}")
            if o.get("expected") not in allowed:
                errors.append(f"{o['id']} expected not allowed: {o.get('expected')}")
            if o.get("style") not in STYLES:
                errors.append(f"{o['id']} style not allowed: {o.get('style')}")
            if not isinstance(o.get("text"), str) or not o["text"].strip():
                errors.append(f"{o['id']} empty text")
            texts[" ".join(fold(o["text"]).split())] += 1
            if o.get("style") == "short" and len(words(o["text"])) > 5:
                errors.append(f"{o['id']} short has {len(words(o['text']))} words: {o['text']}")
            if o.get("style") == "typo" and re.search(r"[äöåÄÖÅ]", o["text"]):
                errors.append(f"{o['id']} typo item contains ä/ö/å: {o['text']}")
        for t, c in texts.items():
            if c > 1:
                errors.append(f"{lang} duplicate text x{c}: {t}")
        # counts
        per_label = Counter(o["expected"] for o in rows)
        for sid in svc:
            want = 5 if sid in NEAR else 4
            if per_label[sid] != want:
                errors.append(f"{lang} {sid}: {per_label[sid]} items, want {want}")
        for d, want in DIALOGUE.items():
            if per_label[d] != want:
                errors.append(f"{lang} {d}: {per_label[d]} items, want {want}")
        total_want = 59 * 4 + len(NEAR) + sum(DIALOGUE.values())
        if len(rows) != total_want:
            errors.append(f"{lang}: {len(rows)} rows, want {total_want}")
        # out_of_scope design counts (from source flags)
        oos = src[lang]["out_of_scope"]
        dom = sum(1 for it in oos if len(it) > 2 and it[2])
        oshort = sum(1 for it in oos if it[0] == "short")
        if dom != OOS_DOMAIN_WORD:
            errors.append(f"{lang} out_of_scope sharing domain words: {dom}, want {OOS_DOMAIN_WORD}")
        if oshort != OOS_SHORT:
            errors.append(f"{lang} out_of_scope short: {oshort}, want {OOS_SHORT}")
        # style mix within labels
        by_label_style = defaultdict(Counter)
        for o in rows:
            by_label_style[o["expected"]][o["style"]] += 1
        for lab, c in by_label_style.items():
            if len(c) < 3 and sum(c.values()) >= 4:
                errors.append(f"{lang} {lab}: only styles {dict(c)}")
            if lab in DIALOGUE and len(c) < 5:
                errors.append(f"{lang} {lab}: dialogue label lacks some style {dict(c)}")
        # title checks (service items only)
        exact, loose, n_svc = [], [], 0
        for o in rows:
            sid = o["expected"]
            if sid not in svc:
                continue
            n_svc += 1
            title = short_title(svc[sid][lang])
            ft, tx = fold(title), fold(o["text"])
            if ft in tx:
                exact.append((o["id"], sid, o["text"]))
            longest = max(re.findall(r"[^\W\d_]+", ft), key=len)
            if longest[:-2] in tx:
                loose.append((o["id"], sid))
        styles = Counter(o["style"] for o in rows)
        le4 = sum(1 for o in rows if len(words(o["text"])) <= 4)
        oos_le4 = sum(1 for o in rows if o["expected"] == "out_of_scope" and len(words(o["text"])) <= 4)
        report.append(f"[{lang}] rows={len(rows)} services={len(svc)} service_items={n_svc}")
        report.append(f"[{lang}] styles: " + ", ".join(f"{k}={styles[k]}" for k in sorted(STYLES)))
        report.append(f"[{lang}] dialogue: " + ", ".join(f"{d}={per_label[d]}" for d in DIALOGUE))
        report.append(f"[{lang}] out_of_scope: shares domain word={dom}, short={oshort}, <=4 words={oos_le4}")
        report.append(f"[{lang}] items of <=4 words overall: {le4}")
        report.append(f"[{lang}] exact-title hits: {len(exact)}/{n_svc} ({100*len(exact)/n_svc:.1f} %) " +
                      "; ".join(f"{i} {s}" for i, s, _ in exact))
        report.append(f"[{lang}] key-term hits: {len(loose)}/{n_svc} ({100*len(loose)/n_svc:.1f} %)")
        stylemat = Counter()
        for lab, c in by_label_style.items():
            for s, k in c.items():
                stylemat[(lab in DIALOGUE, s)] += k
        report.append(f"[{lang}] styles in service items: " + ", ".join(
            f"{s}={stylemat[(False, s)]}" for s in sorted(STYLES)))
        report.append(f"[{lang}] styles in dialogue items: " + ", ".join(
            f"{s}={stylemat[(True, s)]}" for s in sorted(STYLES)))
    return errors, report


if __name__ == "__main__":
    if "--check" not in sys.argv:
        build()
    errors, report = validate()
    print("\n".join(report))
    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        print("\n".join(errors))
        sys.exit(1)
    print("\nALL CHECKS PASSED")
