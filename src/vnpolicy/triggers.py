"""Triggers: the cue words that make a quantity a target (phấn đấu, kế hoạch, sẽ), a
status (đã đạt, hiện), a forecast (dự báo) or an attribute (có tổng vốn đầu tư, công
suất), and the decision that reads them.

The nearest cue before an amount in its clause decides. A weak target cue (sẽ, dự kiến)
yields to an earlier forecast or condition in the same sentence (chuyên gia dự báo giá
sẽ tăng 5%).
"""
from __future__ import annotations

from dataclasses import dataclass

import functools
import re

import regex

from .patterns import RE_WORD_END, RE_WORD_START, alternation, trie_alternation
from .resources import LanguageData

_START = r"(?<![\p{L}\p{M}\d])"
_END = r"(?![\p{L}\p{M}\d])"
# Patterns anchored at the end of a window ('... \s*$') run right to left: the engine then
# tries one position, not every one. Only for patterns whose match is used as a yes or no.
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


def governing_cue(amount_start: int, cues: list[Cue]) -> Cue | None:
    """The nearest target cue before an amount in its sentence, if any."""
    before = [c for c in cues if c.kind == "target" and c.end <= amount_start]
    return before[-1] if before else None


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
        self.cue_rx = re.compile(rf"{RE_WORD_START}(?:{trie_alternation(self.kind_of)}){RE_WORD_END}", re.I)
        self.future_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['future_reset'])}){_END}")
        # match() anchors at the position it is given; a '^' there would never match past 0
        self.status_after_rx = regex.compile(rf"(?i)[\s,]*(?:{alternation(spec['status_after'])}){_END}")
        self.price_rx = regex.compile(
            rf"(?i){_START}(?!(?:{alternation(spec['price_exceptions'])}){_END})(?:{alternation(spec['price_words'])}){_END}")
        self.per_capita = {w.lower() for w in spec["per_capita_denominators"]}
        self.status_in_clause_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['status_in_clause_after'])}){_END}")
        self.rate_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['rate_words'])}){_END}")
        self.negation_rx = regex.compile(
            rf"(?i){_START}(?:{alternation(spec['negations'])})(?:\s+[\p{{L}}\p{{M}}]+){{0,2}}\s+$", _REVERSE)
        self.non_blocking = {w.lower() for w in spec["non_blocking_status"]}
        self.achievement_rx = regex.compile(
            # case-sensitive: 'Cao Bằng phấn đấu' is a place, 'bằng 16% kế hoạch' a share
            rf"{_START}(?:{alternation(spec['achievement_before_cue'])})(?:\s+[\p{{Ll}}\p{{M}}]+)?\s+$", _REVERSE)
        self.condition_after_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['condition_after'])}){_END}")
        self.change_start_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['change_start'])})\s+$", _REVERSE)
        self.change_end_rx = regex.compile(rf"(?i)^\s*(?:{alternation(spec['change_end'])})\s+\p{{N}}")
        self.opener_rx = regex.compile(rf"(?i)^\s*(?:{alternation(spec['continuation_openers'])}){_END}")
        self.context_rx = regex.compile(
            rf"(?i)^\s*(?:{alternation(spec['context_openers'])}){_END}|{_START}(?:{alternation(spec['context_words'])}){_END}")

        self.attribute_rx = regex.compile(
            rf"(?i){_START}(?:{alternation(spec['attribute_before'])})(?:\s+(?:{alternation(spec['attribute_connectors'])}))*\s*$", _REVERSE)
        self.status_after_percent_rx = regex.compile(
            rf"(?i)\s*(?:{alternation(spec['status_after_percent'])}){_END}")
        reset_words = alternation([w for w in spec['clause_reset'] if w.isalpha() or ' ' in w])
        self.clause_reset_rx = regex.compile(rf"(?i)(?:[;:()\",]|{_START}(?:{reset_words}){_END})")
        self.strong_reset_rx = regex.compile(rf"(?i)(?:[;:()\"]|{_START}(?:{reset_words}){_END})")

    def opener_end(self, sentence: str) -> int | None:
        """End of a 'Trong đó,'-style opener at the start of ``sentence``, if any."""
        m = self.opener_rx.match(sentence)
        return m.end() if m else None

    def continues_context(self, sentence: str) -> bool:
        """Does ``sentence`` carry on from the one before (Bên cạnh đó, ... cũng ...)?"""
        return bool(self.context_rx.search(sentence))

    def cues(self, text: str, pos: int = 0, endpos: int | None = None) -> list[Cue]:
        """Cue words in text[pos:endpos], with offsets into ``text``."""
        out = []
        for m in self.cue_rx.finditer(text, pos, len(text) if endpos is None else endpos):
            word = m.group().casefold()
            kind = self.kind_of.get(word)
            if kind is None:
                continue             # matched by a case folding the lexicon does not share
            if m.group()[0].isupper() and text[pos:m.start()].rstrip()[-1:] not in ("", ":", '"', "'", "(", "-", "."):
                continue             # capitalised mid-sentence: a name (Cần Thơ), not a cue
            if kind == "neutral":
                continue
            if kind == "target" and (text[max(0, m.start() - 3):m.start()].rstrip().endswith("%")
                                     or self.achievement_rx.search(text, max(0, m.start() - 25), m.start())):
                kind = "status"      # '16% kế hoạch năm', 'đã vượt kế hoạch': the plan is being reported on
            elif kind == "target" and self.negation_rx.search(text, max(0, m.start() - 30), m.start()):
                continue             # 'không tính tới phương án': a negated cue sets nothing
            out.append(Cue(m.start(), m.end(), kind, word, word in self.weak))
        return out

    def _outside_closed_brackets(self, text: str, cues: list[Cue], amount_start: int) -> list[Cue]:
        """Drop cues inside a parenthesis that closes before the amount: an aside governs nothing after it."""
        closed = [(a, b) for a, b in self._sentence_facts(text)[0] if b < amount_start]
        if not closed:
            return cues
        return [c for c in cues if not any(a < c.start and c.end <= b for a, b in closed)]

    @functools.lru_cache(maxsize=256)
    def _sentence_facts(self, text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
        """Per sentence, computed once for all its amounts: the bracket pairs (open, close) and
        where rate words end."""
        closed: list[tuple[int, int]] = []
        stack: list[int] = []
        for m in _BRACKET.finditer(text):
            if m.group() == "(":
                stack.append(m.start())
            elif stack:
                closed.append((stack.pop(), m.start()))
        rates = tuple(m.end() for m in self.rate_rx.finditer(text))
        return tuple(closed), rates

    @staticmethod
    def _bare_aside(text: str, cues: list[Cue], amount_start: int) -> bool:
        """An amount alone in brackets ('(34,7%)', '(gần 14.183 tỷ đồng)') restates or illustrates;
        it sets nothing unless a target cue stands inside the brackets with it."""
        open_at = text.rfind("(", 0, amount_start)
        if open_at < 0 or text.rfind(")", 0, amount_start) > open_at:
            return False
        inside = text[open_at + 1:amount_start]
        has_cue = any(c.kind == "target" and open_at < c.start < amount_start for c in cues)
        return not has_cue and len(inside.split()) <= 3

    def _last_reset(self, text: str, start: int, end: int, commas: bool = False) -> int:
        """Position after the last clause break (optionally commas too) or future-time phrase in text[start:end]."""
        last = start
        for rx in (self.clause_reset_rx if commas else self.strong_reset_rx, self.future_rx):
            for m in rx.finditer(text, start, end):
                last = max(last, m.end())
        return last

    def is_price(self, text: str, amount_start: int, unit_code: str | None, unit_dimension: str | None) -> bool:
        """Prices and fees: money per item (đồng/kg, USD/tấn) or a price noun just before the amount."""
        if unit_dimension == "currency" and unit_code and "/" in unit_code:
            denominator = unit_code.split("/", 1)[1].lower()
            if denominator not in self.per_capita:
                return True
        if unit_dimension == "currency":
            # the priced thing may sit before a bracketed aside: 'Giá vé tháng (học sinh, sinh viên) sẽ tăng'
            clause_start = text.rfind(";", 0, amount_start) + 1
            window = text[max(clause_start, amount_start - 100):amount_start]
            return bool(self.price_rx.search(window))
        return False

    def decide(self, text: str, cues: list[Cue], amount_start: int, after_unit: int, unit_code: str | None,
               unit_dimension: str | None = None) -> Decision:
        """Classify the amount at ``amount_start`` in ``text`` (one sentence)."""
        before = text[max(0, amount_start - 60):amount_start]
        if self.attribute_rx.search(before):
            return Decision("attribute", None, "attribute_before")
        if unit_code == "%" and self.status_after_percent_rx.match(text, after_unit):
            return Decision("status", None, "percent_of_plan")
        if self.is_price(text, amount_start, unit_code, unit_dimension):
            return Decision("attribute", None, "price")
        if self.change_start_rx.search(text, max(0, amount_start - 6), amount_start) \
                and self.change_end_rx.match(text[after_unit:after_unit + 20]):
            return Decision("status", None, "start_of_change")
        if any(end <= amount_start for end in self._sentence_facts(text)[1]):
            return Decision("attribute", None, "rate")
        clause_end = self.clause_reset_rx.search(text, after_unit)
        if self.status_in_clause_rx.search(text, after_unit, clause_end.start() if clause_end else len(text)):
            return Decision("status", None, "present_state_after")
        if self.condition_after_rx.search(text, after_unit, clause_end.start() if clause_end else len(text)):
            return Decision("condition", None, "eligibility_condition")
        if self._bare_aside(text, cues, amount_start):
            return Decision("status", None, "bracketed_aside")
        earlier = self._outside_closed_brackets(text, [c for c in cues if c.end <= amount_start], amount_start)
        if not earlier:
            return Decision("none", None, "no_cue")
        nearest = earlier[-1]
        if nearest.kind == "target" and nearest.weak:
            blocker = next((c for c in earlier if c.kind in ("forecast", "condition")), None)
            if blocker is not None:
                return Decision(blocker.kind, blocker, f"{blocker.kind}_over_weak_target")
            reset = self._last_reset(text, 0, nearest.start)
            past = next((c for c in earlier if c.kind == "status" and c.word not in self.non_blocking
                         and reset <= c.start < nearest.start), None)
            if past is not None:
                return Decision("status", past, "status_over_weak_target")
            if self.status_after_rx.match(text, after_unit):
                return Decision("status", None, "compared_with_past")
        if nearest.kind == "target":
            return Decision("target", nearest, "weak_cue" if nearest.weak else "strong_cue")
        # A condition anywhere earlier governs the whole sentence.
        if any(c.kind == "condition" for c in earlier):
            return Decision("condition", nearest, "condition")
        return Decision(nearest.kind, nearest, f"{nearest.kind}_cue")
