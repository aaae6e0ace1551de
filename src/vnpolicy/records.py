"""Typed results. Each class serialises to exactly the JSON documented in the README and
in ``schema/output.schema.json``; values that must be exact stay ``Decimal`` until
``to_dict`` writes them as JSON numbers.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Union

from .sanitize import escape_surrogates, writable

SCHEMA_VERSION = "1.1"


def json_number(value: Decimal | None) -> int | float | None:
    """An exact Decimal as the JSON number a reader expects: 2e9 -> 2000000000, 37.6 -> 37.6."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    number = float(value.normalize())
    # beyond float range a fraction is noise: the integer part, exactly, is still a valid JSON number
    return number if math.isfinite(number) else int(value.to_integral_value())


def exact(value: Union[Decimal, int, float, str]) -> Decimal:
    """``value`` as a Decimal without spurious digits: an integer has no exponent and no
    fraction (``Decimal('1500000000.0')`` -> ``Decimal('1500000000')``), and a fraction no
    trailing zeros (``7.50`` -> ``7.5``). A float goes through its shortest repr (0.1 -> 0.1)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"amount value must be a finite number, not {value!r}")
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def iso_date(value: Union[dt.date, str, None]) -> dt.date | None:
    """A deadline date from a ``datetime.date`` or its ISO form (as ``to_dict`` writes it)."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return dt.date.fromisoformat(value)


@dataclass(slots=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Actor:
    """Who owns a target. For a province or city, ``successor`` is the province it belongs
    to after the 1 July 2025 merger (itself when unchanged) and ``period`` tells when its
    name is in use (``before``, ``after`` or ``both``); both are None for other actors."""
    text: str
    name: str
    type: str
    start: int
    end: int
    inherited: bool = False
    canonical: str | None = None
    successor: str | None = None
    period: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "type": self.type, "canonical": self.canonical,
                "successor": self.successor, "period": self.period,
                "start": self.start, "end": self.end, "inherited": self.inherited}


METRIC_JOINER = " … "


@dataclass(slots=True)
class Metric:
    """The words naming what is measured or done. They may stand on both sides of the amount
    (*thu hút ít nhất 1 tỷ USD vốn FDI*), so ``parts`` holds each piece with its offsets;
    ``text`` joins them with ' … ' and ``start``/``end`` span from the first to the last."""
    parts: list[Span]

    @property
    def text(self) -> str:
        return METRIC_JOINER.join(p.text for p in self.parts)

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def end(self) -> int:
        return self.parts[-1].end

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "parts": [p.to_dict() for p in self.parts]}


@dataclass(slots=True)
class Amount:
    """The number of a target: ``value`` (and ``value_max`` for a range) are exact Decimals,
    normalised so that an integer prints as one (``1,5 tỷ`` -> ``1500000000``)."""
    text: str
    start: int
    end: int
    value: Decimal
    value_max: Decimal | None
    comparator: str
    comparator_text: str | None = None

    def __post_init__(self) -> None:
        self.value = exact(self.value)
        if self.value_max is not None:
            self.value_max = exact(self.value_max)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "value": json_number(self.value), "value_max": json_number(self.value_max),
                "comparator": self.comparator, "comparator_text": self.comparator_text}


@dataclass(slots=True)
class Unit:
    text: str | None
    code: str | None
    dimension: str | None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "code": self.code, "dimension": self.dimension,
                "start": self.start, "end": self.end}


@dataclass(slots=True)
class Deadline:
    """When a target is due: ``date`` is a ``datetime.date`` (the last day of the period the
    text names), None when it cannot be resolved; JSON writes it as ``YYYY-MM-DD``."""
    text: str
    date: dt.date | None
    granularity: str
    start: int
    end: int
    inherited: bool = False

    def __post_init__(self) -> None:
        self.date = iso_date(self.date)

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat() if self.date else None
        return {"text": self.text, "date": date, "granularity": self.granularity,
                "start": self.start, "end": self.end, "inherited": self.inherited}


@dataclass(slots=True)
class Target:
    sentence: Span
    actor: Actor | None
    metric: Metric | None
    amount: Amount
    unit: Unit
    deadline: Deadline | None
    rule: str
    confidence: float
    kind: str = "target"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "sentence": self.sentence.to_dict(),
                "actor": self.actor.to_dict() if self.actor else None,
                "metric": self.metric.to_dict() if self.metric else None,
                "amount": self.amount.to_dict(), "unit": self.unit.to_dict(),
                "deadline": self.deadline.to_dict() if self.deadline else None,
                "rule": self.rule, "confidence": self.confidence}


@dataclass(slots=True)
class ExtractionResult:
    id: str | None = None
    published: str | None = None
    targets: list[Target] = field(default_factory=list)
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)   # input fields passed through (url, title ...)
    warnings: list[str] = field(default_factory=list)     # what was changed to process or write the record

    def to_dict(self) -> dict[str, Any]:
        """The JSON document; anything that cannot be written as UTF-8 or strict JSON (a lone
        surrogate in the id or a pass-through field, a NaN) is escaped and gets a warning."""
        warnings = list(self.warnings)
        out: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        passed = {k: v for k, v in self.extra.items() if k not in _RESERVED}
        out.update(writable(passed, "field", warnings) if passed else {})
        rid = writable(self.id, "id", warnings)
        out.update({"id": rid, "published": self.published,
                    "targets": [t.to_dict() for t in self.targets], "error": escape_surrogates(self.error)})
        if warnings:
            out["warnings"] = warnings
        return out


# Keys of the result document that a record's own field of the same name must not replace.
_RESERVED = ("text", "targets", "error", "schema_version", "warnings")
