"""The pipeline: raw text -> normalised text -> sentences -> pieces -> targets -> records.

``Extractor`` loads the language data once; ``extract`` runs one article. Every offset in
the records it returns indexes the caller's original string.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
import threading

from .normalize import NormalizedText, normalize
from .candidates import Candidate, CandidateFinder
from .quantities import QuantityReader
from .decision import MODEL_FILE, DecisionModel
from .records import Actor, Amount, Deadline, ExtractionResult, Metric, Span, Target, Unit
from .resources import load
from .sanitize import replace_surrogates
from .segment import Segmenter, Sentence
from .succession import SuccessionTable
from .targets import TargetAssembler
from . import tokens


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# What may follow the date: an ISO time of day, with an optional fraction and time zone.
_TIME_PART = re.compile(r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?", re.ASCII)


def parse_published(value: str | dt.date | None) -> dt.date | None:
    """Accept None, a date, or an ISO string: YYYY-MM-DD, optionally with a time of day
    (which is ignored). Anything else after the date is an error, not silently dropped."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if not (_DATE.match(text) and _TIME_PART.fullmatch(text, 10)):
            raise ValueError
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"published date {value!r} is not YYYY-MM-DD") from None


class Extractor:
    """Reusable extractor: build once (loads language data), call ``extract`` many times."""

    def __init__(self, model_dir: str | os.PathLike | None = None, use_pos: bool = True,
                 decision: DecisionModel | None = None):
        """``decision`` replaces the model directory's decision weights (``vnpolicy train``
        scores folds with weights it has just fitted)."""
        self.data = load(model_dir)
        # a broken model fails here, with the file it trips on
        self.data.check(skip=(MODEL_FILE,) if decision is not None else ())
        self.segmenter = Segmenter(self.data)
        self.assembler = TargetAssembler(self.data, tokens.tag if use_pos else None, decision)
        self.succession = SuccessionTable(self.data)

    def warm_up(self) -> "Extractor":
        """Load now what would otherwise load on first need (underthesea's tagger, ~1-2 s), e.g.
        before forking workers so that they share it."""
        if self.assembler.pos_tagger is not None:
            tokens.preload()
        return self

    def extract(self, text: str, published: str | dt.date | None = None, id: str | None = None) -> ExtractionResult:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        pub = parse_published(published)
        # a lone surrogate cannot be encoded, tagged or written: read it as U+FFFD, same length
        text, warnings = replace_surrogates(text)
        with _cycle_collection_held():
            norm = normalize(text)
            sentences = self.segmenter.sentences(norm.text)
            skipped: list[tuple[Sentence, int]] = []
            # the candidates are let go as soon as their records are made: the cycle collector,
            # let run again at the end of the block, then walks only what the result holds
            targets = [self._record(norm, c) for c in self.assembler.candidates(norm.text, sentences, pub, skipped)]
            del sentences
        if skipped:
            warnings = warnings + [self._skipped_warning(norm, skipped)]
        return ExtractionResult(id=id, published=pub.isoformat() if pub else None, targets=targets,
                                warnings=warnings)

    @staticmethod
    def _skipped_warning(norm: NormalizedText, skipped: list[tuple[Sentence, int]]) -> str:
        """What was left unread to keep the time per sentence bounded (``CandidateFinder``)."""
        count = sum(n for _, n in skipped)
        first = norm.span_to_original(skipped[0][0].start, skipped[0][0].end)[0]
        return (f"text: {count} number{'s' if count != 1 else ''} not judged in {len(skipped)} "
                f"sentence{'s' if len(skipped) != 1 else ''} (the first at offset {first}): a sentence is read "
                f"for its first {QuantityReader.MAX_PER_SENTENCE} numbers and {CandidateFinder.MAX_PER_SENTENCE} "
                f"candidate amounts at most")

    @staticmethod
    def _span(norm: NormalizedText, start: int, end: int) -> tuple[int, int, str]:
        s, e = norm.span_to_original(start, end)
        return s, e, norm.original[s:e]

    def _record(self, norm: NormalizedText, c: Candidate) -> Target:
        s0, s1, stext = self._span(norm, c.sentence.start, c.sentence.end)
        a0, a1, atext = self._span(norm, c.number.start, c.number.end)
        comp_text = None
        if c.comparator_span:
            comp_text = self._span(norm, *c.comparator_span)[2]
        amount = Amount(atext, a0, a1, c.number.value, c.number.value_max, c.comparator, comp_text)
        if c.unit is not None:
            u0, u1, utext = self._span(norm, c.unit.start, c.unit.end)
            unit = Unit(utext, c.unit.code, c.unit.dimension, u0, u1)
        else:
            unit = Unit(None, None, None)
        metric = Metric([Span(*self._span(norm, *part)) for part in c.metric_parts]) if c.metric_parts else None
        deadline = None
        if c.deadline is not None:
            d0, d1, dtext = self._span(norm, c.deadline.start, c.deadline.end)
            value = c.deadline_value
            deadline = Deadline(dtext, value.date if value else None,
                                value.granularity if value else "unknown", d0, d1, c.deadline_inherited)
        actor = None
        if c.actor is not None:
            t0, t1, ttext = self._span(norm, c.actor.start, c.actor.end)
            canonical = c.actor.canonical or c.actor.name
            place = self.succession.of(canonical, c.actor.type)
            actor = Actor(ttext, c.actor.name, c.actor.type, t0, t1, c.actor_inherited, canonical,
                          place.successor if place else None, place.period if place else None)
        return Target(Span(s0, s1, stext), actor, metric, amount, unit, deadline,
                      rule=self._rule(c), confidence=round(c.probability, 2))

    @staticmethod
    def _rule(c: Candidate) -> str:
        """The features that weighed most, each with the words that fired it:
        'cue_clause_before:target_strong=phấn đấu + verb:action=xây dựng'."""
        return " + ".join(f"{name}={c.evidence[name]}" if name in c.evidence else name for name in c.reasons)


_held_lock = threading.Lock()
_held = 0                  # extractions under way (in any thread)
_collecting = False        # whether the collector ran before the first of them


@contextlib.contextmanager
def _cycle_collection_held():
    """Hold off Python's cycle collector while an article is read, and let it run after. Reading
    a big article keeps many objects alive, and every full collection walks them all: on a
    1 MB article of targets, collections took a third of the time. The pipeline makes no
    garbage cycles that need collecting before it ends; those it leaves are collected after.
    Extractions in other threads share the hold: the last one to end restores the collector."""
    global _held, _collecting
    with _held_lock:
        if _held == 0:
            _collecting = gc.isenabled()
            gc.disable()
        _held += 1
    try:
        yield
    finally:
        with _held_lock:
            _held -= 1
            if _held == 0 and _collecting:
                gc.enable()


_default: Extractor | None = None


def default_extractor() -> Extractor:
    global _default
    if _default is None:
        _default = Extractor()
    return _default


def extract(text: str, published: str | dt.date | None = None, id: str | None = None,
            model_dir: str | os.PathLike | None = None) -> ExtractionResult:
    """Extract the policy targets of one article. ``published`` resolves relative deadlines."""
    extractor = default_extractor() if model_dir is None else Extractor(model_dir)
    return extractor.extract(text, published, id)
