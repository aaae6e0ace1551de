"""Step 4: assemble target records from the recognised pieces of one article.

For each amount in each sentence: drop numbers that belong to names, dates and document
numbers; read its comparator and unit; let the cue words decide target versus status,
forecast or attribute; then attach the metric, the deadline (from the sentence, else
inherited from the governing context) and the actor (from the sentence, else inherited).
Everything here works in normalised-text offsets; ``pipeline`` maps them back.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import regex

from .actors import ActorFinder, ActorMention
from .deadlines import DeadlineFinder, ResolvedDeadline, TimeMention
from .metric import MetricFinder
from .numbers import NumberFinder, NumberMention
from .patterns import alternation
from .resources import LanguageData
from .segment import Sentence
from .triggers import Cue, TriggerFinder
from .units import ComparatorFinder, UnitFinder, UnitMention

_START = r"(?<![\p{L}\p{M}\d])"
_CLAUSE_BREAK = regex.compile(r"[,;:(]\s*")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " ,;:":
        pos += 1
    return pos




@dataclass
class Candidate:
    """A target found in normalised text, before offsets are mapped back."""
    sentence: Sentence
    number: NumberMention
    comparator: str
    comparator_span: tuple[int, int] | None
    unit: UnitMention | None
    cue: Cue | None
    rule: str
    metric: tuple[int, int] | None = None
    deadline: TimeMention | None = None
    deadline_value: ResolvedDeadline | None = None
    deadline_inherited: bool = False
    actor: ActorMention | None = None
    actor_inherited: bool = False
    confidence: float = 0.5


class SentencePieces:
    """The recognised pieces of one sentence, each kind computed on first use.

    Most sentences of an article never need more than a glance (no number, no cue), so the
    recognisers run per sentence and only when a later step asks.
    """

    def __init__(self, article: "ArticlePieces", sentence: Sentence):
        self.article, self.sentence = article, sentence
        self._cache: dict[str, list] = {}

    def __getitem__(self, kind: str) -> list:
        if kind not in self._cache:
            self._cache[kind] = self.article.compute(kind, self.sentence)
        return self._cache[kind]


class ArticlePieces:
    """Lazy per-sentence pieces of one normalised article, in normalised-text offsets."""

    HISTORY = 15      # sentences searched back for an anaphor's antecedent

    def __init__(self, assembler: "TargetAssembler", text: str, sentences: list[Sentence]):
        self.assembler, self.text, self.sentences = assembler, text, sentences
        self.by_sentence = {s.index: SentencePieces(self, s) for s in sentences}

    def compute(self, kind: str, sentence: Sentence) -> list:
        a, text = self.assembler, self.text
        if kind == "numbers":
            return a.numbers.find(text, sentence.start, sentence.end)
        if kind == "times":
            return a.deadlines.find(text, sentence.start, sentence.end)
        if kind == "cues":
            return a.triggers.cues(text, sentence.start, sentence.end)
        if kind == "raw_actors":
            found = a.actors.find(text[sentence.start:sentence.end])
        elif kind == "actors":
            return self._resolved_actors(sentence)
        else:
            raise KeyError(kind)
        return [_shift(item, sentence.start) for item in found]

    def _resolved_actors(self, sentence: Sentence) -> list[ActorMention]:
        raw = self.by_sentence[sentence.index]["raw_actors"]
        if not any(m.anaphora for m in raw):
            return raw
        history = []
        lead = [s for s in self.sentences if s.paragraph <= 1 and s.index < sentence.index - self.HISTORY]
        window = [s for s in self.sentences if sentence.index - self.HISTORY <= s.index < sentence.index]
        for s in lead + window:
            history.extend(m for m in self.by_sentence[s.index]["raw_actors"] if not m.anaphora)
        return self.assembler.actors.resolve(raw, history)



class TargetAssembler:
    def __init__(self, data: LanguageData, pos_tagger=None):
        self.numbers = NumberFinder(data)
        self.deadlines = DeadlineFinder(data)
        self.units = UnitFinder(data)
        self.comparators = ComparatorFinder(data)
        self.triggers = TriggerFinder(data)
        self.actors = ActorFinder(data)
        self.metrics = MetricFinder(data)
        self.pos_tagger = pos_tagger
        self.not_amount_alone = {w.lower() for w in data["numbers.json"]["words_not_amount_alone"]}
        excl = data["exclusions.json"]
        self.excluded_before_rx = regex.compile(rf"{_START}(?:{alternation(excl['before'])})\s*[-.]?\s*$")
        spec_actor = data["actors.json"]
        self.location_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec_actor['location_prepositions'])})\s+$")
        self.recurring_rx = self.deadlines.recurring_rx
        self.recipient_rx = regex.compile(
            rf"(?i){_START}(?:{alternation(data['triggers.json']['recipient_markers'])})\s+$")
        self.agent_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec_actor['agent_markers'])})\s+$")

    # --- pieces ---------------------------------------------------------------

    def pieces(self, text: str, sentences: list[Sentence]) -> ArticlePieces:
        return ArticlePieces(self, text, sentences)

    # --- decisions ------------------------------------------------------------

    def _is_excluded(self, text: str, sentence: Sentence, n: NumberMention, times: list[TimeMention]) -> bool:
        if any(t.start < n.end and n.start < t.end for t in times):
            return True
        if n.kind == "words" and text[n.start:n.end].lower() in self.not_amount_alone:
            return True          # 'một chương trình': an article, not a count
        before = text[max(sentence.start, n.start - 25):n.start]
        if self.excluded_before_rx.search(before):
            return True
        if n.kind == "digits" and n.value_max is None and 1900 <= n.value <= 2100 and n.value == int(n.value) \
                and text[n.start:n.end].isdigit() and self.units.after(text, n.end) is None:
            return True          # a year standing alone (so với 2020); '2000 người' still counts
        if self.units.is_time_noun(text, n.end):
            return True          # a duration or an age: 5 năm, 30 tuổi
        if self._recipient_count(text, sentence, n, times):
            return True
        return False

    def _recipient_count(self, text: str, sentence: Sentence, n: NumberMention, times: list[TimeMention]) -> bool:
        """'phân bổ 145 chỉ tiêu cho 35 đơn vị': after an amount, 'cho N ...' counts recipients."""
        marker = self.recipient_rx.search(text, max(sentence.start, n.start - 12), n.start)
        if not marker:
            return False
        clause_start = max(text.rfind(",", sentence.start, n.start), text.rfind(";", sentence.start, n.start),
                           sentence.start)
        return any(ch.isdigit() and not any(t.start <= i < t.end for t in times)
                   for i, ch in enumerate(text[clause_start:marker.start()], clause_start))

    def candidates(self, text: str, sentences: list[Sentence], published: dt.date | None) -> list[Candidate]:
        pieces = self.pieces(text, sentences)
        found: list[Candidate] = []
        for sentence in sentences:
            bucket = pieces.by_sentence[sentence.index]
            if bucket["numbers"] and self._may_hold_target(text, sentence, bucket):
                previous = pieces.by_sentence.get(sentence.index - 1)
                found.extend(self._sentence_candidates(text, sentence, bucket,
                                                       lambda: self._governing_cue(text, previous)))
        found.extend(self._headline_restatements(text, sentences, pieces, found))
        found.sort(key=lambda c: c.number.start)
        self._attach_context(text, sentences, pieces, found, published)
        return found

    def _may_hold_target(self, text: str, sentence: Sentence, bucket: SentencePieces) -> bool:
        """Cheap gate: a target needs a target cue in its sentence, or a 'Trong đó,' opener
        that borrows the previous sentence's cue. Everything costly runs only past this gate."""
        return any(c.kind == "target" for c in bucket["cues"]) or \
            self.triggers.opener_end(text[sentence.start:sentence.end]) is not None

    POS_WINDOW = 30   # characters after an amount that the POS tagger sees

    def _tokens_after(self, text: str, sentence: Sentence, n: NumberMention):
        """POS-tagged tokens of the words right after an amount. Tagging only this window, not
        the sentence, keeps the slow statistical model off the hot path."""
        start = n.start
        end = min(sentence.end, n.end + self.POS_WINDOW)
        while end < sentence.end and not text[end].isspace():
            end += 1
        return [_shift_token(t, start) for t in self.pos_tagger(text[start:end])]

    @staticmethod
    def _governing_cue(text: str, previous: SentencePieces | None) -> Cue | None:
        """The last cue of the previous sentence, which a 'Trong đó, ...' sentence continues.
        A cue inside quotation marks (a plan's title) governs nothing beyond its sentence."""
        if previous is None:
            return None
        start = previous.sentence.start
        own = [c for c in previous["cues"] if text.count('"', start, c.start) % 2 == 0]
        return own[-1] if own else None

    def _sentence_candidates(self, text: str, sentence: Sentence, bucket: SentencePieces,
                             previous_cue_of=lambda: None) -> list[Candidate]:
        """Targets among the amounts of one sentence. ``previous_cue_of`` gives the previous
        sentence's governing cue; it is called only when this sentence opens with 'Trong đó'."""
        out: list[Candidate] = []
        amounts = [n for n in bucket["numbers"] if not self._is_excluded(text, sentence, n, bucket["times"])]
        if not amounts:
            return out
        cues = list(bucket["cues"])
        opener = self.triggers.opener_end(text[sentence.start:sentence.end])
        previous_cue = previous_cue_of() if opener is not None else None
        if opener is not None and previous_cue is not None and previous_cue.kind == "target" and not previous_cue.weak:
            # 'Trong đó, ...' breaks down what the previous sentence planned: its cue governs
            # here, in place of the opener, until a cue of this sentence takes over.
            cues = [Cue(sentence.start, sentence.start, previous_cue.kind, previous_cue.word, previous_cue.weak)] + \
                   [c for c in cues if c.start >= sentence.start + opener]
        for n in amounts:
            unit = self.units.after(text, n.end)
            unit_end = unit.end if unit else n.end
            comp = self.comparators.around(text, n.start, unit_end, n.value_max is not None, n.approx)
            left = comp.start if comp.start is not None and comp.start < n.start else n.start
            decision = self.triggers.decide(text[sentence.start:sentence.end], [
                _shift(c, -sentence.start) for c in cues], left - sentence.start,
                unit_end - sentence.start, unit.code if unit else None, unit.dimension if unit else None)
            if decision.kind != "target":
                continue
            from_lexicon = unit is not None and unit.source == "counted_noun"
            if unit is not None and unit.source == "counted_noun" and self.pos_tagger is not None \
                    and unit.code in self.units.classifiers:
                # 'buổi', 'cuốn' only classify: the noun after them is the unit (2 buổi hội nghị)
                unit = self.units.from_tokens(self._tokens_after(text, sentence, n), text, n.end) or unit
            if unit is None and not self._unitless_ok(text, sentence, n):
                continue
            if n.kind == "words" and not (from_lexicon or unit is not None and unit.dimension != "count"):
                continue         # 'hai bên', 'hai nội dung': number words count only known things
            cue = _shift(decision.cue, sentence.start) if decision.cue else None
            out.append(Candidate(sentence, n, comp.comparator,
                                 (comp.start, comp.end) if comp.start is not None else None,
                                 unit, cue, decision.rule,
                                 confidence=0.85 if decision.rule == "strong_cue" else 0.65))
        for i, cand in enumerate(out):
            cand.metric = self._metric(text, cand, out[i - 1] if i else None, bucket)
        return out

    def _headline_restatements(self, text: str, sentences: list[Sentence], pieces: ArticlePieces,
                               found: list[Candidate]) -> list[Candidate]:
        """A headline amount that a body target restates (same value and unit) is that target too."""
        out = []
        taken = {c.number.start for c in found}
        for sentence in sentences:
            if sentence.paragraph > 0:
                break                    # the headline line only
            for n in pieces.by_sentence[sentence.index]["numbers"]:
                if n.start in taken or self._is_excluded(text, sentence, n, pieces.by_sentence[sentence.index]["times"]):
                    continue
                unit = self.units.after(text, n.end)
                twin = next((c for c in found if c.sentence.index != sentence.index and c.number.value == n.value
                             and (c.unit.code if c.unit else None) == (unit.code if unit else None)), None)
                if twin is None:
                    continue
                comp = self.comparators.around(text, n.start, unit.end if unit else n.end,
                                               n.value_max is not None, n.approx)
                cand = Candidate(sentence, n, comp.comparator,
                                 (comp.start, comp.end) if comp.start is not None else None, unit, None,
                                 "headline_restates_target", confidence=0.6)
                cand.metric = self._metric(text, cand, None, pieces.by_sentence[sentence.index])
                out.append(cand)
        return out

    @staticmethod
    def _unitless_ok(text: str, sentence: Sentence, n: NumberMention) -> bool:
        # A large bare count closing its clause (chỉ tiêu tuyển sinh chỉ gần 200.000.) still counts;
        # small ones without a unit are too often ordinals, names or scores.
        after = text[n.end:n.end + 2]
        return (not after.strip() or after[:1] in ".,;") and n.value >= 1000 and n.kind == "digits"

    def _metric(self, text: str, cand: Candidate, previous: Candidate | None, bucket: dict) -> tuple[int, int] | None:
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
        after = self.metrics.after(text, after_start, right)
        if previous is not None and previous.metric and self.metrics.is_bare_growth(text, before) \
                and self.metrics.size(text, after) <= 1:
            return previous.metric          # '..., tăng 27,9%': growth of the thing just named
        if counted and after and before and self.metrics.size(text, before) <= 3:
            # '4 dự án mới trong ...' names the thing; a bare counted noun ('lượt') does not
            return after if after[1] > cand.unit.end else before
        return self.metrics.choose(text, before, after)

    def _only_linking_words(self, text: str, start: int, end: int) -> bool:
        """True when text[start:end] holds nothing but linking verbs (được tăng lên đến)."""
        return self.metrics.is_bare_growth(text, self.metrics.before(text, start, end))

    def _metric_left(self, text: str, cand: Candidate, previous: Candidate | None, bucket: dict, amount_start: int) -> int:
        """Where the words naming the metric may start: after the cue, the previous amount, a deadline, the actor."""
        s = cand.sentence
        left = s.start
        cue = cand.cue
        if cue and cue.end <= amount_start:
            if cue.word in self.metrics.kept_cues:
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
        found = [self.metrics.before(text, a, b) for a, b in pieces]
        named = [span for span in found if span and not self.metrics.is_bare_growth(text, span)]
        if named:
            return named[-1]
        return next((span for span in reversed(found) if span), None)

    # --- context: deadlines and actors ----------------------------------------

    def _attach_context(self, text: str, sentences: list[Sentence], pieces: ArticlePieces,
                        found: list[Candidate], published) -> None:
        by_sentence: dict[int, list[Candidate]] = {}
        for c in found:
            by_sentence.setdefault(c.sentence.index, []).append(c)
        for c in found:
            self._attach_own_deadline(c, by_sentence, pieces, published)
        for i, c in enumerate(found):
            if c.deadline is None:
                self._attach_inherited_deadline(text, c, by_sentence, published)
            self._attach_actor(text, c, sentences, pieces, found[:i])

    def _own_deadline(self, c: Candidate, siblings: list[Candidate], times: list[TimeMention]) -> TimeMention | None:
        usable = [t for t in times if not t.baseline and not t.horizon]
        if not usable:
            # 'định hướng đến năm 2030': a horizon is the deadline only when nothing nearer is stated
            usable = [t for t in times if not t.baseline]
        if not usable:
            return None
        later = [s for s in siblings if s.number.start > c.number.start]
        limit = later[0].number.start if later else c.sentence.end
        following = [t for t in usable if c.number.end <= t.start < limit]
        if following:
            return following[0]
        preceding = [t for t in usable if t.end <= c.number.start]
        if preceding:
            return preceding[-1]
        return usable[0]

    def _attach_own_deadline(self, c: Candidate, by_sentence, pieces: ArticlePieces, published) -> None:
        times = pieces.by_sentence[c.sentence.index]["times"]
        own = self._own_deadline(c, by_sentence[c.sentence.index], times)
        if own is not None:
            c.deadline, c.deadline_value = own, self.deadlines.resolve(own, published)

    def _attach_inherited_deadline(self, text: str, c: Candidate, by_sentence, published) -> None:
        unit_code = c.unit.code if c.unit else ""
        sentence_text = text[c.sentence.start:c.sentence.end]
        if "/" in unit_code or self.recurring_rx.search(sentence_text):
            return                     # recurring targets have no deadline unless one is stated
        source = self._inherited_deadline(text, c, by_sentence)
        if source is not None:
            c.deadline, c.deadline_value, c.deadline_inherited = source, self.deadlines.resolve(source, published), True

    def _inherited_deadline(self, text: str, c: Candidate, by_sentence) -> TimeMention | None:
        index = c.sentence.index
        sentence_text = text[c.sentence.start:c.sentence.end]
        if self.triggers.continues_context(sentence_text):
            for back in range(index - 1, max(-1, index - 3), -1):
                for prev in reversed(by_sentence.get(back, [])):
                    if prev.deadline is not None and not prev.deadline_inherited:
                        return prev.deadline
        if c.sentence.paragraph <= 1:   # headline and lead announce what the body dates
            for ahead in range(index + 1, index + 4):
                for nxt in by_sentence.get(ahead, []):
                    if nxt.deadline is not None and not nxt.deadline_inherited:
                        return nxt.deadline
        return None

    def _attach_actor(self, text: str, c: Candidate, sentences: list[Sentence], pieces: ArticlePieces,
                      earlier_targets: list[Candidate]) -> None:
        mentions = [a for a in pieces.by_sentence[c.sentence.index]["actors"]]
        amount_start = c.number.start
        before = [a for a in mentions if a.end <= amount_start and not self._is_location(text, a)]
        if c.cue is not None and c.cue.word in self.triggers.permission:
            permitted = [a for a in before if a.start >= c.cue.end]
            if permitted:                 # 'X đồng ý để Y thành lập ...': the plan is Y's
                c.actor = permitted[0]
                return
        if c.cue is not None:
            before_cue = [a for a in before if a.end <= c.cue.start]
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
            earlier = [a for a in pieces.by_sentence[back]["actors"] if not self._is_location(text, a)]
            if earlier:
                c.actor = earlier[0]
                return
        lead = [a for s in sentences if s.paragraph <= 1 for a in pieces.by_sentence[s.index]["actors"]]
        if lead:
            c.actor = lead[0]
        else:
            c.actor_inherited = False

    def _is_location(self, text: str, a: ActorMention) -> bool:
        if a.type not in ("province", "city", "country"):
            return False
        return bool(self.location_rx.search(text[max(0, a.start - 15):a.start]))


def _shift(item, by: int):
    """A copy of a recognised piece (cue, number, time, actor) moved by ``by`` characters."""
    if by == 0:
        return item
    return dataclasses.replace(item, start=item.start + by, end=item.end + by)


def _shift_token(token, by: int):
    from .tokens import Token
    return Token(token.start + by, token.end + by, token.text, token.tag)
