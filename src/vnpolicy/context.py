"""Step 3b: the layout of an article as passages, whether or not its paragraphs are marked.

- The **headline** is the first line when it reads as a title (one short sentence without a
  closing full stop, with a body after it).
- The **lead** is the first sentence(s) of the body, found by counting sentences, not lines,
  so that a feed that lost its paragraph breaks still has one.
- A sentence is **governed** by an earlier one when it continues or breaks it down: it opens
  with *Trong đó, Cụ thể, Theo đó ...*, it is an item of a list (a line starting with a dash
  or a bullet, or any sentence after one that ends with a colon).
- A **passage period** is a time that opens a passage (*Trong năm 2005, ...*, *Phương án kinh
  doanh năm 2021 ...*); it governs the sentences after it until another takes over, for a
  few sentences at most (``period_reach_sentences`` in ``models/context.json``).
"""
from __future__ import annotations

import regex

from .deadlines import TimeMention
from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED, alternation
from .pieces import ArticlePieces
from .resources import LanguageData
from .segment import Sentence

_END = r"(?![\p{L}\p{M}\d])"
_WORD = regex.compile(r"[\p{L}\p{M}\d]+")
_DIGIT = regex.compile(r"\d")


class Layout:
    """Headline, lead, governors and list items of an article, and (on demand) the passage
    period in force at each sentence."""

    # Passage periods looked back through, at most (a target takes the nearest that is not in
    # the past; in the corpora, dev and train no target reads more than 5 of them).
    OPENERS_BACK = 16

    def __init__(self, headline: int | None, lead: frozenset[int], governor: tuple[int | None, ...],
                 list_item: tuple[bool, ...], opener_of, period_reach: int):
        self.headline = headline            # sentence index of the headline, if the article has one
        self.lead = lead                    # sentence indices of the lead
        self.governor = governor            # per sentence: the sentence that governs it, if any
        self.list_item = list_item          # per sentence: is it an item of a list
        self._opener_of = opener_of         # sentence index -> the passage-opening time it states
        self._reach = period_reach          # sentences after its opener that a period governs
        self._periods: list[TimeMention | None] = []
        self._began: list[int] = []         # per sentence: where the period in force at it began

    def position(self, index: int) -> str:
        if index == self.headline:
            return "headline"
        return "lead" if index in self.lead else "body"

    def announces(self, index: int) -> bool:
        """Headline and lead announce what the body goes on to date and attribute."""
        return index == self.headline or index in self.lead

    def openers_back(self, index: int):
        """The passage-opening times at or before sentence ``index``, nearest first, at most
        ``OPENERS_BACK`` of them, and none that opened more than the reach before it. Each step
        jumps to the sentence before the period began, so a long passage without an opener costs
        one step, not one per sentence."""
        self.period(index)
        i = index
        for _ in range(self.OPENERS_BACK):
            opener = self._periods[i] if i >= 0 else None
            if opener is None or index - self._began[i] > self._reach:
                return
            yield opener
            i = self._began[i] - 1

    def period(self, index: int) -> TimeMention | None:
        """The passage period in force at sentence ``index`` (its own opener included). Time
        expressions are read only as far as the latest sentence asked about."""
        while len(self._periods) <= index:
            i = len(self._periods)
            opener = self._opener_of(i)
            if opener is not None or not self._periods:
                self._periods.append(opener)
                self._began.append(i)
            else:
                self._periods.append(self._periods[-1])
                self._began.append(self._began[-1])
        return self._periods[index]


