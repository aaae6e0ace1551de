"""The per-sentence pieces of an article: shifted copies, lazy making, no reference cycle."""
from __future__ import annotations

import dataclasses
import gc
import weakref
from decimal import Decimal

import pytest

from vnpolicy.actors import ActorMention
from vnpolicy.deadlines import TimeMention
from vnpolicy.normalize import normalize
from vnpolicy.numbers import NumberMention
from vnpolicy.pieces import ArticlePieces, shift
from vnpolicy.pipeline import default_extractor
from vnpolicy.triggers import Cue

PIECES = [
    Cue(4, 12, "target", "phấn đấu", False),
    TimeMention(20, 32, "year", {"year": "2030"}, "đến", horizon=True),
    ActorMention(0, 9, "Hà Nam", "province", "gazetteer", canonical="Hà Nam"),
    NumberMention(13, 18, Decimal(1500), None, False, "digits", True),
]


@pytest.mark.parametrize("piece", PIECES, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("by", [7, -3])
def test_a_shifted_piece_is_the_piece_replace_makes(piece, by):
    moved = shift(piece, by)
    expected = dataclasses.replace(piece, start=piece.start + by, end=piece.end + by)
    assert moved == expected and type(moved) is type(piece)
    assert {f.name: getattr(moved, f.name) for f in dataclasses.fields(moved)} == \
           {f.name: getattr(expected, f.name) for f in dataclasses.fields(expected)}
    assert (piece.start, piece.end) != (moved.start, moved.end)     # the original is left as it was
    with pytest.raises(dataclasses.FrozenInstanceError):
        moved.start = 0


def _article(text: str) -> ArticlePieces:
    extractor = default_extractor()
    norm = normalize(text)
    return ArticlePieces(extractor.assembler.recognisers, norm.text, extractor.segmenter.sentences(norm.text))


def test_pieces_are_made_for_the_sentences_asked_only():
    article = _article("Năm 2025, tỉnh phấn đấu xây 3 cây cầu. Ông Bình cho biết thêm.\nTrời mưa.")
    assert [c.word for c in article[0]["cues"]] == ["phấn đấu"]
    assert article[0] is article[0]          # made once, then kept
    assert set(article._by_sentence) == {0}


def test_an_article_is_freed_without_the_cycle_collector():
    article = _article("Năm 2025, tỉnh phấn đấu xây 3 cây cầu. Tỉnh này cũng sẽ trồng 2.000 cây xanh.")
    for s in article.sentences:
        for kind in ("times", "cues", "actors", "words"):
            article[s.index][kind]
    gone = weakref.ref(article)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del article
        assert gone() is None                # freed by reference counting: no cycle holds it
    finally:
        if enabled:
            gc.enable()
