"""Numbers: find number expressions (digits, number words, scale words, ranges) and
resolve them to exact ``Decimal`` values.

Vietnamese writes thousands with dots and decimals with commas (1.000; 37,6; 12.500,75).
A dot followed by one or two digits is read as a decimal point (6.5), since thousands
groups always have three.

A range may repeat its unit on both ends (*từ 6% đến 7%*, *6%-7%*, *1,5 lần đến 2 lần*):
it is one mention whose span runs from the first number to the second (*6% đến 7*), as
the annotation guide writes it. Shares are numbers too: *một nửa* is 50, *hai phần ba*
and *2/3* (after a word that takes a share, *giảm 2/3*) are 66.67; their kind is
``share`` and their unit is per cent (``UnitFinder.of``). *gấp đôi*, *gấp rưỡi* are the
multiples 2 and 1.5 (kind ``multiple``).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import re

import regex

from .patterns import (NOT_CONCURRENT, NOT_OVERLAPPED, RE_WORD_END, RE_WORD_START, LowerCaseWords, alternation,
                       initials_class, literal_keys, trie_alternation)
from .resources import LanguageData

# Bounds that keep every value finite and every match short: no amount has more scale words
# (nghìn tỷ) or number words (một trăm hai mươi ba nghìn) than these, nor more characters of digits.
MAX_SCALE_WORDS = 3
MAX_NUMBER_WORDS = 16
MAX_DIGIT_CHARS = 40
_SP = r"[^\S\n]"       # the space inside a number expression: never a line break, which ends a sentence
_DIGITS = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?![\d.])|\d+)"
# Not glued to letters or digits on the left (G20, COVID-19, 30/6), nor part of a
# date or document number on the right (4/2020, 123/QĐ-TTg).
_LEFT = r"(?<![\p{L}\d.,/\-])"
_LEFT_IN_RANGE = r"(?<![\p{L}\d.,/])"
_RIGHT = r"(?![\d]|[.,]\d|/\d|-\p{L})"


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    value: Decimal
    value_max: Decimal | None = None
    approx: bool = False       # "hàng trăm", "vài chục": vague by its words
    kind: str = "digits"       # digits | words | range | quantifier | share | multiple
    scaled: bool = False       # ends in a scale word (83.000 tỷ, 8 triệu), so a unit it lacks may be elided


def _in_windows(rx, text: str, pos: int, endpos: int, lowered: str, keys, before: int, after: int):
    """Matches of ``rx`` in text[pos:endpos] that hold one of ``keys`` (``lowered`` is that
    stretch lower-cased): the pattern runs only in a short window around each key."""
    if len(lowered) != endpos - pos:              # lower-casing changed a length: scan it all
        yield from (rx.finditer(text, pos, endpos, NOT_OVERLAPPED, NOT_CONCURRENT) if any(k in lowered for k in keys) else ())
        return
    spans: list[list[int]] = []
    for key in keys:
        i = lowered.find(key)
        while i >= 0:
            spans.append([max(0, i - before), i + len(key) + after])
            i = lowered.find(key, i + 1)
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    for a, b in merged:
        yield from rx.finditer(text, pos + a, min(endpos, pos + b), NOT_OVERLAPPED, NOT_CONCURRENT)


def parse_digits(text: str) -> Decimal:
    """'1.000' -> 1000, '37,6' -> 37.6, '12.500,75' -> 12500.75, '6.5' -> 6.5."""
    if "," in text:
        return Decimal(text.replace(".", "").replace(",", "."))
    if "." in text:
        head, _, tail = text.rpartition(".")
        if len(tail) == 3:
            return Decimal(text.replace(".", ""))
        return Decimal(text)
    return Decimal(text)


def _readable(digits: str) -> bool:
    """Can ``Decimal`` read these digits? The regex module knows digits of newer Unicode
    versions than Python's own tables (U+10D40), and those have no value here. A run of
    digits longer than any amount (1.000.000.000...) is no amount either."""
    return len(digits) <= MAX_DIGIT_CHARS and digits.replace(".", "").replace(",", "").isdecimal()


class NumberWords:
    """Resolve sequences of Vietnamese number words (hai mươi lăm, một nghìn năm trăm)."""

    def __init__(self, spec: dict):
        self.digits = {**spec["digits"], **spec["variants"]}
        self.ten = set(spec["ten"])
        self.tens_marker = set(spec["tens_marker"])
        self.hundred = set(spec["hundred"])
        self.zero_tens = set(spec["zero_tens"])
        self.half = set(spec["half"])
        self.scales = {k: Decimal(v) for k, v in spec["scales"].items()}
        self.never_alone = set(spec["words_never_alone"])
        self.vocabulary = (set(self.digits) | self.ten | self.tens_marker | self.hundred
                           | self.zero_tens | self.half | set(self.scales))
        self.starters = set(spec["digits"]) | self.ten
        self.trailing_not_digit = set(spec["trailing_not_digit"])

    def value(self, words: list[str]) -> Decimal | None:
        total = Decimal(0)
        group = Decimal(0)      # value below the current scale
        pending: Decimal | None = None
        last_scale = Decimal(0)
        last_unit = Decimal(1)  # what "rưỡi" halves
        for w in words:
            if w in self.digits:
                if pending is not None:
                    return None          # two digits in a row: not one number
                pending = Decimal(self.digits[w])
                last_unit = Decimal(1)
            elif w in self.ten:
                group += 10
                last_unit = Decimal(10)
            elif w in self.tens_marker:
                if pending is None:
                    return None
                group += pending * 10   # hai mươi, hai chục
                pending = None
                last_unit = Decimal(10)
            elif w in self.hundred:
                group += (pending if pending is not None else Decimal(1)) * 100
                pending = None
                last_unit = Decimal(100)
            elif w in self.zero_tens:
                continue
            elif w in self.scales:
                scale = self.scales[w]
                chunk = group + (pending or 0)
                if chunk == 0 and total == 0:
                    chunk = Decimal(1)
                if total and scale > last_scale:
                    total = (total + chunk) * scale
                else:
                    total += chunk * scale
                group, pending, last_scale, last_unit = Decimal(0), None, scale, scale
            elif w in self.half:
                group += last_unit / 2 if last_unit != 1 else Decimal("0.5")
            else:
                return None
        result = total + group + (pending or 0)
        return result


class NumberFinder:
    """Number expressions of a text. ``all_forms`` also reads what the open quantity reading
    needs: ranges that repeat their unit (từ 6% đến 7%), shares and multiples, number words
    glued after another word (đầu tư một tỷ), and 'tỷ lệ' as no scale. Without it the finder
    reads as the shipped decision model (models/decision.json) was trained, so that its weights
    still reproduce; the open reading replaces it when the decision is retrained."""

    def __init__(self, data: LanguageData, all_forms: bool = False):
        spec = data["numbers.json"]
        self.all_forms = all_forms
        self.words = NumberWords(spec)
        self.scales = self.words.scales
        scale_alt = "|".join(sorted(map(regex.escape, self.scales), key=len, reverse=True))
        # 'tỷ lệ', 'tỷ giá' are nouns, not the scale 'tỷ' (giảm một nửa tỷ lệ hộ nghèo)
        compounds = alternation(spec["scale_compounds"])
        not_compound = rf"(?!(?i:{compounds})(?![\p{{L}}\p{{M}}]))" if all_forms else ""
        # at most a few scale words (nghìn tỷ): a longer run is no number, and its value would overflow
        scale = rf"{_SP}+{not_compound}(?:{scale_alt})(?![\p{{L}}\p{{M}}])"
        scales = rf"(?:{scale}){{0,{MAX_SCALE_WORDS}}}"
        def single(n: str, s: str, left: str = _LEFT) -> str:
            return rf"{left}(?P<{n}>{_DIGITS}){_RIGHT}(?P<{s}>{scales})"

        joiners = "|".join(regex.escape(j) for j in spec["range_joiners"] if j.strip("-–"))
        # 'từ 6% đến 7%': a unit after the first number counts only when the second repeats it
        first_unit = rf"(?P<ua>{_range_units(data['units.json'])})?" if all_forms else "(?P<ua>(?!))?"
        self.digit_rx = regex.compile(
            single("a", "sa")
            + rf"(?:{first_unit}(?:{_SP}*[-–]{_SP}*|{_SP}+(?:{joiners}){_SP}+)"
            + single("b", "sb", _LEFT_IN_RANGE) + r"(?(ua)(?=(?P=ua)(?![\p{L}\p{M}\d])))" + ")?"
        )
        self.approx = {k: Decimal(v) for k, v in spec["approx_quantifiers"].items()}
        approx_alt = trie_alternation(self.approx)
        self.approx_rx = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?i:{approx_alt}){scales}(?![\p{{L}}\p{{M}}])")
        vocab = trie_alternation(self.words.vocabulary)
        # led by the words' first letters (any case), which the engine checks before its lookbehind
        self.words_rx = LowerCaseWords(rf"(?={initials_class(self.words.vocabulary)}){RE_WORD_START}(?:{vocab})(?:{_SP}+(?:{vocab}))*{RE_WORD_END}",
                                       self.words.vocabulary)
        self.compound_rx = regex.compile(rf"(?i:{compounds})(?![\p{{L}}\p{{M}}])")
        self._init_shares(spec, scale)

    def _init_shares(self, spec: dict, scale: str) -> None:
        shares = spec["shares"]
        self.share_words = {k: Decimal(v) for k, v in shares["words"].items()}
        digit_words = {**spec["digits"], **spec["variants"], **{w: 10 for w in spec["ten"]}}
        self.fraction_words = {k: Decimal(v) for k, v in digit_words.items()}
        word_alt = trie_alternation(self.fraction_words)
        self.share_rx = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}])(?i:(?P<whole>{trie_alternation(self.share_words)})"
            rf"|(?P<num>{word_alt}){_SP}+(?:{alternation(shares['fraction_joiners'])}){_SP}+(?P<den>{word_alt}))"
            r"(?![\p{L}\p{M}])")
        # '2/3' is a date as often as a share: a share only after a word that takes one (giảm 2/3)
        self.share_before_rx = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}])(?i:{alternation(shares['digit_fraction_after'])}){_SP}+$")
        multiples = spec["multiples"]
        self.multiple_words = {k: Decimal(v) for k, v in multiples["words"].items()}
        self.multiple_rx = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}])(?i:{alternation(multiples['markers'])}){_SP}+"
            rf"(?P<n>(?i:{alternation(self.multiple_words)}))(?![\p{{L}}\p{{M}}])")
        # 'nửa tỷ', 'nửa triệu': half of a scale is a number, not a share
        # key words, one of which each pattern needs: a cheap test keeps the patterns off most sentences
        last_words = lambda words: {w.split()[-1].lower() for w in words}
        self.share_word_keys = last_words(shares["words"]) | set(shares["fraction_joiners"])
        self.multiple_keys = last_words(multiples["markers"])
        self.half_keys = last_words(shares["half"])
        self.share_keys = tuple(self.share_word_keys | self.multiple_keys | self.half_keys | {"/"})
        # whole phrases, which a match holds as they are written (one space): 'hàng' alone is in most articles (ngân hàng)
        self.approx_keys = literal_keys(w.lower() for w in self.approx)
        self.half_scale_rx = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}])(?i:{alternation(shares['half'])})(?P<s>(?:{scale}){{1,{MAX_SCALE_WORDS}}})")

    def _scale(self, words: str) -> Decimal:
        factor = _ONE
        for w in words.split():
            factor *= self.scales[w.lower()]
        return factor

    def find(self, text: str, pos: int = 0, endpos: int | None = None) -> list[NumberMention]:
        """Number expressions in text[pos:endpos], with offsets into ``text``."""
        endpos = len(text) if endpos is None else endpos
        # Each pattern runs only where its key word or character occurs: most sentences hold none.
        lowered = text[pos:endpos].lower()
        found = self._quantifiers(text, pos, endpos) if any(map(lowered.__contains__, self.approx_keys)) else []
        if self.all_forms and any(map(lowered.__contains__, self.share_keys)):
            found += self._shares(text, pos, endpos, lowered)
        taken = [(n.start, n.end) for n in found]
        found += self._digits(text, pos, endpos)
        never_alone = self.words.never_alone
        for m, shift in self.words_rx.finditer(text, pos, endpos):
            word = m.group()
            if word.isalpha() and word.lower() in never_alone:
                continue        # one word that is never a number alone ('năm' the year): skip it unread
            if any(s < m.end() + shift and m.start() + shift < e for s, e in taken):
                continue
            mention = self._from_words(m, shift, text)
            if mention is not None:
                found.append(mention)
        found.sort(key=lambda n: n.start)
        return found

    def _quantifiers(self, text: str, pos: int, endpos: int) -> list[NumberMention]:
        found = []
        for m in self.approx_rx.finditer(text, pos, endpos, NOT_OVERLAPPED, NOT_CONCURRENT):
            head = " ".join(m.group().split()[:2]).lower()
            rest = " ".join(m.group().split()[2:])
            value = self.approx[head] * self._scale(rest)
            found.append(NumberMention(m.start(), m.end(), value, None, True, "quantifier", bool(rest)))
        return found

    def _shares(self, text: str, pos: int, endpos: int, lowered: str) -> list[NumberMention]:
        """Halves, fractions and multiples: một nửa, hai phần ba, giảm 2/3, gấp đôi, nửa tỷ."""
        found = []
        has = lowered.__contains__
        for m in _in_windows(self.share_rx, text, pos, endpos, lowered, self.share_word_keys, 12, 16):
            if m.group("whole"):
                value = self.share_words[m.group("whole").lower()]
            else:
                num, den = self.fraction_words[m.group("num").lower()], self.fraction_words[m.group("den").lower()]
                if not 0 < num < den:
                    continue
                value = _percent(num, den)
            found.append(NumberMention(m.start(), m.end(), value, None, False, "share"))
        for m in _fractions(text, pos, endpos) if has("/") else ():
            num, den = Decimal(m.group("num")), Decimal(m.group("den"))
            if num < den and self.share_before_rx.search(text, max(pos, m.start() - 16), m.start(), NOT_CONCURRENT):
                found.append(NumberMention(m.start(), m.end(), _percent(num, den), None, False, "share"))
        for m in _in_windows(self.multiple_rx, text, pos, endpos, lowered, self.multiple_keys, 0, 16):
            value = self.multiple_words[m.group("n").lower()]
            found.append(NumberMention(m.start("n"), m.end("n"), value, None, False, "multiple"))
        for m in _in_windows(self.half_scale_rx, text, pos, endpos, lowered, self.half_keys, 0, 24):
            if any(n.start < m.end() and m.start() < n.end for n in found):
                continue          # the 'nửa' of 'một nửa'
            found.append(NumberMention(m.start(), m.end(), self._scale(m.group("s")) / 2, None, False, "words", True))
        return found

    def _digits(self, text: str, pos: int, endpos: int) -> list[NumberMention]:
        found = []
        for m in self.digit_rx.finditer(text, pos, endpos, NOT_OVERLAPPED, NOT_CONCURRENT):
            a, b, sa = m.group("a", "b", "sa")
            if not _readable(a) or (b and not _readable(b)):
                continue
            low = parse_digits(a)
            if b:
                high = parse_digits(b)
                scale_b = self._scale(m.group("sb"))
                own_scale = self._scale(sa)
                # '2 đến 3 tỷ' shares the scale; '350.000 đồng đến 200 triệu đồng' does not: a unit stands between
                scale_a = own_scale if sa.strip() or m.group("ua") else scale_b
                if high * scale_b <= low * scale_a:   # '2020-21', '30-4': not a range of one quantity
                    end = m.end("sa") if sa else m.end("a")
                    # (the reading the decision was trained on lent the second number's scale here)
                    value = low * (own_scale if self.all_forms else scale_a)
                    found.append(NumberMention(m.start(), end, value, None, False, "digits", bool(sa)))
                    continue
                low, high = low * scale_a, high * scale_b
                found.append(NumberMention(m.start(), m.end(), low, high, False, "range", bool(m.group("sb"))))
            else:
                found.append(NumberMention(m.start(), m.end(), low * self._scale(sa), None, False, "digits", bool(sa)))
        return found

    def _from_words(self, m: re.Match, shift: int, text: str) -> NumberMention | None:
        """The number a run of number words of ``text`` says (``m`` is of a string whose
        offsets plus ``shift`` index ``text``, see ``LowerCaseWords``)."""
        if len(m.group().split()) > MAX_NUMBER_WORDS:
            return None            # 'một một một ...': no number is said in so many words
        spans = [(m.start() + w.start(), m.start() + w.end()) for w in _WORD.finditer(m.group())]
        lowered = [m.string[a:b].lower() for a, b in spans]
        if self.all_forms:
            # 'đầu tư một tỷ': a run may start inside another word; the number starts at its first digit word
            while lowered and lowered[0] not in self.words.starters:
                lowered.pop(0)
                spans.pop(0)
            if spans and self.compound_rx.match(text, spans[-1][0] + shift, None, NOT_CONCURRENT):
                lowered.pop()          # 'hai tỷ lệ': the noun tỷ lệ, not the scale
                spans.pop()
        elif not lowered or lowered[0] not in self.words.starters:
            return None
        # A trailing 'năm' is the noun 'year' far more often than the digit five.
        while len(lowered) > 1 and lowered[-1] in self.words.trailing_not_digit and lowered[-2] not in self.words.zero_tens:
            lowered.pop()
            spans.pop()
        if not lowered:
            return None
        if len(lowered) == 1 and lowered[0] in self.words.never_alone:
            return None
        value = self.words.value(lowered)
        if value is None:
            return None
        return NumberMention(spans[0][0] + shift, spans[-1][1] + shift, value, None, False, "words",
                             lowered[-1] in self.scales)


_WORD = re.compile(r"\S+")
_ONE = Decimal(1)
_FRACTION_RX = re.compile(r"(?<![\d/.,])(?P<num>[1-9])/(?P<den>10|[1-9])(?![\d/]|[.,]\d|-\d)")


def _fractions(text: str, pos: int, endpos: int):
    """``_FRACTION_RX.finditer(text, pos, endpos)``, tried only at the digit before each '/':
    every match is that digit, the '/' and a denominator that no '/' follows, so matches
    cannot overlap; led by its lookbehind, the pattern would be tried at every place."""
    slash = text.find("/", pos + 1, endpos)
    while slash >= 0:
        m = _FRACTION_RX.match(text, slash - 1, endpos)
        if m:
            yield m
        slash = text.find("/", slash + 1, endpos)


def _percent(num: Decimal, den: Decimal) -> Decimal:
    """A fraction as a share in per cent, to two decimals as the guide writes it (2/3 -> 66.67)."""
    share = (num / den * 100).quantize(Decimal("0.01"))
    return Decimal(int(share)) if share == share.to_integral_value() else share.normalize()


def _range_units(spec: dict) -> str:
    """The unit forms a range may repeat on both ends ('6%-7%', '1,5 lần đến 2 lần')."""
    sensitive = [f for u in spec["units"] if u.get("case_sensitive") for f in u["forms"] if f != "%"]
    insensitive = [f for u in spec["units"] if not u.get("case_sensitive") for f in u["forms"] if f != "%"]
    words = rf"(?i:{trie_alternation(insensitive)})" + (f"|{trie_alternation(sensitive)}" if sensitive else "")
    return rf"{_SP}*%|{_SP}+(?:{words})(?![\p{{L}}\p{{M}}\d])"
