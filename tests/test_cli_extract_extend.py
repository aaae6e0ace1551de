"""Custom language data without copying models/: extension files merged by
vnpolicy.extend into a cached model directory, and --extend on extract/show/eval."""
from __future__ import annotations

import json

import pytest

from vnpolicy import Extractor
from vnpolicy.cli import main
from vnpolicy.extend import ExtensionError, extended_model_dir, merge_file, resolve_model_dir
from vnpolicy.resources import ModelError, default_model_dir

COMPANY = "Sông Lam Xanh đặt kế hoạch lợi nhuận 300 tỷ đồng trong năm 2025."
TRIGGER = "Năm 2025, hợp tác xã ấn định sản lượng 500 tấn cá."
UNIT = "Năm 2025, xã phấn đấu thu hoạch 300 giạ lúa."
NOUN = "Năm 2025, huyện phấn đấu đóng mới 40 ghe bầu."
PROVINCE_ALIAS = "Năm 2025, xứ Thanh phấn đấu đón 12 triệu lượt khách."

EXTENSION = {
    "name": "test-additions",
    "_doc": "comments are ignored",
    "gazetteer/organisations.json": {"entries": [
        {"name": "Công ty CP Sông Lam Xanh", "type": "company", "aliases": ["Sông Lam Xanh"]}]},
    "gazetteer/provinces.json": {"entries": [
        {"name": "Thanh Hóa", "type": "province", "aliases": ["xứ Thanh"]}]},
    "units.json": {"units": [{"code": "giạ", "dimension": "volume", "forms": ["giạ"]}]},
    "counted_nouns.json": {"nouns": ["ghe bầu"]},
    "triggers.json": {"target_strong": ["ấn định"]},
}


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("VNPOLICY_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture()
def ext_file(tmp_path):
    path = tmp_path / "my-additions.json"
    path.write_text(json.dumps(EXTENSION, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.fixture()
def extended(cache, ext_file):
    return Extractor(extended_model_dir([ext_file]))


@pytest.fixture(scope="module")
def bundled():
    return Extractor()


def test_added_company_becomes_the_actor(bundled, extended):
    before = bundled.extract(COMPANY, "2025-01-05").targets
    assert before and before[0].actor is None
    after = extended.extract(COMPANY, "2025-01-05").targets
    assert after[0].actor is not None
    assert after[0].actor.type == "company"
    assert "Sông Lam Xanh" in after[0].actor.name
    assert COMPANY[after[0].actor.start:after[0].actor.end] == "Sông Lam Xanh"


def test_added_trigger_word_makes_a_target(bundled, extended):
    assert bundled.extract(TRIGGER).targets == []
    t = extended.extract(TRIGGER).targets
    assert [(int(x.amount.value), x.unit.code) for x in t] == [(500, "tấn")]
    assert "=ấn định" in t[0].rule          # the added cue is named among the reasons


def test_added_unit_and_counted_noun(bundled, extended):
    assert [x.unit.code for x in extended.extract(UNIT).targets] == ["giạ"]
    assert [x.unit.code for x in extended.extract(NOUN).targets] == ["ghe bầu"]
    assert [x.unit.code for x in bundled.extract(NOUN).targets] != ["ghe bầu"]


def test_added_province_alias(extended):
    t = extended.extract(PROVINCE_ALIAS).targets
    assert t[0].actor is not None and t[0].actor.name == "Thanh Hóa" and t[0].actor.type == "province"
    assert (t[0].actor.successor, t[0].actor.period) == ("Thanh Hóa", "both")    # the entry that adds aliases only


def test_cached_and_rebuilt_only_when_contents_change(cache, ext_file):
    first = extended_model_dir([ext_file])
    assert extended_model_dir([ext_file]) == first
    meta = json.loads((first / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"].endswith("+test-additions") and meta["extensions"] == [str(ext_file)]
    ext_file.write_text(json.dumps({"counted_nouns.json": {"nouns": ["ghe"]}}), encoding="utf-8")
    assert extended_model_dir([ext_file]) != first
    assert resolve_model_dir(None, []) is None
    assert resolve_model_dir("some/dir", None) == "some/dir"


def test_extension_on_a_custom_model_dir(cache, ext_file, tmp_path):
    import shutil
    copy = tmp_path / "my-model"
    shutil.copytree(default_model_dir(), copy)
    d = extended_model_dir([ext_file], base=copy)
    assert json.loads((d / "meta.json").read_text(encoding="utf-8"))["extended_from"] == str(copy.resolve())


def test_merge_rules():
    base = {"_doc": "x", "units": [{"code": "A", "dimension": "d", "forms": ["a"]}], "n": 1, "m": {"k": ["x"]}}
    out = merge_file("units.json", base, {"units": [{"code": "B", "dimension": "d", "forms": ["b"]}], "n": 2,
                                          "m": {"k": ["x", "y"], "j": []}, "_note": "ignored"})
    assert [u["code"] for u in out["units"]] == ["A", "B"]          # units: the added one last, so it wins
    assert out["n"] == 2 and out["m"] == {"k": ["x", "y"], "j": []} and "_note" not in out
    gaz = merge_file("gazetteer/organisations.json", {"entries": [{"name": "X", "type": "company"}]},
                     {"entries": [{"name": "Y", "type": "company"}]})
    assert [e["name"] for e in gaz["entries"]] == ["Y", "X"]         # gazetteer: the added one first


def test_strings_are_brought_to_nfc(cache, tmp_path):
    path = tmp_path / "nfd.json"
    path.write_text(json.dumps({"counted_nouns.json": {"nouns": ["ghe ba\u0302\u0300u"]}}, ensure_ascii=False),
                    encoding="utf-8")
    d = extended_model_dir([path])
    Extractor(d)        # resources refuses non-NFC strings; this must load
    assert "ghe bầu" in json.loads((d / "counted_nouns.json").read_text(encoding="utf-8"))["nouns"]


@pytest.mark.parametrize("content, message", [
    ({"unknown.json": {}}, "not a file of the model"),
    ({"units.json": {"units": {"code": "x"}}}, "must be a list"),
    ({"units.json": {"units": [{"code": "x", "forms": ["x"]}]}}, "lacks dimension"),
    ({"gazetteer/organisations.json": {"entries": [{"name": "X"}]}}, "lacks type"),
    ({"gazetteer/provinces.json": {"entries": [{"name": "X", "type": "province", "aliases": "X"}]}}, "aliases"),
    ({"triggers.json": {"target_strong": "ấn định"}}, "must be a list"),
    ([1, 2], "JSON object"),
])
def test_bad_extensions_are_refused(cache, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ExtensionError, match=message):
        extended_model_dir([path])


def test_cli_extend(cache, ext_file, tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text(COMPANY, encoding="utf-8")
    assert main(["extract", str(article), "--extend", str(ext_file), "--format", "jsonl"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "Sông Lam Xanh" in doc["targets"][0]["actor"]["name"]
    assert main(["show", str(article), "--extend", str(ext_file), "--color", "never"]) == 0
    assert "Sông Lam Xanh" in capsys.readouterr().out.split("────")[-1]     # in the table of values
    gold = tmp_path / "gold.jsonl"
    start = COMPANY.index("300 tỷ")
    gold.write_text(json.dumps({"id": "a-1", "targets": [
        {"amount": [start, start + 6], "value": 3e11, "value_max": None, "comparator": "eq", "unit": "VND",
         "deadline": "2025-12-31", "actor": ["Công ty CP Sông Lam Xanh", "Sông Lam Xanh"],
         "metric": "lợi nhuận", "borderline": False}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    arts = tmp_path / "arts.jsonl"
    arts.write_text(json.dumps({"id": "a-1", "text": COMPANY, "published": "2025-01-05"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    assert main(["eval", str(gold), "--articles", str(arts), "--json", "--extend", str(ext_file)]) == 0
    with_ext = json.loads(capsys.readouterr().out)
    assert main(["eval", str(gold), "--articles", str(arts), "--json"]) == 0
    without = json.loads(capsys.readouterr().out)
    assert with_ext["fields_on_core_matches"]["actor"] == 1.0
    assert without["fields_on_core_matches"]["actor"] == 0.0


def test_cli_bad_extension_exit_3(cache, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(COMPANY, encoding="utf-8")
    assert main(["extract", str(article), "--extend", str(bad)]) == 3
    assert "invalid JSON" in capsys.readouterr().err
    assert issubclass(ExtensionError, ModelError)


def test_bundled_example_extension_loads(cache):
    from pathlib import Path
    example = Path(__file__).resolve().parents[1] / "examples" / "extend" / "my-additions.json"
    if not example.is_file():
        pytest.skip("examples/ not present")
    Extractor(extended_model_dir([example])).extract(COMPANY)
