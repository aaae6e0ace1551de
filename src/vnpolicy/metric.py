"""Metric: the words naming what is measured or done, in pieces that keep exact offsets.

Two slices surround an amount: the words before it (back to the governing cue, the previous
amount, or a deadline) and the words after its unit (up to the next clause break). A counted
noun (4 dự án mới) belongs to the metric, so the slice after it then starts at it. Linking
words at their edges (đạt, sẽ, lên ...) are trimmed. The words naming a metric often stand on
both sides of the amount (*thu hút ít nhất 1 tỷ USD vốn FDI*), so both slices are kept as the
metric's parts; a bare 'tăng' after an amount names the growth of what the target before it
measured. An item of a list under one verb with no words of its own before it (*xây 12 trường,
5 trạm y tế và 3 chợ*) takes the words before the list's first item; a purpose after a time
that ends the amount's words (*đầu tư 1 tỷ USD trong năm 2027 để xây dựng nhà máy*) is a part
too. When neither slice names anything, a label before a colon does (*Tổng sản lượng: 1,2 triệu
tấn*), else the words of the quantity before it in the sentence (*Lợi nhuận năm 2026 đạt 60 tỷ,
dự kiến năm 2027 đạt 80 tỷ*).
"""
from __future__ import annotations

import regex

from .candidates import BORROWED_UNITS, Candidate
from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED, alternation
from .resources import LanguageData
from .triggers import governing_cue

_WORD = regex.compile(r"[\p{L}\p{M}\d][\p{L}\p{M}\d&.\-/]*")
_CLAUSE_BREAK = regex.compile(r"[,;:(]\s*")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " ,;:":
        pos += 1
    return pos


