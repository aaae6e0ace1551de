"""Triggers: the cue words that make a quantity a target (phấn đấu, kế hoạch, sẽ), a
status (đã đạt, hiện), a forecast (dự báo) or an attribute (có tổng vốn đầu tư, công
suất), and the decision that reads them.

The nearest cue before an amount in its clause decides. A weak target cue (sẽ, dự kiến)
yields to an earlier forecast or condition in the same sentence (chuyên gia dự báo giá
sẽ tăng 5%).
"""
from __future__ import annotations

from dataclasses import dataclass

import bisect
import functools
import re

import regex

from .patterns import (NOT_CONCURRENT, NOT_OVERLAPPED, RE_WORD_END, RE_WORD_START, LowerCaseWords, alternation,
                       initials_class, suffix_alternation, trie_alternation)
from .resources import LanguageData

_START = r"(?<![\p{L}\p{M}\d])"
_END = r"(?![\p{L}\p{M}\d])"
# Patterns anchored at the end of a window ('... \s*\Z') run right to left: the engine then
# tries one position, not every one. Only for patterns whose match is used as a yes or no.
# Their word lists are tries of the words' endings (``suffix_alternation``), read from the
# right as the engine reads them, and they end at '\Z': a '$' (which may also stand before a
# final line break, which the spaces before it take anyway) made the engine try every position.
_REVERSE = regex.REVERSE
_BRACKET = re.compile(r"[()]")



@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    kind: str      # target | status | forecast | condition | attribute
    word: str
    weak: bool = False


@dataclass(frozen=True)
class Decision:
    kind: str           # target | status | forecast | condition | attribute | none
    cue: Cue | None
    rule: str


@functools.lru_cache(maxsize=None)
def _verdict(kind: str, rule: str) -> Decision:
    """A decision that no cue gave, one shared instance per verdict (decisions are frozen)."""
    return Decision(kind, None, rule)


def governing_cue(amount_start: int, cues: list[Cue]) -> Cue | None:
    """The nearest target cue before an amount in its sentence, if any."""
    return next((c for c in reversed(cues) if c.kind == "target" and c.end <= amount_start), None)


