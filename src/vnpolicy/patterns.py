"""Regex building blocks shared by the recognisers.

Long alternations of names ('Quảng Ninh|Quảng Nam|Quảng Ngãi|...') are slow when the
engine tries every alternative at every position; ``trie_alternation`` factors common
prefixes ('Quảng (?:Ninh|Nam|Ngãi)') so that a position is rejected after one character.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

import regex


# Word edges for the standard ``re`` module, which runs the hottest patterns (cue words,
# number words) faster than ``regex``: a letter is ``[^\W\d_]``. Text reaching them is NFC,
# so Vietnamese letters are single code points.
RE_WORD_START = r"(?<![^\W\d_])"
RE_WORD_END = r"(?![^\W\d_])"

# regex lets go of the GIL around every match on a str, and takes it back for each match it
# returns and each block of memory it needs: a third of what a short match costs. An article
# is read by one thread, so the calls made per sentence and per amount keep it: they pass
# ``concurrent=False`` by position (as a keyword it costs more to parse than it saves), the
# argument after ``endpos`` of match, search and fullmatch, after ``overlapped`` of finditer
# and findall, and after ``maxsplit`` of split. (Not for the standard ``re`` patterns.)
NOT_CONCURRENT = False
NOT_OVERLAPPED = False


class LowerCaseWords:
    """A ``re`` pattern of lower-case Vietnamese words, matched in any case. ``re.IGNORECASE``
    compares every character in both cases; the same pattern without it, run on the text in
    lower case, finds the same matches at the same places in half the time. That holds when
    lowering keeps every character in its place (it does not for 'İ') and the text holds no
    letter that IGNORECASE takes for a Latin one whose lower case it is not: 'ı' for 'i', 'ſ'
    for 's', 'ẛ' for 'ṡ' (``re._casefix``). Otherwise, or if a word of the pattern (``words``)
    has a capital or a letter outside the Latin blocks (Greek has more such pairs, and a final
    sigma that lowers by its context), the pattern runs with IGNORECASE on the text itself."""

    _OTHER_CASES = ("ı", "ſ", "ẛ")

    def __init__(self, pattern: str, words: Iterable[str]):
        self.any_case = re.compile(pattern, re.I)
        plain = all(w == w.lower() and all(_is_latin(ch) for ch in w if ch.isalpha()) for w in words)
        self.lower_case = re.compile(pattern) if plain else None

    def finditer(self, text: str, pos: int, endpos: int) -> Iterator[tuple[re.Match, int]]:
        """(match, shift) for each match in text[pos:endpos], in any case: ``match`` is of a
        string whose offsets plus ``shift`` are offsets into ``text`` (its characters those of
        ``text`` in lower case, or ``text`` itself, shift 0)."""
        base = pos - 1 if pos > 0 else 0         # one character before: the word-start test reads it
        lowered = text[base:endpos].lower()
        if self.lower_case is not None and len(lowered) == endpos - base \
                and not any(map(lowered.__contains__, self._OTHER_CASES)):
            for m in self.lower_case.finditer(lowered, pos - base):
                yield m, base
        else:
            for m in self.any_case.finditer(text, pos, endpos):
                yield m, 0


def initials_class(words: Iterable[str]) -> str:
    """A character class of the first characters of ``words`` (for ``re`` and ``regex`` alike):
    a pattern led by ``(?=[...])`` is tried only where one of its words can start."""
    return "[" + "".join(re.escape(c) for c in sorted({w[0] for w in words if w})) + "]"


def _is_latin(ch: str) -> bool:
    """A letter of the Latin blocks, where Vietnamese letters are (Latin-1 to Latin Extended-B,
    Latin Extended Additional)."""
    return ch < "\u0250" or "\u1e00" <= ch <= "\u1eff"


def alternation(words: Iterable[str]) -> str:
    """A regex matching exactly ``words`` (escaped), the longest where several match. Built as
    a trie: the ``regex`` engine rejects a position after one character instead of trying
    every word there, which makes the long cue and attribute lists several times faster."""
    return trie_alternation(words)


def trie_alternation(words: Iterable[str]) -> str:
    """A regex (no outer group) matching exactly ``words``, longest alternative first."""
    return _pattern(_trie(words, reversed_words=False), reversed_words=False) or "(?!)"


def suffix_alternation(words: Iterable[str]) -> str:
    """A regex (no outer group) matching exactly ``words``, their common endings factored
    ('(?:tổng\\ )?vốn'): the trie for a pattern run right to left (``regex.REVERSE``), which
    reads each word from its last character and so rejects a position after one."""
    return _pattern(_trie(words, reversed_words=True), reversed_words=True) or "(?!)"


def literal_keys(words: Iterable[str]) -> tuple[str, ...]:
    """The fewest of ``words`` such that every word holds one of them: a text that holds none
    of these holds none of ``words``, so a case-sensitive pattern that cannot match without one
    of ``words`` need not run on it (most sentences, for most such lists)."""
    keys: list[str] = []
    for word in sorted({w for w in words if w}, key=len):
        if not any(key in word for key in keys):
            keys.append(word)
    return tuple(keys)


def holds_any(text: str, keys: tuple[str, ...]) -> bool:
    return any(map(text.__contains__, keys))


def _trie(words: Iterable[str], reversed_words: bool) -> dict:
    """The words as a character trie, read from their first character (or their last)."""
    trie: dict = {}
    for word in {w for w in words if w}:
        node = trie
        for ch in (reversed(word) if reversed_words else word):
            node = node.setdefault(ch, {})
        node[""] = {}
    return trie


def _pattern(node: dict, reversed_words: bool) -> str:
    ends_here = "" in node
    branches = [_pattern(child, reversed_words) + regex.escape(ch) if reversed_words
                else regex.escape(ch) + _pattern(child, reversed_words)
                for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        # Greedy optional: the longer word wins, the shorter still matches.
        return "(?:" + body + ")?"
    return body
