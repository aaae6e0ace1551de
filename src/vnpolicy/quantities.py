"""Quantities: every number of a text with its unit and comparator, the candidates of a target.

The decision step judges every quantity of every sentence, so this step reads them all,
cheaply (a few microseconds each): ``NumberFinder`` finds the numbers, ``UnitFinder.of``
the unit of each, ``ComparatorFinder`` its comparator. A unit that the text leaves unsaid
is taken from the quantity it is said with:

- *shared*: in *khoảng 300 trên tổng số 600 doanh nghiệp* the first number counts what the
  second does (a part of a whole: a joiner of ``units.json`` ``share_joiners`` between
  them, the second a counted noun, the first the smaller);
- *elided*: in *thu nội địa 93.000 tỷ (kế hoạch 83.000 tỷ)* or *Việt Nam đón 18 triệu lượt
  khách, Thái Lan đón 40 triệu*, a number with a scale word and nothing after it takes the
  unit of the last scaled quantity with a unit before it, in its sentence or the
  ``ELIDED_REACH`` sentences before it on the same line; and the end of a change *từ 16
  tỉnh lên 42* counts what its start does.

Such a unit keeps the offsets of the words that say it, in the other quantity.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Sequence

import regex

from .numbers import NumberFinder, NumberMention
from .patterns import NOT_CONCURRENT, alternation
from .resources import LanguageData
from .segment import Sentence
from .units import ComparatorFinder, ComparatorMention, UnitFinder, UnitMention

_BORROWED = ("elided", "shared")


@dataclass(frozen=True)
class Quantity:
    number: NumberMention
    unit: UnitMention | None
    comparator: ComparatorMention

    @property
    def end(self) -> int:
        """Where the quantity's own words end (number and the unit written after it): the words
        after it start here. A unit borrowed from elsewhere or said before the number is not counted."""
        if self.unit is None or self.unit.source in _BORROWED or self.unit.end <= self.number.end:
            return self.number.end
        return self.unit.end


class QuantityReader:
    ELIDED_REACH = 2      # sentences back on the same line that an elided unit may come from
    # Numbers read per sentence, at most (the corpora's most, in a page's boilerplate, is 183):
    # far more than the candidates judged per sentence (``CandidateFinder.MAX_PER_SENTENCE``).
    MAX_PER_SENTENCE = 256
    # Characters of text whose numbers are read in one pass: most articles are one block; a
    # long one holds one block's matches at a time (a 4 MB article held 44 MB of them at once).
    BLOCK = 1 << 16

    def __init__(self, data: LanguageData):
        self.numbers = NumberFinder(data, all_forms=True)
        self.units = UnitFinder(data)
        self.comparators = ComparatorFinder(data)
        joiners = data["units.json"]["share_joiners"]
        self.share_rx = regex.compile(rf"\s+(?i:{alternation(joiners)})\s+")
        self.change_to_rx = regex.compile(rf"[\s,]*(?i:{alternation(data['units.json']['change_to'])})\s+")

    def article(self, text: str, sentences: Sequence[Sentence],
                keep: Callable[[Sentence, NumberMention], bool] | None = None,
                unread: dict[int, int] | None = None) -> dict[int, Sequence[Quantity]]:
        """The quantities of each sentence (by ``Sentence.index``), elided units filled in from
        the sentences before it. The numbers are read a block of sentences at a time (one
        regex pass per block of ``BLOCK`` characters, not one per sentence, nor one over the
        whole text, whose matches would all be held at once) and dealt to their sentences; none
        crosses a sentence's end. ``keep`` drops numbers before their units are read (a year, a document
        number: they are neither quantities nor donors of a unit). Of a sentence with more than
        ``MAX_PER_SENTENCE`` numbers the rest are not read: ``unread`` receives how many, by
        sentence index."""
        numbers: dict[int, list[NumberMention]] = {}     # by position in ``sentences``, those with numbers
        for first, last in self._blocks(sentences):
            block = sentences[first:last + 1]
            starts = [s.start for s in block]
            for n in self.numbers.find(text, block[0].start, block[-1].end):
                i = bisect.bisect_right(starts, n.start) - 1
                if i >= 0 and n.end <= block[i].end and (keep is None or keep(block[i], n)):
                    numbers.setdefault(first + i, []).append(n)
        for i, found in numbers.items():
            if len(found) > self.MAX_PER_SENTENCE:
                if unread is not None:
                    unread[sentences[i].index] = len(found) - self.MAX_PER_SENTENCE
                del found[self.MAX_PER_SENTENCE:]
        out: dict[int, Sequence[Quantity]] = {}
        for i, s in enumerate(sentences):
            found = numbers.get(i)
            if not found:
                out[s.index] = ()        # one shared empty tuple: most sentences of a long text hold no number
                continue
            earlier = [q for prev in sentences[max(0, i - self.ELIDED_REACH):i]
                       if prev.paragraph == s.paragraph for q in out[prev.index]]
            out[s.index] = self.sentence(text, s.start, s.end, earlier, found)
        return out

    def _blocks(self, sentences: Sequence[Sentence]):
        """(first, last): indices of the first and the last of a run of whole sentences, each
        run at least ``BLOCK`` characters long but the last: a long text's numbers are read,
        and held before their sentences filter them, a block at a time."""
        first = 0
        for i, s in enumerate(sentences):
            if s.end - sentences[first].start >= self.BLOCK or i == len(sentences) - 1:
                yield first, i
                first = i + 1

    def sentence(self, text: str, start: int, end: int, earlier: Sequence[Quantity] = (),
                 numbers: list[NumberMention] | None = None) -> list[Quantity]:
        """The quantities of text[start:end]; ``earlier`` are those an elided unit may come from;
        ``numbers`` the numbers already found there."""
        numbers = self.numbers.find(text, start, end) if numbers is None else numbers
        units = [self.units.of(text, n, end, start=start) for n in numbers]
        for i, n in enumerate(numbers):
            if units[i] is None and i + 1 < len(numbers):
                units[i] = self._shared(text, n, numbers[i + 1], units[i + 1])
        out: list[Quantity] = []
        donor = self._donor(earlier)          # kept up to date: no rescan of the quantities before
        for n, unit in zip(numbers, units):
            if unit is None and n.scaled:
                unit = self._elided(donor)
            if unit is None and out and out[-1].unit is not None and self.change_to_rx.fullmatch(text, out[-1].end, n.start, NOT_CONCURRENT):
                u = out[-1].unit                # 'từ 16 tỉnh lên 42': the end counts what the start does
                unit = UnitMention(u.start, u.end, u.code, u.dimension, "elided")
            own_end = n.end if unit is None or unit.source in _BORROWED or unit.end <= n.end else unit.end
            comparator = self.comparators.around(text, n.start, own_end, n.value_max is not None, n.approx,
                                                 start=start, end=end)
            out.append(Quantity(n, unit, comparator))
            donor = self._donor(out[-1:]) or donor
        return out

    def _shared(self, text: str, n: NumberMention, whole: NumberMention, unit: UnitMention | None) -> UnitMention | None:
        """'26 trên tổng số 31 tỉnh': a part counts what its whole does."""
        if unit is None or unit.dimension != "count" or unit.source in _BORROWED or n.value >= whole.value:
            return None
        if not self.share_rx.fullmatch(text, n.end, whole.start, NOT_CONCURRENT):
            return None
        return UnitMention(unit.start, unit.end, unit.code, unit.dimension, "shared")

    @staticmethod
    def _donor(before: Sequence[Quantity]) -> Quantity | None:
        """The last of ``before`` whose unit a scaled number without one may take: a scaled
        quantity with a unit that is no rate ('1 tỷ lít mỗi tháng, bù lỗ 800 tỷ' is not 800 tỷ
        lít/tháng), no share and no ratio."""
        for q in reversed(before):
            if q.number.scaled and q.unit is not None and q.unit.dimension not in ("percent", "ratio") \
                    and "/" not in q.unit.code:
                return q
        return None

    @staticmethod
    def _elided(donor: Quantity | None) -> UnitMention | None:
        """'93.000 tỷ (kế hoạch 83.000 tỷ)': the unit of the last scaled quantity that has one."""
        if donor is None:
            return None
        u = donor.unit
        return UnitMention(u.start, u.end, u.code, u.dimension, "elided")
