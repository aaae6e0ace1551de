"""The Dask engine: the same extraction on a Dask cluster (``vnpolicy batch --engine dask``).

Records go to the cluster in partitions (lists of tasks, file contents read in by the
client so that workers need no access to its files); each partition comes back as the
list of its outcomes (JSON lines for ``vnpolicy batch``). The client keeps a bounded number
of partitions in flight and writes them in submission order, so the output is the same,
line for line, as the local engine's, and memory stays bounded however long the input.

Each Dask worker thread builds one ``RecordWorker`` (one loaded extractor) per
``WorkerSpec`` and keeps it. A partition that fails (a worker died on it, Dask gave up with
``KilledWorker``) is run again one record at a time, so that only the record at fault gets
an error line. Dask is an optional extra: ``pip install 'vnpolicy[dask]'``.

A time limit per record (``time_limit``) is kept on the worker: Dask runs tasks in
threads, which cannot be killed, so a watchdog raises ``RecordTimeout`` in the thread
that runs a record past its time. That stops Python code (all of the extraction's own
loops) at its next instruction; a call stuck inside a native library is beyond it.
"""
from __future__ import annotations

import ctypes
import logging
import threading
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from . import engines
from .engines import EngineError, default_workers, timeout_message

DASK_EXTRA_HINT = "pip install 'vnpolicy[dask]'"
_local = threading.local()


class RecordTimeout(BaseException):
    """Raised in a worker thread whose record ran past its time limit; a BaseException, so
    that the per-record ``except Exception`` that turns bugs into error lines lets it by."""


class _Watchdog:
    """While in its with-block, the calling thread gets ``RecordTimeout`` after ``seconds``."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.armed = False
        self.timer: threading.Timer | None = None

    def __enter__(self) -> "_Watchdog":
        if self.seconds is not None:
            self.armed = True
            self.timer = threading.Timer(self.seconds, self._fire)
            self.timer.daemon = True
            self.timer.start()
        return self

    def _fire(self) -> None:
        with self.lock:
            if self.armed:
                _raise_in_thread(self.thread_id, RecordTimeout)

    def __exit__(self, *exc_info) -> None:
        if self.timer is None:
            return
        self.timer.cancel()
        with self.lock:
            if self.armed:
                self.armed = False
                _raise_in_thread(self.thread_id, None)   # withdraw one not yet delivered


def _raise_in_thread(thread_id: int, exc_type) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc_type) if exc_type else None)


def run_partition(factory: Callable[[], Callable[[Any], Any]], items: list[Any],
                  limits: list[float | None] | None = None) -> list[tuple[bool, Any]]:
    """Runs on a Dask worker: ``(True, outcome)`` or ``(False, message)`` per item; an item
    past its limit (seconds) is stopped and gets the time-out message."""
    states = getattr(_local, "states", None)
    if states is None:
        states = _local.states = {}
    state = states.get(factory)
    fresh = state is None
    if fresh:
        state = states[factory] = factory()
    answers = []
    for i, item in enumerate(items):
        limit = limits[i] if limits else None
        allowed = None if limit is None else limit + (engines.STARTUP_GRACE if fresh and i == 0 else 0.0)
        try:
            with _Watchdog(allowed):
                value = state(item)
            answers.append((True, value))
        except RecordTimeout:
            answers.append((False, timeout_message(limit)))
        except Exception as exc:  # noqa: BLE001 - becomes the item's failure
            answers.append((False, f"{type(exc).__name__}: {exc}"))
    return answers


class DaskEngine:
    """Ordered map over a Dask cluster: ``scheduler`` address, or a new ``LocalCluster``."""

    def __init__(self, factory, on_failure, scheduler: str | None = None, workers: int | None = None,
                 partition_items: int = 64, partition_weight: int = 1 << 20, client=None,
                 max_in_flight: int | None = None, time_limit: Callable[[Any], float | None] | None = None):
        self.factory, self.on_failure = factory, on_failure
        self.time_limit = time_limit
        self.scheduler, self.workers = scheduler, workers
        self.partition_items, self.partition_weight = partition_items, partition_weight
        self.client, self._own_client, self._cluster = client, False, None
        self.max_in_flight = max_in_flight

    def __enter__(self) -> "DaskEngine":
        if self.client is not None:
            return self
        try:
            from distributed import Client, LocalCluster
            import dask
        except ImportError:
            raise EngineError(f"--engine dask needs Dask and distributed: {DASK_EXTRA_HINT}") from None
        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout="20s")
            else:
                # a record that kills a worker is tried once more, not four times
                with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                    self._cluster = LocalCluster(n_workers=self.workers or default_workers(),
                                                 threads_per_worker=1, processes=True,
                                                 dashboard_address=":0", silence_logs=logging.ERROR)
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            where = f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a local Dask cluster"
            raise EngineError(f"cannot reach {where}: {exc}") from None
        self._own_client = True
        return self

    def __exit__(self, *exc_info) -> None:
        if self._own_client and self.client is not None:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()
            self.client = self._cluster = None

    def _threads(self) -> int:
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # noqa: BLE001 - only sizes the window
            return 1

    def _partitions(self, items: Iterable[Any]) -> Iterator[list[Any]]:
        part, weight = [], 0
        for item in items:
            if hasattr(item, "materialize"):
                item = item.materialize()
            part.append(item)
            data = getattr(item, "data", None)
            weight += len(data) if isinstance(data, (bytes, str)) else 1024
            if len(part) >= self.partition_items or weight >= self.partition_weight:
                yield part
                part, weight = [], 0
        if part:
            yield part

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        """Every item's outcome, in input order."""
        if self.client is None:
            raise EngineError("DaskEngine.map outside its with-block")
        window = self.max_in_flight or 2 * self._threads() + 1
        queue: deque = deque()
        try:
            for part in self._partitions(items):
                queue.append((self._submit(part), part))
                while len(queue) >= window:
                    yield from self._collect(*queue.popleft())
            while queue:
                yield from self._collect(*queue.popleft())
        finally:
            if queue:
                self.client.cancel([future for future, _ in queue])

    def _limits(self, part: list[Any]) -> list[float | None] | None:
        return [self.time_limit(item) for item in part] if self.time_limit else None

    def _submit(self, part: list[Any]):
        limits = self._limits(part)
        return self.client.submit(run_partition, self.factory, part, *([limits] if limits else []), pure=False)

    def _collect(self, future, part: list[Any]) -> Iterator[Any]:
        try:
            answers = future.result()
        except Exception:  # noqa: BLE001 - KilledWorker and the like: find the record at fault
            answers = None
        if answers is not None:
            for item, (ok, value) in zip(part, answers):
                yield value if ok else self.on_failure(item, value)
            return
        for item in part:
            self._check_connected()
            try:
                ok, value = self._submit([item]).result()[0]
            except Exception as exc:  # noqa: BLE001
                self._check_connected()
                yield self.on_failure(item, f"Dask worker failed while processing this record "
                                            f"({type(exc).__name__}: {exc})")
                continue
            yield value if ok else self.on_failure(item, value)

    def _check_connected(self) -> None:
        """A lost scheduler stops the run (to be resumed), rather than failing every record."""
        status = getattr(self.client, "status", "running")
        if status not in ("running", "connecting"):
            raise EngineError(f"lost the Dask scheduler (client {status})")
