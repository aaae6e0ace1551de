"""Step 5: features of a candidate, the evidence the decision weighs.

Each feature is a name with the value 1 (present); the decision model gives each name a
weight. Features come in groups, so that a model can be trained on a subset and the groups
compared (``vnpolicy train --groups``):

- ``legacy``: the verdict of the hand-written cue rules (``TriggerFinder.decide``), as evidence;
- ``cues``: cue words of each kind and where they stand: in the amount's clause, earlier in
  its sentence, after it, in the previous sentence, in the sentence that governs a list or a
  breakdown, in the headline;
- ``aspect``: the nearest tense or aspect word before the amount (đã, đang, sẽ, dự kiến ...);
- ``time``: a time expression in the sentence, and whether it lies after the publication date;
- ``nouns``: attribute, price, rate and casualty words around the amount;
- ``verb``: the class of the words right before the amount (a planned action, a change ...);
- ``unit``: the unit's dimension and source, the counted noun's first two syllables, the
  comparator, the kind of number;
- ``layout``: headline, lead or body; quotation marks; list structure;
- ``lexical``: the words right before the amount and the cue word itself, as words (the
  trainer keeps only those seen in several articles).

Every pattern's words live in ``models/features.json`` and ``models/triggers.json``.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

import regex

from .candidates import Candidate
from .context import Layout
from .deadlines import DeadlineFinder
from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED, alternation, suffix_alternation
from .pieces import LONG_SENTENCE, ArticlePieces, shift
from .resources import LanguageData
from .triggers import Cue, TriggerFinder

GROUPS = ("legacy", "cues", "aspect", "time", "nouns", "verb", "unit", "layout", "lexical")
# The groups the shipped model uses: 'nouns' and 'layout' added nothing in cross-validation
# (see the ablation in the README) and cost a fifth of the feature time.
DEFAULT_GROUPS = ("legacy", "cues", "aspect", "time", "verb", "unit", "lexical")
# The costliest groups, computed last and one after the other: the prefixes of every feature
# name each emits, with how many of a prefix's features it can emit at once (None: any
# number). A candidate that the groups computed so far leave too far below the threshold
# skips the rest (see ``DecisionModel.can_reach``).
DEFERRED_GROUPS = {"legacy": (("legacy:", 1), ("legacy_rule:", 1)),   # one verdict, at most one rule
                   "time": (("time:", None), ("time_", None))}

_START = r"(?<![\p{L}\p{M}\d])"
_END = r"(?![\p{L}\p{M}\d])"
_CLAUSE_BREAK = regex.compile(r"[,;:()\"]")
_NAME_AFTER = regex.compile(r"\s+\p{Lu}\p{Ll}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass
class ArticleView:
    """What the feature functions may read about the article of a candidate."""
    text: str
    pieces: ArticlePieces
    layout: Layout
    published: dt.date | None
    # (value, value_max, unit code) -> indices of the sentences that state that quantity
    quantities: dict[tuple, set[int]] = field(default_factory=dict)
    cache: dict[tuple, object] = field(default_factory=dict)   # per-sentence results shared by its candidates

    @functools.cached_property
    def reference_date(self) -> dt.date | None:
        """For an article without a publication date: 31 December of the year it names most (a
        2005 article mostly speaks of 2005), the earliest such year on a tie. Read when first
        asked: most articles' candidates never need it."""
        if self.published is not None:
            return None
        years = Counter(int(y) for y in _YEAR.findall(self.text))
        if not years:
            return None
        year = min(years, key=lambda y: (-years[y], y))
        return dt.date(year, 12, 31)

    def restated(self, cand: Candidate) -> bool:
        """Does another sentence state the same quantity (a headline or lead restating the body)?"""
        return len(self.quantities.get(quantity_key(cand), ())) > 1


def quantity_key(cand: Candidate) -> tuple:
    return cand.number.value, cand.number.value_max, cand.unit.code if cand.unit else None


def _words_rx(words) -> regex.Pattern:
    return regex.compile(rf"(?i){_START}(?:{alternation(words)}){_END}")


