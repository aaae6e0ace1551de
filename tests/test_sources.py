"""Batch inputs: JSONL (.gz, stdin), text files, directories and globs, RSS/Atom feeds, HTML."""
from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from vnpolicy.cli import main
from vnpolicy.sources import entry_date, html_to_text, kind_of, parse_date, parse_feed, read_tasks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEXT = "Năm 2024, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư."




def jsonl(n: int) -> bytes:
    return "".join(json.dumps({"id": f"r{i}", "text": TEXT + f" Bài số {i}."}, ensure_ascii=False) + "\n"
                   for i in range(n)).encode("utf-8")


def run(tmp_path, *inputs, extra=()):
    out = tmp_path / "out.jsonl"
    code = main(["batch", *map(str, inputs), "-o", str(out), "-q", *extra])
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    return code, lines


# --- JSONL, gzip, stdin ------------------------------------------------------------

def test_gzip_jsonl_reads_like_plain(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(jsonl(5))
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(jsonl(5)))
    code_plain, plain = run(tmp_path, tmp_path / "a.jsonl")
    code_gz, gz = run(tmp_path, tmp_path / "a.jsonl.gz", extra=["-w", "2"])
    assert code_plain == code_gz == 0
    assert gz == plain and [d["id"] for d in gz] == [f"r{i}" for i in range(5)]


def test_truncated_gzip_keeps_what_was_read_and_says_where_it_broke(tmp_path, capfd):
    data = gzip.compress(jsonl(400))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    code, lines = run(tmp_path, tmp_path / "cut.jsonl.gz", extra=["-w", "2"])
    assert code == 1
    good, last = lines[:-1], lines[-1]
    assert good and all(d["error"] is None for d in good)
    assert [d["id"] for d in good] == [f"r{i}" for i in range(len(good))]    # in order, none twice
    assert "truncated gzip" in last["error"] and last["line"] == len(good) + 1
    assert "Traceback" not in capfd.readouterr().err


def test_corrupt_gzip_is_an_error_line(tmp_path):
    data = bytearray(gzip.compress(jsonl(50)))
    data[40:60] = b"\x00" * 20
    (tmp_path / "bad.jsonl.gz").write_bytes(bytes(data))
    code, lines = run(tmp_path, tmp_path / "bad.jsonl.gz")
    assert code == 1 and lines[-1]["error"] and "gzip" in lines[-1]["error"]


def test_stdin_plain_and_gzipped(tmp_path, monkeypatch):
    for payload in (jsonl(3), gzip.compress(jsonl(3))):
        stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(payload)), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", stdin)
        code, lines = run(tmp_path, "-", extra=["-w", "1"])
        assert code == 0 and [d["id"] for d in lines] == ["r0", "r1", "r2"]


def test_a_line_over_the_size_limit_is_an_error_line_and_is_not_held(tmp_path):
    big = json.dumps({"id": "big", "text": "x" * 5000}) + "\n"
    (tmp_path / "in.jsonl").write_bytes(jsonl(1) + big.encode() + jsonl(2)[len(jsonl(1)):])
    code, lines = run(tmp_path, tmp_path / "in.jsonl", extra=["--max-bytes", "1000"])
    assert code == 1
    assert [d["id"] for d in lines] == ["r0", None, "r1"]
    assert "over the" in lines[1]["error"] and lines[1]["line"] == 2


def test_utf8_bom_on_the_first_line_is_ignored(tmp_path):
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + jsonl(2))
    code, lines = run(tmp_path, tmp_path / "bom.jsonl")
    assert code == 0 and [d["id"] for d in lines] == ["r0", "r1"]


# --- text files, directories, globs ------------------------------------------------

