"""Units and comparators around an amount: what the number counts and how it bounds it.

``UnitFinder.after(text, pos)`` looks at the words right after an amount (currencies,
%, measures, rates such as 'triệu đồng/người/năm', counted nouns from the lexicon);
``ComparatorFinder`` reads the words right before it (ít nhất, không quá ...) and the
words after its unit (trở lên).
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .patterns import alternation
from .resources import LanguageData

_END = r"(?![\p{L}\p{M}\d])"



@dataclass(frozen=True)
class UnitMention:
    start: int
    end: int
    code: str
    dimension: str      # currency, percent, area ..., count for counted nouns
    source: str         # lexicon | counted_noun | pos


@dataclass(frozen=True)
class ComparatorMention:
    comparator: str     # eq gte gt lte lt approx range
    start: int | None = None
    end: int | None = None


class UnitFinder:
    def __init__(self, data: LanguageData):
        spec = data["units.json"]
        nouns = data["counted_nouns.json"]
        self.by_form: dict[str, tuple[str, str]] = {}
        insensitive, sensitive = [], []
        for unit in spec["units"]:
            for form in unit["forms"]:
                key = form if unit.get("case_sensitive") else form.lower()
                self.by_form[key] = (unit["code"], unit["dimension"])
                (sensitive if unit.get("case_sensitive") else insensitive).append(form)
        self.case_sensitive = {f for u in spec["units"] if u.get("case_sensitive") for f in u["forms"]}
        denominators = alternation(spec["rate_denominators"] + [f for u in spec["units"] for f in u["forms"]])
        rate = rf"(?P<rate>(?:\s*/\s*(?:{denominators}){_END})*)"
        self.measure_rx = regex.compile(
            rf"\s*(?P<unit>(?i:{alternation(insensitive)})|{alternation(sensitive)}){_END}{rate}"
            if sensitive else rf"\s*(?P<unit>(?i:{alternation(insensitive)})){_END}{rate}")
        self.percent_rx = regex.compile(rf"\s*(?P<unit>%){rate}")
        self.noun_rx = regex.compile(rf"\s+(?P<unit>(?i:{alternation(nouns['nouns'])})){_END}{rate}")
        # 'còn 20 SV/GV': a ratio of two nouns the lexicon does not know is still a unit, as written.
        self.ratio_rx = regex.compile(r"\s*(?P<unit>\p{L}[\p{L}\p{M}]{0,11}\s*/\s*\p{L}[\p{L}\p{M}]{0,11})(?![\p{L}\p{M}\d/])")
        self.never_rx = regex.compile(rf"\s*(?i:{alternation(nouns['never_units'])}){_END}")
        self.classifiers = set(nouns["classifiers"])
        self.never_units = set(nouns["never_units"])

    def _code(self, form: str) -> tuple[str, str]:
        return self.by_form.get(form) or self.by_form[form.lower()]

    def after(self, text: str, pos: int, end: int | None = None) -> UnitMention | None:
        """The unit that starts right after ``pos`` (the end of an amount), if any, read no
        further than ``end`` (the end of the sentence)."""
        end = len(text) if end is None else end
        for rx in (self.percent_rx, self.measure_rx):
            m = rx.match(text, pos, end)
            if m:
                code, dim = self._code(m.group("unit"))
                return UnitMention(m.start("unit"), m.end(), code + self._rate(m.group("rate")), dim, "lexicon")
        if self.never_rx.match(text, pos, end):
            return None
        m = self.noun_rx.match(text, pos, end)
        if m:
            return UnitMention(m.start("unit"), m.end(), m.group("unit").lower() + self._rate(m.group("rate")),
                               "count", "counted_noun")
        m = self.ratio_rx.match(text, pos, end)
        if m:
            code = "/".join(part.strip().lower() for part in m.group("unit").split("/"))
            return UnitMention(m.start("unit"), m.end(), code, "rate", "ratio")
        return None

    def is_time_noun(self, text: str, pos: int) -> bool:
        """A duration, age, score or ordinal follows (5 năm, 30 tuổi, 9 điểm) and no measure does
        (1,5 điểm phần trăm is a measure)."""
        if self.percent_rx.match(text, pos) or self.measure_rx.match(text, pos):
            return False
        return bool(self.never_rx.match(text, pos))

    def _rate(self, rate: str) -> str:
        parts = [p.strip() for p in rate.split("/") if p.strip()]
        out = []
        for p in parts:
            known = self.by_form.get(p) or self.by_form.get(p.lower())
            out.append(known[0] if known else p.lower())
        return "".join("/" + p for p in out)

    def from_tokens(self, tokens, text: str, pos: int) -> UnitMention | None:
        """Counted noun from POS tags when the lexicon knows no unit: '5 quy hoạch', '2 buổi hội nghị'."""
        following = [t for t in tokens if t.start >= pos]
        if not following or text[pos:following[0].start].strip():
            return None
        first = following[0]
        if first.tag not in ("N", "Nc") or not first.text[:1].islower() or first.text.lower() in self.never_units:
            return None
        end = first.end
        if (first.tag == "Nc" or first.text.lower() in self.classifiers) and len(following) > 1:
            second = following[1]
            # after a classifier a verb is nominalised: 'trung tâm giao dịch', 'điểm bắn pháo hoa'
            if second.tag in ("N", "V") and second.text[:1].islower() and not text[first.end:second.start].strip():
                end = second.end
        return UnitMention(first.start, end, text[first.start:end].lower(), "count", "pos")


class ComparatorFinder:
    def __init__(self, data: LanguageData):
        spec = data["comparators.json"]
        self.prefix: dict[str, str] = {}
        for comp, words in spec["prefix"].items():
            for w in words:
                self.prefix[w.lower()] = comp
        self.suffix = {w.lower(): comp for comp, words in spec["suffix"].items() for w in words}
        self.prefix_rx = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?i:{alternation(self.prefix)})\s+$")
        self.suffix_rx = regex.compile(rf"\s+(?i:{alternation(self.suffix)}){_END}")

    def around(self, text: str, amount_start: int, after_unit: int, is_range: bool, approx: bool) -> ComparatorMention:
        if is_range:
            return ComparatorMention("range")
        m = self.suffix_rx.match(text, after_unit)
        if m:
            return ComparatorMention(self.suffix[m.group().strip().lower()], m.start() + 1, m.end())
        window_start = max(0, amount_start - 30)
        m = self.prefix_rx.search(text, window_start, amount_start)
        if m:
            words = m.group().strip()
            return ComparatorMention(self.prefix[words.lower()], m.start(), m.start() + len(words))
        if approx:
            return ComparatorMention("approx")
        return ComparatorMention("eq")
