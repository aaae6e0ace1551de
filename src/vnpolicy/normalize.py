"""Step 1: normalise text for matching while keeping a map back to the caller's offsets.

Every rule after this step works on ``NormalizedText.text``; every offset that leaves the
library goes through ``NormalizedText.span_to_original`` so that ``original[start:end]``
is exactly the reported words, and never starts or ends inside a grapheme (between a
letter and its combining mark).

A run of spaces and tabs inside a line reads as one space (*dự  kiến* is *dự kiến*), so
that no pattern depends on how the text was spaced; the map keeps every offset exact.
An HTML character reference that a scraper left in the text (*Bộ GD &amp; ĐT*, *&quot;*,
*&#8220;*) reads as the character it stands for, and markup (a CMS body in a JSON field:
``<p>...</p>``) as the layout it makes: a block tag ends a line, an inline tag is a space or
nothing, a comment is gone. A line in capitals (a headline) reads with the case the rest of
the article gives its words.
"""
from __future__ import annotations

import bisect
import html
import re
import unicodedata
from array import array
from dataclasses import dataclass, field

import regex

# Tone marks that old-style spelling puts on the second vowel (hoà, thuỷ); new style,
# which every lexicon under models/ uses, puts them on the first (hòa, thủy).
_TONED_SECOND = "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"
# led by the two letters it needs: the engine then skips most places without trying the lookbehind
_OLD_TONE = regex.compile(rf"(?=[oOuU][{_TONED_SECOND}])(?<![qQ])([oOuU])([{_TONED_SECOND}])(?![\p{{L}}\p{{M}}])")
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_PUNCT = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
          "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
          "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-"}
def _edits_pattern(spaces: str) -> str:
    return (r"(?P<crlf>\r\n?)"
            rf"|(?P<space>{spaces})"
            rf"|(?P<zw>[{_ZERO_WIDTH}])"
            rf"|(?P<punct>[{''.join(_PUNCT)}])"
            r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)")


# Tags of HTML that break a line (the same blocks as an HTML page or feed entry read as text).
BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
              "blockquote", "section", "article", "header", "footer", "figcaption", "pre", "hr", "dd", "dt")
# Markup, with the spaces after it (so that removing it leaves no run of spaces): comments,
# block tags, then any other tag. Every part is bounded or stops at the next '<' or '>', so a
# text full of broken markup is still read in one pass. Only texts with something like a tag
# get these alternatives: the scan of other text stays as it was.
_AFTER_TAG = r"[ \t]*"
_MARKUP = (rf"|(?P<comment><!--[^<>]{{0,300}}-->{_AFTER_TAG})"   # (one with a tag inside loses only its tags)
           rf"|(?P<block>(?i:</?(?:{'|'.join(BLOCK_TAGS)})(?:\s[^<>]*)?/?>){_AFTER_TAG})"
           rf"|(?P<inline>(?:</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>){_AFTER_TAG})")
_HAS_TAG = re.compile(r"<[A-Za-z/!]")

# One pattern per kind of text: composing base + mark only where the text is not NFC already
# (most news is), and runs of spaces only where there is a run (a run pattern tries every
# single space, which costs a few times the scan on text that has none).
_ONE_SPACE = f"[{_SPACES}]"
_SPACE_RUNS = f"[ {_SPACES}]{{2,}}|[{_SPACES}]"
# (marks after a run of spaces, whose last space the run takes, are put in order on their own:
# the text reads the same however it was spaced)
_COMPOSE = r"|(?P<comb>\P{M}\p{M}+)|(?P<marks>\p{M}{2,})"
_PATTERNS = {(nfc, runs, tags): regex.compile((_MARKUP[1:] + "|" if tags else "")
                                              + _edits_pattern(_SPACE_RUNS if runs else _ONE_SPACE)
                                              + ("" if nfc else _COMPOSE))
             for nfc in (True, False) for runs in (True, False) for tags in (True, False)}
_HAS_RUN = regex.compile(f"[ {_SPACES}]{{2}}")
_OTHER_SPACE = re.compile(f"[{_SPACES}]")


