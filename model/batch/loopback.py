"""The local Dask cluster of ``newsstance score --engine dask``: on 127.0.0.1, serving no HTTP.

Dask's scheduler and workers each start an HTTP server even without a dashboard: the scheduler
on port 8787 (``/health``, ``/info``, ``/sitemap.json``, Prometheus metrics), each worker on a
port of its own. The servers here start none, so what listens is Dask's own TCP protocol only,
on 127.0.0.1 and on ports the system picks: the scheduler's, each nanny's and each worker's.
With ``dashboard=True`` the scheduler keeps Dask's HTTP server, on 127.0.0.1:8787.

This module imports Dask; :mod:`newsstance.batch.cluster` imports it only once Dask is known to
be installed. A worker process imports it too, to make its :class:`LoopbackWorker`.
"""

from __future__ import annotations

import threading

from distributed import Nanny, Scheduler, SpecCluster, Worker
from distributed.http.routing import RoutingApplication

DASHBOARD = "127.0.0.1:8787"


class _NoHttp:
    """A Dask server that opens no HTTP port."""

    def start_http_server(self, routes, dashboard_address, default_port=0, ssl_options=None) -> None:
        self.http_application = RoutingApplication([])  # closed with the server; serves nothing


class LoopbackScheduler(_NoHttp, Scheduler):
    """Dask's scheduler, without its HTTP server."""


class LoopbackWorker(_NoHttp, Worker):
    """Dask's worker, without its HTTP server, in a process started for this cluster alone.

    Progress bars here take a thread lock instead of tqdm's default multiprocessing one: a worker
    stopped mid-task (the run was interrupted) would leave that semaphore behind, and Python's
    resource tracker would warn about it in the user's terminal.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from tqdm import tqdm

        tqdm.set_lock(threading.RLock())


def loopback_cluster(workers: int, dashboard: bool = False, log_level: int | None = None) -> SpecCluster:
    """A started cluster of ``workers`` single-threaded workers (each with its nanny, which restarts
    it if it dies), sharing this machine's memory. ``log_level``: the level below which Dask's
    logs, here and in the workers, stay out of the terminal."""
    scheduler = {
        "cls": Scheduler if dashboard else LoopbackScheduler,
        "options": {
            "host": "127.0.0.1",
            "port": 0,
            "protocol": "tcp://",
            "dashboard": dashboard,
            "dashboard_address": DASHBOARD if dashboard else None,
        },
    }
    worker = {
        "cls": Nanny,
        "options": {
            "host": "127.0.0.1",
            "protocol": "tcp://",
            "nthreads": 1,
            "worker_class": LoopbackWorker,
            "dashboard": False,
            "dashboard_address": None,
            "memory_limit": 1 / workers,  # a fraction of this machine's memory
            "silence_logs": log_level,
        },
    }
    return SpecCluster(
        scheduler=scheduler,
        workers={i: worker for i in range(workers)},
        worker=worker,
        silence_logs=log_level,
    )
