"""The seed article (ANNOTATION.md section 5): its five targets, and nothing else."""
import datetime as dt

import pytest

import vnpolicy

from corpus_support import SHARED, norm_actor, syllable_f1

SEED = SHARED / "seed" / "quang-ninh-article.txt"

EXPECTED = [  # amount text, value, metric words (ANNOTATION.md section 5), inherited deadline?
    ("1 tỷ", 1_000_000_000, "giá trị giải ngân các dự án ngoài ngân sách trong các khu kinh tế, khu công nghiệp", True),
    ("2 tỷ", 2_000_000_000, "thu hút đầu tư các dự án vốn ngoài ngân sách trong các khu kinh tế, khu công nghiệp", False),
    ("1 tỷ", 1_000_000_000, "giá trị giải ngân các dự án ngoài ngân sách", True),
    ("4", 4, "khởi công dự án mới trong các khu kinh tế, khu công nghiệp", True),
    ("500 triệu", 500_000_000, "giá trị dự án mới khởi công", True),
]
UNITS = ["USD", "USD", "USD", "dự án", "USD"]

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed not present")


LEAD_MISSED = pytest.mark.xfail(strict=True, reason=(
    "decision: the lead's 'phấn đấu ... đạt ít nhất 1 tỷ USD' states no time of its own and the learned "
    "weights give it 0.2; strong cues without a time were targets less often in the gold than the old "
    "cascade assumed"))


@pytest.fixture(scope="module")
def text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def by_start(text):
    """The extracted targets keyed by where their amount starts."""
    return {t.amount.start: t for t in vnpolicy.extract(text, published="2020-10-01").targets}


def expected_starts(text):
    """Where each annotated amount starts: each is looked for after the one before."""
    starts, pos = [], 0
    for amount, *_ in EXPECTED:
        pos = text.index(amount, pos)
        starts.append(pos)
        pos += len(amount)
    return starts


def cases(test_marks=None):
    return [pytest.param(i, marks=[LEAD_MISSED] if i == 0 else (test_marks or {}).get(i, []))
            for i in range(len(EXPECTED))]


def test_nothing_but_the_annotated_amounts(text, by_start):
    starts = set(expected_starts(text))
    assert [(t.amount.text, int(t.amount.value)) for s, t in sorted(by_start.items()) if s not in starts] == []


@pytest.mark.parametrize("index", cases())
def test_each_annotated_amount_is_found(text, by_start, index):
    t = by_start.get(expected_starts(text)[index])
    assert t is not None and (t.amount.text, int(t.amount.value)) == EXPECTED[index][:2]


@pytest.mark.parametrize("index", cases())
def test_fields(text, by_start, index):
    t = by_start[expected_starts(text)[index]]
    _, _, _, inherited = EXPECTED[index]
    assert t.amount.comparator == "gte"
    assert t.unit.code == UNITS[index]
    assert t.deadline is not None and t.deadline.date == dt.date(2020, 12, 31)
    assert t.deadline.inherited is inherited
    assert norm_actor(t.actor.name) == "quảng ninh"


@pytest.mark.parametrize("index", cases({4: [pytest.mark.xfail(strict=True, reason=(
    "metric: 'giá trị' is cut off by the earlier counted-noun target in the same sentence"))]}))
def test_metric(text, by_start, index):
    assert syllable_f1(by_start[expected_starts(text)[index]].metric.text, EXPECTED[index][2]) >= 0.5
