"""Values that cannot be written as they are: lone surrogates and non-finite numbers.

JSON's ``\\ud800`` escape and Python's ``surrogateescape`` put lone surrogate code points
into ``str`` objects, and JSON readers accept ``NaN`` and ``Infinity``; none of these can
be written as UTF-8 or as strict JSON. They are dealt with where they enter and leave:

- article text: each lone surrogate becomes U+FFFD, one code point for one, so that every
  offset still indexes the caller's string (``replace_surrogates``);
- ids and pass-through fields: a lone surrogate is written as the six characters of its
  escape (``\\ud800``), and a non-finite number as null (``writable``).

Each change is reported as a warning on the result, never silently.
"""
from __future__ import annotations

import math
import re
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_OFFSETS = 5


def has_surrogates(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def replace_surrogates(text: str, what: str = "text") -> tuple[str, list[str]]:
    """``text`` with each lone surrogate replaced by U+FFFD (same length), and the warning."""
    if not has_surrogates(text):
        return text, []
    offsets = [m.start() for m in _SURROGATE.finditer(text)]
    shown = ", ".join(str(o) for o in offsets[:_SHOWN_OFFSETS])
    more = f" and {len(offsets) - _SHOWN_OFFSETS} more" if len(offsets) > _SHOWN_OFFSETS else ""
    warning = (f"{what}: {len(offsets)} lone surrogate code point{'s' if len(offsets) != 1 else ''} "
               f"(not valid Unicode) at offset {shown}{more} read as U+FFFD; offsets are unchanged")
    return _SURROGATE.sub(REPLACEMENT, text), [warning]


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def writable(value: Any, where: str, warnings: list[str]) -> Any:
    """``value`` (a JSON-like tree) with lone surrogates escaped and non-finite floats as None;
    a warning per change names the field (``where``)."""
    if isinstance(value, str):
        if not has_surrogates(value):
            return value
        warnings.append(f"{where}: lone surrogate code point written as its \\u escape")
        return _SURROGATE.sub(_escape, value)
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        warnings.append(f"{where}: {value!r} is not a JSON number; written as null")
        return None
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = writable(key, f"{where} key", warnings) if isinstance(key, str) else key
            out[name] = writable(item, f"{where}.{name}", warnings)
        return out
    if isinstance(value, (list, tuple)):
        return [writable(item, f"{where}[{i}]", warnings) for i, item in enumerate(value)]
    return value


def escape_surrogates(text: str | None) -> str | None:
    """The written form of an id or message: lone surrogates as their \\u escape."""
    if text is None or not has_surrogates(text):
        return text
    return _SURROGATE.sub(_escape, text)
