"""Step 2: split normalised text into paragraphs and sentences, keeping offsets.

News text puts the headline, captions and each paragraph on lines of their own, so a
line break always ends a sentence. Inside a line a sentence ends at . ! ? … followed by
space and a capital letter, digit or quote, except after an abbreviation (TP., ThS.) or
a single capital initial (ông A.). Decimals (37,6) and TP.HCM never split. Scraped text
that lost the space after a full stop (làn.Từ) is split there too.
No sentence is longer than ``MAX_SENTENCE`` characters: a longer run without a stop is cut
at a clause mark or a space, so that no step reads more than that at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED
from .resources import LanguageData


@dataclass(frozen=True)
class Sentence:
    start: int          # offsets into the normalised text
    end: int
    paragraph: int      # index of the line it belongs to, counting only lines with words
    index: int          # running index over the whole text

    def text(self, normalized: str) -> str:
        return normalized[self.start:self.end]


# A sentence ends at . ! ? … and the space after it before a capital, digit or quote; or, in
# feeds that lost their spacing ('mở rộng lên 4 làn.Từ khi ...', 'đạt 45%.Theo ...'), with no
# space at all between the full stop after a lower-case word, a number or '%' and a capitalised
# word (TP.HCM and decimals keep theirs; a number opening the line is a list label: '7.Đảm bảo').
# The stop itself is matched, not looked behind for: the engine then jumps from stop to stop
# instead of trying every position (4x faster); the boundary starts at the group 'close'.
_BOUNDARY = regex.compile(
    r"[.!?…](?P<close>[\"')\]]*)(?:\s+(?=[\"'(\[]?[\p{Lu}\d])|(?<=(?:\p{Ll}|\D\d+|%)[.!?…][\"')\]]*)(?=\p{Lu}\p{Ll}))")
# The last token before a stop, read right to left from the end (only that place is tried):
# the same token as the leftmost match of (\S+?)[.!?…]+["')\]]*$, since marks and closers differ.
_TOKEN_BEFORE = regex.compile(r"(\S+)[.!?…]+[\"')\]]*\Z", regex.REVERSE)


class Segmenter:
    def __init__(self, data: LanguageData):
        self.abbreviations = frozenset(data["segment.json"]["abbreviations"])

    def _is_abbreviation(self, chunk: str) -> bool:
        m = _TOKEN_BEFORE.match(chunk[-40:], None, None, NOT_CONCURRENT)
        if not m or not chunk.endswith("."):
            return False
        word = m.group(1).split("(")[-1]
        if word in self.abbreviations:
            return True
        # A lone capital initial (ông A.) or a dotted abbreviation (v.v.)
        return (len(word) == 1 and word.isupper()) or (len(word) <= 4 and "." in word)

    def sentences(self, text: str) -> list[Sentence]:
        out: list[Sentence] = []
        line_start = paragraph = 0
        for line in _lines(text):
            before = len(out)
            self._split_line(line, line_start, paragraph, out)
            paragraph += len(out) > before     # a blank line between paragraphs is not one
            line_start += len(line) + 1
        return out

    def _split_line(self, line: str, offset: int, paragraph: int, out: list[Sentence]) -> None:
        start = 0
        for m in _BOUNDARY.finditer(line, None, None, NOT_OVERLAPPED, NOT_CONCURRENT):
            stop_end = m.start("close")
            if self._is_abbreviation(line[max(0, stop_end - 40):stop_end]):   # only its end is read
                continue
            self._emit(line, offset, start, m.end("close"), paragraph, out)
            start = m.end()
        self._emit(line, offset, start, len(line), paragraph, out)

    @staticmethod
    def _emit(line: str, offset: int, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
        """The sentence line[start:end] without its edge spaces, in pieces if it is too long."""
        while True:
            while start < end and line[start].isspace():
                start += 1
            stop = end
            while stop > start and line[stop - 1].isspace():
                stop -= 1
            if stop - start <= MAX_SENTENCE:
                if stop > start:
                    out.append(Sentence(offset + start, offset + stop, paragraph, len(out)))
                return
            cut = stop = _cut(line, start)
            while line[stop - 1].isspace():
                stop -= 1
            out.append(Sentence(offset + start, offset + stop, paragraph, len(out)))
            start = cut


def _lines(text: str):
    """``text.split("\n")``, one line at a time: a big article is not copied whole into its lines."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


# No sentence is longer than this (the corpora's longest, boilerplate, has 2,774 characters):
# every step reads a sentence in a time bounded by it, however long a line without a stop is.
MAX_SENTENCE = 3000


def _cut(line: str, start: int) -> int:
    """Where a run of text too long for one sentence ends: after the last clause mark in the
    second half of the longest sentence, else at the last space there, else at the limit,
    moved back to where a grapheme ends (a combining mark belongs to the letter before it)."""
    limit, half = start + MAX_SENTENCE, start + MAX_SENTENCE // 2
    best = max(line.rfind(mark, half, limit) for mark in ",;:")
    if best >= half:
        return best + 1
    best = line.rfind(" ", half, limit)
    if best >= half:
        return best
    cut = limit
    while cut > half and not _grapheme_boundary(line, cut):
        cut -= 1
    return cut


def _grapheme_boundary(line: str, i: int) -> bool:
    """Does a grapheme end before line[i]? Read from a few graphemes back, which is where the
    rules (a mark joins the letter before it, a pair of flags is one) have settled."""
    start = max(0, i - 16)
    return any(m.end() == i for m in _GRAPHEME.finditer(line, start, min(len(line), i + 16), NOT_OVERLAPPED, NOT_CONCURRENT))


_GRAPHEME = regex.compile(r"\X")
