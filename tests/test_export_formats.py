"""Output formats of `vnpolicy extract`: --format json|jsonl|csv (and --jsonl as an alias),
the CSV's flat columns, and `vnpolicy schema` validating what extract writes."""
from __future__ import annotations

import csv
import io
import json

import pytest

from vnpolicy.cli import main
from vnpolicy.export import CSV_COLUMNS, Writer, csv_rows

ARTICLE_A = ("Năm 2025, Công ty CP Thép Bắc Sơn đặt kế hoạch doanh thu 8.500 tỷ đồng, "
             "lợi nhuận sau thuế tối thiểu 420 tỷ đồng.")
ARTICLE_B = 'Tỉnh Lạng Sơn phấn đấu đón 4,2 triệu lượt khách; "không có gì khác"\nvào năm 2026.'


@pytest.fixture()
def files(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(ARTICLE_A, encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(ARTICLE_B, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("Không có mục tiêu nào ở đây.", encoding="utf-8")
    return a, b, empty


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_default_is_indented(files, capsys):
    code, out, _ = run(capsys, "extract", str(files[0]), "--published", "2025-03-01")
    assert code == 0
    doc = json.loads(out)
    assert out.startswith("{\n  ")
    assert [t["amount"]["value"] for t in doc["targets"]] == [8_500_000_000_000, 420_000_000_000]


def test_jsonl_and_alias(files, capsys):
    _, out1, _ = run(capsys, "extract", *map(str, files), "--format", "jsonl", "--published", "2025-03-01")
    _, out2, _ = run(capsys, "extract", *map(str, files), "--jsonl", "--published", "2025-03-01")
    assert out1 == out2
    lines = out1.splitlines()
    assert len(lines) == 3
    docs = [json.loads(line) for line in lines]
    assert [d["id"] for d in docs] == [str(f) for f in files]
    assert docs[2]["targets"] == []


def test_csv_one_row_per_target(files, capsys):
    code, out, _ = run(capsys, "extract", *map(str, files), "--format", "csv", "--published", "2025-03-01")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0].split(",") == CSV_COLUMNS          # one header only
    assert len(rows) == 3                                           # 2 + 1 targets, the empty article none
    first = rows[0]
    assert first["source_id"] == str(files[0])
    assert first["value"] == "8500000000000" and first["unit"] == "VND" and first["comparator"] == "eq"
    assert first["deadline"] == "2025-12-31"
    assert first["actor"] and "Bắc Sơn" in first["actor"]
    assert ARTICLE_A[int(first["amount_start"]):int(first["amount_end"])] == first["amount_text"]
    assert rows[1]["comparator"] == "gte"
    assert first["actor_inherited"] in ("true", "false") and first["deadline_inherited"] in ("true", "false")
    third = rows[2]
    assert third["value"] == "4200000" and third["unit"] == "lượt khách"
    assert third["sentence"] == ARTICLE_B[int(third["sentence_start"]):int(third["sentence_end"])]


def test_csv_quotes_commas_quotes_and_newlines():
    doc = {"id": "x", "url": "https://vd.vn/a,b", "published": None, "error": None, "targets": [{
        "sentence": {"start": 0, "end": 20, "text": 'Câu "có" dấu, phẩy\nvà dòng'},
        "actor": None, "metric": {"text": "doanh thu, lợi nhuận"},
        "amount": {"text": "5", "start": 3, "end": 4, "value": 5, "value_max": None, "comparator": "eq"},
        "unit": {"code": None}, "deadline": None, "rule": "r", "confidence": 0.5}]}
    out = io.StringIO()
    Writer(out, "csv").write(doc)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["sentence"] == 'Câu "có" dấu, phẩy\nvà dòng'
    assert rows[0]["source_url"] == "https://vd.vn/a,b"
    assert rows[0]["metric"] == "doanh thu, lợi nhuận"


def test_csv_error_record_gets_a_row():
    rows = csv_rows({"id": "bad", "error": "line 3: not JSON", "targets": []})
    assert rows == [{"source_id": "bad", "source_url": None, "published": None, "error": "line 3: not JSON"}]


def test_unknown_format_is_a_usage_error(files, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(files[0]), "--format", "xml"])
    assert exc.value.code == 2
    with pytest.raises(ValueError):
        Writer(io.StringIO(), "xml")


def test_schema_validates_extract_output(files, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema.get("$schema") or schema.get("type") == "object"
    _, out, _ = run(capsys, "extract", *map(str, files), "--jsonl", "--published", "2025-03-01")
    for line in out.splitlines():
        jsonschema.validate(json.loads(line), schema)


def test_missing_file_exit_1_others_still_written(files, tmp_path, capsys):
    code, out, err = run(capsys, "extract", str(tmp_path / "nope.txt"), str(files[0]), "--format", "jsonl")
    assert code == 1
    assert "no such file" in err
    missing, found = (json.loads(line) for line in out.splitlines())
    assert missing["id"] == str(tmp_path / "nope.txt") and "no such file" in missing["error"]
    assert missing["targets"] == [] and found["error"] is None and found["targets"]
