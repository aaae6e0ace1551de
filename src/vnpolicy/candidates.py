"""Step 4: candidates. Every quantity of every sentence (a number with its unit and
comparator) is a candidate target, after only the exclusions that are certain: numbers
of dates and periods (năm 2025, tháng 11, 2021-2025), document numbers and names (Quyết
định 123, Quốc lộ 18), a year standing alone, durations and ages (5 năm, 30 tuổi), phone
numbers, and number words that are an article rather than a count (một chương trình).

Whether a candidate is a target is decided later, by ``decision``, from ``features``.
Offsets are in the normalised text; ``pipeline`` maps them back.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .actors import ActorMention
from .deadlines import ResolvedDeadline, TimeMention
from .numbers import NumberMention
from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED, alternation, suffix_alternation
from .pieces import ArticlePieces
from .resources import LanguageData
from .segment import Sentence
from .quantities import QuantityReader
from .units import UnitMention

_START = r"(?<![\p{L}\p{M}\d])"
_DIGIT_RUN = regex.compile(r"\d+")
BORROWED_UNITS = ("elided", "shared")    # units said by another quantity of the text


@dataclass
class Candidate:
    """One quantity of a sentence, and what later steps learn about it."""
    sentence: Sentence
    number: NumberMention
    unit: UnitMention | None
    comparator: str
    comparator_span: tuple[int, int] | None
    features: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)   # feature -> the words that fired it
    probability: float = 0.0
    reasons: list[str] = field(default_factory=list)        # the features that weighed most
    metric_parts: list[tuple[int, int]] = field(default_factory=list)   # the metric words, piece by piece
    deadline: TimeMention | None = None
    deadline_value: ResolvedDeadline | None = None
    deadline_inherited: bool = False
    actor: ActorMention | None = None
    actor_inherited: bool = False

    @property
    def left(self) -> int:
        """Start of the quantity with a comparator written before it (ít nhất 2 tỷ)."""
        span = self.comparator_span
        return span[0] if span and span[0] < self.number.start else self.number.start

    @property
    def right(self) -> int:
        """End of the quantity's own words: past its unit when the unit is written after it (a
        unit borrowed from a neighbour, or implied by words before the number, is not), and past a
        comparator written after them (trở lên)."""
        unit = self.unit
        end = self.number.end
        if unit is not None and unit.source not in BORROWED_UNITS and unit.end > self.number.end:
            end = unit.end
        span = self.comparator_span
        return span[1] if span and span[0] >= end else end


class CandidateFinder:
    # Candidates judged per sentence, at most: each costs a few windows of its sentence, so a
    # sentence made of thousands of numbers would cost their square. No sentence of the
    # corpora holds more than 15; the rest of a sentence that holds more is skipped and noted
    # in ``ArticlePieces.skipped`` (which ``pipeline`` reports as a warning).
    MAX_PER_SENTENCE = 32

    def __init__(self, data: LanguageData):
        self.quantities = QuantityReader(data)
        self.units = self.quantities.units
        self.not_amount_alone = {w.lower() for w in data["numbers.json"]["words_not_amount_alone"]}
        excl = data["exclusions.json"]
        # The words right before a number, read right to left from it (to ``\Z``), the longest
        # first: the leftmost match, found without trying every position of the window. The
        # spaces are taken whole (possessive: no label ends in a space), so that a window ending
        # in dashes and spaces is not tried at every way of splitting them.
        self.excluded_before_rx = regex.compile(
            rf"{_START}(?:{suffix_alternation(excl['before'])})(?:\s*+[-.])?\s*+\Z", regex.REVERSE)
        self.exception_rx = regex.compile(
            rf"(?i){_START}(?:{suffix_alternation(excl['before_exceptions'])})\s*\Z", regex.REVERSE)
        self.identifier_rx = regex.compile(rf"(?:{'|'.join(excl['not_a_quantity'])})$")
        self.min_bare_value = excl["min_value_without_unit"]

    def find(self, text: str, pieces: ArticlePieces) -> list[Candidate]:
        out: list[Candidate] = []
        quantities = self.quantities.article(text, pieces.sentences,
                                             keep=lambda sentence, n: not self._excluded(text, sentence, n),
                                             unread=pieces.unread)
        for sentence in pieces.sentences:
            found = quantities[sentence.index]
            taken, judged = 0, len(found)
            for k, q in enumerate(found):
                if taken == self.MAX_PER_SENTENCE:
                    judged = k
                    break
                n, unit = q.number, q.unit
                if self._glued_to_a_name(text, q):
                    continue
                # A small bare number that counts nothing named (nguyện vọng 3, Thị trường 1, 15 Hồ
                # Xuân Hương) is a label or an ordinal; a large one may still be a quota (200.000).
                if unit is None and n.value < self.min_bare_value:
                    continue
                comp = q.comparator
                span = (comp.start, comp.end) if comp.start is not None else None
                out.append(Candidate(sentence, n, unit, comp.comparator, span))
                taken += 1
            left_out = len(found) - judged + pieces.unread.get(sentence.index, 0)
            if left_out:
                pieces.skipped.append((sentence, left_out))
        return out

    @staticmethod
    def _glued_to_a_name(text: str, q) -> bool:
        """A number glued to a word that is no unit is part of a name (5G, 3D, 4K), not an amount."""
        return q.unit is None and q.number.end < len(text) and text[q.number.end].isalpha()

    @staticmethod
    def _is_year(text: str, start: int, end: int, value) -> bool:
        return 1900 <= value <= 2100 and value == int(value) and text[start:end].isdigit()

    def _is_year_range(self, text: str, n: NumberMention) -> bool:
        ends = _DIGIT_RUN.findall(text, n.start, n.end, NOT_OVERLAPPED, NOT_CONCURRENT)
        return len(ends) == 2 and all(len(e) == 4 and 1900 <= int(e) <= 2100 for e in ends)

    def _excluded(self, text: str, sentence: Sentence, n: NumberMention) -> bool:
        """Certain non-amounts. Numbers inside dates and periods fall here too, by the words
        before them (năm, tháng, quý, giai đoạn ...) and as years or spans of years, so that
        time expressions need not be read for every sentence."""
        if n.kind == "words" and text[n.start:n.end].lower() in self.not_amount_alone:
            return True          # 'một chương trình': an article, not a count
        label = self.excluded_before_rx.match(text, max(sentence.start, n.start - 25), n.start, NOT_CONCURRENT)
        if label and not self.exception_rx.match(text, max(sentence.start, label.start() - 25), label.end(), NOT_CONCURRENT):
            return True          # a document number, a road, an ordinal: Quyết định 123, Quốc lộ 18
        if n.kind == "digits" and self.identifier_rx.match(text[n.start:n.end], None, None, NOT_CONCURRENT):
            return True          # a phone number or a code: 0912345678
        if self._is_year(text, n.start, n.end, n.value) and n.value_max is None \
                and self.units.after(text, n.end, sentence.end) is None:
            return True          # a year standing alone (so với 2020); '2000 người' still counts
        if n.kind == "range" and self._is_year_range(text, n) and self.units.after(text, n.end, sentence.end) is None:
            return True          # a span of years: (2021-2025), từ 1996 đến 2000
        return self.units.is_time_noun(text, n.end)   # a duration or an age: 5 năm, 30 tuổi
