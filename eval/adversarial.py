"""The reliability cases, end to end, against the real `newsstance score` command.

    newsstance bench adversarial [--model DIR] [--backend torch]

Each case builds its inputs in a fresh temporary folder, runs the command as a user would (one
process per run), and reports the last run's exit status, the rows and failures it left, and
whether every input file kept its bytes. A table in Markdown is printed at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TEXT = "Sarah Mitchell won the vote. Critics slammed David Miller."


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _count(path: Path) -> int:
    if not path.is_file():
        return 0
    if path.suffix == ".csv":
        return max(0, len(path.read_text(encoding="utf-8").splitlines()) - 1)
    return len([line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()])


Case = Callable[[Path], tuple[list[list[str]], Path, list[Path]]]
"""A case: given a folder, the command lines to run (in order), the output, and the inputs."""


def _self_overwrite(d: Path):
    data = _jsonl(d / "x.jsonl", [{"text": TEXT}, {"id": "b", "text": TEXT}])
    return [[str(data), "-o", str(data), "--overwrite"]], data, [data]


def _self_resume(d: Path):
    data = _jsonl(d / "x.jsonl", [{"id": "a", "text": TEXT}, {"id": "b", "text": TEXT}])
    return [[str(data), "-o", str(data), "--resume"]], data, [data]


def _resume_onto_user_data(d: Path):
    data = _jsonl(d / "in.jsonl", [{"id": "a", "text": TEXT}])
    theirs = _jsonl(d / "mine.jsonl", [{"id": "z", "note": "the user's own data"}])
    return [[str(data), "-o", str(theirs), "--resume"]], theirs, [data, theirs]


def _resume_other_keep_fields(d: Path):
    data = _jsonl(d / "in.jsonl", [{"id": "a", "text": TEXT, "src": "wire"}])
    out = d / "out.csv"
    return [[str(data), "-o", str(out), "--keep-fields", "src"], [str(data), "-o", str(out), "--resume"]], out, [data]


def _resume_other_level(d: Path):
    data = _jsonl(d / "in.jsonl", [{"id": "a", "text": TEXT}])
    out = d / "out.jsonl"
    return [[str(data), "-o", str(out)], [str(data), "-o", str(out), "--resume", "--level", "mention"]], out, [data]


def _stale_journal(d: Path):
    data = _jsonl(d / "in.jsonl", [{"id": "a", "text": TEXT}])
    (d / "out.csv.partial.jsonl").write_text('{"id": "a", "actor": "x"}\n', encoding="utf-8")
    return [[str(data), "-o", str(d / "out.csv")]], d / "out.csv", [data]


def _relative_then_absolute(d: Path):
    data = _jsonl(d / "in.jsonl", [{"text": TEXT}, {"text": TEXT + " Again."}])
    out = d / "out.jsonl"
    return [["in.jsonl", "-o", str(out)], [str(data.resolve()), "-o", str(out), "--resume"]], out, [data]


def _torn_errors_file(d: Path):
    data = d / "in.jsonl"
    data.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n{broken\n", encoding="utf-8")
    out = d / "out.jsonl"
    tear = [sys.executable, "-c", f"open({str(out) + '.errors.jsonl'!r}, 'a').write('{{\"source\": \"torn')"]
    return [[str(data), "-o", str(out)], tear, [str(data), "-o", str(out), "--resume"]], out, [data]


def _lone_surrogate(d: Path):
    data = d / "in.jsonl"
    data.write_text('{"id": "bad\\ud800", "text": "Sarah Mitchell won."}\n{"id": "ok", "text": "Ana Ruiz won."}\n')
    return [[str(data), "-o", str(d / "out.jsonl")]], d / "out.jsonl", [data]


def _long_csv_field(d: Path):
    long = "Sarah Mitchell won the vote. " + "The council met again. " * 6000
    data = d / "in.csv"
    data.write_text(f'id,text\nlong,"{long}"\n', encoding="utf-8")
    return [[str(data), "-o", str(d / "out.jsonl")]], d / "out.jsonl", [data]


def _bom_csv(d: Path):
    data = d / "in.csv"
    data.write_text('\ufeffid,text\nc1,"Sarah Mitchell won."\n', encoding="utf-8")
    return [[str(data), "-o", str(d / "out.jsonl")]], d / "out.jsonl", [data]


def _open_csv_quote(d: Path):
    data = d / "in.csv"
    data.write_text('id,text\nc1,"Sarah Mitchell won."\nc2,"Miller said "no" twice.\nc3,"Ana Ruiz left."\n')
    return [[str(data), "-o", str(d / "out.jsonl")]], d / "out.jsonl", [data]


def _empty_directory(d: Path):
    (d / "empty").mkdir()
    return [[str(d / "empty"), "-o", str(d / "out.jsonl")]], d / "out.jsonl", []


def _no_actor_names(d: Path):
    data = _jsonl(d / "in.jsonl", [{"text": TEXT}])
    return [[str(data), "-o", str(d / "out.jsonl"), "--actors", ",,,"]], d / "out.jsonl", [data]


def _output_is_a_directory(d: Path):
    data = _jsonl(d / "in.jsonl", [{"text": TEXT}])
    (d / "out.jsonl").mkdir()
    return [[str(data), "-o", str(d / "out.jsonl")]], d / "out.jsonl", [data]


def _parent_is_a_file(d: Path):
    data = _jsonl(d / "in.jsonl", [{"text": TEXT}])
    (d / "afile").write_text("x")
    return [[str(data), "-o", str(d / "afile" / "out.jsonl")]], d / "afile" / "out.jsonl", [data]


def _nan_kept_field(d: Path):
    data = d / "in.jsonl"
    data.write_text('{"id": "a", "text": "Sarah Mitchell won.", "weight": NaN}\n', encoding="utf-8")
    return [[str(data), "-o", str(d / "out.jsonl"), "--keep-fields", "weight"]], d / "out.jsonl", [data]


def _over_max_chars(d: Path):
    data = _jsonl(d / "in.jsonl", [{"id": "big", "text": TEXT * 100}, {"id": "ok", "text": TEXT}])
    return [[str(data), "-o", str(d / "out.jsonl"), "--max-chars", "2000"]], d / "out.jsonl", [data]


GERMAN = (
    "Sarah Mitchell hat am Dienstag neue Wahlen angekündigt, nachdem die Koalition zerbrochen war. "
    "Kritiker warfen ihr Versagen vor."
)
CHINESE = "萨拉·米切尔周二宣布举行新的选举。批评者指责她失败了。"


def _languages(d: Path, extra: list[str] = ()):
    data = _jsonl(
        d / "in.jsonl", [{"id": "de", "text": GERMAN}, {"id": "zh", "text": CHINESE}, {"id": "en", "text": TEXT}]
    )
    return [[str(data), "-o", str(d / "out.jsonl"), *extra]], d / "out.jsonl", [data]


def _any_language(d: Path):
    return _languages(d, ["--any-language"])


def _actor_types(d: Path):
    typed = [{"name": "Sarah Mitchell", "type": "ALIEN"}]
    records = [
        {"id": "alien", "text": TEXT, "actors": typed},
        {"id": "five", "text": TEXT, "actors": [{"name": "x", "type": 5}]},
    ]
    records.append(
        {"id": "person", "text": TEXT + " She left.", "actors": [{"name": "Sarah Mitchell", "type": "person"}]}
    )
    data = _jsonl(d / "in.jsonl", records)
    return [[str(data), "-o", str(d / "out.jsonl"), "--level", "mention"]], d / "out.jsonl", [data]


def _delimited(d: Path, sep: str):
    data = d / "in.csv"
    data.write_text(f'id{sep}text\nc1{sep}"Sarah Mitchell won."\nc2{sep}"{TEXT}"\n', encoding="utf-8")
    return [[str(data), "-o", str(d / "out.jsonl")]], d / "out.jsonl", [data]


def _scheduler_without_scheme(d: Path):
    data = _jsonl(d / "in.jsonl", [{"text": TEXT}])
    return (
        [[str(data), "-o", str(d / "out.jsonl"), "--engine", "dask", "--scheduler", "127.0.0.1"]],
        d / "out.jsonl",
        [data],
    )


def _report(d: Path, rows: list[dict]):
    data = _jsonl(d / "scores.jsonl", rows)
    report = [sys.executable, "-m", "newsstance", "report", str(data), "-o", str(d / "page.html")]
    return [report], d / "page.html", [data]


def _score_row(article: str, actor: str, score: float) -> dict:
    p_pos = min(max((1 + score) / 2, 0), 1) if score == score else 0.5
    return {
        "id": article,
        "actor": actor,
        "actor_type": "PERSON",
        "label": "neutral",
        "score": score,
        "p_negative": round(1 - p_pos, 6),
        "p_neutral": 0.0,
        "p_positive": round(p_pos, 6),
        "mentions": 1,
        "sentences": 1,
    }


def _report_bad_numbers(d: Path):
    rows = [_score_row("a", "Mitchell", 0.12), _score_row("b", "Mitchell", float("nan"))]
    rows += [_score_row("c", "Miller", float("inf")), _score_row("d", "Miller", 5.0), _score_row("e", "Ruiz", -0.4)]
    return _report(d, rows)


def _report_empty(d: Path):
    return _report(d, [])


CASES: dict[str, Case] = {
    "-o is the input, --overwrite": _self_overwrite,
    "-o is the input, --resume": _self_resume,
    "--resume onto the user's own JSONL": _resume_onto_user_data,
    "--resume without the first run's --keep-fields": _resume_other_keep_fields,
    "--resume with another --level": _resume_other_level,
    "a stale journal, plain rerun": _stale_journal,
    "relative path, then absolute with --resume": _relative_then_absolute,
    "errors file torn by a kill, then --resume": _torn_errors_file,
    "a lone surrogate in an id": _lone_surrogate,
    "a CSV field of 138,000 characters": _long_csv_field,
    "a CSV with a byte-order mark, id first": _bom_csv,
    "a CSV quote left open": _open_csv_quote,
    "an empty directory": _empty_directory,
    '--actors ",,,"': _no_actor_names,
    "-o is a directory": _output_is_a_directory,
    "-o inside a file": _parent_is_a_file,
    "NaN in a kept field": _nan_kept_field,
    "an article over --max-chars": _over_max_chars,
    "articles in German and Chinese": _languages,
    "German and Chinese with --any-language": _any_language,
    'actor types "ALIEN", 5 and "person"': _actor_types,
    "a semicolon CSV": lambda d: _delimited(d, ";"),
    "a tab-separated CSV": lambda d: _delimited(d, "\t"),
    "--scheduler without a scheme": _scheduler_without_scheme,
    "report: NaN, inf and 5.0 scores": _report_bad_numbers,
    "report: an empty JSONL": _report_empty,
}


def run_case(name: str, case: Case, base: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        commands, output, inputs = case(d)
        before = {p: p.read_bytes() for p in inputs}
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        status, stderr, seconds = None, "", 0.0
        for cmd in commands:
            full = cmd if cmd[0] == sys.executable else [*base, *cmd]
            start = time.perf_counter()
            done = subprocess.run(full, cwd=d, env=env, capture_output=True, text=True)
            status, stderr, seconds = done.returncode, done.stderr, time.perf_counter() - start
        errors = output.with_name(output.name + ".errors.jsonl")
        valid = True
        if output.suffix == ".jsonl" and output.is_file() and output not in inputs and output.stat().st_size:
            try:
                [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
            except ValueError:
                valid = False
        if errors.is_file():
            try:
                [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
            except ValueError:
                valid = False
        return {
            "case": name,
            "exit": status,
            "rows": _count(output) if output not in inputs and output.suffix != ".html" else "–",
            "errors": _count(errors),
            "inputs kept": all(p.read_bytes() == b for p, b in before.items()),
            "valid JSON": valid,
            "seconds": round(seconds, 1),
            "message": stderr.strip().splitlines()[-1][:160] if stderr.strip() else "",
        }


def run_cases(model: str | Path | None = None, backend: str = "torch") -> list[dict]:
    """Every case of :data:`CASES`, each against ``newsstance score`` with this model and backend."""
    base = [sys.executable, "-m", "newsstance", "score", "--quiet", "--backend", backend]
    base += ["--model", str(Path(model).resolve())] if model else []
    return [run_case(name, case, base) for name, case in CASES.items()]


def table(rows: list[dict]) -> str:
    """The cases' outcomes as a Markdown table."""
    lines = [
        "| case | exit | rows | errors | inputs kept | valid JSON | s (last run) | last line on stderr |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        message = r["message"].replace("|", "\\|")
        lines.append(
            f"| {r['case']} | {r['exit']} | {r['rows']} | {r['errors']} | {'yes' if r['inputs kept'] else 'NO'} "
            f"| {'yes' if r['valid JSON'] else 'NO'} | {r['seconds']} | {message} |"
        )
    return "\n".join(lines)
