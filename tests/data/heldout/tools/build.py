import json, random, re, sys, collections
sys.path.insert(0, "/tmp/blind5")
from items_fi import FI, FI_DIALOGUE
from items_sv import SV, SV_DIALOGUE

ids = re.findall(r"\{id:\s*([a-z0-9_]+)", open("/work/shared/brief/services.yml").read())
SERVICES = set(ids)
DIALOGUE = {"out_of_scope", "request_human", "greet", "thanks", "goodbye"}
NEAR = {"pay_subsidy", "employment_subsidy_55plus", "business_development_grant", "operating_environment_grant",
        "job_market_platform", "labour_market_information", "youth_services", "career_guidance"}
STYLES = {"colloquial", "formal", "faq", "typo", "short"}
WANT_DIALOGUE = {"out_of_scope": 40, "request_human": 12, "greet": 5, "thanks": 5, "goodbye": 5}

def check(lang, items):
    errs = []
    c = collections.Counter(e for _, e, _ in items)
    for s in SERVICES:
        want = 3 if s in NEAR else 2
        if c[s] != want: errs.append(f"{lang}: {s} has {c[s]} want {want}")
    for d, n in WANT_DIALOGUE.items():
        if c[d] != n: errs.append(f"{lang}: {d} has {c[d]} want {n}")
    for _, e, st in items:
        if e not in SERVICES and e not in DIALOGUE: errs.append(f"{lang}: bad label {e}")
        if st not in STYLES: errs.append(f"{lang}: bad style {st}")
    norm = collections.Counter(re.sub(r"\W+", " ", t.lower()).strip() for t, _, _ in items)
    for t, n in norm.items():
        if n > 1: errs.append(f"{lang}: duplicate {t!r}")
    for t, e, st in items:
        if st == "short" and len(t.split()) > 5: errs.append(f"{lang}: short too long {t!r}")
        if st == "typo" and re.search(r"[äöåÄÖÅ]", t) and lang == "fi": pass
    if re.search(r"\d{6}[-+A]\d{3}[0-9A-Y]", " ".join(t for t, _, _ in items)): errs.append("hetu-like string")
    return errs, c

out = {}
allerr = []
for lang, items in (("fi", FI + FI_DIALOGUE), ("sv", SV + SV_DIALOGUE)):
    errs, c = check(lang, items)
    allerr += errs
    rng = random.Random(20261202 + (0 if lang == "fi" else 1))
    items = list(items); rng.shuffle(items)
    rows = [{"id": f"b5-{lang}-{i:04d}", "lang": lang, "text": t, "expected": e, "style": s}
            for i, (t, e, s) in enumerate(items, 1)]
    with open(f"/tmp/blind5/{lang}.jsonl", "w", encoding="utf-8") as f:
        for r in rows: f.write(json.dumps(r, ensure_ascii=False) + "\n")
    out[lang] = (c, collections.Counter(s for _, _, s in items), len(rows))
# cross-language duplicate check
fi_t = {t.lower() for t, _, _ in FI + FI_DIALOGUE}
for t, _, _ in SV + SV_DIALOGUE:
    if t.lower() in fi_t: allerr.append(f"cross dup {t}")
print("\n".join(allerr) or "NO ERRORS")
for lang, (c, sc, n) in out.items():
    print(lang, "total", n, "services", sum(v for k, v in c.items() if k in SERVICES), "styles", dict(sc))
    print("  dialogue", {k: c[k] for k in WANT_DIALOGUE})
