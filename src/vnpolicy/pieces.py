"""Step 3: the recognised pieces of an article (numbers, time expressions, cue words, actors),
computed per sentence and only when a later step asks for them.

Most sentences of an article are never looked at twice, so each recogniser runs on one
sentence at a time, the first time its kind is wanted. All offsets are in the normalised text.
"""
from __future__ import annotations

import bisect
import itertools
import weakref

import regex

from .actors import ActorFinder, ActorMention
from .deadlines import DeadlineFinder
from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED
from .resources import LanguageData
from .segment import Sentence
from .triggers import TriggerFinder


class Recognisers:
    """One instance of each recogniser, built once per model."""

    def __init__(self, data: LanguageData):
        self.deadlines = DeadlineFinder(data)
        self.triggers = TriggerFinder(data)
        self.actors = ActorFinder(data)


class SentencePieces(dict):
    """The pieces of one sentence: ``pieces["times"]``, ``["cues"]``,
    ``["raw_actors"]`` (as found, with the acronyms defined before), ``["acronyms"]`` (those it
    defines), ``["actors"]`` (anaphora resolved) and ``["words"]`` (``SentenceWords``), each
    computed on first use and kept (a dict: a kind already computed costs one lookup)."""

    __slots__ = ("article", "sentence")

    def __init__(self, article: "ArticlePieces", sentence: Sentence):
        super().__init__()
        # a weak reference: the article holds its sentences' pieces, and a cycle back to it would
        # leave all of them to the cycle collector (a walk over every piece) instead of freeing
        # them as soon as the article is done
        self.article, self.sentence = weakref.proxy(article), sentence

    def __missing__(self, kind: str):
        value = self[kind] = self.article.compute(kind, self.sentence)
        return value


class ArticlePieces:
    """Lazy per-sentence pieces of one normalised article.

    Every look back over the article is bounded, so that an article of many sentences costs
    no more per sentence than a short one: an anaphor's antecedent is looked for in the
    ``HISTORY`` sentences before it and the first ``LEAD_SENTENCES`` of the lead, acronyms in
    the last ``ACRONYM_SENTENCES`` sentences that define one. (No article of the corpora comes
    near these bounds: its lead has at most 90 sentences, at most 5 define an acronym.)
    ``skipped`` holds the sentences whose quantities were not all judged (``CandidateFinder``),
    each with the number left out (``unread``: those the quantity reader did not read)."""

    HISTORY = 15            # sentences searched back for an anaphor's antecedent
    LEAD_SENTENCES = 100    # sentences of the lead (the first two lines) that anaphora may also reach
    ACRONYM_SENTENCES = 32  # the latest sentences defining acronyms whose acronyms are known

    def __init__(self, recognisers: Recognisers, text: str, sentences: list[Sentence]):
        self.recognisers, self.text, self.sentences = recognisers, text, sentences
        # made on first use: most sentences of a long article are never asked for a piece
        self._by_sentence: dict[int, SentencePieces] = {}
        self.skipped: list[tuple[Sentence, int]] = []
        self.unread: dict[int, int] = {}   # sentence index -> numbers the quantity reader left unread
        # the lead: the sentences of the first two lines, as many as LEAD_SENTENCES
        self.lead_end = min(bisect.bisect_right([s.paragraph for s in sentences], 1), self.LEAD_SENTENCES)
        self._defining: list[int] = []     # indices of the sentences, read in order, that define acronyms
        self._defining_read = 0            # sentences read so far for that list
        self._lead_actor: tuple[ActorMention | None] | None = None
        self._lead_named: tuple[ActorMention, ...] | None = None

    def __getitem__(self, sentence_index: int) -> SentencePieces:
        pieces = self._by_sentence.get(sentence_index)
        if pieces is None:
            pieces = self._by_sentence[sentence_index] = SentencePieces(self, self.sentences[sentence_index])
        return pieces

    def compute(self, kind: str, sentence: Sentence) -> list:
        r, text = self.recognisers, self.text
        if kind == "times":
            return r.deadlines.find(text, sentence.start, sentence.end)
        if kind == "cues":
            return r.triggers.cues(text, sentence.start, sentence.end)
        if kind == "raw_actors":
            known = self._acronyms_before(sentence.index)
            return [shift(m, sentence.start) for m in r.actors.find(text[sentence.start:sentence.end], known)]
        if kind == "acronyms":
            return [(acr, meaning) for acr, meaning in
                    r.actors.definitions(text, self[sentence.index]["raw_actors"]).items()]
        if kind == "actors":
            return self._resolved_actors(sentence)
        if kind == "words":
            return SentenceWords(text, sentence.start, sentence.end)
        raise KeyError(kind)

    def first_lead_actor(self) -> ActorMention | None:
        """The first actor the lead names (the owner of last resort), looked for once."""
        if self._lead_actor is None:
            found = (a for s in self.sentences[:self.lead_end] for a in self[s.index]["actors"])
            self._lead_actor = (next(found, None),)
        return self._lead_actor[0]

    def _acronyms_before(self, index: int) -> dict[str, tuple[str, str]]:
        """Acronyms defined earlier in the article (Công ty ... (DATC)), so that a later bare
        'DATC' is known. Only sentences with a bracket can define one; the sentences before
        ``index`` are read once, in order, whichever sentence asks first."""
        while self._defining_read < index:
            s = self.sentences[self._defining_read]
            self._defining_read += 1
            if self.text.find("(", s.start, s.end) >= 0 and self[s.index]["acronyms"]:
                self._defining.append(s.index)
        known: dict[str, tuple[str, str]] = {}
        latest = bisect.bisect_left(self._defining, index)
        for i in self._defining[max(0, latest - self.ACRONYM_SENTENCES):latest]:
            known.update(self[i]["acronyms"])
        return known

    def _resolved_actors(self, sentence: Sentence) -> list[ActorMention]:
        raw = self[sentence.index]["raw_actors"]
        if not any(m.anaphora for m in raw):
            return raw
        window_start = max(0, sentence.index - self.HISTORY)
        history = list(self._named_in(min(self.lead_end, window_start)))
        for s in self.sentences[window_start:sentence.index]:
            history.extend(m for m in self[s.index]["raw_actors"] if not m.anaphora)
        return self.recognisers.actors.resolve(raw, history)

    def _named_in(self, count: int) -> tuple[ActorMention, ...]:
        """The actors (no anaphora) of the first ``count`` sentences; those of the whole lead, which
        every anaphor after it reads, are kept."""
        if count == self.lead_end and self._lead_named is not None:
            return self._lead_named
        named = tuple(m for s in self.sentences[:count] for m in self[s.index]["raw_actors"] if not m.anaphora)
        if count == self.lead_end:
            self._lead_named = named
        return named