class LayoutReader:
    def __init__(self, data: LanguageData):
        spec = data["context.json"]
        self.lead_sentences = spec["lead_sentences"]
        self.headline_max_chars = spec["headline_max_chars"]
        self.opener_rx = regex.compile(rf"(?i)^\s*(?:{alternation(spec['continuation_openers'])}){_END}")
        self.item_rx = regex.compile(spec["list_item_pattern"])
        self.opener_max_words = spec["opener_max_words"]
        self.plan_noun_rx = regex.compile(rf"(?i)(?<![\p{{L}}\p{{M}}\d])(?:{alternation(spec['plan_nouns'])}){_END}")
        self.plan_noun_max_words = spec["plan_noun_max_words"]
        self.period_reach = spec["period_reach_sentences"]
        # How far into a sentence an opening time may start (a few words, in characters) and the
        # words of a time with no digit (năm nay, cuối năm): without either it opens nothing.
        self.opener_window = 40
        time_words = data["time.json"]
        self.time_word_rx = regex.compile(rf"(?i)(?<![\p{{L}}\p{{M}}\d])(?:{alternation(list(time_words['relative']) + time_words['year_words'] + time_words['quarter_words'] + time_words['month_words'])}){_END}")

    def read(self, text: str, sentences: list[Sentence], pieces: ArticlePieces) -> Layout:
        headline = self._headline(text, sentences)
        body = [s.index for s in sentences if s.index != headline]
        lead = frozenset(body[:self.lead_sentences])
        governor, items = self._governors(text, sentences, headline)
        return Layout(headline, lead, governor, items,
                      lambda i: self._opener(text, sentences[i], pieces[i]), self.period_reach)

    def _governors(self, text: str, sentences: list[Sentence], headline: int | None):
        governor: list[int | None] = []
        items: list[bool] = []
        list_head: int | None = None      # the sentence ending with ':' that items hang from
        for s in sentences:
            sentence_text = text[s.start:s.end]
            starts_line = s.start == 0 or text[s.start - 1] == "\n"
            is_item = starts_line and bool(self.item_rx.match(sentence_text, None, None, NOT_CONCURRENT))
            previous = s.index - 1 if s.index > 0 else None
            if previous is not None and previous == headline:
                previous = None               # the headline announces; it does not govern a list
            if previous is not None and text[sentences[previous].start:sentences[previous].end].rstrip().endswith(":"):
                list_head = previous
            elif not is_item and starts_line:
                list_head = None              # a plain new paragraph ends the list
            if list_head is not None and (is_item or list_head == previous):
                governor.append(list_head)
                items.append(True)
            elif previous is not None and self.opener_rx.match(sentence_text, None, None, NOT_CONCURRENT):
                governor.append(previous)
                items.append(False)
            else:
                governor.append(None)
                items.append(is_item)
        return tuple(governor), tuple(items)

    def _opener(self, text: str, s: Sentence, bucket) -> TimeMention | None:
        """The time that opens a passage in sentence ``s``: one near its start, or one right
        after a plan noun (kế hoạch kinh doanh năm 2021). A sentence with no digit near its start
        and no plan noun opens nothing, and its time expressions are not read at all."""
        near_start = text[s.start:min(s.end, s.start + self.opener_window)]
        plan_nouns = list(self.plan_noun_rx.finditer(text, s.start, s.end, NOT_OVERLAPPED, NOT_CONCURRENT))
        if not plan_nouns and not _DIGIT.search(near_start, None, None, NOT_CONCURRENT) and not self.time_word_rx.search(near_start, None, None, NOT_CONCURRENT):
            return None
        for t in bucket["times"]:
            if t.baseline:
                continue
            if len(_WORD.findall(text, s.start, t.start, NOT_OVERLAPPED, NOT_CONCURRENT)) < self.opener_max_words:
                return t
            for m in plan_nouns:
                if m.end() <= t.start and t.start - m.end() <= 60 and \
                        len(_WORD.findall(text, m.end(), t.start, NOT_OVERLAPPED, NOT_CONCURRENT)) <= self.plan_noun_max_words:
                    return t
        return None

    def _headline(self, text: str, sentences: list[Sentence]) -> int | None:
        if len(sentences) < 2:
            return None
        first = sentences[0]
        if first.paragraph != 0 or sentences[1].paragraph == 0:
            return None                       # the first line holds more than one sentence
        line = text[first.start:first.end].rstrip()
        if len(line) > self.headline_max_chars or line.endswith(".") and not line.endswith("..."):
            return None                       # a paragraph, not a title
        return 0
