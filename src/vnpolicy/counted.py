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

from .patterns import NOT_CONCURRENT, alternation
from .resources import LanguageData

_RUN = regex.compile(r"[ \t]+([\p{L}\p{M}]+(?:[ \t]+[\p{L}\p{M}]+){0,7})")
_GLUED_RUN = regex.compile(r"[ \t]*([\p{L}\p{M}]+(?:[ \t]+[\p{L}\p{M}]+){0,7})")
_WORD_LENGTH = 4          # syllables of the longest word looked up
_MODIFIERS = 2            # noun words after the head that still belong to it
_SYLLABLES = 6            # the longest counted noun read
_WORDS_READ = 2 + _MODIFIERS + 1   # head, the word after a classifier, modifiers, one to look at


@dataclass(frozen=True)
class CountedNoun:
    start: int
    end: int
    code: str           # the noun as written, lower case, one space between syllables
    source: str         # counted_noun (head in the lexicon) | open (head a noun of word_classes.json)
                        # | guessed (head a lower-case word no list knows)


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
        self.classifiers = {w.lower() for w in nouns["classifiers"] + nouns["open_classifiers"]}
        self.stops = {w.lower() for w in nouns["never_units"] + nouns["not_units"]}
        self.not_modifiers = {w.lower() for w in nouns["not_modifiers"]}
        multi = set(self.classes.general) | self.lexicon | self.classifiers | self.stops | self.not_modifiers
        self.known = {w for w in multi if " " in w}
        # the most syllables of a known word by its first syllable: most syllables start none
        self.longest: dict[str, int] = {}
        for w in self.known:
            first, n = w.split(" ", 1)[0], w.count(" ") + 1
            if n <= _WORD_LENGTH and n > self.longest.get(first, 1):
                self.longest[first] = n

    def read(self, text: str, pos: int, end: int, glued: bool = False) -> CountedNoun | None:
        """The counted noun that starts after the space at ``pos`` (right at ``pos`` when
        ``glued``: a rate's denominator after '/'), ending by ``end``."""
        syllables = self._syllables(text, pos, end, glued)
        if not syllables:
            return None
        words = _Words(self, syllables)
        head_start, head_end, head = words[0]
        source = "open"
        lexical = self.lexicon_rx.match(text, head_start, end, NOT_CONCURRENT)
        if lexical and lexical.end() >= head_end:
            # the lexicon knows it, capitalised or not: '3 Nghị định của Chính phủ'
            head = lexical.group().lower()
            source = "counted_noun"
            words.restart(lexical.end(), (head_start, lexical.end(), head))
        elif not self._is_head_shape(head):
            return None
        kind = self._head_kind(head, source)
        if kind is None:
            return None
        if kind == "guessed":
            kind, source = "noun", "guessed"
        taken = 1
        if kind == "classifier" and words.has(1) and self._follows_classifier(words[1][2]):
            taken = 2
        modifiers, syllable_count = 0, sum(len(words[k][2].split()) for k in range(taken))
        while modifiers < _MODIFIERS and words.has(taken) and self._is_modifier(words, taken):
            syllable_count += len(words[taken][2].split())
            if syllable_count > _SYLLABLES:
                break
            taken += 1
            modifiers += 1
        stop = words[taken - 1][1]
        return CountedNoun(head_start, stop, " ".join(text[head_start:stop].lower().split()), source)

    def words(self, text: str, pos: int, end: int, glued: bool = False) -> list[tuple[int, int, str]]:
        """The first words after ``pos`` (see ``_syllables``), segmented: (start, end, text lower-cased
        but for its first letter, which tells a name)."""
        words = _Words(self, self._syllables(text, pos, end, glued))
        out, i = [], 0
        while words.has(i):
            out.append(words[i])
            i += 1
        return out

    @staticmethod
    def _syllables(text: str, pos: int, end: int, glued: bool) -> list[tuple[int, int, str]]:
        """The syllables after ``pos`` up to punctuation, a digit or ``end``. A syllable glued to
        a digit (8h30, in1), or that ``end`` cuts, ends them, without itself."""
        m = (_GLUED_RUN if glued else _RUN).match(text, pos, end, NOT_CONCURRENT)
        if not m:
            return []
        syllables, p = [], m.start(1)
        for piece in m.group(1).split():
            s = text.index(piece, p)
            p = s + len(piece)
            syllables.append((s, p, piece))
        if p < len(text) and (text[p].isalnum() or text[p] in "-_@&"):
            syllables.pop()          # glued to a digit, or cut by ``end`` inside a word
        return syllables

    def word_at(self, syllables: list[tuple[int, int, str]], lowered: list[str], i: int) -> tuple[tuple[int, int, str], int]:
        """The longest known word starting at syllable ``i``, else that syllable; and the next index."""
        for n in range(min(self.longest.get(lowered[i], 1), len(syllables) - i), 1, -1):
            word = " ".join(lowered[i:i + n])
            if word in self.known:
                return (syllables[i][0], syllables[i + n - 1][1], syllables[i][2][:1] + word[1:]), i + n
        return (syllables[i][0], syllables[i][1], syllables[i][2][:1] + lowered[i][1:]), i + 1

    @staticmethod
    def _is_head_shape(word: str) -> bool:
        return word[:1].islower()

    def _head_kind(self, word: str, source: str) -> str | None:
        """'classifier', 'noun', 'guessed' (a word no list knows), or None when the word
        cannot head a counted noun."""
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
            return "guessed"       # unseen: open class, lower-case letters
        return None

    def _follows_classifier(self, word: str) -> bool:
        """After a classifier a noun or a nominalised verb: 'buổi hội nghị', 'trung tâm giao dịch'."""
        if not word[:1].islower() or word in self.stops or word in self.not_modifiers:
            return False
        return self.classes.of(word) in ("noun", "verb", "classifier", None)

    def _is_modifier(self, words: "_Words", i: int) -> bool:
        """A noun word that belongs to the compound before it. A lone syllable belongs only
        when the words end after it (2 bến thuyền.): before another word it rather starts a
        compound the word list lacks ('dự án nhà ở xã hội', 'hãng hàng không giá rẻ', 'tòa nhà
        hạng A', 'cây cầu bắc qua sông')."""
        word = words[i][2]
        if not word[:1].islower() or word in self.stops or word in self.not_modifiers:
            return False
        if not (self.classes.of(word) == "noun" or word in self.lexicon):
            return False
        return " " in word or not words.has(i + 1)


class _Words:
    """The words of a run of syllables, segmented only as far as they are asked for."""

    def __init__(self, reader: CountedNounReader, syllables: list[tuple[int, int, str]]):
        self.reader, self.syllables = reader, syllables
        self.lowered = [s[2].lower() for s in syllables]
        self.found: list[tuple[int, int, str]] = []
        self.next = 0

    def restart(self, at: int, first: tuple[int, int, str]) -> None:
        """The first word is ``first`` (a lexicon noun); segmenting goes on after offset ``at``."""
        self.found = [first]
        self.next = next((k for k, s in enumerate(self.syllables) if s[0] >= at), len(self.syllables))

    def has(self, i: int) -> bool:
        while len(self.found) <= i and self.next < len(self.syllables) and len(self.found) < _WORDS_READ:
            word, self.next = self.reader.word_at(self.syllables, self.lowered, self.next)
            self.found.append(word)
        return i < len(self.found)

    def __getitem__(self, i: int) -> tuple[int, int, str]:
        if not self.has(i):
            raise IndexError(i)
        return self.found[i]
