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
