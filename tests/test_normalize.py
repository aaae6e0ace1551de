"""Normalisation changes characters for matching but every span maps back exactly."""
import unicodedata

import pytest

from vnpolicy.normalize import normalize

HOSTILE = [
    "Hoà Bình\u00a0đạt 37,6%",
    "thuỷ điện\r\nquý 4/2020",
    "“Mục tiêu” – 2 tỷ USD\u200b!",
    "Khánh Hoa\u0300 và Thanh Hoá",         # decomposed tone mark, old placement
    "\ufeffTỉnh Quảng Ninh phấn đấu",
    "a\u200b\u200bb\u00ad c",                  # consecutive deletions
    "",
    "quý 3 và quý IV",                          # 'quý' must not become 'qúy'
    "Bộ GD&amp;ĐT&nbsp;tuyển &#8220;400&#x201D; chỉ tiêu",   # character references a scraper left
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_every_word_maps_back_to_its_original_characters(text):
    norm = normalize(text)
    for i, ch in enumerate(norm.text):
        if ch.isspace():
            continue
        s, e = norm.span_to_original(i, i + 1)
        assert 0 <= s < e <= len(text)
        original = unicodedata.normalize("NFC", text[s:e])
        assert original.strip("\u200b\u00ad\ufeff"), (i, ch, text[s:e])
    s, e = norm.span_to_original(0, len(norm.text))
    assert text[s:e].strip("\u200b\ufeff") == text.strip("\u200b\ufeff")


def test_tone_placement_and_spaces_are_normalised():
    norm = normalize("Hoà\u00a0Bình, thuỷ lợi, quý 4")
    assert norm.text == "Hòa Bình, thủy lợi, quý 4"


def test_quotes_dashes_and_line_breaks():
    norm = normalize("“A” – B\r\nC")
    assert norm.text == '"A" - B\nC'
    i = norm.text.index("C")
    assert norm.span_to_original(i, i + 1) == (9, 10)


def test_decomposed_marks_compose_and_map_to_the_whole_cluster():
    text = "Ha\u0300 No\u0302\u0323i"
    norm = normalize(text)
    assert norm.text == "Hà Nội"
    s, e = norm.span_to_original(0, len(norm.text))
    assert text[s:e] == text


def test_character_references_read_as_their_characters():
    text = "Bộ GD&amp;ĐT&nbsp;giao &#8220;400 chỉ tiêu&#x201D;&#10;x &foo; &#0; &amp"
    norm = normalize(text)
    # named and numeric references decode (quotes as plain quotes, spaces and line feeds as a
    # space); an unknown name, a code point no text holds and a reference without ';' stay
    assert norm.text == 'Bộ GD&ĐT giao "400 chỉ tiêu" x &foo; &#0; &amp'
    i = norm.text.index("GD&ĐT")
    s, e = norm.span_to_original(i, i + len("GD&ĐT"))
    assert text[s:e] == "GD&amp;ĐT"
    i = norm.text.index("400")
    assert norm.span_to_original(i - 1, i + 3) == (text.index("&#8220;"), text.index("400") + 3)
