"""Checks on the actor gazetteer data (models/gazetteer/provinces.json and
organisations.json): structure, the 63/34 province counts around the 1 July 2025
merger, NFC text, and that no surface form points at two different actors."""

import json
import pathlib
import unicodedata
from collections import defaultdict

import pytest

GAZ = pathlib.Path(__file__).resolve().parents[1] / "models" / "gazetteer"

PROVINCE_TYPES = {"province", "city"}
PERIODS = {"before-2025-07", "after-2025-07", "both"}
BEFORE = {"before-2025-07", "both"}
AFTER = {"after-2025-07", "both"}
ORG_TYPES = {
    "ministry", "government", "legislature", "central_agency", "state_group",
    "company", "bank", "association", "international",
}


def _load(name):
    with open(GAZ / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def provinces():
    return _load("provinces.json")


@pytest.fixture(scope="module")
def organisations():
    return _load("organisations.json")


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _check_entry_common(e, allowed_types):
    assert isinstance(e, dict), e
    assert isinstance(e.get("name"), str) and e["name"].strip() == e["name"] != "", e
    assert e.get("type") in allowed_types, e
    aliases = e.get("aliases")
    assert isinstance(aliases, list), e
    for a in aliases:
        assert isinstance(a, str) and a.strip() == a != "", (e["name"], a)
    forms = [e["name"], *aliases]
    assert len(forms) == len(set(forms)), f"duplicate form in {e['name']}: {forms}"


@pytest.mark.parametrize("fname", ["provinces.json", "organisations.json"])
def test_top_level_and_nfc(fname):
    raw = (GAZ / fname).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", raw), f"{fname} is not NFC"
    doc = json.loads(raw)
    assert isinstance(doc, dict)
    assert doc.get("version") == "1"
    assert isinstance(doc.get("entries"), list) and doc["entries"]
    for s in _strings(doc):
        assert unicodedata.is_normalized("NFC", s), repr(s)


def test_province_structure(provinces):
    for e in provinces["entries"]:
        _check_entry_common(e, PROVINCE_TYPES)
        assert set(e) >= {"name", "type", "aliases", "period", "merged_into"}, e
        assert e["period"] in PERIODS, e
        if e["period"] == "before-2025-07":
            assert isinstance(e["merged_into"], str) and e["merged_into"], e
        else:
            assert e["merged_into"] is None, e


def test_province_counts(provinces):
    entries = provinces["entries"]
    assert sum(e["period"] in BEFORE for e in entries) == 63
    assert sum(e["period"] in AFTER for e in entries) == 34


def test_merged_into_names_an_after_merger_unit(provinces):
    after = {e["name"] for e in provinces["entries"] if e["period"] in AFTER}
    absorbed = defaultdict(list)
    for e in provinces["entries"]:
        if e["merged_into"] is not None:
            assert e["merged_into"] in after, e
            assert e["merged_into"] != e["name"], e
            absorbed[e["merged_into"]].append(e["name"])
    # 23 of the 34 units after the merger absorbed at least one other unit.
    assert len(absorbed) == 23
    assert sorted(absorbed["Hồ Chí Minh"]) == sorted(["Bình Dương", "Bà Rịa – Vũng Tàu"])


def test_centrally_run_cities(provinces):
    cities = {e["name"] for e in provinces["entries"] if e["type"] == "city"}
    assert cities == {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


def test_organisation_structure(organisations):
    for e in organisations["entries"]:
        _check_entry_common(e, ORG_TYPES)


def _all_entries(provinces, organisations):
    out = [("provinces", e) for e in provinces["entries"]]
    out += [("organisations", e) for e in organisations["entries"]]
    countries = GAZ / "countries.json"
    if countries.exists():
        out += [("countries", e) for e in _load("countries.json")["entries"]]
    return out


def test_names_unique(provinces, organisations):
    seen = {}
    for src, e in _all_entries(provinces, organisations):
        key = e["name"].casefold()
        assert key not in seen, f"name {e['name']!r} in {src} and {seen[key]}"
        seen[key] = src


def test_no_alias_shared_or_equal_to_another_name(provinces, organisations):
    entries = _all_entries(provinces, organisations)
    owner = {}
    for i, (src, e) in enumerate(entries):
        for form in [e["name"], *e["aliases"]]:
            key = form.casefold()
            if key in owner and owner[key][0] != i:
                other = entries[owner[key][0]][1]["name"]
                pytest.fail(f"{form!r} of {e['name']!r} ({src}) also names {other!r}")
            owner[key] = (i, form)


def test_no_generic_aliases(organisations):
    generic = {"bộ", "ngân hàng", "công ty", "tập đoàn", "tổng công ty", "hiệp hội",
               "cục", "tổng cục", "ủy ban", "ban", "sun", "vin"}
    for e in organisations["entries"]:
        for a in e["aliases"]:
            assert a.casefold() not in generic, (e["name"], a)
