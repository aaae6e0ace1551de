"""Metric: the words naming what is measured or done, taken as one contiguous slice of
the sentence so that its offsets stay exact.

Two candidate slices surround an amount: the words before it (back to the governing cue,
the previous amount, or a deadline) and the words after its unit (up to the next clause
break). Linking words at their edges (đạt, sẽ, lên ...) are trimmed; the longer slice wins.
A counted noun (4 dự án mới) belongs to the metric, so the slice after it then starts at it.
"""
from __future__ import annotations

import regex

from .resources import LanguageData

_WORD = regex.compile(r"[\p{L}\p{M}\d][\p{L}\p{M}\d&.\-/]*")


class MetricFinder:
    def __init__(self, data: LanguageData):
        spec = data["metric.json"]
        self.trim = {w.lower() for w in spec["trim"]}
        self.trim_set = {tuple(w.lower().split()) for w in spec["trim"]}
        self.trim_lengths = sorted({len(p) for p in self.trim_set}, reverse=True)
        self.kept_cues = {w.lower() for w in spec["kept_cues"]}
        self.growth_verbs = {w.lower() for w in spec["growth_verbs"]}
        self.max_before = spec["max_syllables_before"]
        self.max_after = spec["max_syllables_after"]
        stops = sorted(spec["stop_after"], key=len, reverse=True)
        words = [regex.escape(s) for s in stops if s[0].isalpha()]
        marks = "".join(regex.escape(s) for s in stops if not s[0].isalpha())
        # Another number also ends the words after an amount: they describe that number.
        self.stop_rx = regex.compile(
            rf"[{marks}]|\d|(?<![\p{{L}}\p{{M}}])(?i:{'|'.join(words)})(?![\p{{L}}\p{{M}}])")

    def _words(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]

    def _trim(self, text: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
        lowered = [text[s:e].lower() for s, e in words]
        lo, hi = 0, len(words)
        changed = True
        while changed and lo < hi:
            changed = False
            for n in self.trim_lengths:
                if hi - lo >= n and tuple(lowered[lo:lo + n]) in self.trim_set:
                    lo, changed = lo + n, True
                    break
                if hi - lo >= n and tuple(lowered[hi - n:hi]) in self.trim_set:
                    hi, changed = hi - n, True
                    break
        return words[lo:hi]

    def before(self, text: str, left: int, right: int) -> tuple[int, int] | None:
        words = self._words(text, left, right)[-self.max_before:]
        words = self._trim(text, words)
        return (words[0][0], words[-1][1]) if words else None

    def after(self, text: str, left: int, right: int) -> tuple[int, int] | None:
        stop = self.stop_rx.search(text, left, right)
        end = stop.start() if stop else right
        words = self._words(text, left, end)[:self.max_after]
        words = self._trim(text, words)
        return (words[0][0], words[-1][1]) if words else None

    def is_bare_growth(self, text: str, span: tuple[int, int] | None) -> bool:
        """True when ``span`` is empty or just 'tăng'/'giảm': it names no metric by itself."""
        return span is None or text[span[0]:span[1]].lower() in self.growth_verbs

    def size(self, text: str, span: tuple[int, int] | None) -> int:
        return len(self._words(text, *span)) if span else 0

    def choose(self, text: str, before: tuple[int, int] | None, after: tuple[int, int] | None) -> tuple[int, int] | None:
        def size(span):
            return len(self._words(text, *span)) if span else 0
        if size(after) > size(before):
            return after
        return before or after
