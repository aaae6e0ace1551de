"""Run one function over a stream of items on worker processes; results come back in input order.

``ProcessEngine`` is a small process pool built for long batch runs, where
``multiprocessing.Pool`` falls short in three ways:

- **bounded memory**: it reads the input only as fast as results are written (at most
  ``max_ahead`` items between the oldest unfinished item and the newest one read), where
  ``Pool.imap`` would read the whole input into its task queue;
- **a dead worker loses nothing**: each worker has its own pipe, so the main process knows
  which chunk a worker held when it died (killed by the OOM killer, a segfault in a native
  library, ``os._exit``). That chunk is run again one item at a time on a fresh worker; the
  item that kills a worker on its own gets ``on_failure(item, message)`` as its result, and
  the run goes on (``Pool`` would hang, ``ProcessPoolExecutor`` would fail every pending item);
- **the state is built once per worker**: ``factory()`` runs in each worker at start-up
  (the extractor loads its language data there), then every item is ``state(item)``;
- **a time limit per item** (``time_limit(item)`` seconds, optional): a worker that holds
  a chunk longer than its items' limits together is killed, wherever it is stuck (a
  Python loop or a native library); its chunk is run again one item at a time, and the
  item that runs out of time on its own gets ``on_failure`` while the run goes on.

``factory`` must be picklable (a class or a frozen dataclass instance) where the start
method is not ``fork``. With one worker and no time limit everything runs in the calling
process; a time limit needs a worker process, since only a process can be stopped.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

Factory = Callable[[], Callable[[Any], Any]]
OnFailure = Callable[[Any, str], Any]
TimeLimit = Callable[[Any], "float | None"]
# A new worker may load lazy parts (a tagger model) on its first item: time it is not charged.
STARTUP_GRACE = 15.0


class EngineError(RuntimeError):
    """The workers cannot run at all (they die at start-up, or their set-up fails)."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def describe_exit(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


