"""Regex building blocks shared by the recognisers.

Long alternations of names ('Quảng Ninh|Quảng Nam|Quảng Ngãi|...') are slow when the
engine tries every alternative at every position; ``trie_alternation`` factors common
prefixes ('Quảng (?:Ninh|Nam|Ngãi)') so that a position is rejected after one character.
"""
from __future__ import annotations

from typing import Iterable

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