def _has_space_run(text: str) -> bool:
    """Two spaces or tabs in a row anywhere? (Quick tests first: the full one scans slowly.)"""
    if "  " in text:
        return True
    return _OTHER_SPACE.search(text) is not None and _HAS_RUN.search(text) is not None


@dataclass
class NormalizedText:
    """Normalised text plus the edits that produced it (norm_start, norm_end, orig_start, orig_end).

    The edits are kept as four integer arrays, 16 bytes an edit: a big article with a CRLF,
    a curly quote or a no-break space on every line has hundreds of thousands of them.
    """

    original: str
    text: str
    edits: "_Edits" = field(default_factory=lambda: _Edits(0))

    def _locate(self, pos: int) -> tuple[int, int, int, int] | None:
        i = bisect.bisect_right(self.edits.norm_start, pos) - 1
        # Several zero-length edits can share a start; the last one is the furthest on.
        return self.edits[i] if i >= 0 else None

    def to_original_start(self, pos: int) -> int:
        edit = self._locate(pos)
        if edit is None:
            return pos
        n_start, n_end, o_start, o_end = edit
        if pos < n_end:
            return o_start
        return o_end + (pos - n_end)

    def to_original_end(self, pos: int) -> int:
        if pos <= 0:
            return 0
        edit = self._locate(pos - 1)
        if edit is None:
            return pos
        n_start, n_end, o_start, o_end = edit
        if pos - 1 < n_end:
            return o_end
        return o_end + (pos - n_end)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if not self.edits:           # most texts need no edit: the offsets are the caller's already
            return snap_to_graphemes(self.original, start, end)
        return snap_to_graphemes(self.original, self.to_original_start(start), self.to_original_end(end))


# Characters that belong to the grapheme before them (Unicode's grapheme cluster rules: combining
# marks, spacing marks, joiners, variation selectors, emoji modifiers), and those that belong to
# the one after them (prepended concatenation marks), unless a line break or control follows.
_EXTENDS = regex.compile(r"[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=SpacingMark}"
                         r"\p{Grapheme_Cluster_Break=ZWJ}]")
_PREPEND = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")
_CONTROL = regex.compile(r"[\p{Grapheme_Cluster_Break=Control}\r\n]")


def _lowest(rx: regex.Pattern) -> str:
    """The first code point that ``rx`` matches: every character below it is tested without
    the pattern (most of a text is: marks start at U+0300, prepended marks at U+0600)."""
    return next(chr(c) for c in range(0x110000) if rx.match(chr(c)))


_LOWEST_EXTEND, _LOWEST_PREPEND = _lowest(_EXTENDS), _lowest(_PREPEND)


def _extends(ch: str) -> bool:
    """Does ``ch`` belong to the grapheme before it?"""
    return ch >= _LOWEST_EXTEND and _EXTENDS.match(ch) is not None


def _joins_next(text: str, i: int) -> bool:
    """Is text[i] a prepended mark that belongs to the grapheme after it?"""
    return text[i] >= _LOWEST_PREPEND and _PREPEND.match(text, i) is not None \
        and i + 1 < len(text) and _CONTROL.match(text, i + 1) is None


