"""Step 7: the fields of the accepted targets of an article. The metric words come from
``metric``, the owner from ``owners``; this module gives each target its deadline: a time of
its own clause first, then of its sentence, else the one that governs it from context.

Works in normalised-text offsets, like the steps before it; ``pipeline`` maps them back.
"""
from __future__ import annotations

import regex

from .candidates import Candidate
from .context import Layout
from .deadlines import DeadlineFinder, TimeMention
from .metric import MetricFinder
from .owners import OwnerFinder
from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED
from .pieces import ArticlePieces
from .resources import LanguageData
from .segment import Sentence
from .triggers import TriggerFinder

_CLAUSE_SPLIT = regex.compile(r"[,;:()]")


class FieldFinder:
    def __init__(self, data: LanguageData, triggers: TriggerFinder, deadlines: DeadlineFinder):
        self.triggers, self.deadlines = triggers, deadlines
        self.metrics = MetricFinder(data)
        self.owners = OwnerFinder(data, triggers)
        self.recurring_rx = deadlines.recurring_rx

    def attach(self, text: str, sentences: list[Sentence], pieces: ArticlePieces, layout: Layout,
               found: list[Candidate], published, quantities: list[Candidate] = ()) -> None:
        """Metric, deadline and actor of every target in ``found`` (in text order);
        ``quantities`` are all the candidates of the article, targets or not."""
        of_sentence: dict[int, list[Candidate]] = {}
        for q in quantities:
            of_sentence.setdefault(q.sentence.index, []).append(q)
        previous: Candidate | None = None
        for c in found:
            same_sentence = previous if previous is not None and previous.sentence.index == c.sentence.index else None
            c.metric_parts = self.metrics.for_target(text, c, same_sentence, pieces[c.sentence.index],
                                                     of_sentence.get(c.sentence.index, []))
            previous = c
        by_sentence: dict[int, list[Candidate]] = {}
        for c in found:
            by_sentence.setdefault(c.sentence.index, []).append(c)
        labelled_past: set[int] = set()
        for c in found:
            own = self._own_deadline(text, c, by_sentence[c.sentence.index], pieces[c.sentence.index]["times"])
            if own is None:
                continue
            resolved = self.deadlines.resolve(own, published)
            if self._labels_past_period(own, resolved, published):
                labelled_past.add(id(c))      # 'chi trả cổ tức năm 2020' in 2021: whose year, not by when
                continue
            c.deadline, c.deadline_value = own, resolved
        recurring: dict[int, bool] = {}   # sentence index -> does it say the target recurs (read once)
        for c in found:
            if c.deadline is None and id(c) not in labelled_past:
                self._attach_inherited_deadline(text, c, pieces, layout, by_sentence, published, recurring)
            self.owners.attach(text, c, pieces, layout, by_sentence)

    @staticmethod
    def _labels_past_period(t: TimeMention, resolved, published) -> bool:
        """A time said with no lead word (đến, trong, vào ...) that ended before the article was
        published names the period a figure belongs to (cổ tức năm 2020, kết quả năm 2020),
        not a deadline: a plan for the past says by when (đến năm 2015, từ năm 2016 đến 2020)."""
        return published is not None and not t.lead and t.rule != "period_range" \
            and resolved.date is not None and resolved.date < published

    @staticmethod
    def _usable(times: list[TimeMention]) -> list[TimeMention]:
        usable = [t for t in times if not t.baseline and not t.horizon]
        # 'định hướng đến năm 2030': a horizon is the deadline only when nothing nearer is stated
        return usable or [t for t in times if not t.baseline]

    def _own_deadline(self, text: str, c: Candidate, siblings: list[Candidate],
                      times: list[TimeMention]) -> TimeMention | None:
        """A time of the target's own clause first; else the nearest one after it (before the
        next target of the sentence), else the nearest before it."""
        usable = self._usable(times)
        if not usable:
            return None
        clause_start, clause_end = self._clause(text, c)
        in_clause = [t for t in usable if clause_start <= t.start and t.end <= clause_end]
        if in_clause:
            return min(in_clause, key=lambda t: abs(t.start - c.number.start))
        later = [s for s in siblings if s.number.start > c.number.start]
        limit = later[0].number.start if later else c.sentence.end
        following = [t for t in usable if c.number.end <= t.start < limit]
        if following:
            return following[0]
        preceding = [t for t in usable if t.end <= c.number.start]
        if preceding:
            return preceding[-1]
        return usable[0]

    @staticmethod
    def _clause(text: str, c: Candidate) -> tuple[int, int]:
        s = c.sentence
        start = max([s.start] + [m.end() for m in _CLAUSE_SPLIT.finditer(text, s.start, c.left, NOT_OVERLAPPED, NOT_CONCURRENT)])
        m = _CLAUSE_SPLIT.search(text, c.right, s.end, NOT_CONCURRENT)
        return start, m.start() if m else s.end

    def _attach_inherited_deadline(self, text: str, c: Candidate, pieces: ArticlePieces, layout: Layout,
                                   by_sentence, published, recurring: dict[int, bool]) -> None:
        unit_code = c.unit.code if c.unit else ""
        if "/" in unit_code or self._recurring(text, c.sentence, recurring):
            return                     # recurring targets have no deadline unless one is stated
        source = self._inherited_deadline(text, c, pieces, layout, by_sentence, published)
        if source is not None:
            c.deadline, c.deadline_value, c.deadline_inherited = source, self.deadlines.resolve(source, published), True

    def _recurring(self, text: str, sentence: Sentence, known: dict[int, bool]) -> bool:
        """Does the sentence say its targets recur (hằng năm, mỗi tháng)? Asked once per sentence."""
        if sentence.index not in known:
            known[sentence.index] = self.recurring_rx.search(text, sentence.start, sentence.end, NOT_CONCURRENT) is not None
        return known[sentence.index]

    def _inherited_deadline(self, text: str, c: Candidate, pieces: ArticlePieces, layout: Layout,
                            by_sentence, published) -> TimeMention | None:
        """The time that governs a target whose sentence states none: that of the sentence it
        breaks down or continues, what the body goes on to date (for the headline and the lead),
        else the period of its passage."""
        index = c.sentence.index
        governor = layout.governor[index]
        while governor is not None:
            usable = self._usable(pieces[governor]["times"])
            if usable:
                return usable[0]
            governor = layout.governor[governor]
        if index > 0 and self.triggers.continues_context(text[c.sentence.start:c.sentence.end]):
            for prev in reversed(by_sentence.get(index - 1, [])):
                if prev.deadline is not None and not prev.deadline_inherited:
                    return prev.deadline
        if layout.announces(index):
            for ahead in range(index + 1, index + 4):
                for nxt in by_sentence.get(ahead, []):
                    if nxt.deadline is not None and not nxt.deadline_inherited:
                        return nxt.deadline
        if any(t.start_bound for t in pieces[index]["times"]):
            return None                # 'sau năm 2030': the text says when it starts, not when it ends
        for period in layout.openers_back(index):
            if period.baseline:
                continue
            resolved = self.deadlines.resolve(period, published)
            if published is None or resolved.date is None or resolved.date >= published:
                return period          # a passage dated in the past (Năm 2020, ngân hàng đạt ...) dates no target
        return None

