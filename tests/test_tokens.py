"""underthesea rewrites its tokens; vnpolicy realigns them to the text they came from."""
import pytest

from vnpolicy.tokens import Token, align, tag


def test_align_finds_multi_syllable_words_across_odd_spacing():
    text = "Tỉnh  Quảng Ninh\tphấn đấu 2 tỷ USD."
    pieces = [("Tỉnh", "N"), ("Quảng Ninh", "Np"), ("phấn đấu", "V"), ("2", "M"), ("tỷ", "M"),
              ("USD", "Nu"), (".", "CH")]
    tokens = align(text, pieces)
    assert [t.text for t in tokens] == ["Tỉnh", "Quảng Ninh", "phấn đấu", "2", "tỷ", "USD", "."]
    assert all(text[t.start:t.end] == t.text for t in tokens)


def test_align_skips_a_token_it_cannot_find_rather_than_guessing():
    tokens = align("hai dự án", [("hai", "M"), ("xyz", "N"), ("dự án", "N")])
    assert [(t.text, t.tag) for t in tokens] == [("hai", "M"), ("dự án", "N")]


@pytest.mark.parametrize("text", [
    "Năm 2025, tỉnh sẽ tổ chức 2 buổi hội nghị xúc tiến đầu tư.",
    "TP.HCM  đạt 37,6%  “kế hoạch”…",
    "",
])
def test_tag_offsets_index_the_input(text):
    tokens = tag(text)
    assert all(isinstance(t, Token) and text[t.start:t.end] == t.text for t in tokens)
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)
    if text:
        assert tokens, "underthesea returns tokens for real text"


def test_warm_up_loads_the_tagger_before_any_article():
    import vnpolicy
    from vnpolicy import tokens
    tokens._pos_tagger.cache_clear()
    vnpolicy.Extractor().warm_up()
    assert tokens._pos_tagger.cache_info().currsize == 1