def snap_to_graphemes(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to whole graphemes: the end past the marks of its last letter,
    the start back to the letter its marks belong to (or, where they follow a space or
    punctuation, past those stray marks); a prepended mark goes with what follows it."""
    while 0 < end < len(text) and (_extends(text[end]) or _joins_next(text, end - 1)):
        end += 1
    while 0 < start < len(text) and _joins_next(text, start - 1):
        start -= 1
    if start + 1 < end and text[start].isspace() and _extends(text[start + 1]):
        start += 1           # marks on a space (which the offset map keeps with them): no piece starts there
    if 0 < start < len(text) and _extends(text[start]):
        base = start
        while base > 0 and _extends(text[base - 1]):
            base -= 1
        if base > 0 and text[base - 1].isalnum():
            start = base - 1
        else:
            while start < end and _extends(text[start]):
                start += 1
    return start, end


class _Edits:
    """The offset map's edits as columns of machine integers."""

    __slots__ = ("norm_start", "norm_end", "orig_start", "orig_end")

    def __init__(self, text_length: int) -> None:
        kind = "i" if text_length < 2 ** 31 - 1 else "q"      # 4-byte offsets unless the text is huge
        self.norm_start, self.norm_end = array(kind), array(kind)
        self.orig_start, self.orig_end = array(kind), array(kind)

    def add(self, norm_start: int, norm_end: int, orig_start: int, orig_end: int) -> None:
        self.norm_start.append(norm_start)
        self.norm_end.append(norm_end)
        self.orig_start.append(orig_start)
        self.orig_end.append(orig_end)

    def __len__(self) -> int:
        return len(self.norm_start)

    def __getitem__(self, i: int) -> tuple[int, int, int, int]:
        return self.norm_start[i], self.norm_end[i], self.orig_start[i], self.orig_end[i]


def _replacement(match: regex.Match) -> str:
    kind = match.lastgroup
    s = match.group()
    if kind == "crlf":
        return "\n"
    if kind == "space":
        return " "
    if kind == "zw":
        return ""
    if kind == "punct":
        return _PUNCT[s]
    if kind == "entity":
        return _character_reference(s)
    if kind in ("block", "comment", "inline"):
        return _markup_replacement(match, kind)
    return unicodedata.normalize("NFC", s)


def _markup_replacement(match: regex.Match, kind: str) -> str:
    """A block tag ends a line, and so does markup over a line break (so that no sentence runs
    across one). Beside a space another tag or a comment is nothing more; between two words it
    is a space, unless it stands inside a word (H<sub>2</sub>O)."""
    s = match.group()
    if kind == "block" or "\n" in s or "\r" in s:
        return "\n"
    if match.string[match.start() - 1:match.start()] in ("", " ", "\t", "\n"):
        return ""
    return " " if s[-1] in " \t" else ""


def _code_point(reference: str) -> int:
    """The code point a numeric reference names (-1 for a named one)."""
    if not reference.startswith("&#"):
        return -1
    digits = reference[2:-1]
    return int(digits[1:], 16) if digits[:1] in "xX" else int(digits)


def _character_reference(reference: str) -> str:
    """What an HTML character reference stands for, normalised as the text around it is; an
    unknown name stays as written. A space or line break it encodes reads as one space, so
    that a reference never splits a line."""
    ch = html.unescape(reference)
    if ch == reference or ch == "\ufffd" and _code_point(reference) != 0xFFFD:
        return reference            # unknown, or a code point no text can hold (&#0;, a surrogate)
    if ch.isspace():            # every character of _SPACES is one
        return " "
    if ch in _ZERO_WIDTH:
        return ""
    return "".join(_PUNCT.get(c, c) for c in unicodedata.normalize("NFC", ch))


def _move_tone(match: regex.Match) -> str:
    first, second = match.group(1), match.group(2)
    decomposed = unicodedata.normalize("NFD", second)
    base, marks = decomposed[0], decomposed[1:]
    return unicodedata.normalize("NFC", first + marks) + base


def normalize(original: str) -> NormalizedText:
    """Return the matching form of ``original`` with an offset map back to it."""
    pieces: list[str] = []
    chunks: list[str] = []       # pieces joined every few thousand: fewer small objects alive at once
    edits = _Edits(len(original))
    out_len = 0
    last = 0
    pattern = _PATTERNS[unicodedata.is_normalized("NFC", original), _has_space_run(original),
                        _HAS_TAG.search(original) is not None]
    for m in pattern.finditer(original):
        rep = _replacement(m)
        if rep == m.group():
            continue
        pieces.append(original[last:m.start()])
        out_len += m.start() - last
        edits.add(out_len, out_len + len(rep), m.start(), m.end())
        pieces.append(rep)
        out_len += len(rep)
        last = m.end()
        if len(pieces) >= 4096:
            chunks.append("".join(pieces))
            pieces.clear()
    pieces.append(original[last:])
    chunks.append("".join(pieces))
    del pieces
    text = chunks[0] if len(chunks) == 1 else "".join(chunks)
    del chunks
    # Tone moves and recasing keep the length, so they change characters without touching the map.
    text = _OLD_TONE.sub(_move_tone, text)
    text = recase_capital_lines(text)
    return NormalizedText(original, text, edits)


# A line with no lower-case letter and two words of capitals or more: a headline written in
# capitals ('TỈNH QUẢNG NINH PHẤN ĐẤU ...'), or a line of acronyms ('UBND TP.HCM'), which
# ``_is_capital_line`` tells apart.
_CAPITAL_LINE = regex.compile(r"^(?=[^\n]*\p{Lu}[^\p{L}\n]+\p{Lu})[^\p{Ll}\n]+$", regex.M)
# A Vietnamese syllable has a vowel; an acronym (UBND, TP, HCM, GDP) often has none.
_VOWEL = regex.compile("[" + "".join(ch for ch in map(chr, [*range(0x41, 0x250), *range(0x1E00, 0x1F00)])
                                     if unicodedata.normalize("NFD", ch)[0] in "aeiouyAEIOUY") + "]")
_MIN_SYLLABLES = 3
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*")
_SENTENCE_OPENING = regex.compile(r"(?:^|[.!?:;\"'(\n\-–])[\s\"'(]*\Z")


def recase_capital_lines(text: str) -> str:
    """``text`` with each line written in capitals recased as the rest of the article writes
    its words: in capitals, every word looks like a name (or none does), so a headline in
    capitals lost its actors and its targets. A word takes the form the article uses for it
    most inside its sentences (not at their start, where every word has a capital), as
    written ('Quảng Ninh', 'UBND', 'ABBank'); a word the article has only here is lower case,
    unless it has no vowel (an acronym: TP, HCM); the line's first word has its capital. Same
    length, character for character."""
    if not any(line.isupper() for line in text.split("\n")):    # most texts: one quick pass in C
        return text
    lines = [m for m in _CAPITAL_LINE.finditer(text) if _is_capital_line(m.group())]
    if not lines:
        return text
    forms = _inner_forms(text, lines)
    pieces, last = [], 0
    for line in lines:
        pieces.append(text[last:line.start()])
        pieces.append(_recased(line.group(), forms))
        last = line.end()
    pieces.append(text[last:])
    return "".join(pieces)                  # each word keeps its length (``_recased``)


def _is_capital_line(line: str) -> bool:
    """Words, not a row of acronyms: three syllables or more with a vowel."""
    return sum(1 for w in _WORD.finditer(line) if _VOWEL.search(w.group())) >= _MIN_SYLLABLES


def _inner_forms(text: str, lines: list[regex.Match]) -> dict[str, str]:
    """Lower-case word -> its most frequent form inside a sentence, outside the capital lines."""
    counts: dict[str, dict[str, int]] = {}
    starts = [m.start() for m in lines]
    ends = [m.end() for m in lines]
    for m in _WORD.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.start() < ends[i]:
            continue                                    # a capital line says nothing of case
        if _SENTENCE_OPENING.search(text, max(0, m.start() - 3), m.start()):
            continue                                    # a sentence's first word has a capital anyway
        word = m.group()
        by_form = counts.setdefault(word.lower(), {})
        by_form[word] = by_form.get(word, 0) + 1
    return {key: max(by_form, key=lambda f: (by_form[f], f)) for key, by_form in counts.items()}


def _recased(line: str, forms: dict[str, str]) -> str:
    out, last, first = [], 0, True
    for m in _WORD.finditer(line):
        word = m.group()
        form = forms.get(word.lower(), word.lower() if _VOWEL.search(word) else word)   # an acronym stays
        if first and form[:1].islower():
            form = form[:1].upper() + form[1:]
        first = False
        if len(form) != len(word):                      # 'ß' and the like: leave the word as written
            form = word
        out.append(line[last:m.start()])
        out.append(form)
        last = m.end()
    out.append(line[last:])
    return "".join(out)
