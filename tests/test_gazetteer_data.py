"""Checks on the actor gazetteer data (models/gazetteer/provinces.json, organisations.json
and countries.json): structure, the 63/34 province counts around the 1 July 2025 merger,
the 195 states of the country list, NFC text, forms that the matcher can actually meet,
and that no surface form points at two different actors."""

import json
import pathlib
import unicodedata
from collections import Counter, defaultdict

import pytest

from vnpolicy.actors import ActorFinder
from vnpolicy.normalize import normalize
from vnpolicy.resources import load as load_model

GAZ = pathlib.Path(__file__).resolve().parents[1] / "models" / "gazetteer"

PROVINCE_TYPES = {"province", "city"}
PERIODS = {"before-2025-07", "after-2025-07", "both"}
BEFORE = {"before-2025-07", "both"}
AFTER = {"after-2025-07", "both"}
ORG_TYPES = {
    "ministry", "government", "legislature", "central_agency", "state_group",
    "company", "bank", "association", "international",
}
COUNTRY_TYPES = {"country", "territory", "bloc"}
# Short forms left out of the gazetteer because most of their corpus hits are not the
# country (countries.json _doc gives the counts). Matching is case-sensitive at word edges,
# so any of these as a form would fire on given names, place names and ordinary words.
AMBIGUOUS_SHORT_FORMS = ["Anh", "Đức", "Nhật", "Hàn", "Ý", "Áo", "Mali", "Jordan", "Georgia",
                         "Congo", "Đại Hàn", "Tòa Thánh"]


def _load(name):
    with open(GAZ / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def provinces():
    return _load("provinces.json")


@pytest.fixture(scope="module")
def organisations():
    return _load("organisations.json")


@pytest.fixture(scope="module")
def countries():
    return _load("countries.json")


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


@pytest.mark.parametrize("fname", ["provinces.json", "organisations.json", "countries.json"])
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


def test_country_structure(countries):
    for e in countries["entries"]:
        _check_entry_common(e, COUNTRY_TYPES)


def test_country_counts(countries):
    entries = countries["entries"]
    types = Counter(e["type"] for e in entries)
    assert set(types) == COUNTRY_TYPES
    assert types["country"] == 195          # the 193 UN member states and the 2 observer states
    observers = {"Palestine", "Vatican"}
    assert observers <= {e["name"] for e in entries if e["type"] == "country"}
    assert {e["name"] for e in entries if e["type"] == "territory"} == {"Đài Loan", "Hồng Kông", "Ma Cao"}
    assert {"EU", "ASEAN"} <= {e["name"] for e in entries if e["type"] == "bloc"}


@pytest.mark.parametrize("fname", ["organisations.json", "countries.json"])
def test_forms_are_in_matching_form(fname):
    # The matcher runs on normalize()'s output (new-style tone marks, ASCII hyphen): a form
    # that normalisation would change (Thuỵ Sĩ, Bà Rịa – Vũng Tàu) can never be found.
    for e in _load(fname)["entries"]:
        for form in [e["name"], *e["aliases"]]:
            assert normalize(form).text == form, (e["name"], form)


def test_ambiguous_short_forms_left_out(provinces, organisations, countries):
    forms = {f for _, e in _all_entries(provinces, organisations, countries) for f in [e["name"], *e["aliases"]]}
    assert not forms & set(AMBIGUOUS_SHORT_FORMS)


def test_every_country_form_is_found_whole(countries):
    # Each form, standing in a sentence, is one mention of its own entry: not shadowed by a
    # longer name or an organisation pattern, not split into two names.
    finder = ActorFinder(load_model())
    for e in countries["entries"]:
        for form in [e["name"], *e["aliases"]]:
            text = f"Theo kế hoạch, {form} sẽ đầu tư thêm."
            found = [(text[m.start:m.end], m.canonical, m.type) for m in finder.find(text)]
            assert found == [(form, e["name"], e["type"])], (form, found)


def _all_entries(provinces, organisations, countries):
    out = [("provinces", e) for e in provinces["entries"]]
    out += [("organisations", e) for e in organisations["entries"]]
    out += [("countries", e) for e in countries["entries"]]
    return out


def test_names_unique(provinces, organisations, countries):
    seen = {}
    for src, e in _all_entries(provinces, organisations, countries):
        key = e["name"].casefold()
        assert key not in seen, f"name {e['name']!r} in {src} and {seen[key]}"
        seen[key] = src


def test_no_alias_shared_or_equal_to_another_name(provinces, organisations, countries):
    # Across all three files: a country form equal to a province or organisation form
    # (case-folded) would send one surface string to two actors.
    entries = _all_entries(provinces, organisations, countries)
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