class TriggerFinder:
    def __init__(self, data: LanguageData):
        spec = data["triggers.json"]
        # keyed by casefold, as the case-insensitive cue pattern matches ('ſẽ' is 'sẽ')
        self.kind_of: dict[str, str] = {}
        for kind in ("status", "forecast", "condition"):
            for w in spec[kind]:
                self.kind_of[w.casefold()] = kind
        for w in spec["target_strong"] + spec["target_weak"]:
            self.kind_of[w.casefold()] = "target"
        for w in spec["neutral"]:
            self.kind_of[w.casefold()] = "neutral"
        self.weak = {w.casefold() for w in spec["target_weak"]}
        self.permission = {w.lower() for w in spec["permission_cues"]}
        # led by the cue words' first letters (any case, as the words match): the engine then
        # skips a position at one character before its lookbehind (8% faster on news sentences)
        self.cue_rx = LowerCaseWords(rf"(?={initials_class(self.kind_of)}){RE_WORD_START}(?:{trie_alternation(self.kind_of)}){RE_WORD_END}",
                                     self.kind_of)
        self.future_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['future_reset'])}){_END}")
        # match() anchors at the position it is given; a '^' there would never match past 0
        self.status_after_rx = regex.compile(rf"(?i)[\s,]*(?:{alternation(spec['status_after'])}){_END}")
        self.price_rx = regex.compile(
            rf"(?i){_START}(?!(?:{alternation(spec['price_exceptions'])}){_END})(?:{alternation(spec['price_words'])}){_END}")
        self.per_capita = {w.lower() for w in spec["per_capita_denominators"]}
        self.status_in_clause_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['status_in_clause_after'])}){_END}")
        self.rate_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['rate_words'])}){_END}")
        self.negation_rx = regex.compile(
            rf"(?i){_START}(?:{suffix_alternation(spec['negations'])})(?:\s+[\p{{L}}\p{{M}}]+){{0,2}}\s+\Z", _REVERSE)
        self.non_blocking = {w.lower() for w in spec["non_blocking_status"]}
        self.achievement_rx = regex.compile(
            # case-sensitive: 'Cao Bằng phấn đấu' is a place, 'bằng 16% kế hoạch' a share
            rf"{_START}(?:{suffix_alternation(spec['achievement_before_cue'])})(?:\s+[\p{{Ll}}\p{{M}}]+)?\s+\Z", _REVERSE)
        self.condition_after_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['condition_after'])}){_END}")
        self.change_start_rx = regex.compile(rf"(?i){_START}(?:{suffix_alternation(spec['change_start'])})\s+\Z", _REVERSE)
        self.change_end_rx = regex.compile(rf"(?i)^\s*(?:{alternation(spec['change_end'])})\s+\p{{N}}")
        self.opener_rx = regex.compile(rf"(?i)^\s*(?:{alternation(spec['continuation_openers'])}){_END}")
        self.context_rx = regex.compile(
            rf"(?i)^\s*(?:{alternation(spec['context_openers'])}){_END}|{_START}(?:{alternation(spec['context_words'])}){_END}")

        self.attribute_rx = regex.compile(
            rf"(?i){_START}(?:{suffix_alternation(spec['attribute_before'])})(?:\s+(?:{suffix_alternation(spec['attribute_connectors'])}))*\s*\Z",
            _REVERSE)
        self.status_after_percent_rx = regex.compile(
            rf"(?i)\s*(?:{alternation(spec['status_after_percent'])}){_END}")
        reset_words = alternation([w for w in spec['clause_reset'] if w.isalpha() or ' ' in w])
        self.clause_reset_rx = regex.compile(rf"(?i)(?:[;:()\",]|{_START}(?:{reset_words}){_END})")
        self.strong_reset_rx = regex.compile(rf"(?i)(?:[;:()\"]|{_START}(?:{reset_words}){_END})")

    def opener_end(self, sentence: str) -> int | None:
        """End of a 'Trong đó,'-style opener at the start of ``sentence``, if any."""
        m = self.opener_rx.match(sentence, None, None, NOT_CONCURRENT)
        return m.end() if m else None

    @functools.lru_cache(maxsize=256)
    def continues_context(self, sentence: str) -> bool:
        """Does ``sentence`` carry on from the one before (Bên cạnh đó, ... cũng ...)? (Asked once
        per target: the answer is kept for the other targets of the sentence.)"""
        return bool(self.context_rx.search(sentence, None, None, NOT_CONCURRENT))

    def cues(self, text: str, pos: int = 0, endpos: int | None = None) -> list[Cue]:
        """Cue words in text[pos:endpos], with offsets into ``text``."""
        out = []
        for m, shift in self.cue_rx.finditer(text, pos, len(text) if endpos is None else endpos):
            start, end = m.start() + shift, m.end() + shift
            word = text[start:end].casefold()
            kind = self.kind_of.get(word)
            if kind is None:
                continue             # matched by a case folding the lexicon does not share
            if text[start].isupper() and _last_char_before(text, pos, start) not in ("", ":", '"', "'", "(", "-", "."):
                continue             # capitalised mid-sentence: a name (Cần Thơ), not a cue
            if kind == "neutral":
                continue
            if kind == "target" and (text[max(0, start - 3):start].rstrip().endswith("%")
                                     or self.achievement_rx.match(text, max(0, start - 25), start, NOT_CONCURRENT)):
                kind = "status"      # '16% kế hoạch năm', 'đã vượt kế hoạch': the plan is being reported on
            elif kind == "target" and self.negation_rx.match(text, max(0, start - 30), start, NOT_CONCURRENT):
                continue             # 'không tính tới phương án': a negated cue sets nothing
            out.append(Cue(start, end, kind, word, word in self.weak))
        return out

    def _outside_closed_brackets(self, text: str, cues: list[Cue], amount_start: int) -> list[Cue]:
        """Drop cues inside a parenthesis that closes before the amount: an aside governs nothing after it."""
        closes = self._facts(text).innermost_close
        return [c for c in cues if not (0 <= closes(c.start) < amount_start)]

    @functools.lru_cache(maxsize=256)
    def _facts(self, text: str) -> "_SentenceFacts":
        """What every amount of a sentence reads, found once for all of them (``text`` is the sentence)."""
        return _SentenceFacts(text, self)

    def _bare_aside(self, text: str, cues: list[Cue], amount_start: int) -> bool:
        """An amount alone in brackets ('(34,7%)', '(gần 14.183 tỷ đồng)') restates or illustrates;
        it sets nothing unless a target cue stands inside the brackets with it."""
        open_at = self._facts(text).last_open_before(amount_start)
        if open_at < 0:
            return False
        inside = text[open_at + 1:amount_start]
        has_cue = any(c.kind == "target" and open_at < c.start < amount_start for c in cues)
        return not has_cue and len(inside.split()) <= 3

    def is_price(self, text: str, amount_start: int, unit_code: str | None, unit_dimension: str | None) -> bool:
        """Prices and fees: money per item (đồng/kg, USD/tấn) or a price noun just before the amount."""
        if unit_dimension == "currency" and unit_code and "/" in unit_code:
            denominator = unit_code.split("/", 1)[1].lower()
            if denominator not in self.per_capita:
                return True
        if unit_dimension == "currency":
            # the priced thing may sit before a bracketed aside: 'Giá vé tháng (học sinh, sinh viên) sẽ tăng'
            clause_start = text.rfind(";", max(0, amount_start - 100), amount_start) + 1
            window = text[max(clause_start, amount_start - 100):amount_start]
            return bool(self.price_rx.search(window, None, None, NOT_CONCURRENT))
        return False

    def decide(self, text: str, cues: list[Cue], amount_start: int, after_unit: int, unit_code: str | None,
               unit_dimension: str | None = None) -> Decision:
        """Classify the amount at ``amount_start`` in ``text`` (one sentence)."""
        before = text[max(0, amount_start - 60):amount_start]
        if self.attribute_rx.match(before, None, None, NOT_CONCURRENT):
            return _verdict("attribute", "attribute_before")
        if unit_code == "%" and self.status_after_percent_rx.match(text, after_unit, None, NOT_CONCURRENT):
            return _verdict("status", "percent_of_plan")
        if self.is_price(text, amount_start, unit_code, unit_dimension):
            return _verdict("attribute", "price")
        if self.change_start_rx.match(text, max(0, amount_start - 6), amount_start, NOT_CONCURRENT) \
                and self.change_end_rx.match(text[after_unit:after_unit + 20], None, None, NOT_CONCURRENT):
            return _verdict("status", "start_of_change")
        facts = self._facts(text)
        if facts.rate_ends and facts.rate_ends[0] <= amount_start:
            return _verdict("attribute", "rate")
        clause_end = facts.clause_end(after_unit)
        if facts.within(self.status_in_clause_rx, after_unit, clause_end):
            return _verdict("status", "present_state_after")
        if facts.within(self.condition_after_rx, after_unit, clause_end):
            return _verdict("condition", "eligibility_condition")
        if self._bare_aside(text, cues, amount_start):
            return _verdict("status", "bracketed_aside")
        earlier = self._outside_closed_brackets(text, [c for c in cues if c.end <= amount_start], amount_start)
        if not earlier:
            return _verdict("none", "no_cue")
        nearest = earlier[-1]
        if nearest.kind == "target" and nearest.weak:
            blocker = next((c for c in earlier if c.kind in ("forecast", "condition")), None)
            if blocker is not None:
                return Decision(blocker.kind, blocker, f"{blocker.kind}_over_weak_target")
            reset = facts.last_reset(nearest.start)
            past = next((c for c in earlier if c.kind == "status" and c.word not in self.non_blocking
                         and reset <= c.start < nearest.start), None)
            if past is not None:
                return Decision("status", past, "status_over_weak_target")
            if self.status_after_rx.match(text, after_unit, None, NOT_CONCURRENT):
                return _verdict("status", "compared_with_past")
        if nearest.kind == "target":
            return Decision("target", nearest, "weak_cue" if nearest.weak else "strong_cue")
        # A condition anywhere earlier governs the whole sentence.
        if any(c.kind == "condition" for c in earlier):
            return Decision("condition", nearest, "condition")
        return Decision(nearest.kind, nearest, f"{nearest.kind}_cue")


