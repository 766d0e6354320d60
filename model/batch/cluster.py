"""Scoring on a Dask cluster: ``newsstance score --engine dask``.

The driver (this process) reads the inputs, numbers the batches and writes the output exactly
as the local engine does (:mod:`newsstance.batch.scoring`); each batch is one Dask task that
runs :func:`~newsstance.batch.engine.score_batch` on a worker. A worker loads the classifier
(model, backend, spaCy) once, on its first task, and keeps it for the rest of the run. A worker
that dies (SIGKILL included) is restarted by its nanny and its tasks are rerun elsewhere; the
driver writes a batch only when its task has finished, so nothing is written twice.

Without a scheduler address, :func:`dask_client` starts a ``LocalCluster`` on 127.0.0.1 with
one single-threaded worker per core this process may use and no dashboard. Nothing listens
beyond loopback, and Dask sends no telemetry.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import default_model_path
from .engine import BatchResult, Task, score_batch
from .errors import ClusterError, UsageError
from .manifest import model_identity
from .readers import Record

if TYPE_CHECKING:
    from distributed import Client

    from ..classifier import StanceClassifier

logger = logging.getLogger(__name__)

DASK_EXTRA = "--engine dask needs Dask: pip install 'newsstance[dask]'"
CONNECT_TIMEOUT_S = 10


def require_dask() -> None:
    """Refuse, before any work, when Dask is not installed, naming the extra that installs it."""
    for module in ("dask", "distributed"):
        if importlib.util.find_spec(module) is None:
            raise ImportError(DASK_EXTRA)


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, dashboard: bool = False, quiet: bool = True
) -> Iterator[Client]:
    """A client of the cluster at ``scheduler`` (``tcp://HOST:PORT``), or of a ``LocalCluster``
    of ``workers`` single-threaded workers (default: one per available core) on 127.0.0.1,
    closed at the end. ``quiet`` keeps the workers' logs below errors out of the terminal."""
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise UsageError(
                f"cannot reach the Dask scheduler at {scheduler} ({err}); start one with `dask scheduler`, "
                "check the address (tcp://HOST:PORT), or leave out --scheduler to run a local cluster"
            ) from None
        with client:
            yield client
        return
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    if dashboard and importlib.util.find_spec("bokeh") is None:
        raise ImportError("--dashboard needs Bokeh: pip install 'bokeh>=3.1'")
    cluster = LocalCluster(
        n_workers=workers or available_cores(),
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:8787" if dashboard else None,
        silence_logs=logging.ERROR if quiet else logging.INFO,
    )
    with cluster, Client(cluster, set_as_default=False) as client:
        if dashboard:
            logger.warning("Dask dashboard: %s", client.dashboard_link)
        yield client


@dataclass(frozen=True)
class ModelSpec:
    """How every worker loads the model: the same weights (checked by their sha256) and the
    same backend, resolved once on the driver, so that every worker computes the same rows.
    ``path=None`` is the shipped model, found by each worker in its own installation."""

    path: str | None
    backend: str
    model: tuple[tuple[str, str], ...]  # the manifest's model identity, (("weights_sha256", ...),)
    device: str | None = None
    threads: int | None = None  # per worker; None: its share of its machine's cores

    @classmethod
    def resolve(
        cls, path: str | Path | None, backend: str = "auto", device: str | None = None, threads: int | None = None
    ) -> ModelSpec:
        from ..classifier import resolve_backend

        local = Path(path).resolve() if path is not None else default_model_path()
        name = resolve_backend(local, backend, device)
        identity = tuple(sorted(model_identity(local).items()))
        return cls(str(local) if path is not None else None, name, identity, device, threads)

    def directory(self) -> Path:
        """The model directory on this machine, checked to hold the driver's weights."""
        local = Path(self.path) if self.path is not None else default_model_path()
        if not local.is_dir():
            raise FileNotFoundError(f"model directory {local} is missing on this worker; copy it to the same path")
        if model_identity(local) != dict(self.model):
            raise ValueError(
                f"the model at {local} on this worker is not the driver's (weights differ); install the same "
                "newsstance version on every node, or pass --model with a directory they share"
            )
        return local


_CLASSIFIERS: dict[tuple, StanceClassifier] = {}
_LOAD_LOCK = threading.Lock()


def worker_classifier(spec: ModelSpec, threads: int | None = None) -> StanceClassifier:
    """The classifier of ``spec``, loaded once per worker process and kept."""
    from ..classifier import StanceClassifier

    key = (spec, threads)
    with _LOAD_LOCK:
        if key not in _CLASSIFIERS:
            _CLASSIFIERS[key] = StanceClassifier.from_pretrained(
                spec.directory(), device=spec.device, backend=spec.backend, threads=threads
            )
        return _CLASSIFIERS[key]


def worker_threads(spec: ModelSpec, sharing: int) -> int:
    """The model's threads on a worker: ``spec.threads``, or the machine's cores divided among
    the ``sharing`` worker threads that run there."""
    return spec.threads or max(1, available_cores() // max(1, sharing))


def run_batch(spec: ModelSpec, host_threads: dict[str, int], index: int, records: list[Record], task: Task):
    """One Dask task: score batch ``index`` on this worker."""
    from distributed import get_worker

    worker = get_worker()
    threads = worker_threads(spec, host_threads.get(worker.address.rsplit(":", 1)[0], worker.state.nthreads))
    return score_batch(worker_classifier(spec, threads), index, records, task, worker.address)


class DaskEngine:
    """Scores batches as Dask tasks, a bounded number in flight, yielding each as it finishes."""

    def __init__(self, client: Client, spec: ModelSpec, in_flight: int | None = None) -> None:
        self.client, self.spec = client, spec
        self.backend, self.model = spec.backend, dict(spec.model)
        self.in_flight = in_flight

    def _host_threads(self) -> dict[str, int]:
        """Worker threads per machine (by address, without the port)."""
        counts: dict[str, int] = {}
        for address, info in self.client.scheduler_info(n_workers=-1)["workers"].items():
            host = address.rsplit(":", 1)[0]
            counts[host] = counts.get(host, 0) + int(info.get("nthreads", 1))
        return counts

    def run(self, batches: Iterable[tuple[int, list[Record]]], task: Task) -> Iterator[BatchResult]:
        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        hosts = self._host_threads()
        window = self.in_flight or 2 * max(1, sum(hosts.values()))
        pending = iter(batches)

        def submit():
            item = next(pending, None)
            if item is None:
                return None
            index, records = item
            return self.client.submit(run_batch, self.spec, hosts, index, records, task, pure=False)

        first = []
        while len(first) < window and (future := submit()) is not None:
            first.append(future)
        if not first:
            return
        running = as_completed(first, loop=self.client.loop)  # this client, never a default one
        try:
            for future in running:
                try:
                    result = future.result()
                except (KilledWorker, FutureCancelledError) as err:
                    raise ClusterError(
                        f"the Dask cluster lost a batch ({type(err).__name__}: {err}); the rows written so far are kept"
                    ) from None
                future.release()
                yield result
                if (future := submit()) is not None:
                    running.add(future)
        finally:
            for future in list(running.futures):
                future.cancel()
