"""Issue 9: properties every result has, whatever the text, checked on text that hypothesis
makes (a bounded number of examples, derandomized so that every run draws the same ones):
no exception, output writable as UTF-8 and strict JSON and valid against the schema, every
piece inside its target's sentence unless marked inherited (or a unit borrowed from an
earlier quantity of the line), span edges on grapheme boundaries, and the same targets when
the spaces are doubled. tools/fuzz.py checks the same on 100,000 inputs and more.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vnpolicy
from hostile_text import HOSTILE, NUMBERS, SEPARATORS, words
from output_properties import double_spaces, same_targets, violations

ANY_CHARACTER = st.characters(exclude_categories=())        # lone surrogates too
TOKEN = st.one_of(st.sampled_from(words()), st.sampled_from(NUMBERS), st.sampled_from(HOSTILE),
                  st.text(ANY_CHARACTER, max_size=3))
VIETNAMESE_LIKE = st.lists(st.tuples(TOKEN, st.sampled_from(SEPARATORS)).map("".join), max_size=40).map("".join)
TEXTS = st.one_of(VIETNAMESE_LIKE, VIETNAMESE_LIKE.map(lambda t: t.title()), st.text(ANY_CHARACTER, max_size=80))
PUBLISHED = st.sampled_from([None, "2020-10-01", "2025-06-30"])


@settings(max_examples=200, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(TEXTS, PUBLISHED)
def test_every_result_is_writable_valid_and_inside_its_sentences(text, published):
    result = vnpolicy.extract(text, published)
    assert violations(text, result) == []
    assert same_targets(result, vnpolicy.extract(double_spaces(text), published)) == []


def test_the_properties_catch_what_they_are_about():
    """The checker itself: a piece moved out of its sentence, off its text or into a grapheme,
    and a target lost when the spaces are doubled, are all reported."""
    text = "Tỉnh phấn đấu thu hút 2 tỷ USD vốn.\nNăm sau đạt 3 tỷ USD."
    result = vnpolicy.extract(text, "2020-10-01")
    assert result.targets and violations(text, result) == []
    amount = result.targets[0].amount
    amount.start, amount.end = text.index("3 tỷ"), text.index("3 tỷ") + 4
    amount.text = "3 tỷ"
    assert any("outside its sentence" in v for v in violations(text, result))
    amount.text = "3 tỉ"
    assert any("is not the text" in v for v in violations(text, result))
    assert any("inside a grapheme" in v for v in violations(text, vnpolicy.extract(text), boundaries={0}))
    marked = "Tỉnh phấn đấu thu hút 2 tỷ USD vốn.\u0301"
    result = vnpolicy.extract(marked)
    assert result.targets[0].sentence.text.endswith(".\u0301")     # the mark is the full stop's
    assert violations(marked, result) == []
    assert same_targets(vnpolicy.extract(text), vnpolicy.extract("Không có gì.")) != []


def test_doubled_spaces_may_move_an_invisible_joiner_across_a_span_edge():
    """A prepended mark, a space and a joiner are one grapheme, which doubling the space splits
    (fuzz seed 2028 found it in a metric): the two results agree but for the joiner."""
    from output_properties import comparable
    single = {"sentence": {"text": "x"}, "amount": {"text": "5", "value": 5, "value_max": None,
                                                     "comparator": "eq"},
              "metric": {"parts": [{"text": "ൎ \u200d"}]}}
    doubled = {**single, "metric": {"parts": [{"text": "ൎ"}]}}
    assert comparable(single) == comparable(doubled)
    assert comparable(single) != comparable({**single, "metric": {"parts": [{"text": "ൎ x"}]}})
