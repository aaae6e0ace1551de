"""The passage periods a sentence looks back through (context.Layout.openers_back)."""
from vnpolicy.context import Layout


def layout(openers: dict[int, str], count: int, reach: int = 1000) -> Layout:
    return Layout(None, frozenset(), (None,) * count, (False,) * count, lambda i: openers.get(i), reach)


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
    periods = Layout(None, frozenset(), (None,) * 50, (False,) * 50, lambda i: asked.append(i), 1000)
    list(periods.openers_back(7))
    assert asked == list(range(8))


def test_a_period_governs_only_the_sentences_within_its_reach():
    periods = layout({2: "năm 2020", 5: "năm 2021"}, 12, reach=4)
    assert list(periods.openers_back(9)) == ["năm 2021"]      # 4 sentences after 2021's opener, 7 after 2020's
    assert list(periods.openers_back(10)) == []               # 5 after it: out of reach
    assert list(periods.openers_back(6)) == ["năm 2021", "năm 2020"]      # 2020 opened 4 before 6
    assert list(periods.openers_back(5)) == ["năm 2021", "năm 2020"]