_WORD = regex.compile(r"[\p{L}\p{M}\d]+")
_WORD_SPLIT = regex.compile(r"([\p{L}\p{M}\d]+)")
# A sentence up to this long is searched as it stands for each of its quantities (most are);
# in a longer one what is searched for is found once, for all of them.
LONG_SENTENCE = 400


class SentenceWords:
    """The words of one sentence (runs of letters, marks and digits, lower case) between two
    offsets: ``between(a, b)`` is ``_WORD.findall(text[a:b].lower())`` (a word that ``a`` or
    ``b`` cuts is cut there too). A long sentence's words are found once, and those between
    any two offsets had by bisection instead of a new scan of the sentence."""

    def __init__(self, text: str, start: int, end: int):
        self.text = text
        self.indexed = end - start > LONG_SENTENCE
        # a short sentence: the words last found, and where (the words before an amount are
        # asked for twice in a row, by two features)
        self._found: tuple[int, int, list[str]] = (0, 0, [])
        if self.indexed:
            sentence = text[start:end]
            lowered = sentence.lower()
            same = len(lowered) == len(sentence)       # lower case keeps the offsets (all but a few letters do)
            # the text split at its words: gap, word, gap, word ... gap; the offsets add up the lengths
            parts = _WORD_SPLIT.split(lowered if same else sentence, 0, NOT_CONCURRENT)
            offsets = list(itertools.accumulate(map(len, parts), initial=start))
            self.words = parts[1::2] if same else [w.lower() for w in parts[1::2]]
            self.starts = offsets[1::2][:len(self.words)]
            self.ends = offsets[2::2]

    def _range(self, start: int, end: int) -> tuple[int, int]:
        """Indices of the words that overlap text[start:end] (lo >= hi: none)."""
        if start >= end:
            return 0, 0
        return bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)

    def _slice(self, lo: int, hi: int, start: int, end: int) -> list[str]:
        """Words lo..hi-1, the first and the last cut at ``start`` and ``end``."""
        out = self.words[lo:hi]
        if out and self.starts[lo] < start:
            out[0] = self.text[start:min(self.ends[lo], end)].lower()
        if out and self.ends[hi - 1] > end:
            out[-1] = self.text[max(self.starts[hi - 1], start):end].lower()
        return out

    def _words_of(self, start: int, end: int) -> list[str]:
        """``_WORD.findall(text[start:end].lower())`` of a short sentence (not to be changed)."""
        if start >= end:
            return []                # an empty stretch (after an amount that ends its clause): no search
        found_start, found_end, words = self._found
        if (found_start, found_end) != (start, end):
            words = _WORD.findall(self.text[start:end].lower(), None, None, NOT_OVERLAPPED, NOT_CONCURRENT)
            self._found = (start, end, words)
        return words

    def between(self, start: int, end: int) -> list[str]:
        if not self.indexed:
            return list(self._words_of(start, end))
        lo, hi = self._range(start, end)
        return self._slice(lo, hi, start, end)

    def last(self, start: int, end: int, count: int) -> list[str]:
        """``between(start, end)[-count:]``."""
        if not self.indexed:
            return self._words_of(start, end)[-count:]
        lo, hi = self._range(start, end)
        return self._slice(max(lo, hi - count), hi, start, end)

    def first(self, start: int, end: int, count: int) -> list[str]:
        """``between(start, end)[:count]``."""
        if not self.indexed:
            return self._words_of(start, end)[:count]
        lo, hi = self._range(start, end)
        return self._slice(lo, min(hi, lo + count), start, end)

    def count(self, start: int, end: int) -> int:
        """``len(between(start, end))``."""
        if not self.indexed:
            return len(_WORD.findall(self.text, start, end, NOT_OVERLAPPED, NOT_CONCURRENT))
        lo, hi = self._range(start, end)
        return max(0, hi - lo)


def shift(item, by: int):
    """A copy of a recognised piece (cue, number, time, actor: a frozen dataclass) moved by
    ``by`` characters. Its fields are copied as they are, not passed through ``__init__`` again
    (``dataclasses.replace`` takes four times as long, and a sentence's actors and cues are
    all shifted)."""
    if by == 0:
        return item
    moved = object.__new__(item.__class__)
    fields = moved.__dict__
    fields.update(item.__dict__)
    fields["start"], fields["end"] = item.start + by, item.end + by
    return moved
