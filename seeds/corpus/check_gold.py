"""Check identities.json against the article texts (standard library only).

Run from anywhere: python3 seeds/corpus/check_gold.py
Exits non-zero on an error; warnings and a review list are printed.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
gold = json.loads((HERE / "identities.json").read_text(encoding="utf-8"))
ids, arts = gold["identities"], gold["articles"]
errors, warnings = [], []

files = {p.stem: p for p in sorted(HERE.glob("[0-9][0-9]-*.txt"))}
if set(files) != set(arts):
    errors.append(f"article keys {sorted(set(arts) ^ set(files))} differ from files")

for key, ident in ids.items():
    if ident.get("type") not in {"PERSON", "ORG", "GPE", "NORP"}:
        errors.append(f"{key}: bad type {ident.get('type')}")
    if (ident.get("type") == "GPE") != ("iso" in ident):
        errors.append(f"{key}: iso must be given for countries only")
    if "iso" in ident and not re.fullmatch(r"[A-Z]{2}", ident["iso"]):
        errors.append(f"{key}: bad iso {ident['iso']}")

used = {}
for stem, entries in arts.items():
    path = files.get(stem)
    if path is None:
        continue
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    paras = [p for p in body.split("\n\n") if p.strip()]
    nwords = len(body.split())
    if not lines[0].strip() or lines[1] != "":
        errors.append(f"{stem}: headline line then a blank line expected")
    if not 5 <= len(paras) <= 10 or not 250 <= nwords <= 450:
        errors.append(f"{stem}: {len(paras)} paragraphs, {nwords} words")

    seen_ids, form_owner, spans = set(), {}, []
    for e in entries:
        key = e["identity"]
        if key not in ids:
            errors.append(f"{stem}: identity {key} not defined")
        if key in seen_ids:
            errors.append(f"{stem}: identity {key} listed twice")
        seen_ids.add(key)
        for form in e["forms"]:
            if form in form_owner:
                errors.append(f"{stem}: form {form!r} given to {form_owner[form]} and {key}")
            form_owner[form] = key
            hits = [m.start() for m in re.finditer(re.escape(form), text)]
            if not hits:
                errors.append(f"{stem}: form {form!r} ({key}) not in text")
            bounded = [h for h in hits
                       if not (h > 0 and text[h - 1].isalnum())
                       and not (h + len(form) < len(text) and text[h + len(form)].isalnum())]
            if hits and not bounded:
                errors.append(f"{stem}: form {form!r} only occurs inside longer words")
            elif len(bounded) < len(hits):
                warnings.append(f"{stem}: {form!r} also occurs inside a longer word")
            spans += [(h, h + len(form), key, form) for h in bounded]
            used.setdefault(key, {}).setdefault(stem, []).append(form)
    # an occurrence of one identity's form inside another identity's longer form
    for s, t, k, f in spans:
        for s2, t2, k2, f2 in spans:
            if k2 != k and s2 <= s and t <= t2 and (s2, t2) != (s, t):
                warnings.append(f"{stem}: {f!r} ({k}) at {s} lies inside {f2!r} ({k2})")
    # capitalised word runs not covered by any gold form: printed for a human to review
    covered = [(s, t) for s, t, _, _ in spans]
    start_body = len(text) - len(body)
    review, run = set(), []

    def flush():
        while run and not run[-1][2][:1].isupper():
            run.pop()
        if run:
            s0, t0 = run[0][0], run[-1][1]
            if not any(s < t0 and s0 < t for s, t in covered):
                review.add(text[s0:t0])
        run.clear()

    for m in re.finditer(r"\S+", body):
        raw = m.group(0)
        word = raw.strip('",;:()')
        lead = raw.find(word) if word else 0
        s0 = start_body + m.start() + lead
        ends_sentence = word.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", word)
        word = word.rstrip(".") if ends_sentence else word
        if word[:1].isupper() or (run and word in {"of", "for", "and", "&", "von", "der"}):
            run.append((s0, s0 + len(word), word))
        else:
            flush()
        if ends_sentence or raw.endswith((",", ";", ":", '"')) or "\n" in text[start_body + m.end():start_body + m.end() + 1]:
            flush()
    flush()
    print(f"{stem}: {len(paras)} paragraphs, {nwords} words; not in gold: "
          + ", ".join(sorted(review)))

for key in ids:
    if key not in used:
        warnings.append(f"identity {key} is defined but never used")

print("\nIdentity table (identity -> article: forms)")
for key in sorted(used, key=lambda k: (-len(used[k]), k)):
    print(f"{key}  [{ids[key]['type']}{' ' + ids[key]['iso'] if 'iso' in ids[key] else ''}]  {ids[key]['name']}")
    for stem in sorted(used[key]):
        print(f"    {stem}: " + " | ".join(used[key][stem]))

n_multi = sum(len(v) > 1 for v in used.values())
print(f"\n{len(arts)} articles, {len(ids)} identities ({n_multi} in two or more articles), "
      f"{sum(len(v) for v in arts.values())} actor entries")
for w in warnings:
    print("WARNING:", w)
for e in errors:
    print("ERROR:", e)
sys.exit(1 if errors else 0)
