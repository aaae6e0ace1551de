"""Bulk processing: many records in, one result per record out, in input order.

``extract_many`` is the library entry point; ``batch.run_batch`` is ``vnpolicy batch``. Both read
records as ``sources.Task`` objects and run them on an engine: the calling process (one
worker), a ``engines.ProcessEngine`` (many local processes), or a Dask cluster
(``dask_engine``). Whatever the engine, every record gives exactly one result; a record
that cannot be processed (not JSON, no ``text``, a bad ``published``, a worker that died on
it) gets a result with ``error`` set and, where known, its ``id``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .export import to_json
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
# --record-timeout: seconds a record may take per 100 KB of its text (real news runs at
# about 0.1 s per 100 KB, so only a runaway record reaches it).
DEFAULT_RECORD_TIMEOUT = 5.0
TIMEOUT_UNIT_BYTES = 100 * 1024


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


def process_record(extractor: Extractor, record: dict[str, Any], default_published: str | None = None,
                   warnings: list[str] | None = None) -> ExtractionResult:
    """Run one parsed record; every failure becomes the result's ``error``, never an exception.
    ``warnings`` (from reading the record) go on the result."""
    rid = record.get("id")
    rid = None if rid is None else str(rid)
    extra = {k: v for k, v in record.items() if k not in ("id", "text", "published")}
    published = record.get("published")
    if published is None:
        published = default_published
    warnings = list(warnings or [])
    try:
        parse_published(published)
        result = extractor.extract(record["text"], published, rid)
    except ValueError as exc:
        return ExtractionResult(id=rid, published=None, error=str(exc), extra=extra, warnings=warnings)
    except Exception as exc:  # noqa: BLE001 - a bug on one article must not stop a batch
        return ExtractionResult(id=rid, published=None, extra=extra, warnings=warnings,
                                error=f"internal error ({type(exc).__name__}: {exc}); please report it")
    result.extra = extra
    result.warnings[:0] = warnings
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
    return to_json(document, pretty=False), len(result.targets), error


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
    encoding: str | None = None
    record_timeout: float | None = None     # seconds per 100 KB of text; None or 0: no limit

    def __call__(self) -> "RecordWorker":
        return RecordWorker(self)

    def failure(self, task: Task, message: str) -> Outcome:
        """The outcome of a task whose worker failed (died, raised, ran out of time) on it."""
        from .sources import identify
        rid, extra = identify(task)
        try:
            return _finish(self.mode, ExtractionResult(id=rid, error=message, extra=extra))
        except Exception:  # noqa: BLE001 - the error line must come out, if need be without its fields
            return _finish(self.mode, ExtractionResult(id=None, error=message))

    def time_limit(self, task: Task) -> float | None:
        """The seconds ``task`` may take: ``record_timeout`` per 100 KB of text, at least once."""
        if not self.record_timeout:
            return None
        return self.record_timeout * max(1.0, _record_size(task) / TIMEOUT_UNIT_BYTES)


class RecordWorker:
    """Task -> outcome with one extractor, built once (per worker process)."""

    def __init__(self, spec: WorkerSpec):
        from . import sources
        self.spec = spec
        self.extractor = Extractor(spec.model_dir)
        self._sources = sources

    def __call__(self, task: Task) -> Outcome:
        RecordError = self._sources.RecordError
        warnings: list[str] = []
        try:
            record = self._sources.load_record(task, self.spec.max_bytes, self.spec.encoding, warnings)
        except RecordError as exc:
            result = ExtractionResult(id=exc.id, error=str(exc), extra=exc.extra)
        else:
            result = process_record(self.extractor, record, self.spec.published, warnings)
        return _finish(self.spec.mode, result)


def _weight(task: Task) -> int:
    data = task.data
    return len(data) if isinstance(data, (bytes, str)) else max(task.cost, 1024)


def _record_size(task: Task) -> int:
    """About how many bytes of text ``task`` holds (its line, its file, its ``text``)."""
    data = task.data
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        return len(data["text"])
    if isinstance(data, (bytes, str)):
        return len(data)
    return task.cost


def run_tasks(tasks: Iterable[Task], spec: WorkerSpec, workers: int | None = 1, engine: str = "local",
              scheduler: str | None = None) -> Iterator[Outcome]:
    """The outcome of every task, in order, on the chosen engine."""
    time_limit = spec.time_limit if spec.record_timeout else None
    if engine == "dask":
        from .dask_engine import DaskEngine
        with DaskEngine(spec, spec.failure, scheduler=scheduler, workers=workers, time_limit=time_limit) as dask:
            yield from dask.map(tasks)
        return
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose local or dask")
    from .engines import ProcessEngine
    engine_ = ProcessEngine(spec, spec.failure, workers=workers, weight=_weight, time_limit=time_limit)
    if not engine_.in_process and engine_.start_method == "fork":
        # load the lazy parts (the tagger) once here: forked workers share them instead of
        # each loading its own copy, which costs every worker a second of CPU at start
        Extractor(spec.model_dir).warm_up()
    yield from engine_.map(tasks)


def extract_many(records: Iterable[dict[str, Any] | str], workers: int | None = 1,
                 published: str | None = None, model_dir=None, record_timeout: float | None = None
                 ) -> Iterator[ExtractionResult]:
    """Results for ``records`` in their order, on ``workers`` processes (None: every core).

    A record is a dict ``{"id"?, "text", "published"?, ...}`` (other keys come back in
    ``result.extra``) or a plain text string. ``published`` is the default publication
    date. A record that fails gets a result with ``error`` set instead of an exception,
    also when a worker process dies on it. Records are read lazily: pass a generator to
    process more records than fit in memory. ``record_timeout`` (seconds per 100 KB of
    text) turns a record that runs longer into an error result; it runs the records in
    worker processes, also with ``workers=1``, since only a process can be stopped.
    """
    if published is not None:
        parse_published(published)
    Extractor(model_dir)            # a broken model fails here, in the caller, not in every worker
    from .sources import task_from_object
    spec = WorkerSpec(None if model_dir is None else str(model_dir), published, "result",
                      record_timeout=record_timeout)
    tasks = (task_from_object(record, number) for number, record in enumerate(records, 1))
    for result, _targets, _error in run_tasks(tasks, spec, workers=workers):
        yield result
