"""Batch inputs: every place records come from, read as a stream of ``Task`` objects.

An input is JSON Lines (a file, a ``.gz`` file, or stdin ``-``), a ``.txt`` article, a
directory or glob of ``.txt`` articles, an RSS/Atom feed, or an HTML page. Reading is
streamed: one JSON line at a time, so a file of any size is never held whole (a feed file
is parsed whole, as feeds are small).

The main process only *reads* (cheap); turning a task into a record (decoding bytes,
parsing JSON, extracting the text of an HTML page) happens in ``load_record``, which the
worker processes call. Every failure is a ``RecordError`` that names the record's input
and, where known, its id, so it becomes an ``error`` line in the output instead of a lost
record.
"""
from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import glob
import gzip
import json
import os
import stat
import sys
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .inputs import (DEFAULT_MAX_BYTES, InputError, decode_document, gunzip_limited, megabytes, open_regular,
                     read_limited, size_over)
from .normalize import BLOCK_TAGS

GZIP_MAGIC = b"\x1f\x8b"
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
TEXT_SUFFIXES = {".txt"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
HTML_EXTRA_HINT = "pip install 'vnpolicy[html]'"

Warn = Callable[..., None]     # warn(message, problem=True): problem=False for a mere notice


@dataclass
class Task:
    """One input record as read, not yet decoded; cheap to send to a worker process.

    ``kind`` is ``jsonl`` (``data`` is the raw line), ``record`` (``data`` is a dict),
    ``text`` or ``html`` (``data`` is the file's bytes, or ``None`` to read ``source`` when
    needed), or ``error`` (``data`` is the message; ``extra`` the fields to report).
    ``cost`` is the number of input bytes the record accounts for (for progress).
    """
    kind: str
    data: Any
    source: str
    line: int | None = None
    cost: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    limit: int = DEFAULT_MAX_BYTES      # the most bytes its file may hold (--max-bytes)

    def materialize(self) -> "Task":
        """The same task with a file's bytes read in, for engines whose workers may not see the file.
        At most ``limit`` bytes are read (gzip data is decompressed by the worker, also bounded)."""
        if self.kind in ("text", "html") and self.data is None:
            try:
                with open_regular(self.source) as f:
                    data = f.read(min(self.limit, os.fstat(f.fileno()).st_size) + 1)
            except InputError as exc:
                return Task("error", str(exc), self.source, self.line, self.cost, {"id": self.source})
            except OSError as exc:
                return Task("error", f"{self.source}: cannot read ({exc.strerror or exc})", self.source,
                            self.line, self.cost, {"id": self.source})
            if len(data) > self.limit:
                return Task("error", _too_big(self.source, None, self.limit), self.source, self.line,
                            self.cost, {"id": self.source})
            return Task(self.kind, data, self.source, self.line, self.cost, limit=self.limit)
        return self


class RecordError(ValueError):
    """A task that does not give a record; ``id`` and ``extra`` are what is known of it."""

    def __init__(self, message: str, id: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.id = id
        self.extra = extra or {}


# --- which inputs --------------------------------------------------------------------

def _has_magic(spec: str) -> bool:
    return any(c in spec for c in "*?[")


def _walk_texts(directory: str) -> Iterator[str]:
    """The ``.txt`` files under ``directory``, in a stable (sorted) order."""
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            if Path(name).suffix.lower() in TEXT_SUFFIXES:
                yield os.path.join(root, name)


def expand(specs: Iterable[str], warn: Warn) -> Iterator[str]:
    """The input files named by ``specs`` (files, ``-``, directories, globs), in order.

    Directories give their ``.txt`` files; globs give every file they match (sorted), and
    a directory they match gives its ``.txt`` files. A name that matches nothing is
    reported through ``warn``.
    """
    for spec in specs:
        if spec == "-":
            yield spec
        elif os.path.isdir(spec):
            found = False
            for path in _walk_texts(spec):
                found = True
                yield path
            if not found:
                warn(f"{spec}: directory holds no .txt files")
        elif os.path.exists(spec):
            yield spec
        elif _has_magic(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                warn(f"{spec}: no file matches")
            for match in matches:
                if os.path.isdir(match):
                    yield from _walk_texts(match)
                else:
                    yield match
        else:
            warn(f"{spec}: no such file")


def total_bytes(specs: Iterable[str]) -> int | None:
    """The size of all inputs in bytes (for a progress bar), or None if a stream is read."""
    total = 0
    for path in expand(specs, lambda *args, **kwargs: None):
        if path == "-":
            return None
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return total


def kind_by_name(path: str) -> str | None:
    """``jsonl``, ``text``, ``feed`` or ``html`` from the file name alone; None if it does not tell."""
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    for kind, suffixes in (("jsonl", JSONL_SUFFIXES), ("text", TEXT_SUFFIXES), ("feed", FEED_SUFFIXES),
                           ("html", HTML_SUFFIXES)):
        if suffix in suffixes:
            return kind
    return None


def kind_of(path: str, head: bytes = b"") -> str:
    """``jsonl``, ``text``, ``feed`` or ``html``, from the name, else from the first bytes."""
    return kind_by_name(path) or sniff(head)


def needs_html(specs: Iterable[str]) -> bool:
    """True if any input file is an HTML page (so the ``html`` extra is needed); stdin is not
    looked at. Only files whose name does not tell their kind are opened."""
    for path in expand(specs, lambda *args, **kwargs: None):
        if path == "-":
            continue
        kind = kind_by_name(path)
        if kind is None:
            try:
                kind = sniff(_head(path))
            except InputError:
                continue           # reported when the inputs are read
        if kind == "html":
            return True
    return False


def sniff(head: bytes) -> str:
    start = head.lstrip(codecs.BOM_UTF8).lstrip()[:1024].lower()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<"):
        if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
            return "feed"
        return "html"
    return "text"


# --- reading -------------------------------------------------------------------------

def read_tasks(specs: Iterable[str], warn: Warn, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Task]:
    """Every record of every input, in order, as tasks."""
    for path in expand(specs, warn):
        if path == "-":
            yield from _stdin_tasks(max_bytes, warn)
            continue
        try:
            _check_regular(path)
            head = _head(path)
        except InputError as exc:
            warn(str(exc))
            continue
        kind = kind_of(path, head)
        if kind == "jsonl":
            yield from _jsonl_file_tasks(path, max_bytes, warn)
        elif kind == "feed":
            yield from _feed_tasks(path, max_bytes)
        else:
            size = _size(path)
            if size > max_bytes:
                yield Task("error", _too_big(path, size, max_bytes), path, None, size, {"id": path})
            else:
                yield Task(kind, None, path, None, size, limit=max_bytes)


def _check_regular(path: str) -> None:
    """Only regular files are read (a device or a pipe has no end and no size)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise InputError(f"{path}: is a device, pipe or socket, not a regular file "
                         "(pipe a stream into stdin, -)")


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _too_big(name: str, size: int | None, limit: int, what: str = "one record") -> str:
    amount = size_over(size, limit)
    return f"{name}: {amount} is over the {megabytes(limit)} limit for {what} (--max-bytes)"


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
            if head.startswith(GZIP_MAGIC):
                f.seek(0)
                try:
                    with gzip.GzipFile(fileobj=f) as g:
                        head = g.read(1024)
                except (OSError, EOFError, zlib.error):
                    pass      # reported when the file is read
            return head
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _stdin_tasks(max_bytes: int, warn: Warn) -> Iterator[Task]:
    raw = sys.stdin.buffer
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    yield from _jsonl_tasks(raw, "stdin", head.startswith(GZIP_MAGIC), max_bytes, warn)


def _jsonl_file_tasks(path: str, max_bytes: int, warn: Warn) -> Iterator[Task]:
    try:
        raw = open(path, "rb")
    except OSError as exc:
        warn(f"{path}: cannot read ({exc.strerror or exc})")
        return
    with raw:
        gz = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        yield from _jsonl_tasks(raw, path, gz, max_bytes, warn)


def _jsonl_tasks(raw, name: str, gz: bool, max_bytes: int, warn: Warn) -> Iterator[Task]:
    """One task per non-blank line of a (possibly gzipped) binary stream."""
    stream = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw
    seekable = raw.seekable() if hasattr(raw, "seekable") else False
    last = raw.tell() if seekable else 0
    number = records = 0
    try:
        while True:
            line = stream.readline(max_bytes + 1)
            if not line:
                break
            number += 1
            size = len(line)
            if not line.endswith(b"\n") and size > max_bytes:
                while line and not line.endswith(b"\n"):      # skip the rest of the line unread
                    line = stream.readline(1 << 20)
                    size += len(line)
                cost, last = _cost(raw, seekable, last, size)
                records += 1
                yield Task("error", _too_big(f"{name}:{number}", size, max_bytes), name, number, cost,
                           {"input": name, "line": number})
                continue
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            if not line.strip():
                continue
            cost, last = _cost(raw, seekable, last, size)
            records += 1
            yield Task("jsonl", line, name, number, cost)
    except EOFError:
        yield Task("error", f"{name}: truncated gzip file: the data ends after line {number}; "
                   "records after it are lost", name, number + 1, 0, {"input": name, "line": number + 1})
        return
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield Task("error", f"{name}: corrupt gzip data after line {number} ({exc})", name, number + 1, 0,
                   {"input": name, "line": number + 1})
        return
    except OSError as exc:
        yield Task("error", f"{name}: read error after line {number} ({exc.strerror or exc})", name,
                   number + 1, 0, {"input": name, "line": number + 1})
        return
    if records == 0:
        warn(f"{name}: no records (empty input)", problem=False)


def _cost(raw, seekable: bool, last: int, size: int) -> tuple[int, int]:
    if not seekable:
        return size, last
    pos = raw.tell()
    return pos - last, pos


# --- feeds ---------------------------------------------------------------------------

def _feed_tasks(path: str, max_bytes: int) -> Iterator[Task]:
    size = _size(path)
    try:
        with open_regular(path) as f:
            data = read_limited(f, max_bytes, path, "one feed (--max-bytes)")
    except InputError as exc:
        yield Task("error", str(exc), path, None, size, {"id": path})
        return
    records = parse_feed(data, path)
    if isinstance(records, str):
        yield Task("error", records, path, None, size, {"id": path})
        return
    for i, record in enumerate(records, 1):
        yield Task("record", record, path, i, size if i == len(records) else 0)


def parse_feed(data: bytes, name: str) -> list[dict[str, Any]] | str:
    """The records of an RSS/Atom document, or a one-line reason why it is not a feed."""
    import feedparser   # imported on first feed only
    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({reason})" if reason else ""
        return f"{name}: not an RSS or Atom feed{detail}"
    records = []
    for i, entry in enumerate(parsed.entries, 1):
        record: dict[str, Any] = {"id": entry.get("id") or entry.get("link") or f"{name}#{i}"}
        link = entry.get("link") or ""
        if link.startswith(("http://", "https://")):
            record["url"] = link
        if entry.get("title"):
            record["title"] = entry["title"]
        published = entry_date(entry)
        if published:
            record["published"] = published
        record["text"] = entry_text(entry)
        records.append(record)
    return records


def entry_text(entry: Any) -> str:
    """The fullest text an entry carries: the longest of its contents and summary, as text."""
    candidates = []
    for detail in list(entry.get("content") or []) + [entry.get("summary_detail")]:
        if not detail or not detail.get("value"):
            continue
        value = detail["value"]
        if "html" in (detail.get("type") or "text/html"):
            value = html_to_text(value)
        candidates.append(value.strip())
    if not candidates and entry.get("summary"):
        candidates.append(html_to_text(entry["summary"]).strip())
    if not candidates:
        return entry.get("title") or ""
    return max(candidates, key=len)


def entry_date(entry: Any) -> str | None:
    """The entry's date as YYYY-MM-DD in the publisher's own time zone (not UTC)."""
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if value:
            date = parse_date(value)
            if date:
                return date.isoformat()
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
    return None


def parse_date(value: str) -> dt.date | None:
    """An RFC 822 (RSS) or ISO 8601 (Atom) date string, as the date it names locally."""
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


class _TextParser(HTMLParser):
    BLOCKS = frozenset(BLOCK_TAGS)     # the tags that end a line, as in markup left in a text
    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content): one line per block."""
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- HTML pages ----------------------------------------------------------------------

def html_record(data: bytes, name: str) -> dict[str, Any]:
    """The main text and metadata of one HTML page, via trafilatura."""
    try:
        import trafilatura
    except ImportError:
        raise RecordError(f"{name}: reading HTML pages needs trafilatura: {HTML_EXTRA_HINT}", name) from None
    doc = trafilatura.bare_extraction(data, with_metadata=True)
    if doc is None:
        raise RecordError(f"{name}: no article text found in the HTML page", name)
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    if not meta.get("text"):
        raise RecordError(f"{name}: no article text found in the HTML page", name)
    record: dict[str, Any] = {"id": name}
    if meta.get("url"):
        record["url"] = meta["url"]
    if meta.get("title"):
        record["title"] = meta["title"]
    if meta.get("date"):
        record["published"] = str(meta["date"])[:10]
    record["text"] = meta["text"]
    return record


# --- tasks to records (worker side) ---------------------------------------------------

def load_record(task: Task, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None,
                warnings: list[str] | None = None) -> dict[str, Any]:
    """The record a task stands for: a dict with a ``text`` string, or a ``RecordError``.
    ``encoding`` forces the encoding of text files and HTML pages; what decoding had to
    guess or replace is appended to ``warnings``."""
    if task.kind == "jsonl":
        return _jsonl_record(task)
    if task.kind == "record":
        record = task.data
        if not isinstance(record, dict):
            raise RecordError(f"record {task.line}: not a dict but {type(record).__name__}")
        if not isinstance(record.get("text"), str):
            raise RecordError(f"record {task.line}: no 'text' string", _id(record.get("id")), _extra(record))
        return record
    if task.kind == "error":
        extra = dict(task.extra)
        raise RecordError(str(task.data), _id(extra.pop("id", None)), extra)
    if task.kind in ("text", "html"):
        data = task.data
        if data is None:
            loaded = task.materialize()
            if loaded.kind == "error":
                raise RecordError(loaded.data, task.source)
            data = loaded.data
        try:
            data = _bounded(data, task.source, max_bytes)
            if task.kind == "html":
                if encoding is not None:
                    data = decode_document(data, task.source, encoding).text
                return html_record(data, task.source)
            document = decode_document(data, task.source, encoding)
        except InputError as exc:
            raise RecordError(str(exc), task.source) from None
        if warnings is not None:
            warnings.extend(document.warnings)
        return {"id": task.source, "text": document.text}
    raise RecordError(f"unknown task kind {task.kind!r}")


def _bounded(data: bytes, name: str, limit: int) -> bytes:
    """A file's bytes, decompressed if gzip, refused past ``limit`` bytes either way."""
    if data.startswith(GZIP_MAGIC):
        return gunzip_limited([data], limit, name, "one record (--max-bytes)")
    if len(data) > limit:
        raise InputError(_too_big(name, len(data), limit))
    return data


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _extra(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("id", "text", "published")}


def _jsonl_record(task: Task) -> dict[str, Any]:
    where = f"{task.source}:{task.line}"
    location = {"input": task.source, "line": task.line}
    try:
        text = task.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        partial = _loads_or_none(task.data.decode("utf-8", errors="replace"))
        rid, extra = (_id(partial.get("id")), _extra(partial)) if partial else (None, {})
        raise RecordError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})", rid,
                          {**location, **extra}) from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"{where}: not JSON ({exc.msg}, column {exc.colno})", None, location) from None
    except RecursionError:
        raise RecordError(f"{where}: JSON nested too deeply to read", None, location) from None
    if not isinstance(record, dict):
        raise RecordError(f"{where}: a record must be a JSON object, not {type(record).__name__}", None,
                          location)
    if not isinstance(record.get("text"), str):
        problem = "has no 'text'" if "text" not in record else "has a 'text' that is not a string"
        raise RecordError(f"{where}: record {problem}", _id(record.get("id")), {**location, **_extra(record)})
    return record


def _loads_or_none(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def identify(task: Task) -> tuple[str | None, dict[str, Any]]:
    """Best-effort id and pass-through fields of a task, without failing (for error lines)."""
    try:
        record = load_record(task) if task.kind != "html" else {"id": task.source}
    except RecordError as exc:
        return exc.id, exc.extra
    except Exception:  # noqa: BLE001 - only used to label an error line
        return None, {}
    extra = _extra(record)
    if task.kind == "jsonl":
        extra = {"input": task.source, "line": task.line, **extra}
    return _id(record.get("id")), extra


def task_from_object(obj: Any, number: int) -> Task:
    """A task for one item given to ``extract_many``: a record dict, or a plain text string."""
    if isinstance(obj, str):
        return Task("record", {"text": obj}, "records", number)
    return Task("record", obj, "records", number)