def _last_char_before(text: str, start: int, end: int) -> str:
    """The last character of text[start:end] that is no space ('' if none): ``rstrip()[-1:]``
    without copying the text."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > start else ""


class _SentenceFacts:
    """Per sentence, computed once for all its amounts: the brackets, where rate words end and
    where clauses are reset, so that judging an amount never rescans its sentence for them."""

    def __init__(self, text: str, finder: TriggerFinder):
        self.opens: list[int] = []          # every '(' and every ')', in order
        self.closes: list[int] = []
        self._events: list[int] = []        # every bracket, and the '(' still open after it (-1: none)
        self._open_after: list[int] = []
        self._close_of: dict[int, int] = {}  # '(' -> the ')' that closes it
        stack: list[int] = []
        for m in _BRACKET.finditer(text):
            at = m.start()
            if m.group() == "(":
                self.opens.append(at)
                stack.append(at)
            else:
                self.closes.append(at)
                if stack:
                    self._close_of[stack.pop()] = at
            self._events.append(at)
            self._open_after.append(stack[-1] if stack else -1)
        self.rate_ends = [m.end() for m in finder.rate_rx.finditer(text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT)]
        self._text, self._finder = text, finder
        self._found: dict[str, tuple[list[int], list[int]]] = {}

    # A clause after an amount is searched as it stands when it is short (most are); in a long
    # one the sentence's matches, found once, are looked up instead of searching it again for
    # every amount.
    SHORT = 200

    def _position(self, pos: int) -> int:
        """``pos`` as the pattern engine reads it: a negative one counts from the end (the end of
        a unit borrowed from an earlier sentence is negative here)."""
        return pos if pos >= 0 else max(0, len(self._text) + pos)

    def clause_end(self, pos: int) -> int:
        """Where the first clause break or reset at or after ``pos`` starts, else the end."""
        pos, text, rx = self._position(pos), self._text, self._finder.clause_reset_rx
        if pos + self.SHORT >= len(text):
            m = rx.search(text, pos, None, NOT_CONCURRENT)
            return m.start() if m else len(text)
        m = rx.search(text, pos, pos + self.SHORT, NOT_CONCURRENT)
        if m and m.end() < pos + self.SHORT:         # wholly inside the window: the window did not cut it
            return m.start()
        starts = self._starts(rx)
        i = bisect.bisect_left(starts, pos)
        return starts[i] if i < len(starts) else len(text)

    def within(self, rx: regex.Pattern, start: int, end: int) -> bool:
        """Does ``rx`` match inside text[start:end]?"""
        start = self._position(start)
        if end - start <= self.SHORT:
            return rx.search(self._text, start, end, NOT_CONCURRENT) is not None
        starts, ends = self._matches(rx)
        i = bisect.bisect_left(starts, start)
        return i < len(starts) and ends[i] <= end     # matches do not overlap: the first to start ends first

    def _starts(self, rx: regex.Pattern) -> list[int]:
        return self._matches(rx)[0]

    def _matches(self, rx: regex.Pattern) -> tuple[list[int], list[int]]:
        """Where the matches of ``rx`` in the sentence start and end, found on first use."""
        if rx.pattern not in self._found:
            found = list(rx.finditer(self._text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT))
            self._found[rx.pattern] = ([m.start() for m in found], [m.end() for m in found])
        return self._found[rx.pattern]

    @functools.cached_property
    def reset_ends(self) -> list[int]:
        """Where the clause breaks and future-time phrases end (found on first use: few amounts ask)."""
        finder = self._finder
        return sorted([m.end() for m in finder.strong_reset_rx.finditer(self._text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT)]
                      + [m.end() for m in finder.future_rx.finditer(self._text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT)])

    def last_reset(self, end: int) -> int:
        """The end of the last clause break or future-time phrase that ends by ``end``, else 0."""
        i = bisect.bisect_right(self.reset_ends, end)
        return self.reset_ends[i - 1] if i else 0

    def last_open_before(self, pos: int) -> int:
        """The last '(' before ``pos`` when no ')' stands between it and ``pos``, else -1."""
        i = bisect.bisect_left(self.opens, pos)
        if not i:
            return -1
        open_at = self.opens[i - 1]
        j = bisect.bisect_left(self.closes, pos)
        return -1 if j and self.closes[j - 1] > open_at else open_at

    def innermost_close(self, pos: int) -> int:
        """Where the innermost closed bracket pair around ``pos`` closes, else -1. Pairs nest,
        so the innermost closes first: a word at ``pos`` lies in a pair that closes before an
        amount exactly when it lies in this one. (The '(' open at ``pos`` is that of the last
        bracket before it; when that one is never closed, no pair around it is.)"""
        k = bisect.bisect_left(self._events, pos) - 1
        open_at = self._open_after[k] if k >= 0 else -1
        return self._close_of.get(open_at, -1)


