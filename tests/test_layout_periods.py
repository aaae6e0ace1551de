"""The passage periods a sentence looks back through (context.Layout.openers_back)."""
from vnpolicy.context import Layout


def layout(openers: dict[int, str], count: int) -> Layout:
    return Layout(None, frozenset(), (None,) * count, (False,) * count, lambda i: openers.get(i))


def test_nearest_first_each_period_once():
    periods = layout({2: "năm 2020", 5: "năm 2021", 9: "năm 2025"}, 12)
    assert list(periods.openers_back(11)) == ["năm 2025", "năm 2021", "năm 2020"]
    assert list(periods.openers_back(8)) == ["năm 2021", "năm 2020"]
    assert list(periods.openers_back(1)) == []


def test_a_sentence_reads_no_further_than_the_bound():
    many = {i: f"năm {2000 + i}" for i in range(0, 200, 2)}
    periods = layout(many, 200)
    back = list(periods.openers_back(199))
    assert len(back) == Layout.OPENERS_BACK
    assert back[0] == "năm 2198" and back[1] == "năm 2196"


def test_periods_are_read_only_as_far_as_asked():
    asked = []
    periods = Layout(None, frozenset(), (None,) * 50, (False,) * 50, lambda i: asked.append(i))
    list(periods.openers_back(7))
    assert asked == list(range(8))
