"""How well country forms map to ISO 3166 codes: pycountry against countryinfo's data (what
:mod:`newsstance.articles.countries` uses), with and without its colloquial forms, on a gold
written by hand (``eval/countries/gold.json``: NewsTSC/NewsMTSC target strings and seed actor
forms that name a country, and strings that name none)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

GOLD = Path(__file__).parent / "countries" / "gold.json"

_THE = re.compile(r"^the\s+", re.IGNORECASE)


def _pycountry(form: str) -> str | None:
    import pycountry

    try:
        return pycountry.countries.lookup(form).alpha_2
    except LookupError:
        return None


def _countryinfo(colloquial: bool) -> Callable[[str], str | None]:
    from newsstance.articles import countries

    def code(form: str) -> str | None:
        hit = countries.country(form)
        if hit is None or (not colloquial and countries.COLLOQUIAL.get(form.casefold()) == hit.code):
            return None
        return hit.code

    return code


def matchers() -> dict[str, Callable[[str], str | None]]:
    found: dict[str, Callable[[str], str | None]] = {}
    try:
        import pycountry  # noqa: F401 - measured where installed

        found["pycountry lookup"] = _pycountry
    except ImportError:
        pass
    found["countryinfo"] = _countryinfo(False)
    found["countryinfo + colloquial (shipped)"] = _countryinfo(True)
    return found


def measure(gold_path: Path = GOLD) -> list[dict]:
    """Per matcher: right codes on each part of the gold, and the non-countries it maps."""
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    out = []
    for name, match in matchers().items():
        row: dict = {"matcher": name}
        for part in ("targets", "seeds"):
            items = gold[part]
            right = [f for f, code in items.items() if match(_THE.sub("", f)) == code]
            row[part] = (len(right), len(items))
            row[f"{part}_missed"] = sorted(set(items) - set(right))
        false = [f for f in gold["not_countries"] if match(_THE.sub("", f)) is not None]
        row["not_countries"] = (len(false), len(gold["not_countries"]))
        row["false"] = false
        out.append(row)
    return out


def summary(rows: list[dict]) -> str:
    lines = ["| matcher | NewsTSC/NewsMTSC targets | seed actors | non-countries mapped |", "|---|---|---|---|"]
    for r in rows:
        t, s, n = r["targets"], r["seeds"], r["not_countries"]
        lines.append(f"| {r['matcher']} | {t[0]}/{t[1]} | {s[0]}/{s[1]} | {n[0]}/{n[1]} |")
    for r in rows:
        missed = r["targets_missed"] + r["seeds_missed"]
        lines.append(f"{r['matcher']}: missed {missed}; mapped {r['false']}")
    return "\n".join(lines)
