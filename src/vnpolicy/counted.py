"""Counted nouns: the noun phrase after a number, read from the words themselves.

What a number counts is an open class (*2 buổi hội nghị, 3 cây cầu, 120 nền, 1.000 quả
bom, 5 hành lang kinh tế*): no list can hold it. So the words after the number are
segmented (the longest word known to ``models/word_classes.json`` or the lexicons
first) and read by their class:

- the first word is the head. It must be a noun or a classifier, by its class where it
  follows a number (*lao động* there is a noun) or else in general; a lower-case word no
  one has seen counts as a noun. Words of ``never_units`` and ``not_units`` (time words,
  *khi*, *nắng* ...) are never a head, nor is a capitalised word (a name);
- a classifier takes the word after it, noun or nominalised verb (*2 buổi hội nghị*,
  *1 trung tâm giao dịch*);
- up to two noun words after that belong to the compound (*tác phẩm nghệ thuật*,
  *nhà máy lọc dầu*); a verb, adjective, function word, time word, place word
  (``not_modifiers``), capital letter or punctuation ends it (*4 dự án mới* → *dự án*).

The reader costs a few dictionary look-ups, so it runs on every number; underthesea's
tagger refines it only where a caller asks (``UnitFinder.refine``).
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .patterns import alternation
from .resources import LanguageData

_SYLLABLE = regex.compile(r"[ \t]+([\p{L}\p{M}]+)")
_GLUED_SYLLABLE = regex.compile(r"[ \t]*([\p{L}\p{M}]+)")
_LEXICON_SPACE = regex.compile(r"\s+")
_WORD_LENGTH = 4          # syllables of the longest word looked up
_MODIFIERS = 2            # noun words after the head that still belong to it
_SYLLABLES = 6            # the longest counted noun read


@dataclass(frozen=True)
class CountedNoun:
    start: int
    end: int
    code: str           # the noun as written, lower case, one space between syllables
    source: str         # counted_noun (head in the lexicon) | open (read from word classes)


class WordClasses:
    """The class of a word (noun, classifier, verb, adjective, other) in general and after a number."""

    def __init__(self, spec: dict):
        self.general = {w: c for c, words in spec["words"].items() for w in words}
        self.after_number = {w: c for c, words in spec["after_number"].items() for w in words}

    def of(self, word: str) -> str | None:
        return self.general.get(word)

    def of_head(self, word: str) -> str | None:
        """The class of a word standing right after a number."""
        return self.after_number.get(word) or self.general.get(word)


class CountedNounReader:
    def __init__(self, data: LanguageData):
        nouns = data["counted_nouns.json"]
        self.classes = WordClasses(data["word_classes.json"])
        self.lexicon = {n.lower() for n in nouns["nouns"]}
        self.lexicon_rx = regex.compile(rf"(?i:{alternation(nouns['nouns'])})(?![\p{{L}}\p{{M}}\d])")
        self.classifiers = {w.lower() for w in nouns["classifiers"]}
        self.stops = {w.lower() for w in nouns["never_units"] + nouns["not_units"]}
        self.not_modifiers = {w.lower() for w in nouns["not_modifiers"]}
        multi = set(self.classes.general) | self.lexicon | self.classifiers | self.stops | self.not_modifiers
        self.known = {w for w in multi if " " in w}

    def read_lexicon(self, text: str, pos: int, end: int) -> CountedNoun | None:
        """Only a noun of the lexicon, exactly as listed, after the space at ``pos``."""
        m = self.lexicon_rx.match(text, pos + 1, end) if text[pos:pos + 1].isspace() else None
        if m is None:
            m = _LEXICON_SPACE.match(text, pos, end)
            m = m and self.lexicon_rx.match(text, m.end(), end)
        return CountedNoun(m.start(), m.end(), m.group().lower(), "counted_noun") if m else None

    def read(self, text: str, pos: int, end: int, glued: bool = False) -> CountedNoun | None:
        """The counted noun that starts after the space at ``pos`` (right at ``pos`` when
        ``glued``: a rate's denominator after '/'), ending by ``end``."""
        words = self.words(text, pos, end, glued=glued)
        if not words:
            return None
        head_start, head_end, head = words[0]
        source = "open"
        lexical = self.lexicon_rx.match(text, head_start, end)
        if lexical and lexical.end() >= head_end:
            # the lexicon knows it, capitalised or not: '3 Nghị định của Chính phủ'
            head_end, head, source = lexical.end(), lexical.group().lower(), "counted_noun"
            words = [(head_start, head_end, head)] + [w for w in words if w[0] >= head_end]
        elif not self._is_head_shape(head):
            return None
        kind = self._head_kind(head, source)
        if kind is None:
            return None
        taken = 1
        if kind == "classifier" and len(words) > 1 and self._follows_classifier(words[1][2]):
            taken = 2
        modifiers = 0
        while taken < len(words) and modifiers < _MODIFIERS and self._is_modifier(words, taken) \
                and _syllables(words[:taken + 1]) <= _SYLLABLES:
            taken += 1
            modifiers += 1
        stop = words[taken - 1][1]
        return CountedNoun(head_start, stop, " ".join(text[head_start:stop].lower().split()), source)

    def words(self, text: str, pos: int, end: int, limit: int = 8, glued: bool = False) -> list[tuple[int, int, str]]:
        """The words after ``pos`` up to the first punctuation, digit or ``end``: (start, end, lower text).
        A syllable glued to a digit (8h30, in1) is no word: nothing is read."""
        syllables = []
        p = pos
        while len(syllables) < limit:
            m = (_GLUED_SYLLABLE if glued and not syllables else _SYLLABLE).match(text, p, end)
            if not m:
                break
            s, e = m.span(1)
            if e < len(text) and (text[e].isdigit() or text[e] in "-_@&"):
                break
            syllables.append((s, e, text[s:e]))
            p = e
        return self._segment(syllables)

    def _segment(self, syllables: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Longest known word first, else one syllable."""
        out, i = [], 0
        lowered = [s[2].lower() for s in syllables]
        while i < len(syllables):
            for n in range(min(_WORD_LENGTH, len(syllables) - i), 1, -1):
                word = " ".join(lowered[i:i + n])
                if word in self.known:
                    # keep the case of the first syllable: a capital still marks a name
                    out.append((syllables[i][0], syllables[i + n - 1][1], syllables[i][2][:1] + word[1:]))
                    i += n
                    break
            else:
                out.append((syllables[i][0], syllables[i][1], syllables[i][2][:1] + lowered[i][1:]))
                i += 1
        return out

    @staticmethod
    def _is_head_shape(word: str) -> bool:
        return word[:1].islower()

    def _head_kind(self, word: str, source: str) -> str | None:
        """'classifier', 'noun', or None when the word cannot head a counted noun."""
        if word in self.stops:
            return None
        if word in self.classifiers:
            return "classifier"
        if source == "counted_noun":
            return "noun"
        cls = self.classes.of_head(word)
        if cls in ("noun", "classifier"):
            return cls
        if cls is None and word.replace(" ", "").isalpha():
            return "noun"          # unseen: open class, lower-case letters
        return None

    def _follows_classifier(self, word: str) -> bool:
        """After a classifier a noun or a nominalised verb: 'buổi hội nghị', 'trung tâm giao dịch'."""
        if not word[:1].islower() or word in self.stops or word in self.not_modifiers:
            return False
        return self.classes.of(word) in ("noun", "verb", "classifier", None)

    def _is_modifier(self, words: list[tuple[int, int, str]], i: int) -> bool:
        """A noun word that belongs to the compound before it. A lone syllable followed by a
        function word is rather the start of a compound the word list lacks ('dự án nhà ở
        xã hội'): the phrase ends before it."""
        word = words[i][2]
        if not word[:1].islower() or word in self.stops or word in self.not_modifiers:
            return False
        if not (self.classes.of(word) == "noun" or word in self.lexicon):
            return False
        if " " not in word and i + 1 < len(words):
            following = words[i + 1][2]
            return not following[:1].islower() or self.classes.of(following) in ("noun", "verb", "adjective")
        return True


def _syllables(words: list[tuple[int, int, str]]) -> int:
    return sum(len(w[2].split()) for w in words)
