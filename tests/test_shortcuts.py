"""The shortcuts that keep a pattern off a text it cannot match give what the pattern alone gives."""
from __future__ import annotations

import random

import pytest
import regex

from vnpolicy.numbers import _FRACTION_RX, _fractions
from vnpolicy.patterns import holds_any, literal_keys
from vnpolicy.pipeline import default_extractor

SENTENCES = [
    "Công ty Alpha Beta tại Hà Nội sẽ xây 5 nhà.",
    "Tỉnh này sẽ xây dựng 12 căn nhà vào năm 2020.",
    "UBND tỉnh Quảng Ninh và Ngân hàng Nhà nước (NHNN) cho biết công ty này đạt 3 tỷ đồng.",
    "TP.Hồ Chí Minh, thành phố Hà Nội và tỉnhBình Dương; Bộ Tài chính, các bên, HĐQT.",
    "Công ty mua bán nợ và tài sản tồn đọng (DATC) nói nước ta, cả nước, nước Nhật.",
    "Hai bên thống nhất; Ban giám đốc, ngân hàng này và Tổng công ty Điện lực.",
    "không có tên nào ở đây cả, chỉ 1/2 và 3/4.",
]


def test_every_word_holds_one_of_its_keys():
    words = ["tỉnh này", "tỉnh", "Bộ", "bộ này", "công ty mới", "công ty", "TP"]
    keys = literal_keys(words)
    assert all(any(k in w for k in keys) for w in words)
    assert set(keys) == {"tỉnh", "Bộ", "bộ này", "công ty", "TP"}
    assert holds_any("ở tỉnh nhà", keys) and not holds_any("ở Tỉnh nhà", keys)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_the_actor_patterns_find_what_they_find_unguarded(sentence, monkeypatch):
    actors = default_extractor().assembler.recognisers.actors
    guarded = (actors.find(sentence), actors._gazetteer_names(sentence), actors._pattern_names(sentence))
    # every key present and a gate that lets every text through: the patterns run on all of it
    monkeypatch.setattr("vnpolicy.actors.holds_any", lambda text, keys: True)
    monkeypatch.setattr(actors, "gazetteer_gate_rx", type("Open", (), {"search": staticmethod(lambda *a: True)}))
    assert (actors.find(sentence), actors._gazetteer_names(sentence), actors._pattern_names(sentence)) == guarded


