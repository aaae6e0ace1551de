"""Word tokens from underthesea, realigned to the text they came from.

underthesea rewrites tokens (spacing around punctuation, joined syllables), so each token
is found again in the sentence by scanning forward; a token that cannot be found is
skipped rather than guessed. Loading underthesea costs about a second, so it happens on
first use and only for sentences that may hold a target.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .sanitize import replace_surrogates


@dataclass(frozen=True)
class Token:
    start: int    # offsets into the string that was tokenised
    end: int
    text: str
    tag: str      # underthesea POS tag (N, Nc, V, M, Np, CH ...)


@functools.lru_cache(maxsize=1)
def _pos_tagger():
    from underthesea import pos_tag  # heavy: imported on first use only
    return pos_tag


def preload() -> None:
    """Import underthesea and load its tagger model now."""
    _pos_tagger()("hai buổi hội nghị")


def align(text: str, pieces: list[tuple[str, str]]) -> list[Token]:
    """Find each (word, tag) of ``pieces`` in ``text`` in order; return tokens with offsets."""
    tokens: list[Token] = []
    pos = 0
    for word, tag in pieces:
        syllables = word.split()
        if not syllables:
            continue
        start = text.find(syllables[0], pos)
        if start < 0:
            continue
        end = start + len(syllables[0])
        ok = True
        for syl in syllables[1:]:
            nxt = text.find(syl, end)
            if nxt < 0 or text[end:nxt].strip():
                ok = False
                break
            end = nxt + len(syl)
        if not ok:
            continue
        tokens.append(Token(start, end, text[start:end], tag))
        pos = end
    return tokens


def tag(text: str) -> list[Token]:
    """POS-tagged word tokens of ``text`` with offsets into ``text``."""
    if not text.strip():
        return []
    text = replace_surrogates(text)[0]      # the tagger encodes its input as UTF-8; same length
    return align(text, _pos_tagger()(text))
