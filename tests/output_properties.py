"""What every result must be, whatever the text (issue 9): shared by the property test of the
suite (tests/test_properties.py) and the fuzz run outside it (tools/fuzz.py).

``violations(text, result)`` lists what a result breaks, as short messages:

- it encodes as UTF-8 and as strict JSON, and it is valid against the output schema;
- every reported piece is exactly ``text[start:end]`` (lone surrogates read as U+FFFD);
- every piece lies inside its target's sentence, except what is marked inherited (a deadline
  or an actor from context) and a unit borrowed from another quantity (``vnpolicy.quantities``:
  a part counts what its whole does, *26 trên tổng số 31 tỉnh*, inside the sentence; an
  elided unit, *93.000 tỷ (kế hoạch 83.000 tỷ)*, comes from an earlier quantity of the same
  sentence or of the sentences just before it on the same line): such a unit lies inside the
  sentence or before it on the same line, never after it, never across a line break;
- no span starts or ends inside a grapheme (Unicode's extended grapheme clusters);
- the sentences of the targets are in order, each on one line.

``same_targets(a, b)`` compares the targets of two results but for offsets and spacing (the
text with its spaces doubled must give the same targets).
"""
from __future__ import annotations

import json

import regex

from vnpolicy.export import to_json
from vnpolicy.sanitize import replace_surrogates
from vnpolicy.schema import validate

_GRAPHEME = regex.compile(r"\X")


def grapheme_boundaries(text: str) -> set[int]:
    return {0} | {m.end() for m in _GRAPHEME.finditer(text)}


def _spans(target: dict) -> list[tuple[str, dict]]:
    """(name, piece) of every piece with offsets."""
    out = [("sentence", target["sentence"]), ("amount", target["amount"])]
    unit = target.get("unit") or {}
    if unit.get("start") is not None:
        out.append(("unit", unit))
    for i, part in enumerate((target.get("metric") or {}).get("parts", [])):
        out.append((f"metric.parts[{i}]", part))
    for name in ("deadline", "actor"):
        if target.get(name) and target[name].get("start") is not None:
            out.append((name, target[name]))
    return out


def violations(text: str, result, boundaries: set[int] | None = None) -> list[str]:
    """What ``result`` (an ExtractionResult of ``text``) breaks; empty when nothing."""
    problems: list[str] = []
    doc = result.to_dict()
    try:
        written = to_json(doc)
        written.encode("utf-8")
        json.loads(written, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    except (UnicodeEncodeError, ValueError) as exc:
        problems.append(f"not writable as strict UTF-8 JSON: {type(exc).__name__}: {exc}")
    try:
        validate(doc)
    except Exception as exc:          # jsonschema.ValidationError, with the path that fails
        problems.append(f"schema: {str(exc).splitlines()[0]}")
    readable, _ = replace_surrogates(text)
    if boundaries is None:
        boundaries = grapheme_boundaries(readable)
    previous_sentence = None
    for k, target in enumerate(doc["targets"]):
        where = f"target {k}"
        sentence = target["sentence"]
        s0, s1 = sentence["start"], sentence["end"]
        if "\n" in readable[s0:s1]:
            problems.append(f"{where}: its sentence crosses a line break")
        if previous_sentence is not None and s0 < previous_sentence:
            problems.append(f"{where}: its sentence comes before the previous target's")
        previous_sentence = s0
        for name, piece in _spans(target):
            a, b = piece["start"], piece["end"]
            if not (0 <= a <= b <= len(text)) or readable[a:b] != piece["text"]:
                problems.append(f"{where}: {name} [{a}:{b}] is not the text {piece['text']!r}")
                continue
            if a not in boundaries or b not in boundaries:
                problems.append(f"{where}: {name} [{a}:{b}] {piece['text']!r} starts or ends inside a grapheme")
            if name == "sentence" or s0 <= a and b <= s1:
                continue
            if piece.get("inherited"):
                continue
            if name == "unit" and _borrowed_before(readable, a, b, s0):
                continue
            problems.append(f"{where}: {name} [{a}:{b}] {piece['text']!r} lies outside its sentence "
                            f"[{s0}:{s1}] and is not marked inherited")
    return problems


def _borrowed_before(text: str, start: int, end: int, sentence_start: int) -> bool:
    """A unit borrowed from an earlier quantity: before the sentence, on the same line."""
    return end <= sentence_start and "\n" not in text[start:sentence_start]


# Invisible characters that normalisation drops (normalize._ZERO_WIDTH). Whether one stands at
# a span's edge can depend on the spaces around it: after a prepended mark ('ൎ', which Unicode
# joins to whatever follows) a space and a joiner are one grapheme with it, and doubling the
# space splits them, so the span snapped to whole graphemes takes the joiner in or leaves it out.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _loose(text: str | None) -> str | None:
    return " ".join(text.translate(_INVISIBLE).split()) if text is not None else None


def comparable(target: dict) -> tuple:
    """A target without its offsets, its words with their spacing evened out."""
    unit = target.get("unit") or {}
    deadline = target.get("deadline") or {}
    actor = target.get("actor") or {}
    metric = target.get("metric") or {}
    amount = target["amount"]
    return (_loose(target["sentence"]["text"]), _loose(amount["text"]), amount["value"], amount["value_max"],
            amount["comparator"], unit.get("code"), _loose(unit.get("text")), deadline.get("date"),
            _loose(deadline.get("text")), deadline.get("inherited"), actor.get("name"), actor.get("inherited"),
            tuple(_loose(p["text"]) for p in metric.get("parts", [])), target.get("rule"), target.get("confidence"))


def same_targets(first, second) -> list[str]:
    """How the targets of two results differ, but for offsets and spacing; empty when they agree."""
    a = [comparable(t) for t in first.to_dict()["targets"]]
    b = [comparable(t) for t in second.to_dict()["targets"]]
    if a == b:
        return []
    if len(a) != len(b):
        return [f"{len(a)} targets, but {len(b)} with the spaces doubled"]
    return [f"target {i} differs with the spaces doubled: {x} != {y}" for i, (x, y) in enumerate(zip(a, b)) if x != y]


def double_spaces(text: str) -> str:
    return text.replace(" ", "  ")