def test_directories_and_globs_of_text_files(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "b.txt").write_text(TEXT, encoding="utf-8")
    (docs / "a.txt").write_text(TEXT, encoding="utf-8")
    (docs / "sub" / "c.txt").write_text("Không có mục tiêu nào.", encoding="utf-8")
    (docs / "notes.md").write_text("ignored", encoding="utf-8")
    (docs / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    code, lines = run(tmp_path, docs, extra=["--published", "2024-02-01"])
    ids = [d["id"] for d in lines]
    assert ids == [str(docs / n) for n in ("a.txt", "b.txt", "bin.txt", "sub/c.txt")]
    assert code == 1 and "binary" in lines[2]["error"]              # the bad file, by its name
    assert lines[0]["published"] == "2024-02-01" and lines[0]["targets"]
    code, lines = run(tmp_path, str(docs / "*.txt"))
    assert [d["id"] for d in lines] == [str(docs / n) for n in ("a.txt", "b.txt", "bin.txt")]


def test_a_glob_that_matches_nothing_is_reported(tmp_path, capfd):
    (tmp_path / "a.jsonl").write_bytes(jsonl(1))
    code, lines = run(tmp_path, str(tmp_path / "*.nothing"), tmp_path / "a.jsonl")
    assert code == 1 and len(lines) == 1
    assert "no file matches" in capfd.readouterr().err


def test_kind_from_name_then_content():
    assert kind_of("x.jsonl.gz") == "jsonl" and kind_of("x.TXT") == "text"
    assert kind_of("x.rss") == "feed" and kind_of("x.htm") == "html"
    assert kind_of("dump", b'  {"id": 1}') == "jsonl"
    assert kind_of("dump", b"<?xml version='1.0'?><rss version='2.0'>") == "feed"
    assert kind_of("dump", b"<!DOCTYPE html><html>") == "html"
    assert kind_of("dump", "Năm 2024".encode()) == "text"


# --- feeds -------------------------------------------------------------------------

def test_rss_entries_become_records():
    records = parse_feed((FIXTURES / "feed.rss").read_bytes(), "feed.rss")
    assert [r["id"] for r in records] == ["tin-0001", "https://tin.example.vn/bai-2.html", "feed.rss#3"]
    first = records[0]
    assert first["url"] == "https://tin.example.vn/bai-1.html"
    assert first["title"] == "Tỉnh A đặt mục tiêu thu hút vốn"
    assert first["published"] == "2024-03-05"      # the publisher's date, not UTC (4 March 23:30)
    # the fullest text: the HTML content, not the one-line description; scripts dropped
    assert first["text"] == "Năm 2024, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư.\nTỉnh cũng đặt mục tiêu giảm tỷ lệ hộ nghèo."
    assert records[1]["text"] == "Thành phố phấn đấu đến năm 2025 có 500 km đường cao tốc."
    assert records[2]["text"] == "Bản tin không có nội dung" and "published" not in records[2]


def test_atom_entries_become_records():
    records = parse_feed((FIXTURES / "feed.atom").read_bytes(), "feed.atom")
    assert [r["id"] for r in records] == ["urn:example:chinh-sach:1", "urn:example:chinh-sach:2"]
    assert records[0]["published"] == "2024-05-31" and records[0]["url"] == "https://chinhsach.example.vn/1"
    assert records[0]["text"].startswith("Năm nay, ngành phấn đấu đạt kim ngạch xuất khẩu 40 tỷ USD.\n")
    assert records[1]["published"] == "2024-06-01" and "url" not in records[1]
    assert records[1]["text"] == "Bộ đặt mục tiêu trồng mới 1 triệu ha rừng vào năm 2030."


def test_feeds_through_batch_pass_their_fields_through(tmp_path):
    code, lines = run(tmp_path, FIXTURES / "feed.rss", FIXTURES / "feed.atom")
    assert code == 0
    assert [d["id"] for d in lines][:2] == ["tin-0001", "https://tin.example.vn/bai-2.html"]
    assert len(lines) == 5
    assert lines[0]["title"] == "Tỉnh A đặt mục tiêu thu hút vốn" and lines[0]["published"] == "2024-03-05"
    assert lines[0]["targets"] and lines[0]["url"] == "https://tin.example.vn/bai-1.html"


def test_a_feed_that_is_not_xml_is_an_error_line(tmp_path, capfd):
    code, lines = run(tmp_path, FIXTURES / "not_a_feed.rss", FIXTURES / "feed.atom")
    assert code == 1
    assert lines[0]["id"] == str(FIXTURES / "not_a_feed.rss")
    assert "not an RSS or Atom feed" in lines[0]["error"]
    assert [d["id"] for d in lines[1:]] == ["urn:example:chinh-sach:1", "urn:example:chinh-sach:2"]
    assert "Traceback" not in capfd.readouterr().err


def test_dates_and_html_fragments():
    assert parse_date("Tue, 05 Mar 2024 06:30:00 +0700").isoformat() == "2024-03-05"
    assert parse_date("2024-05-31T22:15:00+07:00").isoformat() == "2024-05-31"
    assert parse_date("2024-06-01T09:00:00Z").isoformat() == "2024-06-01"
    assert parse_date("sometime") is None
    assert entry_date({}) is None
    assert html_to_text("<p>Một&nbsp;hai</p><ul><li>ba</li><li>bốn</li></ul><style>p{}</style>") == "Một hai\nba\nbốn"


# --- HTML pages --------------------------------------------------------------------

def test_html_page_main_text_and_metadata(tmp_path):
    pytest.importorskip("trafilatura")
    code, lines = run(tmp_path, FIXTURES / "page.html")
    assert code == 0
    (doc,) = lines
    assert doc["id"] == str(FIXTURES / "page.html") and doc["published"] == "2024-03-05"
    assert doc["url"] == "https://tin.example.vn/ha-noi-tang-truong.html"
    assert doc["title"] == "Hà Nội đặt mục tiêu tăng trưởng"
    assert doc["targets"] and all("Trang chủ" not in t["sentence"]["text"] for t in doc["targets"])


def test_read_tasks_streams_without_decoding(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(jsonl(3) + b"\n\n" + b"not json\n")
    tasks = list(read_tasks([str(tmp_path / "a.jsonl")], lambda *a, **k: None))
    assert [t.kind for t in tasks] == ["jsonl"] * 4
    assert [t.line for t in tasks] == [1, 2, 3, 6]
    assert sum(t.cost for t in tasks) == (tmp_path / "a.jsonl").stat().st_size     # blank lines count too: the bar ends at 100%
