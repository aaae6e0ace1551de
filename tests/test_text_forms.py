"""The same article written in another form gives the same targets: decomposed accents, old
tone marks, CRLF, no-break spaces, curly quotes, an empty line between paragraphs, character
references, HTML markup and a headline in capitals (the forms of tools/text_forms.py). Each form comes with a map from
the plain text's offsets to its own, and every target must come out at the mapped offsets with
the same value, unit, comparator, deadline and owner. On articles written for the test, and on
the dev articles in ../shared when they are present."""
import importlib.util
import json
import sys

import pytest

import vnpolicy

from corpus_support import ROOT, SHARED

_spec = importlib.util.spec_from_file_location("text_forms", ROOT / "tools" / "text_forms.py")
text_forms = sys.modules["text_forms"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(text_forms)
FORMS = text_forms.WRITTEN_FORMS

EXTRACTOR = vnpolicy.Extractor()
ARTICLES = SHARED / "eval" / "dev-articles.jsonl"

OWN = [
    ("Năm nay phải thu 95.000 tỷ đồng tiền thuế\n"
     "Tổng cục Thuế vừa giao nhiệm vụ thu ngân sách cho các cục thuế địa phương & các chi cục.\n"
     "Trong năm 2027, các cục thuế phấn đấu thu nợ đọng ít nhất 12.000 tỷ đồng.\n"
     "Trong đó, \"Cục Thuế Hà Nội\" phải thu 3.500 tỷ đồng; Cục Thuế TP.HCM thu 4.200 tỷ đồng.", "2027-02-01"),
    ("Bình Dương đặt mục tiêu mới cho các khu công nghiệp\n"
     "UBND tỉnh Bình Dương vừa ban hành kế hoạch phát triển công nghiệp giai đoạn 2026–2030.\n"
     "Theo kế hoạch, đến năm 2030 tỉnh sẽ thu hút thêm 3 tỷ USD vốn đầu tư nước ngoài, "
     "xây dựng 20.000 căn nhà ở xã hội và 5 khu công nghiệp mới.\n"
     "Tỷ lệ lấp đầy các khu công nghiệp hiện mới đạt 37,6%.\n"
     "Tập đoàn T&T cũng cam kết tài trợ 10 tỷ đồng cho bóng đá trẻ của tỉnh trong năm 2027.", "2026-05-10"),
]


def _targets(text, published):
    return EXTRACTOR.extract(text, published).targets


def _key(target, where=None):
    start, end = target.amount.start, target.amount.end
    if where is not None:
        start, end = where[start], where[end]
    return (start, end, target.amount.value, target.amount.value_max, target.amount.comparator,
            target.unit.code if target.unit else None, target.deadline.date if target.deadline else None,
            target.actor.name if target.actor else None)


def _check(text, published, form):
    written, where = FORMS[form](text)
    expected = [_key(t, where) for t in _targets(text, published)]
    found = _targets(written, published)
    assert [_key(t) for t in found] == expected
    for t in found:
        assert written[t.amount.start:t.amount.end] == t.amount.text


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("article", range(len(OWN)))
def test_own_articles_read_the_same_in_every_form(article, form):
    text, published = OWN[article]
    assert _targets(text, published), "each article written for the test holds targets"
    _check(text, published, form)


@pytest.mark.skipif(not ARTICLES.exists(), reason="../shared/eval not present")
@pytest.mark.parametrize("form", FORMS)
def test_dev_articles_read_the_same_in_every_form(form):
    records = [json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        _check(record["text"], record.get("published"), form)
