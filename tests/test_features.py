"""The decision's features (features.FeatureExtractor), on sentences written for the test."""
from vnpolicy.normalize import normalize
from vnpolicy.pipeline import Extractor, parse_published

EXTRACTOR = Extractor()


def features_of(text: str, amount: str) -> set[str]:
    norm = normalize(text)
    sentences = EXTRACTOR.segmenter.sentences(norm.text)
    _, candidates = EXTRACTOR.assembler.scored_candidates(norm.text, sentences, parse_published("2026-12-01"),
                                                          complete=True)
    found = [c for c in candidates if norm.text[c.number.start:c.number.end] == amount]
    assert found, f"no candidate at {amount!r}"
    return set(found[0].features)


def test_a_counted_noun_is_a_feature_by_its_first_two_syllables():
    features = features_of("Năm 2027, huyện sẽ xây mới 12 nhà văn hóa thôn.", "12")
    assert "unit_word:nhà văn" in features


def test_a_rate_of_counted_things_is_named_by_what_it_counts():
    features = features_of("Nhà máy dự kiến sản xuất 300 xe mỗi ngày từ năm 2028.", "300")
    assert "unit_word:xe" in features


def test_money_has_no_counted_noun_feature():
    features = features_of("Năm 2027, tỉnh phấn đấu thu ngân sách 9.000 tỷ đồng.", "9.000 tỷ")
    assert not any(f.startswith("unit_word:") for f in features)


# --- the deferred groups: skipping them must never change a decision ---------------------

SKIP_TEXT = ("Năm 2027, tỉnh phấn đấu thu ngân sách 9.000 tỷ đồng. Hiện tỉnh có 14 khu công nghiệp, "
             "tỷ lệ lấp đầy mới đạt 41%. Trong đó, huyện sẽ xây mới 12 trường học và 3 chợ trước năm 2028. "
             "Năm ngoái, 250 người tham dự hội nghị; công ty dự kiến lãi 40 tỷ đồng trong quý 3/2027.")


def test_a_deferred_family_with_a_count_never_emits_more_features_than_declared():
    from vnpolicy.features import DEFERRED_GROUPS
    norm = normalize(SKIP_TEXT)
    sentences = EXTRACTOR.segmenter.sentences(norm.text)
    _, candidates = EXTRACTOR.assembler.scored_candidates(norm.text, sentences, None, complete=True)
    assert len(candidates) >= 6
    for c in candidates:
        for families in DEFERRED_GROUPS.values():
            for prefix, most in families:
                if most is not None:
                    assert sum(name.startswith(prefix) for name in c.features) <= most, (prefix, c.features)


def test_skipping_the_deferred_groups_accepts_exactly_what_computing_them_all_accepts():
    norm = normalize(SKIP_TEXT)
    sentences = EXTRACTOR.segmenter.sentences(norm.text)
    assembler = EXTRACTOR.assembler
    _, full = assembler.scored_candidates(norm.text, sentences, None, complete=True)
    _, quick = assembler.scored_candidates(norm.text, sentences, None)
    decide = assembler.decision.accepts
    assert [(c.number.start, c.probability) for c in full if decide(c.probability)] == \
           [(c.number.start, c.probability) for c in quick if decide(c.probability)]
    assert any(decide(c.probability) for c in full) and not all(decide(c.probability) for c in full)


def test_letting_the_features_go_keeps_each_decision_its_reasons_and_their_words():
    norm = normalize(SKIP_TEXT)
    sentences = EXTRACTOR.segmenter.sentences(norm.text)
    assembler = EXTRACTOR.assembler
    _, kept = assembler.scored_candidates(norm.text, sentences, None)
    _, released = assembler.scored_candidates(norm.text, sentences, None, keep_features=False)
    decide = assembler.decision.accepts
    assert [c.probability for c in kept] == [c.probability for c in released]
    assert any(decide(c.probability) for c in kept)
    for full, light in zip(kept, released):
        assert light.features == {}
        if decide(full.probability):
            assert light.reasons == assembler.decision.reasons(full.features) and light.reasons
            assert light.evidence == {n: w for n, w in full.evidence.items() if n in light.reasons}
        else:
            assert light.reasons == [] and light.evidence == {}


def test_the_most_a_family_can_add_is_its_largest_positive_weights_up_to_its_count():
    from vnpolicy.decision import DecisionModel
    model = DecisionModel({"legacy:a": 0.8, "legacy:b": 0.5, "legacy:c": -1.0, "legacy_rule:x": 0.2,
                           "time:y": 0.1, "time_clause:z": 0.3, "cue_word:w": 2.0}, 0.0, 0.5, (), {})
    assert model.most_added((("legacy:", 1),)) == 0.8
    assert model.most_added((("legacy:", None),)) == 1.3
    assert model.most_added((("legacy:", 1), ("legacy_rule:", 1), ("time:", None), ("time_", None))) == \
        0.8 + 0.2 + 0.1 + 0.3
    assert model.can_reach(model.weighted_sum({"cue_word:w": 1.0}), model.most_added((("legacy:", 1),)))
    weak = DecisionModel({"legacy:a": 0.8}, -2.0, 0.5, (), {})
    assert not weak.can_reach(0.0, weak.most_added((("legacy:", 1),)))


def test_a_sum_weighed_a_group_at_a_time_is_the_sum_weighed_at_once():
    from vnpolicy.decision import DecisionModel
    weights = {f"f{i}": (-1) ** i * (0.1 + i / 7) for i in range(40)}
    model = DecisionModel(weights, 0.3, 0.5, (), {})
    features = {f"f{i}": 1.0 for i in range(0, 40, 3)} | {"unknown": 1.0}
    first = dict(list(features.items())[:6])
    total = model.weighted_sum(first)
    assert model.weighted_sum(features, total, 6) == model.weighted_sum(features)
    assert model.probability_of_sum(model.weighted_sum(features)) == model.probability(features)


def features_undated(text: str, amount: str) -> set[str]:
    norm = normalize(text)
    sentences = EXTRACTOR.segmenter.sentences(norm.text)
    _, candidates = EXTRACTOR.assembler.scored_candidates(norm.text, sentences, None, complete=True)
    return set(next(c for c in candidates if norm.text[c.number.start:c.number.end] == amount).features)


def test_an_undated_article_is_read_as_of_the_end_of_the_year_it_names_most():
    story = ("Năm 2005, xã đã trồng 30 ha rừng. Kế hoạch năm 2005 còn giao 20 ha nữa, "
             "và từ năm 2005 xã có thêm 4 đội. ")
    assert "time:future" in features_undated(story + "Đến năm 2008, xã sẽ trồng 90 ha rừng.", "90")
    assert "time:past" in features_undated(story + "Năm 2003, xã chỉ trồng được 12 ha rừng.", "12")
    assert "time:no_reference_date" in features_undated("Tháng sau, xã sẽ trồng 90 ha rừng.", "90")
