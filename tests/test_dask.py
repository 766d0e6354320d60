"""`newsstance score --engine dask`, directory outputs and score_dataframe, on real clusters.

The LocalCluster tests start real worker processes; the multi-process test starts
`dask scheduler` and two `dask worker`s as subprocesses on 127.0.0.1 and stops exactly those
processes, by pid, whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("spacy")

from newsstance.batch.parts import done_parts, is_directory_output, remove_parts  # noqa: E402
from newsstance.batch.scoring import UsageError, score_files  # noqa: E402
from newsstance.cli import main  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}


def _corpus(path: Path, n: int, max_paragraphs: int = 3) -> Path:
    from newsstance.eval.bench import mixed_articles

    with open(path, "w", encoding="utf-8") as f:
        for i, text in enumerate(mixed_articles(n, max_paragraphs)):
            f.write(json.dumps({"id": f"g{i}", "text": text, "outlet": f"o{i % 3}"}) + "\n")
    return path


def _rows(output: Path) -> list[dict]:
    if output.is_dir():
        import pandas as pd

        return pd.read_parquet(output).to_dict("records")
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


def _keyed(rows: list[dict]) -> dict[tuple, dict]:
    keyed = {(r["id"], r["actor"]): r for r in rows}
    assert len(keyed) == len(rows), "duplicate (id, actor) rows"
    return keyed


def _same_rows(a: list[dict], b: list[dict]) -> None:
    ka, kb = _keyed(a), _keyed(b)
    assert set(ka) == set(kb)
    assert all(ka[k]["label"] == kb[k]["label"] for k in ka)
    # the identities are settled on the driver, from the same rows: the same ids and names
    assert all((ka[k]["actor_id"], ka[k]["canonical"]) == (kb[k]["actor_id"], kb[k]["canonical"]) for k in ka)
    assert max(abs(ka[k]["score"] - kb[k]["score"]) for k in ka) < 1e-4


# -- without a cluster --------------------------------------------------------------------------


def test_directory_outputs_are_named_by_a_slash_or_no_extension():
    assert is_directory_output("out/") and is_directory_output("scores")
    assert not is_directory_output("out.jsonl") and not is_directory_output("out.parquet")


def test_a_directory_output_resumes_by_part_and_refuses_foreign_files(tiny_classifier, inputs, tmp_path):
    out = tmp_path / "scores"
    first = score_files(tiny_classifier, [str(inputs)], f"{out}/", articles_per_batch=1, show_progress_bar=False)
    assert out.is_dir() and not (tmp_path / "scores.partial").exists()
    assert sorted(done_parts(out)) == [0, 1, 2, 3]  # four good records, one part each
    rows = _rows(out)
    assert {r["id"] for r in rows} == {"a.txt", "j1", "j2", "c1"} and len(rows) == first.rows_written
    (out / "part-000002.parquet").unlink()  # as if the run had died before that part
    out.rename(tmp_path / "scores.partial")
    again = score_files(tiny_classifier, [str(inputs)], out, articles_per_batch=1, resume=True, show_progress_bar=False)
    assert (again.articles_scored, again.articles_skipped) == (1, 3)
    assert again.records_failed == first.records_failed == 8
    _same_rows(_rows(out), rows)
    with pytest.raises(UsageError, match="same inputs"):
        score_files(tiny_classifier, [str(inputs / "a.txt")], out, articles_per_batch=1, resume=True)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="did not write"):
        score_files(tiny_classifier, [str(inputs)], out, overwrite=True, show_progress_bar=False)
    assert (out / "notes.txt").read_text() == "mine"
    with pytest.raises(UsageError, match="did not write"):
        remove_parts(out)


def test_dask_missing_names_the_extra(monkeypatch, tiny_model_dir, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    text = tmp_path / "a.txt"
    text.write_text("Sarah Mitchell won.", encoding="utf-8")
    args = ["score", str(text), "-o", str(tmp_path / "o.jsonl"), "--model", str(tiny_model_dir), "--engine", "dask"]
    assert main(args) == 2
    assert "pip install 'newsstance[dask]'" in capsys.readouterr().err
    assert main([*args[:-2], "--workers", "2"]) == 2
    assert "need --engine dask" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_a_usage_error(monkeypatch, tiny_model_dir, tmp_path, capsys):
    monkeypatch.setattr("newsstance.batch.cluster.CONNECT_TIMEOUT_S", 1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    text = tmp_path / "a.txt"
    text.write_text("Sarah Mitchell won.", encoding="utf-8")
    args = ["score", str(text), "-o", str(tmp_path / "o.jsonl"), "--model", str(tiny_model_dir), "--quiet"]
    assert main([*args, "--engine", "dask", "--scheduler", f"127.0.0.1:{port}"]) == 2  # tcp:// is implied
    err = capsys.readouterr().err
    assert f"no Dask scheduler answers at tcp://127.0.0.1:{port}" in err and "`dask scheduler`" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_scheduler_addresses_are_checked_before_anything_starts():
    from newsstance.batch.cluster import scheduler_address

    assert scheduler_address("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert scheduler_address(" 10.0.0.5:8786 ") == "tcp://10.0.0.5:8786"
    assert scheduler_address("tls://[::1]:8786") == "tls://[::1]:8786"
    for bad in ("127.0.0.1", "bogus://x:1", "tcp://10.0.0.5", "tcp://:8786", "10.0.0.5:port", "10.0.0.5:70000"):
        with pytest.raises(UsageError, match=r"not the address of a Dask scheduler; give tcp://HOST:PORT"):
            scheduler_address(bad)


@pytest.mark.parametrize("address", ["127.0.0.1", "bogus://x:1"])
def test_a_malformed_scheduler_address_is_one_line_and_exit_2(address, tiny_model_dir, tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Sarah Mitchell won.", encoding="utf-8")
    args = [BIN / "newsstance", "score", text, "-o", tmp_path / "o.jsonl", "--model", tiny_model_dir, "--quiet"]
    started = time.monotonic()
    done = subprocess.run(
        [*args, "--engine", "dask", "--scheduler", address], env=ENV, capture_output=True, text=True, timeout=120
    )
    seconds = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"newsstance score: error: --scheduler {address!r} is not the address of a Dask scheduler; give "
        "tcp://HOST:PORT, as `dask scheduler` prints it (for example tcp://10.0.0.5:8786)"
    ]
    assert seconds < 20, f"took {seconds:.0f} s"  # a Dask client would hang 20 s more as it is collected
    assert not (tmp_path / "o.jsonl").exists()


def test_a_listener_that_is_not_a_scheduler_is_refused_quickly(monkeypatch, tiny_model_dir, tmp_path, capsys):
    monkeypatch.setattr("newsstance.batch.cluster.CONNECT_TIMEOUT_S", 1)
    text = tmp_path / "a.txt"
    text.write_text("Sarah Mitchell won.", encoding="utf-8")
    with socket.socket() as server:  # accepts connections (the system's backlog) and says nothing
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        args = ["score", str(text), "-o", str(tmp_path / "o.jsonl"), "--model", str(tiny_model_dir), "--quiet"]
        started = time.monotonic()
        assert main([*args, "--engine", "dask", "--scheduler", address]) == 2
        assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert f"no Dask scheduler answers at {address} (no answer in 1 s)" in err


def test_a_run_on_an_output_in_use_is_refused_before_dask_starts(tiny_model_dir, tmp_path):
    import psutil

    text, out = tmp_path / "a.txt", tmp_path / "o.jsonl"
    text.write_text("Sarah Mitchell won.", encoding="utf-8")
    hold = "import sys; from newsstance.batch.manifest import output_lock; from pathlib import Path\n"
    hold += "with output_lock(Path(sys.argv[1])):\n    print('held', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV
    )
    scratch = tmp_path / "dask-temp"  # where a Dask worker would make its scratch directory
    try:
        assert holder.stdout.readline().strip() == "held"
        args = [BIN / "newsstance", "score", text, "-o", out, "--model", tiny_model_dir, "--quiet"]
        started = time.monotonic()
        run = subprocess.Popen(
            [*args, "--engine", "dask", "--workers", "1"],
            env=ENV | {"DASK_TEMPORARY_DIRECTORY": str(scratch)},
            stderr=subprocess.PIPE,
            text=True,
        )
        children: set[int] = set()
        while run.poll() is None:
            with contextlib.suppress(psutil.Error):
                children |= {c.pid for c in psutil.Process(run.pid).children(recursive=True)}
            time.sleep(0.02)
        seconds, err = time.monotonic() - started, run.stderr.read()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert run.returncode == 2, err
    assert err.splitlines() == [
        f"newsstance score: error: another `newsstance score` run (pid {holder.pid}) is writing {out}; "
        "wait for it to end, or write to another -o"
    ]
    assert children == set() and not scratch.exists(), "a Dask cluster was started"
    print(f"refused in {seconds:.1f} s")


# -- a LocalCluster ------------------------------------------------------------------------------


def _http_answer(port: int) -> bytes:
    """What a listener on 127.0.0.1:``port`` says to an HTTP GET within a second. A Dask server
    speaks first (its handshake) and is sent nothing; an HTTP server waits for the request."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.settimeout(1)
        with contextlib.suppress(TimeoutError):
            if first := s.recv(16):
                return first
        s.sendall(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            return s.recv(64)
        except (TimeoutError, ConnectionError):
            return b""


@pytest.mark.slow
def test_a_local_cluster_serves_no_http_and_listens_on_loopback_only():
    import psutil

    from newsstance.batch.cluster import dask_client

    def listening(pid: int) -> set[tuple[str, int]]:
        found = psutil.Process(pid).net_connections("inet")
        return {(c.laddr.ip, c.laddr.port) for c in found if c.status == psutil.CONN_LISTEN}

    before = listening(os.getpid())
    with dask_client(workers=1) as client:
        (worker_pid,) = client.run(os.getpid).values()
        # this process runs the scheduler and the nanny; the worker runs in its own
        sockets = (listening(os.getpid()) - before) | listening(worker_pid)
        answers = {f"{ip}:{port}": _http_answer(port) for ip, port in sockets}
    print("listening:", answers)
    assert len(sockets) == 3  # the scheduler, the nanny and the worker: Dask's TCP protocol each
    assert {ip for ip, _ in sockets} == {"127.0.0.1"}
    assert [where for where, said in answers.items() if said.startswith(b"HTTP/")] == []


PRELOAD = """
import logging


def _log(server, when):
    try:
        raise OSError(f"the scheduler went away ({when})")
    except OSError:
        logging.getLogger("distributed.worker").exception("Failed to communicate with scheduler during heartbeat.")


def dask_setup(server):
    _log(server, "start")


def dask_teardown(server):
    _log(server, "close")
"""


def _noisy_dask(tmp_path: Path) -> dict[str, str]:
    """An environment where the scheduler and every worker log an ERROR with a traceback as they start
    and close, as a worker does when its heartbeat races the cluster's close."""
    preload = tmp_path / "noisy_preload.py"
    preload.write_text(PRELOAD, encoding="utf-8")
    where = json.dumps([str(preload)])
    return ENV | {"DASK_DISTRIBUTED__SCHEDULER__PRELOAD": where, "DASK_DISTRIBUTED__WORKER__PRELOAD": where}


@pytest.mark.slow
def test_dask_logs_stay_out_of_the_terminal_of_a_successful_run(tiny_model_dir, tmp_path):
    corpus = _corpus(tmp_path / "gen.jsonl", 6)
    args = [BIN / "newsstance", "score", corpus, "-o", tmp_path / "o.jsonl", "--model", tiny_model_dir, "--quiet"]
    done = subprocess.run(
        [*args, "--engine", "dask", "--workers", "1"], env=_noisy_dask(tmp_path), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "6 articles scored" in done.stderr, done.stderr
    verbose = subprocess.run(
        [BIN / "newsstance", "-v", *args[1:], "--overwrite", "--engine", "dask", "--workers", "1"],
        env=_noisy_dask(tmp_path), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert verbose.returncode == 0 and "Failed to communicate with scheduler" in verbose.stderr  # -v shows them


@pytest.mark.slow
def test_sigterm_mid_run_is_one_line_exit_143_and_resumable(tiny_model_dir, tiny_classifier, tmp_path, capsys):
    n = 120
    corpus = _corpus(tmp_path / "gen.jsonl", n, max_paragraphs=6)
    out = tmp_path / "out.jsonl"
    args = ["score", str(corpus), "-o", str(out), "--model", str(tiny_model_dir), "--quiet"]
    args += ["--articles-per-task", "2"]
    run = subprocess.Popen(
        [BIN / "newsstance", *args, "--engine", "dask", "--workers", "1"],
        env=_noisy_dask(tmp_path),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and out.stat().st_size > 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.poll() is None, "the run ended before the signal; make the corpus larger"
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 143, err
    assert err.splitlines() == ["newsstance score: terminated; run again with --resume to finish"], err
    kept = _rows(out)
    assert 0 < len({r["id"] for r in kept}) < n
    assert main([*args, "--resume"]) == 0  # in this process, with the local engine
    done = re.search(r"(\d+) already done", capsys.readouterr().err)
    assert done and int(done[1]) > 0
    reference = tmp_path / "reference.jsonl"
    score_files(tiny_classifier, [str(corpus)], reference, articles_per_batch=2, show_progress_bar=False)
    _same_rows(_rows(out), _rows(reference))


@pytest.mark.slow
def test_local_cluster_writes_the_same_rows_and_errors_as_local(tiny_model_dir, inputs, tmp_path, capsys):
    corpus = _corpus(tmp_path / "in" / "gen.jsonl", 40)
    (tmp_path / "in" / "given.jsonl").write_text(
        json.dumps({"id": "x1", "text": "Ana Ruiz won.", "actors": [{}]}) + "\n"
    )
    base = ["score", str(inputs), "--model", str(tiny_model_dir), "--quiet", "--keep-fields", "outlet"]
    base += ["--articles-per-task", "8"]
    assert corpus.parent == inputs
    results = {}
    for name, extra in {
        "local.jsonl": [],
        "dask.jsonl": ["--engine", "dask", "--workers", "2"],
        "dask_dir/": ["--engine", "dask", "--workers", "2"],
    }.items():
        out = tmp_path / name
        results[name] = main([*base, "-o", str(out), *extra]), capsys.readouterr().err
    assert {rc for rc, _ in results.values()} == {1}  # bad records: exit 1, the rest scored
    assert "on 2 workers" in results["dask.jsonl"][1]
    local = _rows(tmp_path / "local.jsonl")
    assert len({r["id"] for r in local} & {f"g{i}" for i in range(40)}) > 30  # some name no actor: no rows
    _same_rows(local, _rows(tmp_path / "dask.jsonl"))
    _same_rows(local, _rows(tmp_path / "dask_dir"))

    def errors(name: str) -> list[dict]:
        return sorted(_rows(tmp_path / f"{name}.errors.jsonl"), key=lambda e: (e["source"], e["line"] or 0))

    assert errors("local.jsonl") == errors("dask.jsonl") == errors("dask_dir")
    assert any(e["id"] == "x1" for e in errors("dask.jsonl"))  # failed inside a worker, still logged
    manifest = json.loads((tmp_path / "dask.jsonl.manifest.json").read_text())
    assert manifest["complete"] and manifest == json.loads((tmp_path / "local.jsonl.manifest.json").read_text())


@pytest.mark.slow
def test_score_dataframe_declares_the_row_schema_and_keeps_bad_records(tiny_model_dir, tmp_path):
    dd = pytest.importorskip("dask.dataframe")
    import pandas as pd

    from newsstance.batch.cluster import dask_client
    from newsstance.batch.frames import score_dataframe

    texts = [json.loads(line)["text"] for line in _corpus(tmp_path / "c.jsonl", 12).read_text().splitlines()]
    texts[3] = "   "
    df = pd.DataFrame({"text": texts, "outlet": [f"o{i % 2}" for i in range(len(texts))]})
    ddf = dd.from_pandas(df, npartitions=3)
    with pytest.raises(ValueError, match="'text' column"):
        score_dataframe(ddf[["outlet"]], model=tiny_model_dir)
    lazy = score_dataframe(ddf, model=tiny_model_dir, keep_fields=["outlet"], errors="column")
    assert list(lazy.columns)[:5] == ["id", "actor", "actor_id", "canonical", "actor_type"]
    assert list(lazy.columns)[-2:] == ["outlet", "error"]
    with dask_client(workers=2) as client:
        got = client.compute(lazy).result()
        with pytest.raises(ValueError, match="errors='column'"):
            client.compute(score_dataframe(ddf, model=tiny_model_dir)).result()
    bad = got[got["error"].notna()]
    assert bad["id"].tolist() == ["3"] and bad["error"].tolist() == ["empty article"]  # the index is the id
    good = got[got["error"].isna()]
    assert {"3"} < set(got["id"]) <= {str(i) for i in range(12)} and len(set(good["id"])) > 8
    assert good["label"].isin(["negative", "neutral", "positive"]).all()
    assert (good["outlet"] == good["id"].astype(int).map(lambda i: f"o{i % 2}")).all()


# -- a cluster of separate processes --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(procs: list[subprocess.Popen]) -> None:
    """Stop exactly these processes (and the worker processes their nannies started), by pid."""
    import psutil

    children = []
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            children += psutil.Process(p.pid).children(recursive=True)
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    for child in children:  # psutil checks the start time too, so a reused pid is never hit
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.is_running():
                child.kill()


def _worker_pids(address: str) -> dict[str, int]:
    from distributed import Client

    with Client(address, timeout=30, set_as_default=False) as client:
        pids = client.run(os.getpid)
        names = {a: w["name"] for a, w in client.scheduler_info(n_workers=-1)["workers"].items()}
        return {names[a]: pid for a, pid in pids.items() if a in names}


@pytest.fixture
def cluster(tmp_path):
    """`dask scheduler` and two single-threaded `dask worker`s (with nannies) on 127.0.0.1."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = open(tmp_path / "cluster.log", "w")  # noqa: SIM115  (closed in finally, after the processes)
    common = ["--no-dashboard"]
    procs = [
        subprocess.Popen(
            [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), *common], stdout=log, stderr=log
        )
    ]
    try:
        for i in range(2):
            worker = [BIN / "dask", "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--name", f"w{i}"]
            worker += ["--local-directory", str(tmp_path / f"w{i}"), *common]
            procs.append(subprocess.Popen(worker, stdout=log, stderr=log, env=ENV))
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs
    finally:
        _stop(procs)
        log.close()


@pytest.mark.slow
def test_a_multi_process_cluster_shares_the_work(cluster, tiny_model_dir, tiny_classifier, tmp_path):
    address, procs = cluster
    corpus = _corpus(tmp_path / "gen.jsonl", 30)
    out = tmp_path / "out.jsonl"
    args = [BIN / "newsstance", "score", corpus, "-o", out, "--model", tiny_model_dir, "--quiet"]
    args += ["--engine", "dask", "--scheduler", address, "--articles-per-task", "2"]
    done = subprocess.run(args, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "30 articles scored" in done.stderr and "on 2 workers" in done.stderr
    reference = tmp_path / "reference.jsonl"
    score_files(tiny_classifier, [str(corpus)], reference, articles_per_batch=2, show_progress_bar=False)
    _same_rows(_rows(out), _rows(reference))
    assert all(p.poll() is None for p in procs)  # the cluster outlives the run that used it


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_nothing_and_writes_nothing_twice(
    cluster, tiny_model_dir, tiny_classifier, tmp_path
):
    import psutil

    address, procs = cluster
    n = 150
    corpus = _corpus(tmp_path / "gen.jsonl", n, max_paragraphs=6)
    out = tmp_path / "out.jsonl"
    args = [BIN / "newsstance", "score", corpus, "-o", out, "--model", tiny_model_dir, "--quiet"]
    args += ["--engine", "dask", "--scheduler", address, "--articles-per-task", "2"]
    run = subprocess.Popen(args, env=ENV, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and out.stat().st_size > 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        victim = _worker_pids(address)["w1"]  # the worker process the nanny of w1 started
        assert victim in [c.pid for c in psutil.Process(procs[2].pid).children()]
        os.kill(victim, signal.SIGKILL)
        assert run.poll() is None, "the run ended before the kill; make the corpus larger"
        killed_at = len(out.read_text().splitlines())
        _, err = run.communicate(timeout=300)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, err
    assert f"{n} articles scored" in err
    rows = _rows(out)
    assert len(rows) > killed_at
    reference = tmp_path / "reference.jsonl"
    score_files(tiny_classifier, [str(corpus)], reference, articles_per_batch=2, show_progress_bar=False)
    _same_rows(rows, _rows(reference))  # every row, none twice
    deadline = time.monotonic() + 60
    while victim in _worker_pids(address).values() or len(_worker_pids(address)) < 2:
        assert time.monotonic() < deadline, "the nanny did not restart w1"
        time.sleep(0.5)


def test_a_partition_refuses_other_languages_unless_any_language(tiny_model_dir):
    pd = pytest.importorskip("pandas")
    from newsstance.articles.rows import output_columns
    from newsstance.batch.cluster import ModelSpec
    from newsstance.batch.engine import Task
    from newsstance.batch.frames import score_partition

    german = "Merkel hat am Dienstag neue Wahlen angekündigt, nachdem die Koalition zerbrochen war."
    english = "Merkel announced new elections on Tuesday after the coalition collapsed."
    part = pd.DataFrame({"id": ["de", "en"], "text": [german, english]})
    spec = ModelSpec.resolve(tiny_model_dir, "torch", None, 1)
    task = Task("article", ["Merkel"], 8, (*output_columns("article", []), "error"))
    got = score_partition(part, spec, task, [], "column")
    assert got.loc[got["id"] == "de", "error"].tolist() == [
        "language de; newsstance reads English; pass any_language=True to score it anyway"
    ]
    assert got.loc[got["id"] == "en", "error"].isna().all()
    anyway = score_partition(part, spec, task, [], "column", any_language=True)
    assert anyway["error"].isna().all() and "de" in set(anyway["id"])


@pytest.mark.slow
def test_edge_rows_on_a_local_cluster_equal_the_local_ones(tiny_model_dir, tmp_path, capsys):
    from newsstance.articles.rows import output_columns

    src = tmp_path / "in.jsonl"
    texts = [
        "Senator Josh Hawley praised President Trump for his leadership during the crisis.",
        '"This is a disgrace," Governor Tom Reed said of Mayor Lisa Park. Park did not reply.',
        "A senior aide said Governor Tom Reed had misled the Harbour Workers' Union about the budget.",
        "According to the Northern Ports Authority, the strike cost Tarnmouth two million pounds.",
    ]
    src.write_text("".join(json.dumps({"id": f"e{i}", "text": t}) + "\n" for i, t in enumerate(texts * 3)))
    base = ["score", str(src), "--model", str(tiny_model_dir), "--quiet", "--level", "edge", "--articles-per-task", "2"]
    assert main([*base, "-o", str(tmp_path / "local.jsonl")]) == 0
    assert main([*base, "-o", str(tmp_path / "dask.jsonl"), "--engine", "dask", "--workers", "2"]) == 0
    capsys.readouterr()

    def keyed(name: str) -> dict[tuple, dict]:
        rows = _rows(tmp_path / name)
        assert rows and all(list(r) == output_columns("edge") for r in rows)
        return {(r["id"], r["speaker"], r["target"]): r for r in rows}

    local, dask = keyed("local.jsonl"), keyed("dask.jsonl")
    assert set(local) == set(dask)
    for k, row in local.items():
        assert {c: v for c, v in row.items() if not c.startswith(("p_", "score"))} == {
            c: v for c, v in dask[k].items() if not c.startswith(("p_", "score"))
        }
        assert abs(row["score"] - dask[k]["score"]) < 1e-4
