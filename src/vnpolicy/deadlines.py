"""Deadlines: find time expressions and resolve them to the END of the period they name.

Finding and resolving are apart: ``DeadlineFinder.find`` returns ``TimeMention``s with the
raw parts a rule captured; ``resolve`` turns one into a date against the article's
publication date. Relative expressions (năm nay, năm tới, trong 5 năm tới) need that date
and resolve to ``None`` without it — never to "today".
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import regex

from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED, alternation
from .resources import LanguageData

_YEAR = r"(?:19|20)\d{2}"
_YEAR_RX = regex.compile(rf"(?<!\d){_YEAR}(?!\d)")
_DATED_YEAR_RX = regex.compile(rf"[/.\-]\s*{_YEAR}")   # the end of 12/5/2025, 12.5.2025, 12-5-2025
_B = r"(?<![\p{L}\p{M}\d])"      # word start
_E = r"(?![\p{L}\p{M}\d])"        # word end


_DIGIT = regex.compile(r"\d")


def _readable(words: str) -> bool:
    """Can Python read every digit the pattern engine matched? (The engine knows the digits of
    newer Unicode versions than Python's own tables, U+10D40 among them.)"""
    digits = "".join(_DIGIT.findall(words, None, None, NOT_OVERLAPPED, NOT_CONCURRENT))
    return not digits or digits.isdecimal()


@dataclass(frozen=True)
class TimeMention:
    start: int            # whole expression, lead-in words included
    end: int
    rule: str
    parts: dict = field(default_factory=dict, compare=False, hash=False)
    lead: str = ""        # đến, trước, trong ... (lower case)
    baseline: bool = False  # 'so với năm 2005', 'từ năm 2020': a reference, not a deadline
    start_bound: bool = False  # 'sau năm 2030', 'kể từ năm 2025': where something starts
    horizon: bool = False   # 'tầm nhìn đến năm 2045'


@dataclass(frozen=True)
class ResolvedDeadline:
    date: dt.date | None
    granularity: str


def _phrases(words) -> list[str]:
    """Escaped patterns of multi-word phrases, any run of spaces between words, longest first."""
    return [regex.escape(w).replace(r"\ ", r"\s+").replace(" ", r"\s+")
            for w in sorted(words, key=len, reverse=True)]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:            # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DeadlineFinder:
    def __init__(self, data: LanguageData):
        spec = data["time.json"]
        self.roman = spec["roman_quarters"]
        self.quarter_words = spec["quarter_number_words"]
        self.relative = spec["relative"]
        self.half_year = spec["half_year"]
        self.duration_units = spec["duration_units"]
        # a trie, longest word first like a sorted alternation, but rejecting a position at once
        alt = alternation
        lead = alt(spec["lead_in"])
        q = alt(list(self.roman) + list(self.quarter_words))
        period = alt(spec["period_words"])
        half = alt(self.half_year)
        rel = alt(self.relative)
        dur_units = alt(self.duration_units)
        future = alt(spec["duration_future_markers"])
        horizon = alt(spec["horizon_words"])
        year, quarter, month, day = (alt(spec[k]) for k in ("year_words", "quarter_words", "month_words", "day_words"))
        joiner = alt(spec["range_joiners"])
        opener = alt(spec["range_openers"])
        self.this_or_next = spec["this_or_next"]
        this = alt(self.this_or_next)
        edge = alt(spec["year_edges"])
        month_edge = rf"(?:(?:{alt(spec['month_edges'])})\s+)?"
        self.duration_numbers = spec["duration_numbers"]
        dur_n = rf"\d{{1,2}}|{alt(self.duration_numbers)}"
        filler = "|".join(p + r"\s+" for p in _phrases(spec["duration_fillers"]))
        dur_lead = alt(spec["duration_lead"])
        plain_units = alt(spec["duration_plain_units"])
        not_after = alt(spec["not_after_bare_year"])
        self.recurring_rx = regex.compile(rf"(?i){_B}(?:{alt(spec['recurring'])}){_E}")
        # Each rule: a name and a pattern; the first rule that matches at a place wins.
        rules = [
            ("period_range", rf"(?:(?:{period})\s+)?(?:(?:{opener})\s+)?(?:(?:{year})\s+)?(?P<y1>{_YEAR})\s*(?:{joiner})\s*(?:(?:{year})\s+)?(?P<y2>{_YEAR}){_E}"),
            ("half_year", rf"(?P<half>{half})(?:\s+(?:(?:{year})\s+)?(?P<year>{_YEAR}|nay))?{_E}"),
            ("quarter", rf"(?:{quarter})\s+(?P<q>{q})(?:\s*(?:/|{year}|-)\s*(?:(?:{year})\s+)?(?P<year>{_YEAR}))?(?:\s+(?P<this>{this}))?{_E}"),
            ("day_month_year", rf"(?:(?:{day})\s+)?(?P<d>\d{{1,2}})\s*(?P<sep>[/.\-])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<year>{_YEAR}){_E}"),
            ("day_month_year_words", rf"(?:{day})\s+(?P<d>\d{{1,2}})\s+(?:{month})\s+(?P<m>\d{{1,2}})(?:\s+(?:{year})\s+(?P<year>{_YEAR}))?{_E}"),
            ("day_month", rf"(?:{day})\s+(?P<d>\d{{1,2}})\s*/\s*(?P<m>\d{{1,2}})(?!\s*/\s*\d){_E}"),
            ("month_year", rf"{month_edge}(?:{month})\s+(?P<m>\d{{1,2}})\s*(?:/|{year}|-)\s*(?:(?:{year})\s+)?(?P<year>{_YEAR}){_E}"),
            ("month", rf"{month_edge}(?:{month})\s+(?P<m>\d{{1,2}}){_E}(?!\s*(?:/|{year})\s*\d)(?:\s+(?P<this>{this}))?"),
            ("year", rf"(?:(?:{edge})\s+)?(?:{year})\s+(?P<year>{_YEAR}){_E}"),
            ("relative_duration", rf"(?:(?:{dur_lead})\s+)?(?:{filler})*(?P<n>{dur_n})\s+(?P<du>{dur_units})\s+(?P<fut>{future}){_E}"),
            ("relative_duration_plain", rf"(?:{dur_lead})\s+(?:{filler})+(?P<n>{dur_n})\s+(?P<du>{plain_units}){_E}"),
            ("relative", rf"(?P<rel>{rel}){_E}(?!\s+(?:{alt(spec['relative_not_before'])}|\d){_E})"),
            ("bare_year", rf"(?<=(?:{lead}|{horizon})\s+)(?P<year>{_YEAR}){_E}(?!\s*(?:{not_after}))"),
        ]
        self.rules = [(name, regex.compile(rf"(?i){_B}{pattern}")) for name, pattern in rules]
        # Words a rule cannot match without: a sentence that lacks them skips the rule unrun.
        # Each phrase is stood for by its longest word, whatever the spacing between its words.
        # A rule with several lists of them needs a word of each (a duration and its future marker).
        anchors = lambda phrases: tuple(sorted({max(p.lower().split(), key=len) for p in phrases}))
        keywords = {
            "half_year": [anchors(self.half_year)],
            "quarter": [anchors(spec["quarter_words"])],
            "day_month_year_words": [anchors(spec["day_words"])], "day_month": [anchors(spec["day_words"])],
            "month_year": [anchors(spec["month_words"])], "month": [anchors(spec["month_words"])],
            "year": [anchors(spec["year_words"])],
            "relative_duration": [anchors(self.duration_units), anchors(spec["duration_future_markers"])],
            "relative_duration_plain": [anchors(spec["duration_plain_units"]), anchors(spec["duration_lead"])],
            "relative": [anchors(self.relative)],
        }
        self.rule_keywords = [[frozenset(words) for words in keywords.get(name, [])] for name, _ in self.rules]
        self.all_keywords = tuple(sorted({k for lists in self.rule_keywords for words in lists for k in words}))
        # The four-digit years a rule cannot match without: two for a range of years, one for the
        # others that end in a year; a written date also needs a separator right before its year.
        needs = {"period_range": 2, "day_month_year": 1, "month_year": 1, "year": 1, "bare_year": 1}
        self.years_needed = [needs.get(name, 0) for name, _ in self.rules]
        self.needs_dated_year = [name == "day_month_year" for name, _ in self.rules]
        # Every rule needs a digit or one of these words: a sentence with neither is skipped at once.
        # (the digit is looked for first, on its own: one character class scans fast)
        self.quick_rx = regex.compile(rf"(?i){_B}(?:{year}|{quarter}|{month}|{day}|{half}|{rel}){_E}")
        self.lead_rx = regex.compile(rf"(?i)(?:{_B}(?:{lead})\s+)+$")
        # Words right before a time expression, asked only whether they are there: read right to
        # left from the end of the text before it, so that only that one place is tried.
        baseline = "|".join(_phrases(spec["baseline_before"]))
        self.baseline_rx = regex.compile(rf"(?i)(?:{baseline})\s+\Z", regex.REVERSE)
        start_bound = "|".join(_phrases(spec["start_bound_before"]))
        self.start_bound_rx = regex.compile(rf"(?i)(?<![\p{{L}}\p{{M}}])(?:{start_bound})\s+\Z", regex.REVERSE)
        self.horizon_rx = regex.compile(rf"(?i)(?:{horizon})\s+\Z", regex.REVERSE)
        self.before_words = set(spec["before_words"])
        # a one-word 'before' (trước) is the lead's first word; only the others are compared in full
        self.before_tokens = {w for w in self.before_words if w.split() == [w]}
        self.before_phrases = tuple(w for w in self.before_words if w not in self.before_tokens)

    def find(self, text: str, pos: int = 0, endpos: int | None = None) -> list[TimeMention]:
        """Time expressions in text[pos:endpos], with offsets into ``text``."""
        endpos = len(text) if endpos is None else endpos
        if not (_DIGIT.search(text, pos, endpos, NOT_CONCURRENT) or self.quick_rx.search(text, pos, endpos, NOT_CONCURRENT)):
            return []
        taken = bytearray(endpos - pos + 1)
        found: list[TimeMention] = []
        lower = text[pos:endpos].lower()
        years = len(_YEAR_RX.findall(lower, None, None, NOT_OVERLAPPED, NOT_CONCURRENT))
        dated_year = years > 0 and _DATED_YEAR_RX.search(lower, None, None, NOT_CONCURRENT) is not None
        present = set(filter(lower.__contains__, self.all_keywords))     # looked for once, for all rules
        for (name, rx), keywords, years_needed, needs_dated_year in zip(
                self.rules, self.rule_keywords, self.years_needed, self.needs_dated_year):
            if years < years_needed or needs_dated_year and not dated_year \
                    or any(map(present.isdisjoint, keywords)):     # a list none of whose words it holds
                continue
            for m in rx.finditer(text, pos, endpos, NOT_OVERLAPPED, NOT_CONCURRENT):
                a, b = m.start() - pos, m.end() - pos
                if any(taken[a:b]) or not _readable(m.group()):
                    continue
                found.append(self._mention(text, name, m, pos))
                taken[a:b] = b"\x01" * (b - a)
        found.sort(key=lambda t: t.start)
        return found

    def _mention(self, text: str, name: str, m: regex.Match, pos: int = 0) -> TimeMention:
        # the lead-in words (đến, trước ...) are read back no further than ``pos`` (the sentence start)
        before = text[max(pos, m.start() - 40):m.start()]
        lead_m = self.lead_rx.search(before, None, None, NOT_CONCURRENT)
        lead = lead_m.group().strip().lower() if lead_m else ""
        start = m.start() - (len(lead_m.group()) if lead_m else 0)
        parts = {k: v for k, v in m.groupdict().items() if v is not None}
        baseline = not lead and bool(self.baseline_rx.match(before, None, None, NOT_CONCURRENT))
        horizon = bool(self.horizon_rx.match(before, None, None, NOT_CONCURRENT))
        start_bound = baseline and bool(self.start_bound_rx.match(before, None, None, NOT_CONCURRENT))
        return TimeMention(start, m.end(), name, parts, lead, baseline=baseline, horizon=horizon, start_bound=start_bound)

    # --- resolution -------------------------------------------------------------

    def resolve(self, t: TimeMention, published: dt.date | None) -> ResolvedDeadline:
        p = t.parts
        before = not t.rule.startswith("day_") and self._says_before(t.lead)
        year = self._year(p.get("year"), published)
        if t.rule == "period_range":
            return ResolvedDeadline(dt.date(int(p["y2"]), 12, 31), "period")
        if t.rule == "half_year":
            first, last = self.half_year[p["half"].lower()]
            return ResolvedDeadline(_month_end(year, last) if year else None, "half")
        if t.rule == "quarter":
            quarter = self.roman.get(p["q"].upper()) or self.quarter_words.get(p["q"].lower())
            if year is None and p.get("this") and published:
                year = published.year
                if self.this_or_next.get(p["this"].lower(), 0) > 0 and quarter <= (published.month - 1) // 3 + 1:
                    year += 1
            if year is None:
                return ResolvedDeadline(None, "quarter")
            if before:
                quarter -= 1
                if quarter == 0:
                    quarter, year = 4, year - 1
            return ResolvedDeadline(_month_end(year, quarter * 3), "quarter")
        if t.rule in ("day_month_year", "day_month_year_words", "day_month"):
            if year is None:
                return ResolvedDeadline(None, "day")
            try:
                day = dt.date(year, int(p["m"]), int(p["d"]))
            except ValueError:
                return ResolvedDeadline(None, "day")
            if "year" not in p and published and day < published:
                day = _add_years(day, 1)
            return ResolvedDeadline(day, "day")
        if t.rule in ("month_year", "month"):
            month = int(p["m"])
            if not 1 <= month <= 12 or year is None:
                return ResolvedDeadline(None, "month")
            if "year" not in p and published and month < published.month:
                year += 1
            if before:
                month -= 1
                if month == 0:
                    month, year = 12, year - 1
            return ResolvedDeadline(_month_end(year, month), "month")
        if t.rule in ("year", "bare_year"):
            y = int(p["year"])
            if before:
                y -= 1
            return ResolvedDeadline(dt.date(y, 12, 31), "year")
        if t.rule == "relative":
            return self._relative(self.relative[p["rel"].lower()], published)
        if t.rule in ("relative_duration", "relative_duration_plain"):
            if published is None:
                return ResolvedDeadline(None, "duration")
            n = p["n"]
            count = int(n) if n.isdigit() else self.duration_numbers[n.lower()]
            unit = self.duration_units.get(p["du"].lower(), "year")
            if unit == "year":
                return ResolvedDeadline(_add_years(published, count), "duration")
            if unit == "month":
                return ResolvedDeadline(_add_months(published, count), "duration")
            if unit == "quarter":
                return ResolvedDeadline(_add_months(published, 3 * count), "duration")
            if unit == "week":
                return ResolvedDeadline(published + dt.timedelta(weeks=count), "duration")
            return ResolvedDeadline(published + dt.timedelta(days=count), "duration")
        return ResolvedDeadline(None, "unknown")

    def _says_before(self, lead: str) -> bool:
        """Does the lead-in say 'before' (trước năm 2025: the period before it ends the target)?"""
        first = lead.split(maxsplit=1)[:1]
        if first and first[0] in self.before_tokens:
            return True
        return any(lead.split()[:1] == [w] or lead.startswith(w + " ") or lead == w for w in self.before_phrases)

    @staticmethod
    def _year(text: str | None, published: dt.date | None) -> int | None:
        if text and text.isdigit():
            return int(text)
        if text and text.lower() == "nay" and published:
            return published.year
        return published.year if published and not text else None

    @staticmethod
    def _relative(spec: dict, published: dt.date | None) -> ResolvedDeadline:
        unit = spec["unit"]
        if published is None:
            return ResolvedDeadline(None, unit)
        if unit == "year":
            return ResolvedDeadline(dt.date(published.year + spec["offset"], 12, 31), "year")
        if unit == "half":
            return ResolvedDeadline(_month_end(published.year, 6 if spec["half"] == 1 else 12), "half")
        if unit == "quarter":
            quarter_end = _add_months(dt.date(published.year, ((published.month - 1) // 3) * 3 + 1, 1),
                                      3 * spec["offset"] + 2)
            return ResolvedDeadline(_month_end(quarter_end.year, quarter_end.month), "quarter")
        month = _add_months(dt.date(published.year, published.month, 1), spec["offset"])
        return ResolvedDeadline(_month_end(month.year, month.month), "month")
