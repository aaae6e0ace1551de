"""Every output parses with the standard reader of its format, and every input is in it:
`extract` and `batch` in json, jsonl and csv, read back with json, csv and pandas (when
installed), with a missing input among the files."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from vnpolicy.cli import main
from vnpolicy.export import CSV_COLUMNS

ARTICLES = {
    "a.txt": "Năm 2025, Công ty CP Thép Bắc Sơn đặt kế hoạch doanh thu 8.500 tỷ đồng.",
    "b.txt": "Hôm qua trời mưa to, nhiều tuyến phố bị ngập.",            # no target
}


@pytest.fixture()
def inputs(tmp_path: Path) -> list[str]:
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [str(tmp_path / "a.txt"), str(tmp_path / "missing.txt"), str(tmp_path / "b.txt")]


def extract(capsys, files: list[str], fmt: str) -> tuple[int, str]:
    code = main(["extract", *files, "--format", fmt, "--published", "2025-02-01"])
    return code, capsys.readouterr().out


def test_json_with_several_inputs_is_one_array(inputs, capsys):
    code, out = extract(capsys, inputs, "json")
    assert code == 1
    documents = json.load(io.StringIO(out))
    assert isinstance(documents, list)
    assert [d["id"] for d in documents] == inputs
    assert [len(d["targets"]) for d in documents] == [1, 0, 0]
    assert [d["error"] is not None for d in documents] == [False, True, False]
    assert "no such file" in documents[1]["error"] and documents[1]["published"] == "2025-02-01"
    assert out == json.dumps(documents, ensure_ascii=False, indent=2) + "\n"


def test_json_with_one_input_is_one_object(inputs, capsys):
    _, out = extract(capsys, inputs[:1], "json")
    assert isinstance(json.loads(out), dict)
    code, out = extract(capsys, inputs[1:2], "json")               # a failed single input is accounted for too
    assert code == 1 and "no such file" in json.loads(out)["error"]


def test_jsonl_has_one_line_per_input(inputs, capsys):
    _, out = extract(capsys, inputs, "jsonl")
    documents = [json.loads(line) for line in out.splitlines()]
    assert [d["id"] for d in documents] == inputs
    assert documents[1]["error"] and documents[1]["targets"] == []


def test_csv_gives_the_failed_input_a_row(inputs, capsys):
    _, out = extract(capsys, inputs, "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["source_id"] for r in rows] == [inputs[0], inputs[1]]      # b.txt has no target, so no row
    assert rows[0]["error"] == "" and rows[0]["value"] == "8500000000000"
    assert "no such file" in rows[1]["error"] and rows[1]["value"] == ""


def test_csv_without_any_row_still_has_its_header(inputs, capsys):
    _, out = extract(capsys, inputs[2:], "csv")
    assert out.splitlines() == [",".join(CSV_COLUMNS)]


def test_pandas_reads_every_format(inputs, capsys):
    pd = pytest.importorskip("pandas")
    _, out = extract(capsys, inputs, "csv")
    frame = pd.read_csv(io.StringIO(out), dtype={"value": "string"})
    assert list(frame.columns) == CSV_COLUMNS and len(frame) == 2
    assert frame["error"].isna().tolist() == [True, False] and frame["value"][0] == "8500000000000"
    _, out = extract(capsys, inputs, "jsonl")
    assert pd.read_json(io.StringIO(out), lines=True)["id"].tolist() == inputs
    _, out = extract(capsys, inputs, "json")
    assert pd.read_json(io.StringIO(out))["id"].tolist() == inputs


def batch(tmp_path: Path, fmt: str, *extra: str) -> tuple[int, str]:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([json.dumps({"id": "a", "text": ARTICLES["a.txt"]}, ensure_ascii=False),
                                 "{not json", json.dumps({"id": "b", "text": ARTICLES["b.txt"]},
                                                         ensure_ascii=False)]) + "\n", encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    code = main(["batch", str(source), "-o", str(out), "--format", fmt, "-q", "-w", "1", *extra])
    return code, out.read_text(encoding="utf-8")


def test_batch_json_is_one_array_with_every_record(tmp_path):
    code, out = batch(tmp_path, "json")
    assert code == 1
    documents = json.loads(out)
    assert [d["id"] for d in documents] == ["a", None, "b"]
    assert "not JSON" in documents[1]["error"]


def test_batch_csv_gives_the_bad_record_a_row(tmp_path):
    _, out = batch(tmp_path, "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and rows[0]["source_id"] == "a" and "not JSON" in rows[1]["error"]


def test_batch_json_of_no_record_is_an_empty_array(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    main(["batch", str(empty), "-o", str(tmp_path / "out.json"), "--format", "json", "-q"])
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == []
