"""``vnpolicy batch``: inputs to an output file, in order, with progress, resume and Ctrl-C.

The records come from ``sources.read_tasks`` and run on ``bulk.run_tasks`` (local worker
processes or Dask); this module owns what the command adds around them: the output file
and its format, the progress bar, ``--resume`` (count the complete lines already written,
cut a partial last one, skip that many input records), a clean stop on Ctrl-C or SIGTERM
with every finished line flushed, the summary line and the exit code.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Callable, Iterator

from .bulk import WorkerSpec, run_tasks
from .exitcodes import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .extras import MissingExtra, require_extra
from .inputs import DEFAULT_MAX_BYTES
from .pipeline import Extractor
from .sanitize import escape_surrogates

if TYPE_CHECKING:
    from .sources import Task


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
    encoding: str | None = None
    csv_safe: bool = True
    record_timeout: float | None = None


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
        input_id = escape_surrogates(identify(task)[0])     # as the output line wrote it
        if done_id is not None and input_id is not None and str(done_id) != input_id:
            raise ResumeError(f"{output}: line {count} is record {done_id!r} but input record {count} is "
                              f"{input_id!r}: the input is not the one this output was made from; "
                              "run without --resume to start over")
    return cost


def require_extras(options: BatchOptions) -> None:
    """``MissingExtra`` now, before the output is opened, if the run needs an extra that is not
    installed: Dask for ``--engine dask``, trafilatura for HTML pages among the inputs."""
    from .sources import needs_html
    if options.engine == "dask":
        require_extra("distributed", "dask", "--engine dask")
    if needs_html(options.inputs):
        require_extra("trafilatura", "html", "reading HTML pages")


def run_batch(options: BatchOptions, error: Callable[[str], None]) -> int:
    """``vnpolicy batch``: returns the exit code (0, 1 some input or record failed, 2 usage or
    a missing extra, 130 interrupted). Output lines are written in input order as soon as they are ready."""
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
    try:
        require_extras(options)
    except MissingExtra as exc:
        error(str(exc))
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
        try:
            skipped_lines, last_line, partial = resume_point(options.output)
        except OSError as exc:
            error(f"{options.output}: cannot resume from it ({exc.strerror or exc})")
            return EXIT_INPUT
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
        try:
            out = open(options.output, "a" if options.resume else "w", encoding="utf-8", newline="")
        except OSError as exc:
            progress.close()
            error(f"{options.output}: cannot write ({exc.strerror or exc})")
            return EXIT_INPUT
    writer = Writer(out, options.fmt, csv_safe=options.csv_safe, array=True)   # json: one array of every record
    spec = WorkerSpec(options.model, options.published, "line" if options.fmt == "jsonl" else "doc",
                      options.max_bytes, options.encoding, options.record_timeout)
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
        out.flush()            # a write error at the very end is reported like any other
    except KeyboardInterrupt:
        interrupted = True
    except BrokenPipeError:
        raise
    except (EngineError, OSError) as exc:
        progress.close()
        message = str(exc) if isinstance(exc, EngineError) else \
            f"{'standard output' if to_stdout else options.output}: write failed ({exc.strerror or exc})"
        resumable = not to_stdout and (stats.records or options.resume)   # else there is nothing to resume
        tail = "; rerun the same command with --resume to continue" if resumable else ""
        error(f"{message}; stopped after {stats.resumed + stats.records} records{tail}")
        return EXIT_INPUT
    finally:
        outcomes.close()
        if previous_term in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        progress.close()
        try:
            writer.close()
            if to_stdout:
                out.flush()
            else:
                out.close()
        except OSError:      # a broken pipe or a full disk: already reported, or nothing to say
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
