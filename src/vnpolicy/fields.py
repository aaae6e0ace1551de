"""Step 7: the fields of an accepted target: the words naming its metric, its deadline and
its actor, taken from its own sentence first and otherwise from the context that governs it.

Works in normalised-text offsets, like the steps before it; ``pipeline`` maps them back.
"""
from __future__ import annotations

import regex

from .actors import ActorMention
from .candidates import Candidate
from .deadlines import DeadlineFinder, TimeMention
from .metric import MetricFinder
from .numbers import NumberMention
from .patterns import alternation
from .context import Layout
from .pieces import ArticlePieces, SentencePieces
from .resources import LanguageData
from .segment import Sentence
from .tokens import Token
from .triggers import Cue, TriggerFinder

_START = r"(?<![\p{L}\p{M}\d])"
_CLAUSE_BREAK = regex.compile(r"[,;:(]\s*")
_CLAUSE_SPLIT = regex.compile(r"[,;:()]")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " ,;:":
        pos += 1
    return pos


class FieldFinder:
    def __init__(self, data: LanguageData, triggers: TriggerFinder, deadlines: DeadlineFinder, pos_tagger=None):
        self.triggers, self.deadlines, self.pos_tagger = triggers, deadlines, pos_tagger
        self.metric_words = MetricFinder(data)
        spec_actor = data["actors.json"]
        self.location_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec_actor['location_prepositions'])})\s+$")
        self.recurring_rx = deadlines.recurring_rx
        self.agent_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec_actor['agent_markers'])})\s+$")

    @staticmethod
    def governing_cue(cand: Candidate, bucket: SentencePieces) -> Cue | None:
        """The nearest target cue before the amount in its sentence, if any."""
        before = [c for c in bucket["cues"] if c.kind == "target" and c.end <= cand.left]
        return before[-1] if before else None

    POS_WINDOW = 30   # characters after an amount that the POS tagger sees

    def tokens_after(self, text: str, sentence: Sentence, n: NumberMention):
        """POS-tagged tokens of the words right after an amount. Tagging only this window, not
        the sentence, keeps the slow statistical model off the hot path."""
        start = n.start
        end = min(sentence.end, n.end + self.POS_WINDOW)
        while end < sentence.end and not text[end].isspace():
            end += 1
        return [Token(t.start + start, t.end + start, t.text, t.tag) for t in self.pos_tagger(text[start:end])]

    def metric(self, text: str, cand: Candidate, previous: Candidate | None, bucket) -> tuple[int, int] | None:
        s = cand.sentence
        amount_start = cand.comparator_span[0] if cand.comparator_span and cand.comparator_span[0] < cand.number.start \
            else cand.number.start
        left = self._metric_left(text, cand, previous, bucket, amount_start)
        before = self._before_segment(text, left, amount_start, bucket)
        after_start = cand.unit.end if cand.unit else cand.number.end
        if cand.comparator_span and cand.comparator_span[0] >= after_start:
            after_start = cand.comparator_span[1]      # past 'trở lên'
        counted = cand.unit is not None and cand.unit.dimension == "count"
        if counted:
            after_start = cand.unit.start
        right = s.end
        for t in bucket["times"]:
            if t.start >= after_start:
                right = min(right, t.start)
        after = self.metric_words.after(text, after_start, right)
        if previous is not None and previous.metric and self.metric_words.is_bare_growth(text, before) \
                and self.metric_words.size(text, after) <= 1:
            return previous.metric          # '..., tăng 27,9%': growth of the thing just named
        if counted and after and before and self.metric_words.size(text, before) <= 3:
            # '4 dự án mới trong ...' names the thing; a bare counted noun ('lượt') does not
            return after if after[1] > cand.unit.end else before
        return self.metric_words.choose(text, before, after)

    def _only_linking_words(self, text: str, start: int, end: int) -> bool:
        """True when text[start:end] holds nothing but linking verbs (được tăng lên đến)."""
        return self.metric_words.is_bare_growth(text, self.metric_words.before(text, start, end))

    def _metric_left(self, text: str, cand: Candidate, previous: Candidate | None, bucket: dict, amount_start: int) -> int:
        """Where the words naming the metric may start: after the cue, the previous amount, a deadline, the actor."""
        s = cand.sentence
        left = s.start
        cue = self.governing_cue(cand, bucket)
        if cue and cue.end <= amount_start:
            if cue.word in self.metric_words.kept_cues:
                left = max(left, cue.start)
            elif self._only_linking_words(text, cue.end, amount_start):
                # 'diện tích trồng điều sẽ được tăng lên': the subject before a modal names the metric
                breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, s.start, cue.start)]
                left = max(left, breaks[-1] if breaks else s.start)
            else:
                left = max(left, cue.end)
        if previous is not None:
            left = max(left, previous.unit.end if previous.unit else previous.number.end)
            if previous.metric and previous.metric[0] >= previous.number.end and previous.metric[1] < amount_start:
                left = max(left, previous.metric[1])    # the previous target's words are not ours
        semicolon = text.rfind(";", s.start, amount_start)
        left = max(left, semicolon + 1)
        for a in bucket["actors"]:
            if a.end <= amount_start and a.start <= _skip_space(text, left) + 1:
                left = max(left, a.end)
        return left

    def _before_segment(self, text: str, left: int, right: int, bucket: dict) -> tuple[int, int] | None:
        """The metric words before an amount. A deadline or actor inside them ('kim ngạch xuất khẩu
        năm 2023 đạt') splits them; the last piece that names something wins."""
        cuts = sorted((m.start, m.end) for m in bucket["times"] + bucket["actors"]
                      if left <= m.start and m.end <= right)
        pieces, start = [], left
        for a, b in cuts:
            pieces.append((start, a))
            start = max(start, b)
        pieces.append((start, right))
        found = [self.metric_words.before(text, a, b) for a, b in pieces]
        named = [span for span in found if span and not self.metric_words.is_bare_growth(text, span)]
        if named:
            return named[-1]
        return next((span for span in reversed(found) if span), None)

    # --- context: deadlines and actors ----------------------------------------

    def attach_context(self, text: str, sentences: list[Sentence], pieces: ArticlePieces, layout: Layout,
                       found: list[Candidate], published) -> None:
        by_sentence: dict[int, list[Candidate]] = {}
        for c in found:
            by_sentence.setdefault(c.sentence.index, []).append(c)
        for c in found:
            own = self._own_deadline(text, c, by_sentence[c.sentence.index], pieces[c.sentence.index]["times"])
            if own is not None:
                c.deadline, c.deadline_value = own, self.deadlines.resolve(own, published)
        for i, c in enumerate(found):
            if c.deadline is None:
                self._attach_inherited_deadline(text, c, pieces, layout, by_sentence, published)
            self._attach_actor(text, c, sentences, pieces, layout, found[:i])

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
        start = max([s.start] + [m.end() for m in _CLAUSE_SPLIT.finditer(text, s.start, c.left)])
        m = _CLAUSE_SPLIT.search(text, c.right, s.end)
        return start, m.start() if m else s.end

    def _attach_inherited_deadline(self, text: str, c: Candidate, pieces: ArticlePieces, layout: Layout,
                                   by_sentence, published) -> None:
        unit_code = c.unit.code if c.unit else ""
        if "/" in unit_code or self.recurring_rx.search(text, c.sentence.start, c.sentence.end):
            return                     # recurring targets have no deadline unless one is stated
        source = self._inherited_deadline(text, c, pieces, layout, by_sentence)
        if source is not None:
            c.deadline, c.deadline_value, c.deadline_inherited = source, self.deadlines.resolve(source, published), True

    def _inherited_deadline(self, text: str, c: Candidate, pieces: ArticlePieces, layout: Layout,
                            by_sentence) -> TimeMention | None:
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
        period = layout.period(index)
        if period is not None and not period.baseline:
            return period
        return None

    def _attach_actor(self, text: str, c: Candidate, sentences: list[Sentence], pieces: ArticlePieces,
                      layout: Layout, earlier_targets: list[Candidate]) -> None:
        mentions = [a for a in pieces[c.sentence.index]["actors"]]
        amount_start = c.number.start
        before = [a for a in mentions if a.end <= amount_start and not self._is_location(text, a)]
        cue = self.governing_cue(c, pieces[c.sentence.index])
        if cue is not None and cue.word in self.triggers.permission:
            permitted = [a for a in before if a.start >= cue.end]
            if permitted:                 # 'X đồng ý để Y thành lập ...': the plan is Y's
                c.actor = permitted[0]
                return
        if cue is not None:
            before_cue = [a for a in before if a.end <= cue.start]
            if before_cue:
                before = before_cue
        if before:
            c.actor = before[-1]          # the nearest owner before the cue
            return
        after = [a for a in mentions if a.start >= amount_start and not self._is_location(text, a)
                 and self.agent_rx.search(text, max(0, a.start - 8), a.start)]
        if after:
            c.actor = after[0]
            return
        c.actor_inherited = True
        # The owner of the last target nearby, else the last actor named just before.
        recent = [t for t in earlier_targets if t.actor is not None and c.sentence.index - t.sentence.index <= 5]
        if recent:
            c.actor = recent[-1].actor
            return
        for back in range(c.sentence.index - 1, max(-1, c.sentence.index - 6), -1):
            earlier = [a for a in pieces[back]["actors"] if not self._is_location(text, a)]
            if earlier:
                c.actor = earlier[0]
                return
        lead = [a for s in sentences if s.paragraph <= 1 for a in pieces[s.index]["actors"]]
        if lead:
            c.actor = lead[0]
        else:
            c.actor_inherited = False

    def _is_location(self, text: str, a: ActorMention) -> bool:
        if a.type not in ("province", "city", "country"):
            return False
        return bool(self.location_rx.search(text[max(0, a.start - 15):a.start]))
