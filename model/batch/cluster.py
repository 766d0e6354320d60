"""Scoring on a Dask cluster: ``newsstance score --engine dask``.

The driver (this process) reads the inputs, numbers the batches and writes the output exactly
as the local engine does (:mod:`newsstance.batch.scoring`); each batch is one Dask task that
runs :func:`~newsstance.batch.engine.score_batch` on a worker. A worker loads the classifier
(model, backend, spaCy) once, on its first task, and keeps it for the rest of the run. A worker
that dies (SIGKILL included) is restarted by its nanny and its tasks are rerun elsewhere; the
driver writes a batch only when its task has finished, so nothing is written twice.

Without a scheduler address, :func:`dask_client` starts a local cluster on 127.0.0.1 with one
single-threaded worker per core this process may use (:mod:`newsstance.batch.loopback`). It
serves no HTTP unless asked for the dashboard: what listens is Dask's TCP protocol on loopback
only, and Dask sends no telemetry. With an address, it first checks that a Dask scheduler
answers there, within :data:`CONNECT_TIMEOUT_S` seconds.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
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
CONNECT_TIMEOUT_S = 5
SCHEMES = ("tcp", "tls")
ADDRESS_FORM = "tcp://HOST:PORT, as `dask scheduler` prints it (for example tcp://10.0.0.5:8786)"


def require_dask() -> None:
    """Refuse, before any work, when Dask is not installed, naming the extra that installs it."""
    for module in ("dask", "distributed"):
        if importlib.util.find_spec(module) is None:
            raise ImportError(DASK_EXTRA)


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def scheduler_address(address: str) -> str:
    """``address`` as Dask reads it: ``tcp://HOST:PORT`` (or ``tls://``); ``HOST:PORT`` gets
    ``tcp://``. Anything else is refused, naming the form."""
    scheme, sep, rest = address.strip().partition("://")
    if not sep:
        scheme, rest = "tcp", address.strip()
    host, colon, port = rest.rpartition(":")
    if scheme not in SCHEMES or not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--scheduler {address!r} is not the address of a Dask scheduler; give {ADDRESS_FORM}")
    return f"{scheme}://{rest}"


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Refuse, within ``timeout`` seconds (default :data:`CONNECT_TIMEOUT_S`), an address where no
    Dask scheduler answers. A Dask client given such an address would wait, then hang again
    while it is garbage-collected; this check opens one connection and closes it."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.core import rpc
    from distributed.security import Security

    timeout = CONNECT_TIMEOUT_S if timeout is None else timeout

    async def identity() -> dict:
        remote = rpc(address, timeout=timeout, connection_args=Security().get_connection_args("client"))
        try:
            return await asyncio.wait_for(remote.identity(), timeout)
        finally:
            await remote.close_rpc()

    fix = (
        f"start one with `dask scheduler`, check the address ({ADDRESS_FORM}), "
        "or leave out --scheduler to run a local cluster"
    )
    with ThreadPoolExecutor(1) as pool:  # its own event loop, wherever this is called from
        try:
            info = pool.submit(asyncio.run, identity()).result()
        except (OSError, TimeoutError, ValueError) as err:
            why = _one_line(err) or f"no answer in {timeout:g} s"
            raise UsageError(f"no Dask scheduler answers at {address} ({why}); {fix}") from None
    if "n_workers" not in info:
        raise UsageError(f"{address} is a Dask {info.get('type', 'server')}, not a scheduler; {fix}")


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, dashboard: bool = False, quiet: bool = True
) -> Iterator[Client]:
    """A client of the cluster at ``scheduler`` (``tcp://HOST:PORT``), or of a local cluster of
    ``workers`` single-threaded workers (default: one per available core) on 127.0.0.1, closed
    at the end. ``quiet`` keeps Dask's logs, errors included, out of the terminal."""
    require_dask()
    if scheduler is not None:
        address = scheduler_address(scheduler)
        check_scheduler(address)
        from distributed import Client

        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise UsageError(
                f"cannot reach the Dask scheduler at {address} ({_one_line(err)}); start one with "
                f"`dask scheduler`, check the address ({ADDRESS_FORM}), or leave out --scheduler to run a local cluster"
            ) from None
        with client:
            yield client
        return
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    if dashboard and importlib.util.find_spec("bokeh") is None:
        raise ImportError("--dashboard needs Bokeh: pip install 'bokeh>=3.1'")
    from distributed import Client

    from .loopback import loopback_cluster

    level = logging.CRITICAL if quiet else logging.INFO
    cluster = loopback_cluster(workers or available_cores(), dashboard, level)
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
    """Scores batches as Dask tasks, a bounded number in flight, yielding each as it finishes.

    ``client`` is a client of a running cluster, or a function that opens one (a context
    manager, such as ``functools.partial(dask_client, workers=2)``). That one is opened when a
    run starts, once :func:`~newsstance.batch.scoring.score_files` holds the output's lock (a
    run that is refused starts nothing), and closed when the run ends.
    """

    def __init__(
        self,
        client: Client | Callable[[], AbstractContextManager[Client]],
        spec: ModelSpec,
        in_flight: int | None = None,
    ) -> None:
        self._open = client if callable(client) else None
        self.client = None if callable(client) else client
        self.spec, self.backend, self.model = spec, spec.backend, dict(spec.model)
        self.in_flight = in_flight
        self._stack = ExitStack()

    def __enter__(self) -> DaskEngine:
        if self._open is not None:
            self.client = self._stack.enter_context(self._open())
        return self

    def __exit__(self, *exc) -> bool:
        try:
            return bool(self._stack.__exit__(*exc))
        finally:
            if self._open is not None:
                self.client = None

    def _host_threads(self) -> dict[str, int]:
        """Worker threads per machine (by address, without the port)."""
        counts: dict[str, int] = {}
        for address, info in self.client.scheduler_info(n_workers=-1)["workers"].items():
            host = address.rsplit(":", 1)[0]
            counts[host] = counts.get(host, 0) + int(info.get("nthreads", 1))
        return counts

    def run(self, batches: Iterable[tuple[int, list[Record]]], task: Task) -> Iterator[BatchResult]:
        if self.client is None:
            raise RuntimeError("open the engine first (with engine: ...); score_files does")
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
