"""Bulk processing: many records in, one result per record out, in input order.

``extract_many`` is the library entry point; ``run_batch`` is ``vnpolicy batch``. Both read
records as ``sources.Task`` objects and run them on an engine: the calling process (one
worker), a ``engines.ProcessEngine`` (many local processes), or a Dask cluster
(``dask_engine``). Whatever the engine, every record gives exactly one result; a record
that cannot be processed (not JSON, no ``text``, a bad ``published``, a worker that died on
it) gets a result with ``error`` set and, where known, its ``id``.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .inputs import DEFAULT_MAX_BYTES
from .pipeline import Extractor, parse_published
from .records import ExtractionResult

if TYPE_CHECKING:
    from .sources import Task

# What a worker hands back for each record: the result as ``mode`` asks (an
# ``ExtractionResult``, a dict, or a compact JSON line), its number of targets, and
# whether it is an error.
Outcome = tuple[Any, int, bool]
MODES = ("result", "doc", "line")


# --- one record ----------------------------------------------------------------------

def parse_record(line: str, line_number: int) -> dict[str, Any]:
    """The record on one JSONL line, or ``ValueError`` with a one-line reason."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {line_number}: not JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ValueError(f"line {line_number}: a record must be a JSON object")
    if not isinstance(record.get("text"), str):
        raise ValueError(f"line {line_number}: record has no 'text' string")
    return record


def process_record(extractor: Extractor, record: dict[str, Any], default_published: str | None = None
                   ) -> ExtractionResult:
    """Run one parsed record; every failure becomes the result's ``error``, never an exception."""
    rid = record.get("id")
    rid = None if rid is None else str(rid)
    extra = {k: v for k, v in record.items() if k not in ("id", "text", "published")}
    published = record.get("published")
    if published is None:
        published = default_published
    try:
        parse_published(published)
        result = extractor.extract(record["text"], published, rid)
    except ValueError as exc:
        return ExtractionResult(id=rid, published=None, error=str(exc), extra=extra)
    except Exception as exc:  # noqa: BLE001 - a bug on one article must not stop a batch
        return ExtractionResult(id=rid, published=None, extra=extra,
                                error=f"internal error ({type(exc).__name__}: {exc}); please report it")
    result.extra = extra
    return result


