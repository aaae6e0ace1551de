"""The quantity reader: ranges with the unit on both ends, rates, the sentence bound, units
borrowed from a neighbour or implied by the number, and offsets true to the text."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from vnpolicy.numbers import NumberFinder
from vnpolicy.quantities import QuantityReader
from vnpolicy.resources import load
from vnpolicy.units import UnitFinder

from corpus_support import load as load_corpus

MODEL = load()
NUMBERS, UNITS, READER = NumberFinder(MODEL, all_forms=True), UnitFinder(MODEL), QuantityReader(MODEL)


def quantities(text: str):
    return [(text[q.number.start:q.number.end], q.number.value, q.number.value_max, q.unit.code if q.unit else None)
            for q in READER.sentence(text, 0, len(text))]


@pytest.mark.parametrize("text, span, low, high, unit", [
    ("lạm phát từ 3% đến 4%", "3% đến 4", 3, 4, "%"),
    ("lạm phát 3%-4% trong năm", "3%-4", 3, 4, "%"),
    ("lạm phát 3 % - 4 % trong năm", "3 % - 4", 3, 4, "%"),
    ("cao hơn từ 1,2 lần tới 1,8 lần", "1,2 lần tới 1,8", Decimal("1.2"), Decimal("1.8"), "times"),
    ("cần 40 ha đến 60 ha đất", "40 ha đến 60", 40, 60, "ha"),
    ("vốn từ 5 tỷ đồng đến 8 tỷ đồng", "5 tỷ đồng đến 8 tỷ", 5 * 10**9, 8 * 10**9, "VND"),
    ("tăng 6,5-7% trong năm", "6,5-7", Decimal("6.5"), 7, "%"),
])
def test_a_range_with_its_unit_on_both_ends_is_one_range(text, span, low, high, unit):
    assert quantities(text)[0] == (span, low, high, unit)


@pytest.mark.parametrize("text, spans", [
    ("giảm 5% đến năm 2030", ["5", "2030"]),          # the second number is a year, not a bound
    ("từ 5% đến 7 lần", ["5", "7"]),                   # a different unit on each end
    ("đón 2 triệu lượt khách đến 2026", ["2 triệu", "2026"]),
])
def test_no_range_when_the_units_differ(text, spans):
    assert [q[0] for q in quantities(text)] == spans


@pytest.mark.parametrize("text, unit, unit_text", [
    ("lương 7 triệu đồng/người/tháng", "VND/người/tháng", "đồng/người/tháng"),
    ("khai thác 9 triệu thùng mỗi ngày", "thùng/ngày", "thùng mỗi ngày"),
    ("xuất 3 triệu tấn một năm", "tấn/năm", "tấn một năm"),
    ("đón 500 lượt khách hằng tuần", "lượt khách/tuần", "lượt khách hằng tuần"),
    ("đạt 40 bác sĩ/10.000 dân", "bác sĩ/10.000 dân", "bác sĩ/10.000 dân"),
    ("bình quân 2 tài khoản/khách hàng", "tài khoản/khách hàng", "tài khoản/khách hàng"),
    ("kiểm tra 4 lần/năm", "times/năm", "lần/năm"),
    ("lãi suất 6,5%/năm", "%", "%/năm"),              # a per cent is a rate already
    ("tăng 9% mỗi năm", "%", "% mỗi năm"),
    ("giá 30.000 đồng một cái", "VND", "đồng"),         # 'cái' is no denominator
    ("có 300 người hàng nghìn lần", "người", "người"),  # 'hàng' + no time word: no rate
])
def test_rates(text, unit, unit_text):
    q = READER.sentence(text, 0, len(text))[0]
    assert (q.unit.code, text[q.unit.start:q.unit.end]) == (unit, unit_text)


@pytest.mark.parametrize("open_class", [False, True])
def test_no_unit_is_read_past_the_given_end(open_class):
    text = "doanh thu 500 tỷ đồng"
    n = NUMBERS.find(text)[0]
    assert UNITS.after(text, n.end, n.end, open_class) is None
    assert UNITS.after(text, n.end, len(text) - 1, open_class) is None     # 'đồn' is no unit
    assert UNITS.after(text, n.end, open_class=open_class).code == "VND"


def test_the_open_reading_stops_at_the_line_end_when_no_end_is_given():
    lines = "đạt 500\nngười mới"
    pos = lines.index("500") + 3
    assert UNITS.after(lines, pos, open_class=True) is None
    assert UNITS.after(lines, pos, len(lines), open_class=True) is None
    assert UNITS.after(lines, pos, lines.index("\n")) is None


def test_open_class_only_when_asked_so_old_callers_see_the_lexicon():
    text = "xây 120 nền tái định cư"
    pos = text.index("120") + 3
    assert UNITS.after(text, pos) is None
    unit = UNITS.after(text, pos, open_class=True)
    assert (unit.code, unit.source) == ("nền", "open")
    lexical = "xây 12 dự án mới"
    assert UNITS.after(lexical, lexical.index("12") + 2).code == "dự án"


@pytest.mark.parametrize("text, span, value, unit, unit_text", [
    ("giảm một nửa số ca", "một nửa", 50, "%", "một nửa"),
    ("chiếm ba phần tư diện tích", "ba phần tư", 75, "%", "ba phần tư"),
    ("giảm 1/3 lượng rác", "1/3", Decimal("33.33"), "%", "1/3"),
    ("tăng gấp đôi năm trước", "đôi", 2, "times", "gấp"),
    ("lớn gấp 4 lần", "4", 4, "times", "lần"),
    ("lớn gấp 4 so với trước", "4", 4, "times", "gấp"),
])
def test_units_a_number_implies(text, span, value, unit, unit_text):
    q = READER.sentence(text, 0, len(text))[0]
    assert (text[q.number.start:q.number.end], q.number.value, q.unit.code, text[q.unit.start:q.unit.end]) == \
        (span, value, unit, unit_text)
    assert q.end >= q.number.end


@pytest.mark.parametrize("text", ["từ ngày 2/3 đến 5/3", "Quyết định 1/3 của tỉnh", "trước 30/4"])
def test_a_date_is_no_share(text):
    # (every form of the finder is on: shares are read only then)
    assert all(n.kind != "share" for n in NUMBERS.find(text))


def test_an_elided_unit_points_at_the_words_that_say_it_and_the_quantity_ends_at_its_number():
    text = "Vốn điều lệ tăng từ 3.000 tỷ đồng lên 4.500 tỷ."
    first, second = READER.sentence(text, 0, len(text))
    assert (second.unit.code, second.unit.source) == ("VND", "elided")
    assert (second.unit.start, second.unit.end) == (first.unit.start, first.unit.end)
    assert second.end == second.number.end


def test_an_elided_unit_comes_from_the_sentences_before_on_the_same_line_only():
    from vnpolicy.segment import Segmenter
    text = "Năm ngoái xuất khẩu đạt 3 tỷ USD. Năm nay dự kiến 4 tỷ.\nNăm sau là 5 tỷ."
    sentences = Segmenter(MODEL).sentences(text)
    by_sentence = READER.article(text, sentences)
    units = [q.unit.code if q.unit else None for s in sentences for q in by_sentence[s.index]]
    assert units == ["USD", "USD", None]


def test_refine_leaves_units_the_lists_know_alone(monkeypatch):
    from vnpolicy import tokens
    monkeypatch.setattr(tokens, "tag", lambda text: pytest.fail("the tagger ran"))
    text = "khởi công 4 dự án mới"
    q = READER.sentence(text, 0, len(text))[0]
    assert UNITS.refine(text, q.number.end, len(text), q.unit) == q.unit
    assert UNITS.refine(text, q.number.end, len(text), None) is None


def test_refine_asks_the_tagger_about_a_word_no_list_knows():
    text = "lắp 30 xyloquanh mới"
    q = READER.sentence(text, 0, len(text))[0]
    assert q.unit.source == "guessed"
    refined = UNITS.refine(text, q.number.end, len(text), q.unit)
    assert refined is None or text[refined.start:refined.end] == refined.code


def test_every_corpus_unit_span_is_true_to_the_text():
    for example in load_corpus("amounts.jsonl"):
        text = example["text"]
        for q in READER.sentence(text, 0, len(text)):
            if q.unit is not None:
                assert 0 <= q.unit.start < q.unit.end <= len(text)
                written = text[q.unit.start:q.unit.end]
                if q.unit.source in ("open", "counted_noun"):     # the noun as written, then its rate
                    noun = q.unit.code.split("/")[0].split()
                    assert written.lower().split("/")[0].split()[:len(noun)] == noun, example["id"]


def test_counted_noun_words_keep_their_offsets():
    reader = UNITS.counted
    text = "có 5  hành lang kinh tế, 2 cảng"
    words = reader.words(text, text.index("5") + 1, len(text))
    assert [text[a:b] for a, b, _ in words] == ["hành lang", "kinh tế"]


def test_word_classes_give_each_word_one_class():
    spec = MODEL["word_classes.json"]
    for part in ("words", "after_number"):
        seen = [w for words in spec[part].values() for w in words]
        assert len(seen) == len(set(seen)), part
        assert all(w == w.lower() and w.strip() == w for w in seen)


def test_the_lexicon_reading_is_the_one_the_decision_was_trained_on():
    """Without ``all_forms`` and ``open_class`` the finders read as before the open reading:
    a range does not repeat its unit, no share, only listed nouns and '/' denominators."""
    plain = NumberFinder(MODEL)
    text = "tăng 6%-7%, giảm một nửa, 120 nền, 9 USD/ounce"
    assert [text[n.start:n.end] for n in plain.find(text)] == ["6", "một", "120", "9"]
    assert UNITS.after(text, text.index("120") + 3) is None
    assert UNITS.after(text, text.index("9 USD") + 1).code == "USD"
    assert UNITS.after(text, text.index("9 USD") + 1, open_class=True).code == "USD/ounce"


def test_a_long_text_is_read_by_blocks_as_it_would_be_whole():
    """Reading a block of sentences at a time (to bound what is held) finds what one pass
    over the whole text finds, sentence by sentence."""
    from vnpolicy.pipeline import default_extractor
    line = "Năm {y}, tỉnh phấn đấu thu hút {i}.000 tỷ đồng vốn và xây dựng {i} căn nhà, tăng {i},5% so với năm trước."
    text = "\n".join(line.format(y=2000 + i % 30, i=i) for i in range(1, 1500))
    assert len(text) > 2 * QuantityReader.BLOCK
    sentences = default_extractor().segmenter.sentences(text)

    def read(block: int) -> dict:
        reader = QuantityReader(MODEL)
        reader.BLOCK = block
        return {i: [(q.number.start, q.number.end, q.number.value, q.unit.code if q.unit else None) for q in qs]
                for i, qs in reader.article(text, sentences).items()}

    by_blocks, whole = read(QuantityReader.BLOCK), read(len(text) + 1)
    assert by_blocks == whole
    assert sum(map(len, whole.values())) > 4000