def _serve(conn, factory: Factory, inherited: list) -> None:
    """A worker's life: build the state, then answer chunks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for other in inherited:                           # other workers' pipes, copied by fork
        other.close()
    try:
        state = factory()
    except BaseException as exc:  # noqa: BLE001 - reported to the main process
        _send(conn, ("failed", f"{type(exc).__name__}: {exc}"))
        return
    if not _send(conn, ("ready", None)):
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        answers = []
        for item in message:
            try:
                answers.append((True, state(item)))
            except Exception as exc:  # noqa: BLE001 - becomes the item's failure, never a traceback
                answers.append((False, f"{type(exc).__name__}: {exc}"))
        if not _send(conn, ("done", answers)):
            return


def _send(conn, message) -> bool:
    try:
        conn.send(message)
        return True
    except (OSError, ValueError):
        return False


class _Worker:
    __slots__ = ("process", "conn", "job", "ready", "fresh", "deadline", "allowed", "timed_out")

    def __init__(self, process, conn):
        self.process, self.conn = process, conn
        self.job: list[tuple[int, Any]] | None = None
        self.ready = False
        self.fresh = True                   # has not finished a chunk yet
        self.deadline: float | None = None  # monotonic time by which its chunk must be done
        self.allowed = 0.0                  # the seconds its chunk was given
        self.timed_out = False


def timeout_message(seconds: float) -> str:
    return (f"took longer than the {seconds:.0f} s allowed for this record (--record-timeout); "
            "stopped, and the run went on")


class ProcessEngine:
    """An ordered, bounded, crash-tolerant map over worker processes."""

    def __init__(self, factory: Factory, on_failure: OnFailure, workers: int | None = None,
                 chunk_items: int = 16, chunk_weight: int = 64 * 1024,
                 weight: Callable[[Any], int] = lambda item: 1, max_ahead: int | None = None,
                 start_method: str | None = None, time_limit: TimeLimit | None = None,
                 startup_grace: float | None = None):
        self.factory, self.on_failure = factory, on_failure
        self.time_limit = time_limit
        self.startup_grace = STARTUP_GRACE if startup_grace is None else startup_grace
        self.workers = default_workers() if not workers or workers < 1 else workers
        self.chunk_items, self.chunk_weight, self.weight = max(1, chunk_items), chunk_weight, weight
        self.max_ahead = max_ahead or self.workers * self.chunk_items * 4
        if start_method is None:
            start_method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.start_method = start_method
        self.deaths = 0

    # -- public ---------------------------------------------------------------------

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        """``state(item)`` for every item, in order (``on_failure`` for items that failed)."""
        if self.in_process:
            return self._serial(items)
        return self._parallel(items)

    @property
    def in_process(self) -> bool:
        """Does ``map`` run in the calling process (one worker, no time limit to enforce)?"""
        return self.workers == 1 and self.time_limit is None

    def _serial(self, items: Iterable[Any]) -> Iterator[Any]:
        state = self.factory()
        for item in items:
            try:
                yield state(item)
            except Exception as exc:  # noqa: BLE001 - same contract as the workers
                yield self.on_failure(item, f"{type(exc).__name__}: {exc}")

    # -- the pool -------------------------------------------------------------------

    def _spawn(self, ctx, workers: list[_Worker]) -> _Worker:
        parent, child = ctx.Pipe(duplex=True)
        inherited = [w.conn for w in workers] + [parent] if self.start_method == "fork" else []
        process = ctx.Process(target=_serve, args=(child, self.factory, inherited), daemon=True,
                              name="vnpolicy-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def _next_chunk(self, it: Iterator[Any], counter: Iterator[int]) -> list[tuple[int, Any]]:
        chunk: list[tuple[int, Any]] = []
        weight = 0
        for item in it:
            chunk.append((next(counter), item))
            weight += self.weight(item)
            if len(chunk) >= self.chunk_items or weight >= self.chunk_weight:
                break
        return chunk

    def _parallel(self, items: Iterable[Any]) -> Iterator[Any]:
        ctx = multiprocessing.get_context(self.start_method)
        it = iter(items)
        counter = itertools.count()
        retry: deque[list[tuple[int, Any]]] = deque()   # chunks to run again, before new input
        done: dict[int, Any] = {}
        emitted = read = 0
        exhausted = False
        startup_failures = 0
        workers: list[_Worker] = []
        finished = False
        try:
            for _ in range(self.workers):
                workers.append(self._spawn(ctx, workers))
            while True:
                while emitted in done:
                    yield done.pop(emitted)
                    emitted += 1
                for w in workers:
                    if not w.ready or w.job is not None:
                        continue
                    if retry:
                        chunk = retry.popleft()
                    elif not exhausted and read - emitted < self.max_ahead:
                        chunk = self._next_chunk(it, counter)
                        read += len(chunk)
                        exhausted = not chunk
                    else:
                        chunk = []
                    if not chunk:
                        break
                    w.job = chunk
                    self._start_clock(w, chunk)
                    if not _send(w.conn, [item for _, item in chunk]):
                        retry.appendleft(chunk)      # it never reached the worker: not its fault
                        w.job = w.deadline = None
                if exhausted and not retry and emitted == read and all(w.job is None for w in workers):
                    finished = True
                    return
                by_conn = {w.conn: w for w in workers}
                by_sentinel = {w.process.sentinel: w for w in workers}
                ready = wait(list(by_conn) + list(by_sentinel), timeout=self._wait_time(workers))
                self._stop_overdue(workers)
                dead: list[_Worker] = []
                for obj in ready:
                    w = by_conn.get(obj)
                    if w is not None and w not in dead and not self._receive(w, done):
                        dead.append(w)
                for obj in ready:
                    w = by_sentinel.get(obj)
                    if w is not None and w not in dead:
                        while w.conn.poll() and self._receive(w, done):
                            pass
                        dead.append(w)
                for w in dead:
                    w.process.join(timeout=5)
                    code = w.process.exitcode
                    w.conn.close()
                    if not w.ready:
                        startup_failures += 1
                        if startup_failures >= 3:
                            raise EngineError(f"worker processes die at start-up ({describe_exit(code)})")
                    else:
                        startup_failures = 0
                    if w.job:
                        self.deaths += 1
                        if len(w.job) > 1:               # find the culprit: one item at a time
                            retry.extendleft([pair] for pair in reversed(w.job))
                        else:
                            index, item = w.job[0]
                            message = (timeout_message(w.allowed) if w.timed_out else
                                       f"worker process {describe_exit(code)} while processing this record")
                            done[index] = self.on_failure(item, message)
                    workers[workers.index(w)] = self._spawn(ctx, [x for x in workers if x is not w])
        finally:
            self._shutdown(workers, graceful=finished)

    def _receive(self, w: _Worker, done: dict[int, Any]) -> bool:
        """Handle one message from ``w``; False if the worker is gone."""
        try:
            kind, payload = w.conn.recv()
        except (EOFError, OSError):
            return False
        if kind == "ready":
            w.ready = True
        elif kind == "failed":
            raise EngineError(f"worker could not start: {payload}")
        elif kind == "done" and w.job is not None:
            for (index, item), (ok, value) in zip(w.job, payload):
                done[index] = value if ok else self.on_failure(item, value)
            w.job = w.deadline = None
            w.fresh = False
        return True

    # -- time limits ----------------------------------------------------------------

    def _start_clock(self, w: _Worker, chunk: list[tuple[int, Any]]) -> None:
        if self.time_limit is None:
            return
        limits = [self.time_limit(item) for _, item in chunk]
        if any(limit is None for limit in limits):
            return
        w.allowed = sum(limits)
        w.deadline = time.monotonic() + w.allowed + (self.startup_grace if w.fresh else 0.0)

    @staticmethod
    def _wait_time(workers: list[_Worker]) -> float | None:
        deadlines = [w.deadline for w in workers if w.deadline is not None and w.job]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    @staticmethod
    def _stop_overdue(workers: list[_Worker]) -> None:
        """Kill the workers past their deadline; their death is handled as any other."""
        now = time.monotonic()
        for w in workers:
            if w.job and w.deadline is not None and now >= w.deadline and not w.timed_out:
                w.timed_out = True
                w.process.kill()

    @staticmethod
    def _shutdown(workers: list[_Worker], graceful: bool) -> None:
        for w in workers:
            if graceful:
                _send(w.conn, None)
            elif w.process.is_alive():
                w.process.terminate()
        for w in workers:
            w.process.join(timeout=5 if graceful else 2)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=2)
            w.conn.close()
