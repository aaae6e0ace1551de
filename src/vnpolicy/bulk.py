"""Bulk processing: JSON Lines records in, one result line per record out, in order.

A record that cannot be processed (not JSON, no ``text``, a bad ``published``) gets an
output line with ``error`` set; every other record is still written.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from .pipeline import Extractor, parse_published
from .records import ExtractionResult


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


def process_record(extractor: Extractor, record: dict[str, Any], default_published: str | None = None) -> ExtractionResult:
    """Run one parsed record; failures become the result's ``error``."""
    rid = record.get("id")
    rid = None if rid is None else str(rid)
    extra = {k: v for k, v in record.items() if k not in ("id", "text", "published")}
    published = record.get("published", default_published)
    try:
        parse_published(published)
        result = extractor.extract(record["text"], published, rid)
    except ValueError as exc:
        return ExtractionResult(id=rid, published=None, error=str(exc), extra=extra)
    result.extra = extra
    return result


def process_lines(extractor: Extractor, lines: Iterable[str], default_published: str | None = None
                  ) -> Iterator[ExtractionResult]:
    """One result per non-blank line, in order."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = parse_record(line, number)
        except ValueError as exc:
            yield ExtractionResult(id=None, error=str(exc), extra={"line": number})
            continue
        yield process_record(extractor, record, default_published)


def extract_many(records: Iterable[dict[str, Any]], published: str | None = None,
                 model_dir=None) -> Iterator[ExtractionResult]:
    """Library entry point: results for ``records`` ({"id", "text", "published"?}) in order."""
    extractor = Extractor(model_dir)
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            rid = record.get("id") if isinstance(record, dict) else None
            yield ExtractionResult(id=None if rid is None else str(rid), error="record has no 'text' string")
            continue
        yield process_record(extractor, record, published)
