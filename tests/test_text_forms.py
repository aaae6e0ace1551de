"""The same article written in another form gives the same targets: decomposed accents,
CRLF, no-break spaces, curly quotes, an empty line between paragraphs, character references
and HTML markup. Each form is made with a map from the plain text's offsets to its own, and
every target must come out at the mapped offsets with the same value, unit, comparator,
deadline and owner. On articles written for the test, and on the labelled articles in
../shared when they are present."""
import json
import unicodedata

import pytest

import vnpolicy

from corpus_support import SHARED

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


def _charwise(replace):
    def form(text):
        out, where = [], [0]
        for ch in text:
            out.append(replace(ch))
            where.append(where[-1] + len(out[-1]))
        return "".join(out), where
    return form


def _markup(text):
    """<h1>first line</h1><p>every other line</p>, without line breaks."""
    out, where, n = [], [], 0
    for k, line in enumerate(text.split("\n")):
        opening, closing = ('<h1 class="title">', "</h1>") if k == 0 else ("<p>", "</p>")
        out.append(opening)
        n += len(opening)
        for ch in line:
            where.append(n)
            out.append(ch)
            n += 1
        where.append(n)          # the line break, or the end
        out.append(closing)
        n += len(closing)
    return "".join(out), where


FORMS = {
    "decomposed": _charwise(lambda c: unicodedata.normalize("NFD", c)),
    "crlf": _charwise(lambda c: "\r\n" if c == "\n" else c),
    "no_break_spaces": _charwise(lambda c: "\u00a0" if c == " " else c),
    "curly_quotes": _charwise(lambda c: "\u201c" if c == '"' else c),
    "blank_lines": _charwise(lambda c: "\n\n" if c == "\n" else c),
    "character_references": _charwise(lambda c: "&amp;" if c == "&" else "&quot;" if c == '"' else c),
    "markup": _markup,
}


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