def process_lines(extractor: Extractor, lines: Iterable[str], default_published: str | None = None
                  ) -> Iterator[ExtractionResult]:
    """One result per non-blank line, in order, in this process."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = parse_record(line, number)
        except ValueError as exc:
            yield ExtractionResult(id=None, error=str(exc), extra={"line": number})
            continue
        yield process_record(extractor, record, default_published)


def _finish(mode: str, result: ExtractionResult) -> Outcome:
    error = result.error is not None
    if mode == "result":
        return result, len(result.targets), error
    document = result.to_dict()
    if mode == "doc":
        return document, len(result.targets), error
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")), len(result.targets), error


@dataclass(frozen=True)
class WorkerSpec:
    """How every worker processes records; calling it builds one ``RecordWorker``.

    Picklable and hashable, so it travels to worker processes and Dask workers, which
    keep one ``RecordWorker`` (one loaded ``Extractor``) per spec.
    """
    model_dir: str | None = None
    published: str | None = None
    mode: str = "result"
    max_bytes: int = DEFAULT_MAX_BYTES

    def __call__(self) -> "RecordWorker":
        return RecordWorker(self)

    def failure(self, task: Task, message: str) -> Outcome:
        """The outcome of a task whose worker failed (died, or raised) while running it."""
        from .sources import identify
        rid, extra = identify(task)
        return _finish(self.mode, ExtractionResult(id=rid, error=message, extra=extra))


class RecordWorker:
    """Task -> outcome with one extractor, built once (per worker process)."""

    def __init__(self, spec: WorkerSpec):
        from . import sources
        self.spec = spec
        self.extractor = Extractor(spec.model_dir)
        self._sources = sources

    def __call__(self, task: Task) -> Outcome:
        RecordError = self._sources.RecordError
        try:
            record = self._sources.load_record(task, self.spec.max_bytes)
        except RecordError as exc:
            result = ExtractionResult(id=exc.id, error=str(exc), extra=exc.extra)
        else:
            result = process_record(self.extractor, record, self.spec.published)
        return _finish(self.spec.mode, result)


# Loads what the extractor loads lazily (the POS tagger, used after classifier nouns: buổi ...)
WARM_UP_TEXT = "Năm 2024, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư và tổ chức 20 buổi hội nghị."


def _weight(task: Task) -> int:
    data = task.data
    return len(data) if isinstance(data, (bytes, str)) else max(task.cost, 1024)


def run_tasks(tasks: Iterable[Task], spec: WorkerSpec, workers: int | None = 1, engine: str = "local",
              scheduler: str | None = None) -> Iterator[Outcome]:
    """The outcome of every task, in order, on the chosen engine."""
    if engine == "dask":
        from .dask_engine import DaskEngine
        with DaskEngine(spec, spec.failure, scheduler=scheduler, workers=workers) as dask:
            yield from dask.map(tasks)
        return
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose local or dask")
    from .engines import ProcessEngine
    engine_ = ProcessEngine(spec, spec.failure, workers=workers, weight=_weight)
    if engine_.workers > 1 and engine_.start_method == "fork":
        # load the lazy parts (the tagger) once here: forked workers share them instead of
        # each loading its own copy, which costs every worker a second of CPU at start
        Extractor(spec.model_dir).extract(WARM_UP_TEXT)
    yield from engine_.map(tasks)


def extract_many(records: Iterable[dict[str, Any] | str], workers: int | None = 1,
                 published: str | None = None, model_dir=None) -> Iterator[ExtractionResult]:
    """Results for ``records`` in their order, on ``workers`` processes (None: every core).

    A record is a dict ``{"id"?, "text", "published"?, ...}`` (other keys come back in
    ``result.extra``) or a plain text string. ``published`` is the default publication
    date. A record that fails gets a result with ``error`` set instead of an exception,
    also when a worker process dies on it. Records are read lazily: pass a generator to
    process more records than fit in memory.
    """
    if published is not None:
        parse_published(published)
    Extractor(model_dir)            # a broken model fails here, in the caller, not in every worker
    from .sources import task_from_object
    spec = WorkerSpec(None if model_dir is None else str(model_dir), published, "result")
    tasks = (task_from_object(record, number) for number, record in enumerate(records, 1))
    for result, _targets, _error in run_tasks(tasks, spec, workers=workers):
        yield result


# --- vnpolicy batch ------------------------------------------------------------------

@dataclass
class BatchOptions:
    inputs: list[str]
    output: str = "-"
    fmt: str = "jsonl"
    workers: int | None = None
    engine: str = "local"
    scheduler: str | None = None
    resume: bool = False
    quiet: bool = False
    published: str | None = None
    model: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class BatchStats:
    records: int = 0
    targets: int = 0
    errors: int = 0
    resumed: int = 0
    problems: int = 0        # inputs that could not be read at all
    seconds: float = 0.0

    def summary(self) -> str:
        done = f"{self.records} records"
        if self.resumed:
            done += f" ({self.resumed} more were already in the output)"
        return f"{done}, {self.targets} targets, {self.errors} errors, {self.seconds:.1f} s"


class ResumeError(ValueError):
    """The output cannot be continued from: it does not match the input."""


class Progress:
    """A tqdm bar on stderr (input bytes, records, records/s, errors, ETA), or nothing."""

    def __init__(self, enabled: bool, total: int | None, initial: int = 0):
        self.bar = None
        self.records = self.errors = 0
        self.start = self._shown = time.monotonic()
        if not enabled:
            return
        import tqdm as tqdm_module
        tqdm_module.tqdm.monitor_interval = 0      # no monitor thread: worker processes are forked
        fmt = ("{percentage:3.0f}%|{bar}| {n_fmt}B/{total_fmt}B [{elapsed}<{remaining}{postfix}]"
               if total else "{n_fmt}B [{elapsed}{postfix}]")
        self.bar = tqdm_module.tqdm(total=total or None, initial=initial, unit="B", unit_scale=True,
                                    file=sys.stderr, dynamic_ncols=True, bar_format=fmt, mininterval=0.2)
        self.bar.set_postfix_str("starting")

    def update(self, cost: int, error: bool) -> None:
        self.records += 1
        self.errors += error
        if self.bar is None:
            return
        self.bar.update(cost)
        now = time.monotonic()
        if now - self._shown >= 0.5:
            self._shown = now
            self._postfix(now, refresh=False)

    def _postfix(self, now: float, refresh: bool) -> None:
        rate = self.records / max(now - self.start, 1e-9)
        self.bar.set_postfix_str(f"{self.records} records, {rate:.1f} rec/s, {self.errors} errors",
                                 refresh=refresh)

    def write(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self._postfix(time.monotonic(), refresh=True)
            self.bar.close()
            self.bar = None


def resume_point(path: str) -> tuple[int, bytes | None, int]:
    """Complete lines already in ``path``, the last of them, and the bytes of a partial last
    line, which is cut off so that the file ends with a complete line."""
    count, last_start, last_end, pos = 0, None, 0, 0
    with open(path, "r+b") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            start = 0
            while True:
                i = block.find(b"\n", start)
                if i < 0:
                    break
                count += 1
                last_start, last_end = last_end, pos + i + 1
                start = i + 1
            pos += len(block)
        partial = pos - last_end
        last_line = None
        if count:
            f.seek(last_start or 0)
            last_line = f.read(last_end - (last_start or 0))
        if partial:
            f.truncate(last_end)
    return count, last_line, partial


def _skip(tasks: Iterator[Task], count: int, last_line: bytes | None, output: str) -> int:
    """Pass over the ``count`` records already in the output; their input bytes (for progress)."""
    from .sources import identify
    cost, task = 0, None
    for i in range(count):
        task = next(tasks, None)
        if task is None:
            raise ResumeError(f"{output} already holds {count} lines but the input has only {i} records: "
                              "not the output of this input; run without --resume to start over")
        cost += task.cost
    if task is not None and last_line:
        try:
            done_id = json.loads(last_line).get("id")
        except (ValueError, AttributeError):
            raise ResumeError(f"{output}: line {count} is not a result line; "
                              "run without --resume to start over") from None
        input_id = identify(task)[0]
        if done_id is not None and input_id is not None and str(done_id) != input_id:
            raise ResumeError(f"{output}: line {count} is record {done_id!r} but input record {count} is "
                              f"{input_id!r}: the input is not the one this output was made from; "
                              "run without --resume to start over")
    return cost


def run_batch(options: BatchOptions, error: Callable[[str], None]) -> int:
    """``vnpolicy batch``: returns the exit code (0, 1 some input or record failed, 2 usage,
    130 interrupted). Output lines are written in input order as soon as they are ready."""
    from .cli import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
    from .engines import EngineError
    from .export import Writer
    from .sources import read_tasks, total_bytes

    if options.resume and (options.output == "-" or options.fmt != "jsonl"):
        error("--resume needs an output file (-o OUT.jsonl) in the jsonl format")
        return EXIT_USAGE
    if options.output != "-" and os.path.exists(options.output):
        for name in options.inputs:
            if name != "-" and os.path.isfile(name) and os.path.samefile(name, options.output):
                error(f"{options.output} is also an input: writing would destroy it; choose another -o")
                return EXIT_USAGE
    Extractor(options.model)        # a broken model fails once here (exit 3), not in every worker

    stats = BatchStats()
    started = time.monotonic()
    progress = Progress(False, None)

    def warn(message: str, problem: bool = True) -> None:
        stats.problems += problem
        progress.write(f"vnpolicy: {message}")

    skipped_lines, last_line, partial = 0, None, 0
    if options.resume and os.path.exists(options.output):
        skipped_lines, last_line, partial = resume_point(options.output)
        if partial:
            error(f"{options.output}: removed an unfinished last line ({partial} bytes)")
    tasks = read_tasks(options.inputs, warn, options.max_bytes)
    try:
        skipped_cost = _skip(tasks, skipped_lines, last_line, options.output)
    except ResumeError as exc:
        error(str(exc))
        return EXIT_USAGE
    stats.resumed = skipped_lines

    show = not options.quiet and sys.stderr.isatty()
    progress = Progress(show, total_bytes(options.inputs) if show else None, skipped_cost)
    to_stdout = options.output == "-"
    if to_stdout:
        out: IO[str] = sys.stdout
    else:
        out = open(options.output, "a" if options.resume else "w", encoding="utf-8", newline="")
    writer = Writer(out, options.fmt)
    spec = WorkerSpec(options.model, options.published, "line" if options.fmt == "jsonl" else "doc",
                      options.max_bytes)
    costs: deque[int] = deque()     # input bytes of the records read but not yet written

    def costed(stream: Iterator[Task]) -> Iterator[Task]:
        for task in stream:
            costs.append(task.cost)
            yield task

    previous_term = signal.getsignal(signal.SIGTERM)
    if previous_term in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _raise_interrupt)
    interrupted = False
    outcomes = run_tasks(costed(tasks), spec, workers=options.workers, engine=options.engine,
                         scheduler=options.scheduler)
    last_flush = time.monotonic()
    try:
        for payload, targets, failed in outcomes:
            if spec.mode == "line":
                out.write(payload + "\n")
            else:
                writer.write(payload)
            stats.records += 1
            stats.targets += targets
            stats.errors += failed
            progress.update(costs.popleft(), failed)
            now = time.monotonic()
            if now - last_flush > 1.0:
                out.flush()
                last_flush = now
    except KeyboardInterrupt:
        interrupted = True
    except EngineError as exc:
        progress.close()
        error(str(exc))
        return EXIT_INPUT
    finally:
        outcomes.close()
        if previous_term in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        progress.close()
        try:
            if to_stdout:
                out.flush()
            else:
                out.close()
        except BrokenPipeError:
            pass
    stats.seconds = time.monotonic() - started
    if interrupted:
        where = "" if to_stdout else f" in {options.output}; rerun the same command with --resume to continue"
        error(f"interrupted: {stats.resumed + stats.records} records written{where}")
        return EXIT_INTERRUPTED
    if not options.quiet:
        error(stats.summary())
    return EXIT_INPUT if stats.errors or stats.problems else EXIT_OK


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
