"""Units and comparators around an amount: what the number counts and how it bounds it.

``UnitFinder.after(text, pos, end)`` reads the words right after an amount, never past
``end`` (the sentence end). It has two readings:

- the lexicon reading (the default, ``LexiconReading``): currencies, %, measures and the
  counted nouns of counted_nouns.json, with '/' rates of listed denominators, exactly as the
  shipped decision model (models/decision.json) was trained on them;
- the open reading (``open_class=True``): counted nouns read from the words themselves
  (``vnpolicy.counted``), rates from their words (*triệu đồng/người/năm*, *9 triệu thùng
  mỗi ngày*, *200 sinh viên/10.000 dân*, *USD/ounce*), nothing past the end of the line.

``UnitFinder.of`` is the open reading plus the units a number implies (*một nửa* is a
share, *gấp đôi* a multiple); ``UnitFinder.refine`` asks underthesea's tagger about a
counted noun no word list knows. ``ComparatorFinder`` reads the words right before an
amount (ít nhất, không quá ...) and the words after its unit (trở lên).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import regex

from .counted import CountedNounReader
from .numbers import NumberMention
from .patterns import NOT_CONCURRENT, alternation, suffix_alternation
from .resources import LanguageData

_END = r"(?![\p{L}\p{M}\d])"


@dataclass(frozen=True)
class UnitMention:
    """A unit, with the offsets of the words that say it.

    ``source`` tells how it was read: ``lexicon`` (units.json: currency, %, measure),
    ``counted_noun`` (a noun of counted_nouns.json heads it), ``open`` (read from the word
    classes), ``guessed`` (its head is a lower-case word no list knows: see ``refine``),
    ``ratio`` (*20 SV/GV*), ``implied`` (the number implies it: *một nửa* is %,
    *gấp đôi* is times; the span is the words that imply it, which may stand before the
    number), ``elided``/``shared`` (taken from another quantity, see ``vnpolicy.quantities``;
    the span is that quantity's unit), ``pos`` (read by ``refine`` from underthesea's tags)."""
    start: int
    end: int
    code: str
    dimension: str      # currency, percent, area ..., count for counted nouns
    source: str


@dataclass(frozen=True)
class ComparatorMention:
    comparator: str     # eq gte gt lte lt approx range
    start: int | None = None
    end: int | None = None


# The comparators said by no word of their own, one shared instance each (they are frozen):
# every number without a comparator word gets one.
_WORDLESS = {c: ComparatorMention(c) for c in ("range", "approx", "eq")}


class UnitFinder:
    def __init__(self, data: LanguageData):
        spec = data["units.json"]
        nouns = data["counted_nouns.json"]
        self.counted = CountedNounReader(data)
        self.by_form: dict[str, tuple[str, str]] = {}
        for unit in spec["units"]:
            for form in unit["forms"]:
                key = form if unit.get("case_sensitive") else form.lower()
                self.by_form[key] = (unit["code"], unit["dimension"])
        self.lexicon = LexiconReading(spec, nouns, self.by_form)
        self.measure_rx = _measure_rx(spec["units"], "")
        self.percent_rx = regex.compile(r"\s*(?P<unit>%)")
        self._init_rates(spec)
        self.ratio_rx = self.lexicon.ratio_rx
        self.never_rx = self.lexicon.never_rx
        self.classifiers = set(nouns["classifiers"])
        self.never_units = set(nouns["never_units"])
        # read right to left from the number (to ``\Z``): only the place right before it is tried
        self.times_before_rx = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}])(?i:{suffix_alternation(spec['times_before'])})\s+\Z", regex.REVERSE)

    def _init_rates(self, spec: dict) -> None:
        forms = [f for u in spec["units"] for f in u["forms"]]
        times = spec["time_denominators"]
        denominators = alternation(spec["rate_denominators"] + spec["open_rate_denominators"] + forms + times)
        self.slash_rx = regex.compile(rf"\s*/\s*(?P<num>\d[\d.,]*\s+)?(?P<d>{denominators}){_END}")
        self.open_slash_rx = regex.compile(r"\s*/\s*(?=\p{Ll})")
        self.marker_rx = regex.compile(
            rf"\s+(?i:{alternation(spec['rate_markers'])})\s+(?P<d>(?i:{denominators})){_END}"
            rf"|\s+(?i:{alternation(spec['time_rate_markers'])})\s+(?P<d>(?i:{alternation(times)})){_END}")
        self.time_words = {t.lower() for t in times}
        self.time_rate_dropped = set(spec["time_rate_dropped"])

    def _code(self, form: str) -> tuple[str, str]:
        return self.by_form.get(form) or self.by_form[form.lower()]

    @staticmethod
    def _bound(text: str, pos: int, end: int | None) -> int:
        """No unit reaches past ``end``, nor, when none is given, past the end of the line."""
        if end is None:
            line_end = text.find("\n", pos)
            return len(text) if line_end < 0 else line_end
        return min(end, len(text))

    def after(self, text: str, pos: int, end: int | None = None, open_class: bool = False) -> UnitMention | None:
        """The unit that starts right after ``pos`` (the end of an amount) and ends by ``end``, if any.

        With ``open_class`` (the open reading) a counted noun is read from the words themselves
        (``vnpolicy.counted``: *2 buổi hội nghị, 120 nền, 5 hành lang kinh tế*), a rate from its
        words (*thùng mỗi ngày*, *USD/ounce*, *sinh viên/10.000 dân*), and nothing past the end of
        the line when ``end`` is not given. Without it, the lexicon reading: exactly the units
        the shipped decision model was trained on (``LexiconReading``)."""
        if not open_class:
            return self.lexicon.after(text, pos, end)
        end = self._bound(text, pos, end)
        if not _may_start_unit(text, pos, end):
            return None
        for rx in (self.percent_rx, self.measure_rx):
            m = rx.match(text, pos, end, NOT_CONCURRENT)
            if m:
                code, dim = self._code(m.group("unit"))
                return self._with_rate(text, UnitMention(m.start("unit"), m.end("unit"), code, dim, "lexicon"), end)
        if self.never_rx.match(text, pos, end, NOT_CONCURRENT):
            return None
        noun = self.counted.read(text, pos, end)
        if noun is not None:
            return self._with_rate(text, UnitMention(noun.start, noun.end, noun.code, "count", noun.source), end)
        m = self.ratio_rx.match(text, pos, end, NOT_CONCURRENT)
        if m:
            code = "/".join(part.strip().lower() for part in m.group("unit").split("/"))
            return UnitMention(m.start("unit"), m.end(), code, "rate", "ratio")
        return None

    def of(self, text: str, number: NumberMention, end: int | None = None, open_class: bool = True,
           start: int = 0) -> UnitMention | None:
        """The unit of ``number``: the one written after it (``after``, counted nouns read as an
        open class unless told otherwise), else the one its words imply (*một nửa*, *2/3*: %;
        *gấp đôi*, *gấp 3*: times), read within text[start:end] (the sentence)."""
        if number.kind == "share":
            return UnitMention(number.start, number.end, "%", "percent", "implied")
        unit = self.after(text, number.end, end, open_class)
        if unit is None or unit.dimension == "count":
            # 'gấp đôi con số năm trước': what follows a multiple is the thing multiplied
            m = self.times_before_rx.match(text, max(start, number.start - 12), number.start, NOT_CONCURRENT)
            if m:
                word_end = m.start() + len(m.group().rstrip())
                return UnitMention(m.start(), word_end, "times", "ratio", "implied")
        return unit

    def is_time_noun(self, text: str, pos: int, end: int | None = None) -> bool:
        """A duration, age, score or ordinal follows (5 năm, 30 tuổi, 9 điểm) and no measure does
        (1,5 điểm phần trăm is a measure). Read no further than ``end`` when it is given (without
        it, as the shipped decision model was trained, the words may run past a line break)."""
        return self.lexicon.is_time_noun(text, pos, end)

    def _with_rate(self, text: str, unit: UnitMention, end: int) -> UnitMention:
        """The unit with the denominators after it: /người/năm, mỗi ngày, hằng năm, /10.000 dân."""
        parts, stop = self._denominators(text, unit.end, end)
        if not parts:
            return unit
        if unit.code in self.time_rate_dropped and all(p in self.time_words for p in parts):
            return replace(unit, end=stop)          # 7%/năm: a per cent is a rate already
        return replace(unit, end=stop, code=unit.code + "".join("/" + p for p in parts))

    def _denominators(self, text: str, pos: int, end: int) -> tuple[list[str], int]:
        parts: list[str] = []
        while len(parts) < 3:
            m = self.slash_rx.match(text, pos, end, NOT_CONCURRENT) or self.marker_rx.match(text, pos, end, NOT_CONCURRENT)
            if m:
                number = (m.groupdict().get("num") or "").strip()
                parts.append((number + " " if number else "") + self._canonical(m.group("d")))
                pos = m.end()
                continue
            m = self.open_slash_rx.match(text, pos, end, NOT_CONCURRENT)      # '3 sản phẩm/khách hàng'
            noun = self.counted.read(text, m.end(), end, glued=True) if m else None
            if noun is None:
                break
            parts.append(noun.code)
            pos = noun.end
        return parts, pos

    def _canonical(self, written: str) -> str:
        known = self.by_form.get(written) or self.by_form.get(written.lower())
        return known[0] if known else " ".join(written.lower().split())

    def refine(self, text: str, pos: int, end: int, unit: UnitMention | None) -> UnitMention | None:
        """A second look, with underthesea's tagger (about 1 ms), at a counted noun whose head no
        word list knows (source ``guessed``): the tagger's noun phrase after ``pos`` replaces it,
        or, when the tagger sees no noun there, there is no unit. Every other unit is returned
        as it is: on the gold sets the word classes read them better than the tagger does."""
        if unit is None or unit.source != "guessed":
            return unit
        from . import tokens
        window_end = min(end, pos + self.REFINE_WINDOW)
        while window_end < end and not text[window_end].isspace():
            window_end += 1
        found = self._noun_from_tags([_shift(t, pos) for t in tokens.tag(text[pos:window_end])], text, pos)
        if found is None:
            return None
        return self._with_rate(text, found, self._bound(text, pos, end))

    REFINE_WINDOW = 40    # characters after the number that the tagger sees
    REFINE_MODIFIERS = 2  # nouns after the head that still belong to the counted noun

    def from_tokens(self, tokens, text: str, pos: int) -> UnitMention | None:
        """Counted noun from POS tags when the lexicon knows no unit: '5 quy hoạch', '2 buổi hội nghị'
        (the lexicon reading's refinement, which ``targets`` applies to accepted classifiers)."""
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

    def _noun_from_tags(self, tokens, text: str, pos: int) -> UnitMention | None:
        """The open reading's counted noun from POS tags: a noun or classifier head, the word a
        classifier takes, and up to ``REFINE_MODIFIERS`` nouns of the compound."""
        following = [t for t in tokens if t.start >= pos]
        if not following or text[pos:following[0].start].strip():
            return None
        first = following[0]
        word = first.text.lower()
        if first.tag not in ("N", "Nc", "Nu", "Nb", "Ny") or not first.text[:1].islower() or word in self.counted.stops:
            return None
        end, i = first.end, 1
        if (first.tag == "Nc" or word in self.counted.classifiers) and len(following) > 1:
            second = following[1]
            if second.tag in ("N", "V") and second.text[:1].islower() and not text[first.end:second.start].strip():
                end, i = second.end, 2
        for t in following[i:i + self.REFINE_MODIFIERS]:
            if t.tag != "N" or not t.text[:1].islower() or text[end:t.start].strip() \
                    or t.text.lower() in self.counted.stops or t.text.lower() in self.counted.not_modifiers:
                break
            end = t.end
        return UnitMention(first.start, end, " ".join(text[first.start:end].lower().split()), "count", "pos")


def _may_start_unit(text: str, pos: int, end: int) -> bool:
    """Every unit starts with a letter or '%' after at most a few spaces: a number followed by
    punctuation (most are) is done with at once."""
    for i in range(pos, min(end, pos + 4)):
        ch = text[i]
        if ch != " " and ch != "\t":
            return ch.isalpha() or ch == "%"
    return False


def _reach(text: str, pos: int, width: int = 200) -> int:
    """How far the words after ``pos`` are read when no end is given: past the spaces there and
    ``width`` characters on, farther than any unit reaches. (An end is always given to the
    pattern engine: without one, a pattern that needs a character the text lacks, such as '%',
    scans the rest of the text for it on every call.)"""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return min(len(text), pos + width)


def _shift(token, by: int):
    from .tokens import Token
    return Token(token.start + by, token.end + by, token.text, token.tag)


class LexiconReading:
    """The units read from the lexicons alone, exactly as the shipped decision model
    (models/decision.json) was trained on them: the currencies, measures and counted nouns
    listed, with '/' rates of ``rate_denominators``. The open reading of ``UnitFinder`` reads
    more; this one stays as it is until the decision is retrained on the open reading
    (``vnpolicy train``), so that the shipped weights still reproduce."""

    def __init__(self, spec: dict, nouns: dict, by_form: dict[str, tuple[str, str]]):
        units = [u for u in spec["units"] if not u.get("open_only")]
        self.by_form = by_form
        denominators = alternation(spec["rate_denominators"] + [f for u in units for f in u["forms"]])
        rate = rf"(?P<rate>(?:\s*/\s*(?:{denominators}){_END})*)"
        self.measure_rx = _measure_rx(units, rate)
        self.percent_rx = regex.compile(rf"\s*(?P<unit>%){rate}")
        self.noun_rx = regex.compile(rf"\s+(?P<unit>(?i:{alternation(nouns['nouns'])})){_END}{rate}")
        # 'còn 20 SV/GV': a ratio of two nouns the lexicon does not know is still a unit, as written.
        self.ratio_rx = regex.compile(r"\s*(?P<unit>\p{L}[\p{L}\p{M}]{0,11}\s*/\s*\p{L}[\p{L}\p{M}]{0,11})(?![\p{L}\p{M}\d/])")
        self.never_rx = regex.compile(rf"\s*(?i:{alternation(nouns['never_units'])}){_END}")

    def after(self, text: str, pos: int, end: int | None = None) -> UnitMention | None:
        end = _reach(text, pos) if end is None else end
        for rx in (self.percent_rx, self.measure_rx):
            m = rx.match(text, pos, end, NOT_CONCURRENT)
            if m:
                code, dim = self.by_form.get(m.group("unit")) or self.by_form[m.group("unit").lower()]
                return UnitMention(m.start("unit"), m.end(), code + self._rate(m.group("rate")), dim, "lexicon")
        if self.never_rx.match(text, pos, end, NOT_CONCURRENT):
            return None
        m = self.noun_rx.match(text, pos, end, NOT_CONCURRENT)
        if m:
            return UnitMention(m.start("unit"), m.end(), m.group("unit").lower() + self._rate(m.group("rate")),
                               "count", "counted_noun")
        m = self.ratio_rx.match(text, pos, end, NOT_CONCURRENT)
        if m:
            code = "/".join(part.strip().lower() for part in m.group("unit").split("/"))
            return UnitMention(m.start("unit"), m.end(), code, "rate", "ratio")
        return None

    def is_time_noun(self, text: str, pos: int, end: int | None = None) -> bool:
        end = _reach(text, pos) if end is None else end
        # a time noun that no measure overrides: the rarer test first (after most numbers none follows)
        if not self.never_rx.match(text, pos, end, NOT_CONCURRENT):
            return False
        return not (self.percent_rx.match(text, pos, end, NOT_CONCURRENT)
                    or self.measure_rx.match(text, pos, end, NOT_CONCURRENT))

    def _rate(self, rate: str) -> str:
        parts = [p.strip() for p in rate.split("/") if p.strip()]
        out = []
        for p in parts:
            known = self.by_form.get(p) or self.by_form.get(p.lower())
            out.append(known[0] if known else p.lower())
        return "".join("/" + p for p in out)


def _measure_rx(units: list[dict], rate: str) -> regex.Pattern:
    """A unit of ``units`` (case-insensitive unless the unit says otherwise), then ``rate``."""
    sensitive = [f for u in units if u.get("case_sensitive") for f in u["forms"]]
    insensitive = [f for u in units if not u.get("case_sensitive") for f in u["forms"]]
    alt = rf"(?i:{alternation(insensitive)})" + (f"|{alternation(sensitive)}" if sensitive else "")
    return regex.compile(rf"\s*(?P<unit>{alt}){_END}{rate}")


class ComparatorFinder:
    def __init__(self, data: LanguageData):
        spec = data["comparators.json"]
        self.prefix: dict[str, str] = {}
        for comp, words in spec["prefix"].items():
            for w in words:
                self.prefix[w.lower()] = comp
        self.suffix = {w.lower(): comp for comp, words in spec["suffix"].items() for w in words}
        # read right to left from the amount, the longest word first: the same match as the
        # leftmost one, with only the place right before the amount tried
        self.prefix_rx = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?i:{suffix_alternation(self.prefix)})\s+\Z",
                                       regex.REVERSE)
        self.suffix_rx = regex.compile(rf"\s+(?i:{alternation(self.suffix)}){_END}")

    def around(self, text: str, amount_start: int, after_unit: int, is_range: bool, approx: bool,
               start: int | None = None, end: int | None = None) -> ComparatorMention:
        """The comparator of the amount at ``amount_start`` whose unit ends at ``after_unit``,
        from words within text[start:end] (the sentence; by default the text)."""
        if is_range:
            return _WORDLESS["range"]
        end = len(text) if end is None else end
        m = self.suffix_rx.match(text, after_unit, min(end, after_unit + 40), NOT_CONCURRENT)   # bounded: never rescans the text
        if m:
            words = m.group().strip()
            return ComparatorMention(self.suffix[words.lower()], m.end() - len(words), m.end())
        window_start = max(0 if start is None else start, amount_start - 30)
        m = self.prefix_rx.match(text, window_start, amount_start, NOT_CONCURRENT)
        if m:
            words = m.group().strip()
            return ComparatorMention(self.prefix[words.lower()], m.start(), m.start() + len(words))
        if approx:
            return _WORDLESS["approx"]
        return _WORDLESS["eq"]
