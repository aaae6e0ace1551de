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
    "HOÀ BÌNH PHẤN ĐẤU ĐẠT 37,6%\nTỉnh Hoà Bình vừa đặt mục tiêu.",   # a headline in capitals
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


def test_markup_reads_as_the_layout_it_makes():
    text = ('<h1 class="t">Tỉnh đặt mục tiêu</h1><p>Năm 2027 thu hút <b>3 tỷ USD</b>.</p>'
            '<!-- quảng cáo --><p>H<sub>2</sub>O, giá <5 triệu</p>')
    norm = normalize(text)
    # block tags end lines, inline tags beside a space are one space and inside a word
    # nothing; a comment is gone; a '<' that opens no tag stays
    assert norm.text == "\nTỉnh đặt mục tiêu\n\nNăm 2027 thu hút 3 tỷ USD.\n\nH2O, giá <5 triệu\n"
    i = norm.text.index("3 tỷ USD")
    s, e = norm.span_to_original(i, i + len("3 tỷ USD"))
    assert text[s:e] == "3 tỷ USD"


def test_text_without_tags_keeps_its_angle_brackets():
    assert normalize("tỷ lệ < 5% và > 2%, a<b").text == "tỷ lệ < 5% và > 2%, a<b"


def test_markup_over_two_lines_still_ends_its_line():
    # a line break inside a tag or comment stays a line break: no sentence runs across it
    assert normalize('Câu một.<img\nsrc="a.png"> Câu hai.<!-- a\r\nb -->Ba').text == "Câu một.\nCâu hai.\nBa"


def test_a_headline_in_capitals_reads_as_the_article_writes_its_words():
    text = ("TỈNH QUẢNG NINH GIAO UBND TP HẠ LONG THU 2 TỶ USD\n"
            "Tỉnh Quảng Ninh vừa giao chỉ tiêu cho UBND TP Hạ Long. Theo đó, thành phố phải thu hút 2 tỷ USD.")
    norm = normalize(text)
    head = norm.text.split("\n")[0]
    # names and acronyms as the body writes them; 'tỉnh' (lower case inside a sentence) and
    # words the body has only at a sentence's start or not at all, in lower case; a capital first
    assert head == "Tỉnh Quảng Ninh giao UBND TP Hạ Long thu 2 tỷ USD"
    assert len(norm.text) == len(text) and norm.span_to_original(0, len(head)) == (0, len(head))
    assert norm.text.split("\n")[1] == text.split("\n")[1]          # the body is untouched


@pytest.mark.parametrize("text", [
    "Tỉnh Quảng Ninh phấn đấu thu 2 tỷ USD",       # a line in ordinary case
    "UBND TP.HCM\nTỉnh Quảng Ninh phấn đấu",      # too few capitals to be words: an acronym line
    "GDP 2020: 6,8%",
])
def test_lines_not_in_capitals_keep_their_case(text):
    assert normalize(text).text == text
