"""Every offset in every output indexes the caller's original text, and every output is
valid against the shipped JSON Schema: on hostile strings, and on the whole news corpus
in ../shared when it is present."""
import json

import jsonschema
import pytest

import vnpolicy
from vnpolicy.schema import output_schema

from corpus_support import SHARED

EXTRACTOR = vnpolicy.Extractor()
VALIDATOR = jsonschema.Draft202012Validator(output_schema())
CORPUS = SHARED / "corpus" / "news.jsonl"


def spans(document):
    for target in document["targets"]:
        for key in ("sentence", "actor", "metric", "amount", "unit", "deadline"):
            field = target[key]
            if key == "metric" and field:
                # a metric in pieces: each piece is true to the text, the whole spans first to last
                assert field["text"] == " … ".join(p["text"] for p in field["parts"]), field
                assert (field["start"], field["end"]) == (field["parts"][0]["start"], field["parts"][-1]["end"])
                for part in field["parts"]:
                    yield key, part
            elif field and field.get("start") is not None:
                yield key, field


def check(text, document):
    VALIDATOR.validate(document)
    for key, field in spans(document):
        assert text[field["start"]:field["end"]] == field["text"], (key, field)


HOSTILE = [
    "Tỉnh Quảng Ninh phấn đấu\u00a0đến hết quý 4/2020 thu hút ít nhất 2 tỷ\u00a0USD.",
    "\ufeffTỉnh Khánh Hoà phấn đấu năm 2025 đón 10 triệu lượt khách.\r\nThuỷ điện sẽ đạt 500 MW.",
    "“Mục tiêu” năm 2030 – tỉnh phấn đấu 6,5-7% tăng trưởng\u200b.",
    "Ha\u0300 Nô\u0323i phấn đấu năm 2025 đạt 95% hộ dân dùng nước sạch.",
    # markup and character references a CMS or a scraper left: every span, the metric's pieces
    # included, indexes the marked-up string
    '<h1>Tập đoàn T&amp;T lên kế hoạch</h1><p>Năm 2027, Tập đoàn T&amp;T phấn đấu đạt <b>doanh thu'
    '</b> <i>ít nhất</i> 5.000 tỷ đồng<!-- quảng cáo --> từ &quot;mảng&quot; bất động sản.</p>',
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_offsets_on_hostile_text(text):
    result = EXTRACTOR.extract(text, "2021-01-01")
    assert result.targets, "each hostile example holds a target"
    check(text, result.to_dict())


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus not present")
def test_offsets_and_schema_on_the_whole_corpus():
    count = 0
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            document = EXTRACTOR.extract(record["text"], record.get("published"), record["id"]).to_dict()
            check(record["text"], document)
            count += len(document["targets"])
    assert count > 500    # the corpus does hold targets; a silent extractor must not pass
