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


def alternation(words: Iterable[str]) -> str:
    """A regex matching exactly ``words`` (escaped), the longest where several match. Built as
    a trie: the ``regex`` engine rejects a position after one character instead of trying
    every word there, which makes the long cue and attribute lists several times faster."""
    return trie_alternation(words)


def trie_alternation(words: Iterable[str]) -> str:
    """A regex (no outer group) matching exactly ``words``, longest alternative first."""
    trie: dict = {}
    for word in {w for w in words if w}:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _pattern(trie) or "(?!)"


def _pattern(node: dict) -> str:
    ends_here = "" in node
    branches = [regex.escape(ch) + _pattern(child) for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        # Greedy optional: the longer name wins, the shorter still matches.
        return "(?:" + body + ")?"
    return body


def suffix_alternation(words: Iterable[str]) -> str:
    """A regex (no outer group) matching exactly ``words``, their common endings factored
    ('(?:tổng\\ )?vốn'): the trie for a pattern run right to left (``regex.REVERSE``), which
    reads each word from its last character and so rejects a position after one."""
    trie: dict = {}
    for word in {w for w in words if w}:
        node = trie
        for ch in reversed(word):
            node = node.setdefault(ch, {})
        node[""] = {}
    return _suffix_pattern(trie) or "(?!)"


def _suffix_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = [_suffix_pattern(child) + regex.escape(ch) for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return "(?:" + body + ")?"
    return body