class MetricFinder:
    def __init__(self, data: LanguageData):
        spec = data["metric.json"]
        self.trim_set = {tuple(w.lower().split()) for w in spec["trim"]}
        self.trim_lengths = sorted({len(p) for p in self.trim_set}, reverse=True)
        self.trim_always = {w.lower() for w in spec["trim_always"]}
        self.reporting_rx = regex.compile(
            rf"(?i)(?<![\p{{L}}\p{{M}}])(?:{alternation(spec['reporting_verbs'])})(?![\p{{L}}\p{{M}}])[\s,:]*")
        self.kept_cues = {w.lower() for w in spec["kept_cues"]}
        # words that name no metric by themselves: a growth verb (tăng 12%) or a link to what
        # another quantity or the words before measure (chiếm 40%, ước đạt 25.585 tỷ, lần lượt là)
        self.naming_nothing = {w.lower() for w in spec["growth_verbs"] + spec["linking_words"]}
        passive, benefit = (alternation(spec[k]) for k in ("passive_after_cue", "beneficiary_verbs"))
        self.passive_rx = regex.compile(rf"(?i)\s+(?:{passive})(?![\p{{L}}\p{{M}}])(?!\s+(?:{benefit})(?![\p{{L}}\p{{M}}]))")
        self.purpose_rx = regex.compile(rf"(?i)\s*(?:{alternation(spec['purpose_words'])})(?![\p{{L}}\p{{M}}])")
        separators = alternation(spec["list_separators"])
        self.list_separator_rx = regex.compile(rf"(?i)(?:\s*(?:{separators})(?![\p{{L}}\p{{M}}]))+\s*")
        self.max_before = spec["max_syllables_before"]
        self.max_after = spec["max_syllables_after"]
        stops = sorted(spec["stop_after"], key=len, reverse=True)
        words = [regex.escape(s) for s in stops if s[0].isalpha()]
        marks = "".join(regex.escape(s) for s in stops if not s[0].isalpha())
        # Another number also ends the words after an amount: they describe that number.
        self.stop_rx = regex.compile(
            rf"[{marks}]|\d|(?<![\p{{L}}\p{{M}}])(?i:{'|'.join(words)})(?![\p{{L}}\p{{M}}])")
        # two-syllable words: 'thực hiện' is not the stop word 'hiện', 'cho vay' not 'cho'
        self.two_syllable_words = {w for ws in data["word_classes.json"]["words"].values() for w in ws
                                   if w.count(" ") == 1}

    def _words(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        return [m.span() for m in _WORD.finditer(text, start, end, NOT_OVERLAPPED, NOT_CONCURRENT)]

    def _trim(self, text: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
        lowered = [text[s:e].lower() for s, e in words]
        lo, hi = 0, len(words)
        changed = True
        while changed and lo < hi:
            changed = False
            for n in self.trim_lengths:
                if hi - lo >= n and tuple(lowered[lo:lo + n]) in self.trim_set \
                        and not self._joins_next(lowered, lo + n - 1, hi):
                    lo, changed = lo + n, True
                    break
                if hi - lo >= n and tuple(lowered[hi - n:hi]) in self.trim_set \
                        and not self._joins_previous(lowered, hi - n, lo):
                    hi, changed = hi - n, True
                    break
        return words[lo:hi]

    # A linking word is trimmed from a metric's edge only when it stands as a word of its own:
    # not 'cho' of 'cho vay', nor 'đạt' of 'ước đạt'; the words of 'trim_always' (the copula
    # 'là') always are.
    def _is_word(self, first: str, second: str) -> bool:
        return f"{first} {second}" in self.two_syllable_words

    def _joins_next(self, lowered: list[str], i: int, hi: int) -> bool:
        if lowered[i] in self.trim_always or i + 1 >= hi or not self._is_word(lowered[i], lowered[i + 1]):
            return False
        return not (i + 2 < hi and self._is_word(lowered[i + 1], lowered[i + 2]))

    def _joins_previous(self, lowered: list[str], i: int, lo: int) -> bool:
        if lowered[i] in self.trim_always or i - 1 < lo or not self._is_word(lowered[i - 1], lowered[i]):
            return False
        return not (i - 2 >= lo and self._is_word(lowered[i - 2], lowered[i - 1]))

    def before(self, text: str, left: int, right: int) -> tuple[int, int] | None:
        words = self._words(text, left, right)[-self.max_before:]
        words = self._trim(text, words)
        return (words[0][0], words[-1][1]) if words else None

    def after(self, text: str, left: int, right: int) -> tuple[int, int] | None:
        end = self._stop(text, left, right)
        words = self._words(text, left, end)[:self.max_after]
        words = self._trim(text, words)
        return (words[0][0], words[-1][1]) if words else None

    def _stop(self, text: str, left: int, right: int) -> int:
        """Where the words after an amount end: at the first stop mark, number or word that
        is not the second syllable of a word (để thực hiện 227 dự án: 'hiện' does not stop)."""
        pos = left
        while True:
            stop = self.stop_rx.search(text, pos, right, NOT_CONCURRENT)
            if stop is None:
                return right
            if not self._ends_compound(text, left, stop.start(), stop.group().lower()):
                return stop.start()
            pos = stop.end()

    def _ends_compound(self, text: str, left: int, start: int, word: str) -> bool:
        previous = _WORD.findall(text, max(left, start - 12), start, NOT_OVERLAPPED, NOT_CONCURRENT)
        return bool(previous) and word not in self.trim_always and self._is_word(previous[-1].lower(), word)

    def names_nothing(self, text: str, span: tuple[int, int] | None) -> bool:
        """True when ``span`` is empty or just a growth verb ('tăng') or a linking word ('chiếm',
        'ước đạt'): it names no metric by itself."""
        return span is None or text[span[0]:span[1]].lower() in self.naming_nothing

    def size(self, text: str, span: tuple[int, int] | None) -> int:
        return len(self._words(text, *span)) if span else 0

    # --- the metric of one target ------------------------------------------------------

    def for_target(self, text: str, cand: Candidate, previous: Candidate | None, bucket,
                   neighbours: list[Candidate] = ()) -> list[tuple[int, int]]:
        """The pieces of the metric words of target ``cand``, in text order; ``previous`` is the
        target before it in its sentence, ``neighbours`` every quantity of the sentence."""
        before, after = self.sides(text, cand, previous, bucket, neighbours)
        if before is None and self._counts_own_noun(cand):
            before = self._first_item_words(text, cand, bucket, neighbours)
        if previous is not None and previous.metric_parts and self.names_nothing(text, before) \
                and self.size(text, after) <= 1:
            return list(previous.metric_parts)   # '..., tăng 27,9%': growth of the thing just named
        if before is None and after is None:
            before, after = self._sides_of_earlier(text, cand, bucket, neighbours)
        parts = [span for span in (before, after) if span]   # 'thu hút ít nhất 1 tỷ USD vốn FDI': thu hút … vốn FDI
        purpose = self._purpose_after_time(text, cand, after, bucket)
        if purpose is not None and (not parts or purpose[0] >= parts[-1][1]):
            parts.append(purpose)
        return parts

    def _purpose_after_time(self, text: str, cand: Candidate, after: tuple[int, int] | None,
                            bucket) -> tuple[int, int] | None:
        """The purpose after a time that ends the amount's words ('đầu tư 1 tỷ USD trong năm
        2027 để xây dựng nhà máy thứ hai': xây dựng nhà máy thứ hai), or None."""
        start = after[1] if after else cand.right
        time = min((t for t in bucket["times"] if t.start >= start), key=lambda t: t.start, default=None)
        if time is None or self._stop(text, start, time.start) < time.start or text[start:time.start].strip(" ,"):
            return None                # not right after the amount's words
        purpose = self.purpose_rx.match(text, time.end, cand.sentence.end, NOT_CONCURRENT)
        return self.after(text, purpose.end(), cand.sentence.end) if purpose else None

    @staticmethod
    def _counts_own_noun(cand: Candidate) -> bool:
        """Does a counted noun of its own follow the number (4 dự án mới), not one borrowed?"""
        unit = cand.unit
        return unit is not None and unit.dimension == "count" and unit.source not in BORROWED_UNITS \
            and unit.start >= cand.number.end

    def _first_item_words(self, text: str, cand: Candidate, bucket, neighbours: list[Candidate]):
        """The words before the first item of the list that ``cand`` closes ('xây mới 12 trường
        học, 5 trạm y tế và 3 chợ': xây mới), or None when no list leads to it."""
        earlier = _earlier_in_sentence(cand, neighbours)
        first = cand
        for q in reversed(earlier):
            if not self.list_separator_rx.fullmatch(text, self._item_end(text, q, first.left), first.left, NOT_CONCURRENT):
                break
            first = q
        if first is cand:
            return None
        words = self.sides(text, first, None, bucket, neighbours)[0]
        if words and any(ch.isdigit() for ch in text[words[0]:words[1]]):
            return None         # they run over another quantity: the list does not start there
        return words

    def _item_end(self, text: str, item: Candidate, limit: int) -> int:
        """Where a list item ends: after the words of its counted noun ('5 trung tâm nhiệt điện
        khí'), which stop at the first stop mark, or at its unit."""
        if not self._counts_own_noun(item):
            return item.right
        words = self.after(text, item.unit.start, limit)
        return max(item.right, words[1]) if words else item.right

    def _sides_of_earlier(self, text: str, cand: Candidate, bucket, neighbours: list[Candidate]):
        """A target whose own words name nothing ('Lợi nhuận năm 2004 đạt 60 tỷ đồng, dự kiến
        năm 2005 đạt 80 tỷ đồng') measures what the quantity before it in the sentence did."""
        earlier = _earlier_in_sentence(cand, neighbours)
        if not earlier:
            return None, None
        return self.sides(text, earlier[-1], None, bucket, neighbours)

    def sides(self, text: str, cand: Candidate, previous: Candidate | None, bucket,
              neighbours: list[Candidate] = ()) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The metric words before the amount and those after it (from the counted noun on)."""
        s = cand.sentence
        amount_start = cand.left
        after_other, linked = self._other_quantity(text, cand, neighbours)
        # 'sẽ tăng từ 90.000 tấn lên 2,1 triệu tấn': the words up to the first quantity are read
        left = self._metric_left(text, cand, previous, bucket, amount_start,
                                 linked.left if linked is not None else amount_start)
        colon = text.rfind(":", s.start, amount_start)
        left = max(left, after_other, colon + 1)
        # 'tăng ... từ 1,1 triệu lên 1,5 triệu': the words before the first quantity name both
        right = linked.left if linked is not None and linked.left > left else amount_start
        before = self._before_segment(text, left, right, bucket)
        after_start = cand.right                       # past the unit and a 'trở lên'
        if self._counts_own_noun(cand):
            after_start = cand.unit.start              # a counted noun names the thing: 4 dự án mới
        right = s.end
        for t in bucket["times"]:
            if t.start >= after_start:
                right = min(right, t.start)
        after = self.after(text, after_start, right)
        if before is None and after is None and colon >= max(left - 1, after_other) \
                and not text[colon + 1:amount_start].strip():
            before = self._label(text, s.start, colon, bucket)     # 'Tổng sản lượng khí tiêu thụ: 1.063 triệu m3'
        return before, after

    def _label(self, text: str, sentence_start: int, colon: int, bucket: dict) -> tuple[int, int] | None:
        """The words of a label right before its colon, back to the clause break before them."""
        start = max(text.rfind(ch, sentence_start, colon) for ch in ",;:") + 1
        return self._before_segment(text, max(start, sentence_start), colon, bucket)

    def _other_quantity(self, text: str, cand: Candidate, neighbours: list[Candidate]) -> tuple[int, Candidate | None]:
        """(where the words before an amount may start, the quantity it is linked to): they name
        it only back to the quantity before it in the sentence (tăng trưởng trên 8% và ... mục
        tiêu tăng trưởng 8,4%), unless only linking words stand between the two ('từ 400.000
        khách hàng lên 2 triệu': the words before the first name both, and that one is linked)."""
        earlier = _earlier_in_sentence(cand, neighbours)
        if not earlier:
            return cand.sentence.start, None
        if self._only_linking_words(text, earlier[-1].right, cand.left):
            return cand.sentence.start, earlier[-1]
        return earlier[-1].right, None

    def _only_linking_words(self, text: str, start: int, end: int) -> bool:
        """True when text[start:end] holds nothing but linking verbs (được tăng lên đến)."""
        return self.names_nothing(text, self.before(text, start, end))

    def _only_linking_words_and_times(self, text: str, start: int, end: int, times) -> bool:
        """True when text[start:end] holds nothing but linking verbs and time expressions
        (dự kiến đến tháng 12 đạt ...): the cue then names nothing, its subject does."""
        pos = start
        for t in sorted(times, key=lambda t: t.start):
            if start <= t.start and t.end <= end:
                if not self._only_linking_words(text, pos, t.start):
                    return False
                pos = t.end
        return self._only_linking_words(text, pos, end)

    def _metric_left(self, text: str, cand: Candidate, previous: Candidate | None, bucket: dict, amount_start: int,
                     first_amount: int) -> int:
        """Where the words naming the metric may start: after the cue, the previous amount, a deadline,
        the actor. ``first_amount`` is where the first of linked quantities starts (từ X lên Y)."""
        s = cand.sentence
        left = s.start
        cue = governing_cue(cand.left, bucket["cues"])
        if cue and cue.end <= amount_start:
            if cue.word in self.kept_cues:
                left = max(left, cue.start)
            elif self._only_linking_words_and_times(text, cue.end, min(amount_start, first_amount), bucket["times"]) \
                    or self.passive_rx.match(text, cue.end, amount_start, NOT_CONCURRENT):
                # 'diện tích trồng điều sẽ được tăng lên', 'tuyến đường sẽ được mở rộng lên': the
                # subject before a modal names the metric
                breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, s.start, cue.start, NOT_OVERLAPPED, NOT_CONCURRENT)]
                left = max(left, breaks[-1] if breaks else s.start)
            else:
                left = max(left, cue.end)
        if previous is not None:
            left = max(left, previous.right)
            last = previous.metric_parts[-1] if previous.metric_parts else None
            if last and last[0] >= previous.number.end and last[1] < amount_start:
                left = max(left, last[1])    # the previous target's words are not ours
        semicolon = text.rfind(";", s.start, amount_start)
        left = max(left, semicolon + 1)
        for m in self.reporting_rx.finditer(text, left, amount_start, NOT_OVERLAPPED, NOT_CONCURRENT):
            left = max(left, m.end())         # 'Lãnh đạo tỉnh cho biết số trường ...': the speaker is not the metric
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
        found = [self.before(text, a, b) for a, b in pieces]
        named = [span for span in found if span and not self.names_nothing(text, span)]
        if named:
            return named[-1]
        return next((span for span in reversed(found) if span), None)


def _earlier_in_sentence(cand: Candidate, neighbours: list[Candidate]) -> list[Candidate]:
    """The quantities of ``cand``'s sentence that end before it, in text order."""
    return [q for q in neighbours if q.right <= cand.left and q.sentence.index == cand.sentence.index]
