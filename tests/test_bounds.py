"""Issue 9: bounded work and bounded reads. No piece of a target is read across a line break
outside its sentence; no sentence, number or window grows with the text; a sentence holding
more amounts than are judged says so. (How long the hostile shapes take is measured in
bench/adversarial.py, not here.)

Every sentence here was written for these tests.
"""
from __future__ import annotations

import pytest

import vnpolicy
from vnpolicy.candidates import CandidateFinder
from vnpolicy.normalize import normalize
from vnpolicy.pipeline import default_extractor
from vnpolicy.quantities import QuantityReader
from vnpolicy.segment import MAX_SENTENCE

from output_properties import double_spaces, same_targets, violations


def quantities(text: str):
    """(number, unit words or None, unit source, comparator, sentence index) of every quantity."""
    extractor = default_extractor()
    norm = normalize(text)
    sentences = extractor.segmenter.sentences(norm.text)
    found = extractor.assembler.finder.quantities.article(norm.text, sentences)
    out = []
    for s in sentences:
        for q in found[s.index]:
            unit = q.unit
            out.append((norm.text[q.number.start:q.number.end], norm.text[unit.start:unit.end] if unit else None,
                        unit.source if unit else None, q.comparator.comparator, s.index))
    return out


# --- nothing read across a line break ---------------------------------------------------------

@pytest.mark.parametrize("text, number, unit", [
    ("Công ty dự kiến bán thêm 6.000\nmẫu xe trong năm 2025.", "6.000", None),       # a counted noun
    ("Tỉnh phấn đấu thu nhập 5 triệu đồng\n/người vào năm 2025.", "5 triệu", "đồng"),  # a rate's denominator
    ("Doanh thu sẽ tăng gấp\n3 vào năm 2025.", "3", None),                          # a multiple's 'gấp'
    ("Có 26 trên tổng số\n31 tỉnh đạt chuẩn nông thôn mới.", "26", None),            # a whole that is counted
    ("Số xã đạt chuẩn tăng từ 16 xã\nlên 42 vào năm 2025.", "42", None),             # the start of a change
])
def test_no_unit_is_read_from_another_line(text, number, unit):
    found = {q[0]: q for q in quantities(text)}
    assert found[number][1] == unit
    joined = {q[0]: q for q in quantities(text.replace("\n", " "))}
    assert joined[number][1] not in (None, unit)          # on one line, what the next line said is read


def test_an_elided_unit_comes_from_the_same_line_only():
    same_line = quantities("Việt Nam đón 18 triệu lượt khách. Thái Lan đón 40 triệu.")
    assert ("40 triệu", "lượt khách", "elided", "eq", 1) in same_line
    next_line = quantities("Thu nội địa đạt 93.000 tỷ đồng\nKế hoạch năm sau là 83.000 tỷ.")
    assert ("83.000 tỷ", None, None, "eq", 1) in next_line


def test_a_comparator_is_not_read_from_the_line_before():
    assert quantities("Tỉnh phấn đấu đạt ít nhất\n5 tỷ đồng trong năm 2025.")[0][:4] == ("5 tỷ", "đồng", "lexicon", "eq")


def test_a_number_does_not_run_over_a_line_break():
    """'5' and 'tỷ' on two lines are two things, and the range 'từ 5 đến 7%' split by a line
    break leaves '7%' to its own sentence, where it is still read."""
    assert [q[0] for q in quantities("Tỉnh phấn đấu đạt 5\ntỷ đồng.")] == ["5"]
    assert ("7", "%", "lexicon", "eq", 1) in quantities("Tăng trưởng đạt từ 5 đến\n7% vào năm 2025.")


def test_a_deadline_s_lead_in_is_not_read_from_the_line_before():
    text = "Giá trị xuất khẩu tăng đến\nnăm 2025 tỉnh phấn đấu đạt 2 tỷ USD."
    (target,) = vnpolicy.extract(text).targets
    assert target.deadline.text == "năm 2025" and target.deadline.start == text.index("năm 2025")


def test_every_piece_of_a_broken_line_stays_in_its_sentence():
    text = ("Tỉnh phấn đấu thu hút thêm 6\nmẫu xe, ít nhất\n5 tỷ USD vốn đầu tư\r\ncho 12 dự án mới\n"
            "trong năm 2025 và gấp\n3 lần năm 2020.")
    result = vnpolicy.extract(text, "2020-10-01")
    assert violations(text, result) == []


# --- bounds -----------------------------------------------------------------------------------

def test_a_sentence_of_many_amounts_is_judged_in_part_and_says_so():
    text = "Tỉnh phấn đấu đạt " + " ".join(f"{i} tỷ đồng" for i in range(1, 80)) + "."
    result = vnpolicy.extract(text)
    assert len(result.targets) <= CandidateFinder.MAX_PER_SENTENCE
    (warning,) = result.warnings
    assert "not judged in 1 sentence" in warning and f"{CandidateFinder.MAX_PER_SENTENCE} candidate amounts" in warning
    assert violations(text, result) == []


def test_a_sentence_of_many_numbers_is_read_in_part():
    numbers = QuantityReader.MAX_PER_SENTENCE + 40
    result = vnpolicy.extract("Tỉnh phấn đấu đạt " + " ".join(str(i % 100) for i in range(numbers)) + ".")
    assert result.warnings and "40 numbers not judged" in result.warnings[0]


def test_a_line_without_stops_is_cut_into_sentences_of_bounded_length():
    text = " ".join(["tỉnh phấn đấu xây dựng 3 cây cầu"] * 400)
    result = vnpolicy.extract(text)
    sentences = {(t.sentence.start, t.sentence.end) for t in result.targets}
    assert sentences and all(end - start <= MAX_SENTENCE for start, end in sentences)
    assert violations(text, result) == []


def test_runs_of_scale_words_and_digits_do_not_overflow():
    for text in ("Tỉnh phấn đấu đạt 1 " + "tỷ " * 400_000 + "đồng.",
                 "Tỉnh phấn đấu đạt một " + "tỷ " * 1000 + "đồng.",
                 "Tỉnh phấn đấu đạt 1" + ".000" * 400_000 + " đồng."):
        result = vnpolicy.extract(text)        # used to raise decimal.Overflow
        assert all(t.amount.end - t.amount.start < 100 for t in result.targets)


def test_digits_python_cannot_read_make_no_deadline():
    """The pattern engine knows digits (U+10D40) that Python's int() does not: no time is read
    from them (ValueError and KeyError in deadlines before)."""
    text = "Tháng \U00010d40 tỉnh sẽ đạt 5 tỷ đồng trong \U00010d40 năm tới, đến năm 2\U00010d40\U00010d40."
    result = vnpolicy.extract(text, "2020-01-01")
    assert violations(text, result) == []


def test_marks_after_a_run_of_spaces_read_as_after_one_space():
    """Stray combining marks are put in canonical order wherever they stand, so that doubling
    the space before them changes nothing."""
    text = "Giá trị sản xuất ) \u0300\u0323/đảm bảo đạt 2.500 tỷ đồng trong năm 2025, tỉnh phấn đấu."
    assert normalize(text).text == normalize(double_spaces(text)).text
    assert same_targets(vnpolicy.extract(text), vnpolicy.extract(double_spaces(text))) == []
    for target in vnpolicy.extract(text).targets:
        for part in target.metric.parts:
            assert not part.text[:1].isspace()
