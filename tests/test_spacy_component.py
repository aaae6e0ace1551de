"""The spaCy integration: neither tokenizer (syllables, underthesea) ever changes the text,
the "vnpolicy" factory is found through its entry point, sets doc._.targets and labelled
spans, takes each doc's publication date from nlp.pipe contexts, and round-trips its
settings and custom language data through to_disk/from_disk and to_bytes/from_bytes."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

spacy = pytest.importorskip("spacy")

import regex  # noqa: E402

from vnpolicy.spacy_component import (_SYLLABLE, SYLLABLE_TOKENIZER_NAME, TOKENIZER_NAME,  # noqa: E402
                                      SyllableTokenizer, UnderTheSeaTokenizer, make_nlp, syllable_pieces,
                                      word_spans, words_and_spaces)

TEXT = ("Năm 2024, tỉnh Hà Giang phấn đấu trồng mới ít nhất 3.000 ha rừng.\n"
        "Tỉnh cũng sẽ xây dựng 120 căn nhà cho hộ nghèo trước ngày 30/9/2024.")

HOSTILE = [
    "",
    " ",
    "\n\n",
    "   hai   khoảng  trắng   ",
    "\tTab\tđầu\tdòng\t",
    "Dòng Windows\r\nxuống dòng\r\n",
    "Hoà Bình và Thuỷ điện Sơn La",                  # old-style tone placement
    "Tie\u0302\u0301ng Vie\u0323\u0302t to\u0302\u0301 ha\u0323p",   # decomposed (NFD) marks
    "x\u200by\u200cz\ufeffw\u00ad",                # zero-width characters and a soft hyphen
    "\u00a0NBSP\u00a0\u2009mỏng\u202f\u3000",      # non-breaking and ideographic spaces
    "Dòng\u2028phân cách\u2029đoạn",
    "“Hà Nội” – ‘TP.HCM’ — (VN) …!!??",
    "1.000.000,5 tỷ đồng; 6,5-7%; 12/2025; 30/6/2021",
    "🙂 Công ty ABC 🇻🇳 đạt 5 tỷ 💰",
    "ＴＰ．ＨＣＭ　全角 ١٢٣ עברית",
    "a\x00b\x01c\x7f d",
    "A" * 3 + " " * 50 + "B",
    "e-mail: a.b@vd.vn, https://vd.vn/a?b=1&c=2 #tag",
]


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})


@pytest.fixture(scope="module")
def syllable_nlp():
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": SYLLABLE_TOKENIZER_NAME}}})


@pytest.fixture(scope="module")
def full_nlp():
    return make_nlp(published="2024-01-10")


@pytest.mark.parametrize("tokenizer", ["nlp", "syllable_nlp"])
@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t)[:30] for t in HOSTILE])
def test_tokenizer_keeps_text(request, tokenizer, text):
    doc = request.getfixturevalue(tokenizer)(text)
    assert doc.text == text
    assert doc.text_with_ws == text
    assert "".join(t.text_with_ws for t in doc) == text
    for token in doc:
        assert token.text, "empty token"
        assert token.text.isspace() or token.text == token.text.strip()


def test_tokenizer_without_segmentation_keeps_text():
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME, "segment": False}}})
    for text in HOSTILE:
        assert nlp(text).text == text


def test_tokenizer_joins_syllables_into_words(nlp):
    words = [t.text for t in nlp("Tỉnh Quảng Ninh phấn đấu thu hút 2 tỷ USD.")]
    assert "Quảng Ninh" in words and "phấn đấu" in words
    assert words[-1] == "."


def test_syllable_tokenizer_keeps_numbers_and_splits_punctuation(syllable_nlp):
    text = "Năm 2025, TP.HCM phấn đấu GRDP tăng 7,5%; thu 1.000.000,5 tỷ đồng (5G)."
    assert [t.text for t in syllable_nlp(text)] == [
        "Năm", "2025", ",", "TP", ".", "HCM", "phấn", "đấu", "GRDP", "tăng", "7,5", "%", ";", "thu",
        "1.000.000,5", "tỷ", "đồng", "(", "5G", ")", "."]
    doc = syllable_nlp("Hoà\u00a0Bình\r\n  Tie\u0302\u0301ng")
    assert [t.text for t in doc] == ["Hoà", "\u00a0", "Bình", "\r\n  ", "Tie\u0302\u0301ng"]


@pytest.mark.parametrize("text", HOSTILE + [TEXT, "a  b", " a", "a \n b", "a\n", "x,  y"])
def test_syllable_pieces_follow_the_shared_whitespace_rule(text):
    spans = [m.span() for m in regex.finditer(_SYLLABLE, text)]
    assert syllable_pieces(text) == words_and_spaces(text, spans)


def test_syllable_tokenizer_refuses_lone_surrogate(syllable_nlp):
    with pytest.raises(ValueError, match="surrogate"):
        syllable_nlp("a\ud800b")


def test_make_nlp_tokenizers():
    assert isinstance(make_nlp().tokenizer, SyllableTokenizer)                      # the default: fast
    assert isinstance(make_nlp(tokenizer="underthesea").tokenizer, UnderTheSeaTokenizer)
    with pytest.raises(ValueError, match="unknown tokenizer"):
        make_nlp(tokenizer="pyvi")


def test_both_tokenizers_give_the_same_targets(full_nlp):
    slow = make_nlp(published="2024-01-10", tokenizer="underthesea")
    fast_doc, slow_doc = full_nlp(TEXT), slow(TEXT)
    assert [t.to_dict() for t in fast_doc._.targets] == [t.to_dict() for t in slow_doc._.targets]
    assert {(s.label_, s.text) for s in fast_doc.spans["vnpolicy"]} == \
        {(s.label_, s.text) for s in slow_doc.spans["vnpolicy"]}


def test_tokenizer_realigns_rewritten_tokens():
    # underthesea rewrites 'Hoà' to 'Hòa'; the token must still be the caller's characters
    spans = word_spans("Hoà Bình")
    assert [("Hoà Bình")[s:e] for s, e in spans] in (["Hoà Bình"], ["Hoà", "Bình"])


def test_words_and_spaces_whitespace_tokens():
    text = "  a  b\n"
    words, spaces = words_and_spaces(text, [(2, 3), (5, 6)])
    assert words == ["  ", "a", " ", "b", "\n"]
    assert spaces == [False, True, False, False, False]


def test_tokenizer_refuses_lone_surrogate(nlp):
    with pytest.raises(ValueError, match="surrogate"):
        nlp("a\ud800b")


def test_factory_found_through_entry_point():
    from importlib.metadata import entry_points
    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert "vnpolicy" in names, "reinstall: pip install -e . registers the spacy_factories entry point"
    assert {TOKENIZER_NAME, SYLLABLE_TOKENIZER_NAME} <= {ep.name for ep in entry_points(group="spacy_tokenizers")}


def test_component_sets_targets_and_spans(full_nlp):
    doc = full_nlp(TEXT)
    assert doc.text == TEXT
    targets = doc._.targets
    assert [int(t.amount.value) for t in targets] == [3000, 120]
    assert targets[0].unit.code == "ha" and targets[0].amount.comparator == "gte"
    spans = doc.spans["vnpolicy"]
    labelled = {(s.label_, s.text) for s in spans}
    assert ("AMOUNT", "3.000") in labelled
    assert ("UNIT", "ha") in labelled
    assert ("DEADLINE", "Năm 2024") in labelled
    assert any(label == "ACTOR" and "Hà Giang" in text for label, text in labelled)
    assert any(label == "METRIC" for label, _ in labelled)
    assert {s.label_ for s in spans} <= {"ACTOR", "METRIC", "AMOUNT", "UNIT", "DEADLINE"}
    # every span points back at the targets it belongs to
    amount_spans = [s for s in spans if s.label_ == "AMOUNT"]
    assert [s._.vnpolicy_targets for s in amount_spans] == [[0], [1]]
    actor = next(s for s in spans if s.label_ == "ACTOR")
    assert 0 in actor._.vnpolicy_targets


def test_component_reads_published_from_doc(full_nlp):
    text = "Năm nay, tỉnh phấn đấu trồng 500 ha rừng."
    doc = full_nlp.make_doc(text)
    doc._.published = "2030-03-01"
    doc = full_nlp(doc)
    assert doc._.targets[0].deadline.date == dt.date(2030, 12, 31)
    assert full_nlp(text)._.targets[0].deadline.date == dt.date(2024, 12, 31)   # the component's default


PUBLISHED_TEXT = "Năm nay, tỉnh phấn đấu trồng 500 ha rừng."
CONTEXTS = [{"published": "2026-05-01", "id": "a"}, {"id": "b"}, {"published": dt.date(2027, 2, 3)}]


@pytest.mark.parametrize("n_process", [1, 2])
def test_pipe_contexts_set_each_docs_date(full_nlp, n_process):
    pairs = [(PUBLISHED_TEXT, context) for context in CONTEXTS]
    out = list(full_nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=1))
    assert [context for _, context in out] == CONTEXTS              # contexts come back unchanged
    assert [doc._.published for doc, _ in out] == ["2026-05-01", None, "2027-02-03"]
    assert [doc._.targets[0].deadline.date for doc, _ in out] == [
        dt.date(2026, 12, 31), dt.date(2024, 12, 31), dt.date(2027, 12, 31)]   # b: the component's default


def test_pipe_context_with_a_bad_date_fails_loudly(full_nlp):
    with pytest.raises(ValueError, match="not YYYY-MM-DD"):
        list(full_nlp.pipe([(PUBLISHED_TEXT, {"published": "mai"})], as_tuples=True))


def test_component_on_whitespace_tokenizer():
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.vi.VietnameseTokenizer",
                                                             "use_pyvi": False}}})
    nlp.add_pipe("vnpolicy", config={"published": "2024-01-10"})
    doc = nlp("Tỉnh phấn đấu thu 2,5 tỷ đồng.")
    assert [s.text for s in doc.spans["vnpolicy"] if s.label_ == "AMOUNT"] == ["2,5 tỷ"]


EXTENSION = {"gazetteer/organisations.json": {"entries": [
    {"name": "Công ty CP Sông Lam Xanh", "type": "company", "aliases": ["Sông Lam Xanh"]}]}}
COMPANY_TEXT = "Sông Lam Xanh đặt kế hoạch lợi nhuận 300 tỷ đồng trong năm 2025."


def test_to_disk_from_disk_keeps_settings_and_custom_data(tmp_path, monkeypatch):
    monkeypatch.setenv("VNPOLICY_CACHE", str(tmp_path / "cache"))
    ext = tmp_path / "ext.json"
    ext.write_text(json.dumps(EXTENSION, ensure_ascii=False), encoding="utf-8")
    nlp = make_nlp(extend=[str(ext)], published="2025-02-01", span_key="chi_tieu")
    before = nlp(COMPANY_TEXT)
    assert before._.targets[0].actor is not None
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "vnpolicy" / "model" / "meta.json").is_file()
    # the pipeline must not depend on the extension file or the cache any more
    ext.unlink()
    shutil.rmtree(tmp_path / "cache")
    loaded = spacy.load(tmp_path / "pipeline")
    assert isinstance(loaded.tokenizer, SyllableTokenizer)
    after = loaded(COMPANY_TEXT)
    assert after.text == COMPANY_TEXT
    assert [t.to_dict() for t in after._.targets] == [t.to_dict() for t in before._.targets]
    assert {(s.label_, s.text) for s in after.spans["chi_tieu"]} == {(s.label_, s.text) for s in before.spans["chi_tieu"]}
    assert loaded.get_pipe("vnpolicy").published == "2025-02-01"


def test_to_bytes_from_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("VNPOLICY_CACHE", str(tmp_path / "cache"))
    nlp = make_nlp(extend=[EXTENSION_PATH(tmp_path)])
    data = nlp.to_bytes()
    fresh = make_nlp()
    assert fresh(COMPANY_TEXT)._.targets[0].actor is None          # bundled data alone: no owner
    fresh.from_bytes(data)
    assert fresh(COMPANY_TEXT)._.targets[0].actor is not None


def EXTENSION_PATH(tmp_path):
    path = tmp_path / "ext.json"
    path.write_text(json.dumps(EXTENSION, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_underthesea_pipeline_round_trips(tmp_path):
    make_nlp(tokenizer="underthesea", segment=False).to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert isinstance(loaded.tokenizer, UnderTheSeaTokenizer) and loaded.tokenizer.segment is False


def test_default_pipeline_saves_no_model_copy(tmp_path):
    nlp = make_nlp()
    nlp.to_disk(tmp_path / "p")
    assert not (tmp_path / "p" / "vnpolicy" / "model").exists()
    cfg = json.loads((tmp_path / "p" / "vnpolicy" / "cfg.json").read_text(encoding="utf-8"))
    assert cfg["span_key"] == "vnpolicy" and cfg["has_model"] is False
    assert spacy.load(tmp_path / "p")(TEXT)._.targets


def test_docs_serialise_with_their_targets(full_nlp):
    """Targets live in the Doc as JSON-ready data, so Doc.to_bytes and DocBin keep them."""
    from spacy.tokens import Doc, DocBin
    doc = full_nlp(TEXT)
    assert doc._.vnpolicy_data == [t.to_dict() for t in doc._.targets]
    again = Doc(full_nlp.vocab).from_bytes(doc.to_bytes())
    assert again._.targets == doc._.targets
    assert [(s.label_, s.text) for s in again.spans["vnpolicy"]] == [(s.label_, s.text) for s in doc.spans["vnpolicy"]]
    docs = list(DocBin(store_user_data=True, docs=[doc]).get_docs(full_nlp.vocab))
    assert docs[0]._.targets[0].amount.value == doc._.targets[0].amount.value


def test_huge_values_survive_serialisation():
    from decimal import Decimal
    from vnpolicy.spacy_component import _storable, target_from_dict
    d = {"kind": "target", "sentence": {"start": 0, "end": 1, "text": "x"}, "actor": None, "metric": None,
         "amount": {"text": "x", "start": 0, "end": 1, "value": 10 ** 24, "value_max": None, "comparator": "eq",
                    "comparator_text": None},
         "unit": {"text": None, "code": None, "dimension": None, "start": None, "end": None},
         "deadline": None, "rule": "r", "confidence": 0.5}
    stored = _storable(d)
    assert stored["amount"]["value"] == str(10 ** 24)
    assert target_from_dict(stored).amount.value == Decimal(10 ** 24)


def test_pipe_with_two_processes(full_nlp):
    docs = list(full_nlp.pipe([TEXT, COMPANY_TEXT], n_process=2, batch_size=1))
    assert [len(d._.targets) for d in docs] == [2, 1]
    assert docs[0].text == TEXT