class FeatureExtractor:
    def __init__(self, data: LanguageData, triggers: TriggerFinder, deadlines: DeadlineFinder,
                 groups: tuple[str, ...] = GROUPS):
        unknown = set(groups) - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown feature groups: {', '.join(sorted(unknown))} (known: {', '.join(GROUPS)})")
        self.groups = tuple(g for g in GROUPS if g in groups)
        spec = data["features.json"]
        self.triggers, self.deadlines = triggers, deadlines
        self.recipient_rx = regex.compile(     # read right to left from the amount: one place tried
            rf"(?i){_START}(?:{suffix_alternation(data['triggers.json']['recipient_markers'])})\s+\Z", regex.REVERSE)
        self.aspect_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['aspect_markers'])}){_END}")
        self.verb_class: dict[str, list[str]] = {}
        for name, words in spec["verb_classes"].items():
            for w in words:
                self.verb_class.setdefault(w.lower(), []).append(name)
        self.verb_fillers = {w.lower() for w in spec["verb_fillers"]}
        self.casualty_rx = _words_rx(spec["casualty_words"])
        self.speech_rx = _words_rx(spec["speech_words"])
        self.list_rx = _words_rx(spec["list_words"])
        self.past_after_rx = regex.compile(rf"(?i)[\s,]*(?:\S+\s+){{0,3}}?(?:{alternation(spec['past_after'])}){_END}")
        self.share_after_rx = regex.compile(rf"(?i)\s*(?:{alternation(spec['share_after'])}){_END}")
        self._group_functions = {
            "legacy": self._legacy, "cues": self._cues, "aspect": self._aspect, "time": self._time,
            "nouns": self._nouns, "verb": self._verb, "unit": self._unit, "layout": self._layout,
            "lexical": self._lexical,
        }

    def compute(self, view: ArticleView, cand: Candidate, groups: tuple[str, ...] | None = None,
                features: dict[str, float] | None = None, evidence: dict[str, str] | None = None,
                clause: tuple[int, int] | None = None) -> tuple[dict[str, float], dict[str, str]]:
        """The candidate's features (name -> 1.0) and, for some, the words that fired them: of
        ``groups`` (default: all of this extractor's), added to ``features``/``evidence`` if given;
        ``clause`` is the candidate's ``clause`` when it is known already."""
        features = {} if features is None else features
        evidence = {} if evidence is None else evidence
        clause = self.clause(view, cand) if clause is None else clause
        for group in self.groups if groups is None else groups:
            for item in self._group_functions[group](view, cand, clause):
                if item.__class__ is str:        # most are: bigrams of a long sentence come by the hundred
                    features[item] = 1.0
                    continue
                name, words = item
                if words and name not in evidence:
                    evidence[name] = words
                features[name] = 1.0
        return features, evidence

    def split_groups(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(first, last): the groups to compute first, and the costly ones that may be skipped
        when the first cannot lift a candidate to the threshold (see ``DecisionModel.can_reach``)."""
        last = tuple(g for g in self.groups if g in DEFERRED_GROUPS)
        return tuple(g for g in self.groups if g not in DEFERRED_GROUPS), last

    # --- windows ------------------------------------------------------------------------

    @staticmethod
    def clause(view: ArticleView, cand: Candidate) -> tuple[int, int]:
        """The clause around the quantity: from the last clause break before it to the next after it
        (in a long sentence the breaks are found once, for all its quantities)."""
        s = cand.sentence
        if s.end - s.start <= LONG_SENTENCE:
            start = s.start
            for m in _CLAUSE_BREAK.finditer(view.text, s.start, cand.left, NOT_OVERLAPPED, NOT_CONCURRENT):
                start = m.end()
            m = _CLAUSE_BREAK.search(view.text, cand.right, s.end, NOT_CONCURRENT)
            return start, m.start() if m else s.end
        key = ("clause_breaks", s.index)
        breaks = view.cache.get(key)
        if breaks is None:
            breaks = view.cache[key] = [m.start() for m in _CLAUSE_BREAK.finditer(view.text, s.start, s.end, NOT_OVERLAPPED, NOT_CONCURRENT)]
        i = bisect.bisect_left(breaks, cand.left)
        j = bisect.bisect_left(breaks, cand.right)
        return breaks[i - 1] + 1 if i else s.start, breaks[j] if j < len(breaks) else s.end

    @staticmethod
    def _last_match(view: ArticleView, rx: regex.Pattern, cand: Candidate, start: int, end: int) -> str | None:
        """The last match of ``rx`` (lower case) within text[start:end] of the candidate's sentence
        (in a long sentence, from its matches found once)."""
        s = cand.sentence
        if s.end - s.start <= LONG_SENTENCE:
            last = None
            for last in rx.finditer(view.text, start, end, NOT_OVERLAPPED, NOT_CONCURRENT):
                pass
            return last.group().lower() if last else None
        key = ("matches", rx.pattern, s.index)
        found = view.cache.get(key)
        if found is None:
            matches = list(rx.finditer(view.text, s.start, s.end, NOT_OVERLAPPED, NOT_CONCURRENT))
            found = view.cache[key] = ([m.end() for m in matches], [(m.start(), m.group().lower()) for m in matches])
        ends, matches = found
        i = bisect.bisect_right(ends, end) - 1
        return matches[i][1] if i >= 0 and matches[i][0] >= start else None

    @staticmethod
    def _cues_before(cues: list[Cue], pos: int) -> list[Cue]:
        return [c for c in cues if c.end <= pos]

    @staticmethod
    def _cue_class(c: Cue) -> str:
        if c.kind == "target":
            return "target_weak" if c.weak else "target_strong"
        return c.kind

    # --- groups -------------------------------------------------------------------------

    def _legacy(self, view: ArticleView, cand: Candidate, clause) -> list[str]:
        """The hand-written rules' verdict, with a 'Trong đó' sentence borrowing the previous
        sentence's last strong cue as the old cascade did."""
        s, unit = cand.sentence, cand.unit
        sentence_text, cues = self._legacy_cues(view, s.index)
        decision = self.triggers.decide(sentence_text, cues,
                                        cand.left - s.start, (unit.end if unit else cand.number.end) - s.start,
                                        unit.code if unit else None, unit.dimension if unit else None)
        kind = decision.kind
        if kind == "target":
            kind = decision.rule          # strong_cue | weak_cue
        word = decision.cue.word if decision.cue else None
        out = [(f"legacy:{kind}", word)]
        if decision.rule != kind:
            out.append((f"legacy_rule:{decision.rule}", word))   # which rule gave a non-target verdict
        return out

    def _legacy_cues(self, view: ArticleView, index: int) -> tuple[str, list[Cue]]:
        """A sentence's text and the cues the old rules read in it (sentence offsets), once per
        sentence. A 'Trong đó' sentence borrows the previous sentence's last strong cue unless
        that cue stands in quotation marks (a plan's title)."""
        key = ("legacy_cues", index)
        if key not in view.cache:
            text, s = view.text, view.pieces.sentences[index]
            cues = list(view.pieces[index]["cues"])
            opener = self.triggers.opener_end(text[s.start:s.end])
            if opener is not None and index > 0:
                own, quotes, last = [], 0, view.pieces.sentences[index - 1].start
                for c in view.pieces[index - 1]["cues"]:      # outside quotation marks: an even count before
                    quotes, last = quotes + text.count('"', last, c.start), c.start
                    if quotes % 2 == 0:
                        own.append(c)
                if own and own[-1].kind == "target" and not own[-1].weak:
                    cues = [Cue(s.start, s.start, "target", own[-1].word, False)] + \
                           [c for c in cues if c.start >= s.start + opener]
            view.cache[key] = (text[s.start:s.end], [shift(c, -s.start) for c in cues])
        return view.cache[key]

    def _cues(self, view: ArticleView, cand: Candidate, clause) -> list[str]:
        s = cand.sentence
        cues = view.pieces[s.index]["cues"]
        out = []
        before = self._cues_before(cues, cand.left)
        for c in reversed(before):          # nearest first, so that evidence names the nearest word
            where = "clause" if c.start >= clause[0] else "sentence"
            out.append((f"cue_{where}_before:{self._cue_class(c)}", c.word))
        if before:
            nearest = before[-1]
            out.append((f"nearest_cue:{self._cue_class(nearest)}", nearest.word))
            gap = view.pieces[s.index]["words"].count(nearest.end, cand.left)
            out.append(f"nearest_cue_gap:{'0-2' if gap <= 2 else '3-6' if gap <= 6 else '7+'}")
        else:
            out.append("nearest_cue:none")
        for c in cues:
            if c.start >= cand.right:
                out.append((f"cue_after:{self._cue_class(c)}", c.word))
        return out + self._context_cues(view, s.index)

    def _context_cues(self, view: ArticleView, index: int) -> list:
        """Cues of the previous sentence, of the sentence that governs this one and of the
        headline: the same for every candidate of the sentence, so read once."""
        key = ("context_cues", index)
        if key not in view.cache:
            layout, out = view.layout, []
            if index > 0:
                for c in reversed(view.pieces[index - 1]["cues"]):
                    out.append((f"cue_previous_sentence:{self._cue_class(c)}", c.word))
            governor = layout.governor[index]
            if governor is not None:
                out.append("governed")
                for c in reversed(view.pieces[governor]["cues"]):
                    out.append((f"cue_governor:{self._cue_class(c)}", c.word))
            if layout.headline is not None and layout.headline != index:
                for c in view.pieces[layout.headline]["cues"]:
                    out.append((f"cue_headline:{self._cue_class(c)}", c.word))
            view.cache[key] = out
        return view.cache[key]

    def _aspect(self, view: ArticleView, cand: Candidate, clause) -> list[str]:
        s = cand.sentence
        in_clause = self._last_match(view, self.aspect_rx, cand, clause[0], cand.left)
        out: list = [f"aspect_clause:{in_clause}" if in_clause else "aspect_clause:none"]
        earlier = self._last_match(view, self.aspect_rx, cand, s.start, clause[0])
        if earlier:
            out.append(f"aspect_sentence:{earlier}")
        return out

    def _time(self, view: ArticleView, cand: Candidate, clause) -> list:
        """Time expressions of the sentence: whether there is one, in the amount's clause, before
        or after it, its lead word (đến, trước, trong ...), and whether it lies after the
        article's date (its publication date, else the year it mentions most)."""
        times = [t for t in view.pieces[cand.sentence.index]["times"] if not t.baseline]
        if not times:
            return ["time:none"]
        out: list = ["time:some"]
        for t in times:
            where = "clause" if clause[0] <= t.start and t.end <= clause[1] else \
                "before" if t.end <= cand.left else "after"
            out.append(f"time_{where}:{t.lead.split()[0] if t.lead else '-'}")
            if t.horizon:
                out.append("time:horizon")
        return out + self._time_relations(view, cand.sentence.index, times)

    def _time_relations(self, view: ArticleView, index, times) -> list[str]:
        """Whether the sentence's times lie after the article's date, once per sentence."""
        key = ("time_relations", index)
        if key not in view.cache:
            reference = view.published or view.reference_date
            if reference is None:
                view.cache[key] = ["time:no_reference_date"]
            else:
                dates = (self.deadlines.resolve(t, view.published).date for t in times)
                view.cache[key] = sorted({"time:future" if d >= reference else "time:past" for d in dates if d})
        return view.cache[key]

    def _nouns(self, view: ArticleView, cand: Candidate, clause) -> list:
        """Casualty words in the clause, a comparison with the past or a share of a plan after the
        amount, recipients counted after 'cho'. (Attribute, price and rate words before the amount
        are read by the legacy rules' verdict.)"""
        text, s, unit = view.text, cand.sentence, cand.unit
        out: list = []
        m = self.casualty_rx.search(text, clause[0], clause[1], NOT_CONCURRENT)
        if m:
            out.append(("noun:casualty", m.group()))
        if self.past_after_rx.match(text, cand.right, s.end, NOT_CONCURRENT):
            out.append("after:past_comparison")
        if unit is not None and unit.code == "%" and self.share_after_rx.match(text, cand.right, s.end, NOT_CONCURRENT):
            out.append("after:share_of")
        if self._counts_recipients(text, cand, clause):
            out.append("noun:recipients")
        return out

    def _counts_recipients(self, text: str, cand: Candidate, clause) -> bool:
        """'phân bổ 145 chỉ tiêu cho 35 đơn vị': 'cho N ...' after another amount counts recipients."""
        marker = self.recipient_rx.match(text, max(clause[0], cand.left - 12), cand.left, NOT_CONCURRENT)
        return bool(marker) and any(ch.isdigit() for ch in text[clause[0]:marker.start()])

    def _verb(self, view: ArticleView, cand: Candidate, clause) -> list:
        """The class of the words right before the amount (one filler word such as 'thêm' may
        stand between): a planned action, a change, reaching a level, having."""
        words = view.pieces[cand.sentence.index]["words"].last(clause[0], cand.left, 4)
        tails = [words]
        if words and words[-1] in self.verb_fillers:
            tails.append(words[:-1])
        for tail in tails:
            for k in (3, 2, 1):
                if len(tail) >= k:
                    phrase = " ".join(tail[-k:])
                    found = self.verb_class.get(phrase)
                    if found:
                        return [(f"verb:{name}", phrase) for name in found]
        return ["verb:none"]

    def _unit(self, view: ArticleView, cand: Candidate, clause) -> list[str]:
        unit, n = cand.unit, cand.number
        out = [f"comparator:{cand.comparator}", f"number:{n.kind}"]
        if unit is None:
            out.append("unit:none")
        else:
            out.append(f"unit_dimension:{unit.dimension}")
            out.append(f"unit_source:{unit.source}")
            if "/" in unit.code:
                out.append("unit:rate")
            if unit.dimension == "count":   # what is counted: dự án and căn hộ are planned, phương án and lần rarely
                out.append(f"unit_word:{' '.join(unit.code.split('/')[0].split()[:2]).lower()}")
        if n.kind == "words":
            out.append(f"number_words_unit:{unit.source if unit else 'none'}")
        if view.restated(cand):       # a headline or lead restating a body target, or the reverse
            out.append(f"restated:{view.layout.position(cand.sentence.index)}")
        if unit is None and view.text[cand.right:cand.right + 2][:1] in ("", ".", ",", ";"):
            out.append("unit:none_at_clause_end")   # chỉ tiêu tuyển sinh chỉ gần 200.000.
        value = abs(n.value)
        size = ("<=1" if value <= 1 else "<=10" if value <= 10 else "<=100" if value <= 100
                else "<=10^4" if value <= 10_000 else "<=10^6" if value <= 10**6 else ">10^6")
        out.append(f"value:{size}")
        if unit is None:
            out.append(f"unit:none&value:{size}")   # a bare '3' is an ordinal or a label far more often
        if _NAME_AFTER.match(view.text, cand.right, cand.sentence.end, NOT_CONCURRENT) and (unit is None or unit.source != "counted_noun"):
            out.append("name_after")                # 'Tòa soạn: 15 Hồ Xuân Hương', 'Phú Mỹ 2'
        return out

    def _layout(self, view: ArticleView, cand: Candidate, clause) -> list[str]:
        text, s, layout = view.text, cand.sentence, view.layout
        out = [f"position:{layout.position(s.index)}"]
        if s.index >= 0.85 * len(view.pieces.sentences) and len(view.pieces.sentences) >= 8:
            out.append("position:last_sentences")   # sign-offs, related links, boilerplate
        if text.count('"', s.start, cand.left) % 2 == 1:
            out.append("in_quotes")
        if self.speech_rx.search(text, s.start, s.end, NOT_CONCURRENT):
            out.append("speech")
        if text.find(":", s.start, cand.left) >= 0:
            out.append("list:colon_before")
        if text.find(";", s.start, s.end) >= 0:
            out.append("list:semicolons")
        if layout.list_item[s.index]:
            out.append("list:item")
        if self.list_rx.search(text, clause[0], cand.left, NOT_CONCURRENT):
            out.append("list:word_in_clause")
        if text.find("(", max(s.start, cand.left - 40), cand.left) > text.find(")", max(s.start, cand.left - 40), cand.left):
            out.append("in_brackets")
        if text[s.start:s.end].rstrip().endswith("?"):
            out.append("question")
        return out

    def _lexical(self, view: ArticleView, cand: Candidate, clause) -> list[str]:
        s = cand.sentence
        words = view.pieces[s.index]["words"]     # the sentence's words, found once for all its quantities
        before = words.last(clause[0], cand.left, 8)
        out = []
        if before:
            out.append(f"word_before:{before[-1]}")
        if len(before) >= 2:
            out.append(f"words_before:{before[-2]} {before[-1]}")
        cues = self._cues_before(view.pieces[s.index]["cues"], cand.left)
        if cues:
            out.append(f"cue_word:{cues[-1].word}")
        clause_words = before[-8:]
        out.extend(f"clause_word:{w}" for w in clause_words)
        out.extend(f"clause_bigram:{a} {b}" for a, b in zip(clause_words, clause_words[1:]))
        out.extend(f"after_word:{w}" for w in words.first(cand.right, clause[1], 3))
        out.extend(self._sentence_bigrams(view, s, clause[0]))
        return out

    def _sentence_bigrams(self, view: ArticleView, s, clause_start: int) -> list[str]:
        """Bigrams of the sentence before the amount's clause, once per clause."""
        key = ("sentence_bigrams", clause_start)
        if key not in view.cache:
            view.cache[key] = self._bigrams("sentence_bigram", view.pieces[s.index]["words"].between(s.start, clause_start))
        return view.cache[key]

    @staticmethod
    def _bigrams(prefix: str, words: list[str]) -> list[str]:
        return [f"{prefix}:{a} {b}" for a, b in zip(words, words[1:])]