def test_fractions_are_the_matches_of_the_pattern():
    rng = random.Random(7)
    texts = SENTENCES + ["1/2/3", "1/10", "1/105", "x1/2", ".1/2", "2/3-4", "2/3,5", "9/9 1/1"]
    texts += ["".join(rng.choice("0123456789/.,-a ") for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    for text in texts:
        for pos, end in ((0, len(text)), (1, len(text)), (0, max(0, len(text) - 1)), (2, len(text) - 2)):
            assert [m.span() for m in _fractions(text, pos, end)] == \
                   [m.span() for m in _FRACTION_RX.finditer(text, pos, end)], (text, pos, end)


@pytest.mark.parametrize("sentence", SENTENCES + ["Hòa Phát sẽ đầu tư", "Theo đó, Hòa Phát sẽ đầu tư", "“Parkson cho biết"])
def test_subject_name_runs_are_the_matches_of_the_pattern(sentence):
    names = default_extractor().assembler.fields.owners.names
    assert [m.span() for m in names._name_runs(sentence)] == [m.span() for m in names.name_run_rx.finditer(sentence)]


# --- lower-case words matched on the text in lower case ------------------------------------

CASE_TEXTS = [
    "Tỉnh PHẤN ĐẤU đạt Hai Mươi Lăm tỷ đồng, kế hoạch năm 2027 là một trăm dự án.",
    "Dự Kiến sẽ xây ba trăm căn; DỰ KIẾN bốn nghìn việc làm.",
    "İstanbul phấn đấu hai tỷ đồng",          # 'İ' lowers to two characters: offsets would move
    "lınh hai, ſẽ đạt năm mươi tỷ",           # re.I takes 'ı' for 'i' and 'ſ' for 's'
    "Bađấu phấn đấu, aphấn đấu hai",          # a cue inside a longer word is no cue
]


@pytest.mark.parametrize("text", CASE_TEXTS)
def test_lower_case_words_match_where_the_case_insensitive_pattern_does(text):
    triggers = default_extractor().assembler.recognisers.triggers
    numbers = default_extractor().assembler.finder.quantities.numbers
    for words_rx in (triggers.cue_rx, numbers.words_rx):
        for pos in range(0, len(text), 3):          # starts inside a word too: the character before counts
            for endpos in (len(text), max(pos, len(text) - 7)):
                expected = [(m.start(), m.end()) for m in words_rx.any_case.finditer(text, pos, endpos)]
                found = [(m.start() + shift, m.end() + shift) for m, shift in words_rx.finditer(text, pos, endpos)]
                assert found == expected, (text, pos, endpos)


def test_the_lower_case_shortcut_is_taken_on_plain_text_and_not_on_the_letters_it_would_misread():
    words_rx = default_extractor().assembler.recognisers.triggers.cue_rx
    assert [(m.group(), shift) for m, shift in words_rx.finditer(CASE_TEXTS[0], 5, len(CASE_TEXTS[0]))] == \
        [("phấn đấu", 4), ("kế hoạch", 4)]          # matched in lower case, from the character before 5
    assert all(shift == 0 for _, shift in words_rx.finditer(CASE_TEXTS[2], 0, len(CASE_TEXTS[2])))
    assert [(m.group(), shift) for m, shift in words_rx.finditer(CASE_TEXTS[3], 0, len(CASE_TEXTS[3]))] == [("ſẽ", 0)]


QUANTIFIER_TEXTS = [
    "Ngân hàng dự kiến cho vay HÀNG CHỤC tỷ đồng và vài trăm nghìn hồ sơ.",
    "Hàng   trăm người, mấy  chục xe: hàng\tnghìn.",       # spaced apart: no quantifier
    "Mấy Chục năm qua, vài ngàn tỉ đồng; hàng hóa và ngân hàng.",
]


@pytest.mark.parametrize("text", QUANTIFIER_TEXTS)
def test_the_quantifier_pattern_finds_what_it_finds_unguarded(text, monkeypatch):
    numbers = default_extractor().assembler.finder.quantities.numbers
    guarded = numbers.find(text)
    assert any(n.kind == "quantifier" for n in guarded) == (text != QUANTIFIER_TEXTS[1])
    monkeypatch.setattr(numbers, "approx_keys", ("",))      # a key every text holds: the pattern always runs
    assert numbers.find(text) == guarded


@pytest.mark.parametrize("sentence", SENTENCES + [
    "TỈNH Quảng Ninh, THÀNH PHỐ Hà Nội và Tỉnh Bình Dương; tp. Hồ Chí Minh.",
    "\u212ahu vực Hà Nội, ſở ngành Đà Nẵng",      # letters that fold to k and s
])
def test_the_gazetteer_pattern_finds_what_it_finds_without_its_lead(sentence):
    actors = default_extractor().assembler.recognisers.actors
    unled = regex.compile(actors.gazetteer_rx.pattern[len(actors.gazetteer_lead):])
    spans = lambda rx: [(m.span(), m.group()) for m in rx.finditer(sentence)]
    assert spans(actors.gazetteer_rx) == spans(unled)
    if "Hà Nội" in sentence:
        assert spans(unled)


def test_words_outside_the_latin_blocks_are_matched_with_ignorecase_on_the_text():
    from vnpolicy.patterns import LowerCaseWords
    greek = LowerCaseWords(r"(?:λόγος)", ["λόγος"])       # 'ΛΌΓΟΣ' lowers to a final sigma
    assert greek.lower_case is None
    assert [m.group() for m, _ in greek.finditer("ΛΌΓΟΣ", 0, 5)] == ["ΛΌΓΟΣ"]
    assert LowerCaseWords(r"(?:phấn đấu)", ["phấn đấu"]).lower_case is not None
