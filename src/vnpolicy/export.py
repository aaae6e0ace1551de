"""Output formats: JSON documents, JSON Lines, and CSV with one row per target.

CSV flattens each target into fixed columns so a spreadsheet or a tracking database can
import it; an article without targets gives no row, an article with an error gives one
row carrying the error.
"""
from __future__ import annotations

import csv
import json
import textwrap
from typing import IO, Any, Iterable

FORMATS = ("json", "jsonl", "csv")

CSV_COLUMNS = [
    "source_id", "source_url", "published", "actor", "actor_type", "actor_inherited", "actor_successor",
    "actor_period", "metric",
    "value", "value_max", "comparator", "unit", "deadline", "deadline_text", "deadline_inherited",
    "amount_text", "amount_start", "amount_end", "sentence", "sentence_start", "sentence_end",
    "rule", "confidence", "error",
]


# Line breaks to Unicode but not to JSON: a reader splitting on them (str.splitlines, some
# JavaScript) would cut a record in two. Inside a JSON string their escapes mean the same.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


def to_json(document: dict[str, Any], pretty: bool = True) -> str:
    """Strict JSON (no NaN or Infinity: ``ValueError``), UTF-8 text, one line unless ``pretty``."""
    if pretty:
        out = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    else:
        out = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if not out.isascii():
        for char, escape in _LINE_BREAKS.items():
            if char in out:
                out = out.replace(char, escape)
    return out


def _flag(value: Any) -> Any:
    """JSON's spelling of a boolean (true/false), so CSV and JSON read the same."""
    return ("true" if value else "false") if isinstance(value, bool) else value


def csv_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The CSV rows of one result document (as produced by ``ExtractionResult.to_dict``)."""
    base = {"source_id": document.get("id"), "source_url": document.get("url"),
            "published": document.get("published")}
    if document.get("error"):
        return [{**base, "error": document["error"]}]
    rows = []
    for t in document.get("targets", []):
        actor, deadline = t.get("actor") or {}, t.get("deadline") or {}
        rows.append({
            **base,
            "actor": actor.get("name"), "actor_type": actor.get("type"),
            "actor_inherited": _flag(actor.get("inherited")),
            "actor_successor": actor.get("successor"), "actor_period": actor.get("period"),
            "metric": (t.get("metric") or {}).get("text"),
            "value": t["amount"]["value"], "value_max": t["amount"]["value_max"],
            "comparator": t["amount"]["comparator"], "unit": t["unit"]["code"],
            "deadline": deadline.get("date"), "deadline_text": deadline.get("text"),
            "deadline_inherited": _flag(deadline.get("inherited")),
            "amount_text": t["amount"]["text"], "amount_start": t["amount"]["start"],
            "amount_end": t["amount"]["end"],
            "sentence": t["sentence"]["text"], "sentence_start": t["sentence"]["start"],
            "sentence_end": t["sentence"]["end"], "rule": t["rule"], "confidence": t["confidence"],
            "error": None,
        })
    return rows


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...)).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a leading ' so that it
    shows as text; numbers and other cells unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class Writer:
    """Writes result documents to ``stream`` in one of ``FORMATS``. In CSV, text cells that
    start like a formula get a leading ' unless ``csv_safe`` is False.

    With ``array=True`` the ``json`` format writes one JSON array of the documents (streamed,
    as ``json.dumps(documents, indent=2)`` would print it) instead of one document; call
    ``close()`` at the end, also after an interruption, so that the array is closed.
    """

    def __init__(self, stream: IO[str], fmt: str = "jsonl", csv_safe: bool = True, array: bool = False):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.stream, self.fmt, self.csv_safe = stream, fmt, csv_safe
        self.array = array and fmt == "json"
        self._written = 0
        self._closed = False
        self._csv: csv.DictWriter[str] | None = None

    def write(self, document: dict[str, Any]) -> None:
        if self.array:
            opening = "[\n" if self._written == 0 else ",\n"
            self.stream.write(opening + textwrap.indent(to_json(document, pretty=True), "  "))
        elif self.fmt == "json":
            self.stream.write(to_json(document, pretty=True) + "\n")
        elif self.fmt == "jsonl":
            self.stream.write(to_json(document, pretty=False) + "\n")
        else:
            rows = csv_rows(document)
            if self.csv_safe:
                rows = [{k: defuse_cell(v) for k, v in row.items()} for row in rows]
            self._csv_writer().writerows(rows)
        self._written += 1

    def _csv_writer(self) -> csv.DictWriter[str]:
        if self._csv is None:
            self._csv = csv.DictWriter(self.stream, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            self._csv.writeheader()
        return self._csv

    def close(self) -> None:
        """End the output, so that it parses even when empty: the closing bracket of a JSON
        array (``[]`` if nothing was written), the header of a CSV without rows."""
        if self._closed:
            return
        self._closed = True
        if self.array:
            self.stream.write("[]\n" if self._written == 0 else "\n]\n")
        elif self.fmt == "csv":
            self._csv_writer()

    def write_all(self, documents: Iterable[dict[str, Any]]) -> None:
        for d in documents:
            self.write(d)
