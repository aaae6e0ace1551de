"""Triggers: the cue words that make a quantity a target (phấn đấu, kế hoạch, sẽ), a
status (đã đạt, hiện), a forecast (dự báo) or an attribute (có tổng vốn đầu tư, công
suất), and the decision that reads them.

The nearest cue before an amount in its clause decides. A weak target cue (sẽ, dự kiến)
yields to an earlier forecast or condition in the same sentence (chuyên gia dự báo giá
sẽ tăng 5%).
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .resources import LanguageData

_START = r"(?<![\p{L}\p{M}\d])"
_END = r"(?![\p{L}\p{M}\d])"


def _alternation(words) -> str:
    return "|".join(sorted({regex.escape(w) for w in words}, key=len, reverse=True))


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


class TriggerFinder:
    def __init__(self, data: LanguageData):
        spec = data["triggers.json"]
        self.kind_of: dict[str, str] = {}
        for kind in ("status", "forecast", "condition"):
            for w in spec[kind]:
                self.kind_of[w.lower()] = kind
        for w in spec["target_strong"] + spec["target_weak"]:
            self.kind_of[w.lower()] = "target"
        self.weak = {w.lower() for w in spec["target_weak"]}
        self.cue_rx = regex.compile(rf"(?i){_START}(?:{_alternation(self.kind_of)}){_END}")
        self.attribute_rx = regex.compile(
            rf"(?i){_START}(?:{_alternation(spec['attribute_before'])})(?:\s+(?:là|khoảng|gần|hơn|trên|dưới|chỉ|lên tới|lên đến|đạt))*\s*$")
        self.status_after_percent_rx = regex.compile(
            rf"(?i)^\s*(?:{_alternation(spec['status_after_percent'])}){_END}")
        self.clause_reset_rx = regex.compile(rf"(?i)(?:[;:()\"]|{_START}(?:{_alternation([w for w in spec['clause_reset'] if w.isalpha() or ' ' in w])}){_END})")

    def cues(self, text: str) -> list[Cue]:
        out = []
        for m in self.cue_rx.finditer(text):
            word = m.group().lower()
            out.append(Cue(m.start(), m.end(), self.kind_of[word], word, word in self.weak))
        return out

    def decide(self, text: str, cues: list[Cue], amount_start: int, after_unit: int, unit_code: str | None) -> Decision:
        """Classify the amount at ``amount_start`` in ``text`` (one sentence)."""
        before = text[max(0, amount_start - 60):amount_start]
        if self.attribute_rx.search(before):
            return Decision("attribute", None, "attribute_before")
        if unit_code == "%" and self.status_after_percent_rx.match(text, after_unit):
            return Decision("status", None, "percent_of_plan")
        earlier = [c for c in cues if c.end <= amount_start]
        if not earlier:
            return Decision("none", None, "no_cue")
        nearest = earlier[-1]
        if nearest.kind == "target" and nearest.weak:
            blocker = next((c for c in earlier if c.kind in ("forecast", "condition")), None)
            if blocker is not None:
                return Decision(blocker.kind, blocker, f"{blocker.kind}_over_weak_target")
        if nearest.kind == "target":
            return Decision("target", nearest, "weak_cue" if nearest.weak else "strong_cue")
        # A condition anywhere earlier governs the whole sentence.
        if any(c.kind == "condition" for c in earlier):
            return Decision("condition", nearest, "condition")
        return Decision(nearest.kind, nearest, f"{nearest.kind}_cue")
