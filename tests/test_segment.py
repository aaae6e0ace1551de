"""Sentences: news lines, abbreviations and decimals must not split a sentence."""
import pytest

from vnpolicy.resources import load
from vnpolicy.segment import Segmenter

SEG = Segmenter(load())


def sentences(text):
    return [s.text(text) for s in SEG.sentences(text)]


@pytest.mark.parametrize("text, expected", [
    ("TP.HCM đạt 37,6%. Hà Nội đạt 40%.", ["TP.HCM đạt 37,6%.", "Hà Nội đạt 40%."]),
    ("Theo ông Nguyễn Văn A. Hùng, tỉnh sẽ đạt 5%.", ["Theo ông Nguyễn Văn A. Hùng, tỉnh sẽ đạt 5%."]),
    ("TP. Hồ Chí Minh phấn đấu đạt 8%. Năm sau cao hơn.", ["TP. Hồ Chí Minh phấn đấu đạt 8%.", "Năm sau cao hơn."]),
    ("Tiêu đề bài báo\nĐoạn một. Đoạn hai.", ["Tiêu đề bài báo", "Đoạn một.", "Đoạn hai."]),
    ("Giá trị 1.000 tỷ đồng. 2 dự án mới.", ["Giá trị 1.000 tỷ đồng.", "2 dự án mới."]),
    ("Ảnh: minh họa (Nguồn: TTXVN) |\n\nKết thúc./.", ["Ảnh: minh họa (Nguồn: TTXVN) |", "Kết thúc./."]),
    ("Ông nói: \"Sẽ đạt 5%.\" Sau đó ông đi.", ["Ông nói: \"Sẽ đạt 5%.\"", "Sau đó ông đi."]),
    # scraped feeds lose the space after a full stop: a lower-case word's stop before a capitalised word
    ("Tuyến đường sẽ có 6 làn.Từ khi thông xe, lưu lượng tăng.", ["Tuyến đường sẽ có 6 làn.", "Từ khi thông xe, lưu lượng tăng."]),
    # ... and after a number or a percentage; a number opening the line is a list label
    ("Kim ngạch tăng 12%.Năm tới sẽ cao hơn.", ["Kim ngạch tăng 12%.", "Năm tới sẽ cao hơn."]),
    ("Khánh thành vào ngày 2/9.Sau đó mở rộng.", ["Khánh thành vào ngày 2/9.", "Sau đó mở rộng."]),
    ("3.Bảo đảm an toàn lao động.", ["3.Bảo đảm an toàn lao động."]),
    ("Xem thêm tại vnexpress.net Để biết thêm.", ["Xem thêm tại vnexpress.net Để biết thêm."]),
    ("Ông Trần Văn B.Hùng đến.", ["Ông Trần Văn B.Hùng đến."]),
])
def test_sentence_split(text, expected):
    assert sentences(text) == expected


def test_paragraph_index_counts_lines():
    text = "Tiêu đề\nCâu một. Câu hai.\nCâu ba."
    assert [s.paragraph for s in SEG.sentences(text)] == [0, 1, 1, 2]


def test_blank_lines_do_not_count_as_paragraphs():
    # Plain-text files and feeds often set paragraphs apart with an empty line; the lead is
    # the first two lines with words, wherever the empty ones fall.
    text = "\n\nTiêu đề\n\n   \nCâu một. Câu hai.\n\nCâu ba."
    assert [s.paragraph for s in SEG.sentences(text)] == [0, 1, 1, 2]
