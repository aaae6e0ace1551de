"""Actors across the 1 July 2025 merger: a province or city actor carries its successor and
the period of its name, from the gazetteer's merged_into and period."""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

import vnpolicy
from vnpolicy.cli import main
from vnpolicy.resources import LanguageData, ModelError, load
from vnpolicy.succession import SuccessionTable

ROOT = Path(__file__).resolve().parents[1]

NEWS_2024 = "Năm 2024, tỉnh Bắc Giang phấn đấu thu hút 1,5 tỷ USD vốn đầu tư trực tiếp nước ngoài."
NEWS_2026 = "Năm 2026, tỉnh Bắc Ninh đặt mục tiêu thu hút 5 tỷ USD vốn đầu tư trực tiếp nước ngoài."


def actor_of(text: str, published: str) -> vnpolicy.Actor:
    (target,) = vnpolicy.extract(text, published=published).targets
    assert target.actor is not None
    return target.actor


def test_bac_giang_2024_and_bac_ninh_2026_group_under_one_successor():
    before, after = actor_of(NEWS_2024, "2024-01-10"), actor_of(NEWS_2026, "2026-01-10")
    assert (before.name, before.successor, before.period) == ("Bắc Giang", "Bắc Ninh", "before")
    assert (after.name, after.successor, after.period) == ("Bắc Ninh", "Bắc Ninh", "both")
    groups = defaultdict(list)
    for actor in (before, after):
        groups[actor.successor].append(actor.name)
    assert dict(groups) == {"Bắc Ninh": ["Bắc Giang", "Bắc Ninh"]}


def test_an_inherited_place_keeps_its_successor():
    text = "Tỉnh Hà Giang vừa công bố kế hoạch năm 2024. Tỉnh phấn đấu đón 3 triệu lượt khách du lịch."
    (target,) = vnpolicy.extract(text, published="2024-02-01").targets
    assert target.actor is not None and target.actor.inherited
    assert (target.actor.successor, target.actor.period) == ("Tuyên Quang", "before")


def test_other_actors_have_no_successor():
    actor = actor_of("Năm 2025, Công ty CP Thép Bắc Sơn đặt kế hoạch doanh thu 8.500 tỷ đồng.", "2025-01-10")
    assert actor.type == "company" and actor.successor is None and actor.period is None
    assert actor.to_dict()["successor"] is None


def test_every_gazetteer_place_has_one_of_the_34_as_successor():
    table = SuccessionTable(load())
    entries = load()["gazetteer/provinces.json"]["entries"]
    successors = {table.of(e["name"], e["type"]).successor for e in entries}
    assert len(successors) == 34
    assert all(table.of(name, "province").period == "both" for name in successors)


def test_csv_and_json_carry_the_successor(tmp_path, capsys):
    article = tmp_path / "bac-giang.txt"
    article.write_text(NEWS_2024, encoding="utf-8")
    main(["extract", str(article), "--format", "csv", "--published", "2024-01-10"])
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert (row["actor"], row["actor_successor"], row["actor_period"]) == ("Bắc Giang", "Bắc Ninh", "before")
    main(["extract", str(article), "--published", "2024-01-10"])
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == "1.1"
    assert document["targets"][0]["actor"]["successor"] == "Bắc Ninh"


def write_model(tmp_path: Path, entries: list[dict]) -> LanguageData:
    (tmp_path / "gazetteer").mkdir()
    (tmp_path / "meta.json").write_text(json.dumps({"files": ["gazetteer/provinces.json"]}), encoding="utf-8")
    (tmp_path / "gazetteer" / "provinces.json").write_text(json.dumps({"entries": entries}), encoding="utf-8")
    return LanguageData(tmp_path)


def place(name: str, period: str = "both", merged_into: str | None = None) -> dict:
    return {"name": name, "type": "province", "aliases": [], "period": period, "merged_into": merged_into}


@pytest.mark.parametrize("entries, message", [
    ([place("A", "before-2025-07", "B")], "merged_into 'B', which has no entry"),
    ([place("A", "before-2025-07", "B"), place("B", "before-2025-07", "A")], "loop"),
    ([place("A", "sometimes")], "period 'sometimes'"),
])
def test_broken_succession_data_is_a_model_error(tmp_path, entries, message):
    with pytest.raises(ModelError, match=message):
        SuccessionTable(write_model(tmp_path, entries))


def test_a_chain_of_mergers_ends_at_the_current_province(tmp_path):
    table = SuccessionTable(write_model(tmp_path, [place("A", "before-2025-07", "B"),
                                                   place("B", "before-2025-07", "C"), place("C")]))
    assert table.of("A", "province").successor == "C" and table.of("A", "company") is None
    assert table.of("Unknown", "province") is None
