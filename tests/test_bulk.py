"""Bulk processing: extract_many, the process engine, and `vnpolicy batch` end to end.

Every test checks the contract of issue 3: one output line per input record, in input
order, whatever the number of workers, and an error line (with the id where known)
instead of a lost record or a traceback.
"""
from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import vnpolicy
from vnpolicy import Extractor, extract_many
from vnpolicy.batch import Progress, resume_point
from vnpolicy.cli import main
from vnpolicy.engines import EngineError, ProcessEngine

ROOT = Path(__file__).resolve().parents[1]

SENTENCES = [
    "Năm 2024, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư.",
    "Thành phố đặt mục tiêu đến năm 2025 có 500 km đường cao tốc.",
    "Ngành nông nghiệp phấn đấu đạt kim ngạch xuất khẩu 50 tỷ USD trong năm nay.",
    "Hôm qua trời mưa to ở Hà Nội, nhiều tuyến phố bị ngập.",
    "Bộ đặt mục tiêu trồng mới 1 triệu ha rừng vào năm 2030.",
]


def article(i: int) -> str:
    """A made-up article; lengths differ a lot so that workers finish out of order."""
    return " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + (i * 7) % 13))


def records(n: int) -> list[dict]:
    return [{"id": f"a{i}", "text": article(i), "published": "2024-01-15", "url": f"https://x.vn/{i}"}
            for i in range(n)]


def write_jsonl(path: Path, items) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for item in items:
            f.write((item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n")
    return path


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]




@pytest.fixture(scope="module", autouse=True)
def warm():
    """Load the extractor's data and the tagger once, before any worker is forked from here."""
    vnpolicy.extract(SENTENCES[0], published="2024-01-15")


def kill_on_marker(real_extract):
    """An ``Extractor.extract`` that makes the worker process die on marked texts."""
    def extract(self, text, published=None, id=None):
        if "@@EXIT@@" in text:
            os._exit(7)
        if "@@SIGKILL@@" in text:
            os.kill(os.getpid(), signal.SIGKILL)
        if "@@RAISE@@" in text:
            raise RuntimeError("boom")
        return real_extract(self, text, published, id)
    return extract


# --- extract_many ------------------------------------------------------------------

def test_extract_many_keeps_order_with_two_workers():
    recs = records(24)
    extractor = Extractor()
    expected = [extractor.extract(r["text"], r["published"], r["id"]).to_dict() for r in recs]
    got = list(extract_many(recs, workers=2))
    assert [r.id for r in got] == [r["id"] for r in recs]
    assert [{**r.to_dict(), "url": None} for r in got] == [{**e, "url": None} for e in expected]
    assert got[3].extra == {"url": "https://x.vn/3"}
    assert sum(len(r.targets) for r in got) > 0


def test_extract_many_is_lazy_and_accepts_plain_strings():
    gen = (s for s in SENTENCES)
    results = extract_many(gen, workers=1)
    first = next(results)
    assert first.error is None and first.targets
    assert len(list(results)) == len(SENTENCES) - 1


def test_extract_many_error_records_keep_ids():
    got = list(extract_many([{"id": 1, "text": SENTENCES[0]}, {"id": "no-text"}, ["not", "a", "dict"],
                             {"id": "bad-date", "text": "x", "published": "15/01/2024"},
                             {"id": "ok", "text": SENTENCES[1]}], workers=2))
    assert [r.id for r in got] == ["1", "no-text", None, "bad-date", "ok"]
    assert [r.error is not None for r in got] == [False, True, True, True, False]
    assert "text" in got[1].error and "YYYY-MM-DD" in got[3].error


@pytest.mark.parametrize("marker", ["@@EXIT@@", "@@SIGKILL@@"])
def test_a_dead_worker_costs_one_error_record_and_nothing_else(monkeypatch, marker):
    monkeypatch.setattr(Extractor, "extract", kill_on_marker(Extractor.extract))
    recs = records(30)
    recs[11]["text"] += " " + marker
    recs[12]["text"] = marker
    got = list(extract_many(recs, workers=2))
    assert [r.id for r in got] == [r["id"] for r in recs]       # none lost, none twice, in order
    assert [r.id for r in got if r.error] == ["a11", "a12"]
    assert "worker process" in got[11].error and "while processing this record" in got[11].error
    assert got[11].extra == {"url": "https://x.vn/11"}
    extractor = Extractor()
    for r, rec in zip(got, recs):
        if not r.error:
            assert r.targets == extractor.extract(rec["text"], rec["published"], rec["id"]).targets


def test_an_exception_in_the_extractor_is_an_error_record(monkeypatch):
    monkeypatch.setattr(Extractor, "extract", kill_on_marker(Extractor.extract))
    for workers in (1, 2):
        got = list(extract_many([{"id": "a", "text": "@@RAISE@@"}, {"id": "b", "text": SENTENCES[0]}],
                                workers=workers))
        assert got[0].id == "a" and "RuntimeError: boom" in got[0].error
        assert got[1].error is None and got[1].targets


# --- the engine ----------------------------------------------------------------------

class Doubler:
    def __call__(self, item):
        return item * 2


class FailingFactory:
    def __call__(self):
        raise ValueError("no model here")


def test_engine_reads_input_only_as_fast_as_it_writes():
    consumed = []

    def endless():
        for i in itertools.count():
            consumed.append(i)
            yield i

    engine = ProcessEngine(Doubler, lambda item, msg: None, workers=2, chunk_items=4, max_ahead=20)
    out = engine.map(endless())
    assert [next(out) for _ in range(50)] == [2 * i for i in range(50)]
    out.close()
    assert len(consumed) <= 50 + 20 + 2 * 4          # bounded: never the whole input


def test_engine_start_up_failure_is_an_engine_error():
    with pytest.raises(EngineError, match="no model here"):
        list(ProcessEngine(FailingFactory(), lambda item, msg: None, workers=2).map(range(5)))


# --- vnpolicy batch --------------------------------------------------------------------

def test_batch_same_output_with_one_and_two_workers(tmp_path, capfd):
    src = write_jsonl(tmp_path / "in.jsonl", records(25))
    assert main(["batch", str(src), "-o", str(tmp_path / "w1.jsonl"), "--workers", "1"]) == 0
    assert main(["batch", str(src), "-o", str(tmp_path / "w2.jsonl"), "--workers", "2"]) == 0
    assert (tmp_path / "w1.jsonl").read_bytes() == (tmp_path / "w2.jsonl").read_bytes()
    lines = read_lines(tmp_path / "w2.jsonl")
    assert [d["id"] for d in lines] == [f"a{i}" for i in range(25)]
    assert lines[0]["url"] == "https://x.vn/0" and lines[0]["published"] == "2024-01-15"
    err = capfd.readouterr().err
    assert "vnpolicy: 25 records," in err and " targets, 0 errors, " in err


def test_batch_bad_records_give_error_lines_not_tracebacks(tmp_path, capfd):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(
        b'{"id": "good", "text": "' + SENTENCES[0].encode() + b'"}\n'
        b'{"id": "latin1", "text": "caf\xe9 \xff"}\n'
        b"this is not json\n"
        b"\n"
        b'{"id": "notext", "title": "only a title"}\n'
        b'{"id": "nulltext", "text": null}\n'
        b"[1, 2, 3]\n"
        b'{"id": "baddate", "text": "x", "published": "yesterday"}\n'
        b'{"id": "last", "text": "' + SENTENCES[1].encode() + b'"}\n')
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out), "-w", "2"]) == 1
    lines = read_lines(out)
    assert [d["id"] for d in lines] == ["good", "latin1", None, "notext", "nulltext", None, "baddate", "last"]
    assert [d["error"] is None for d in lines] == [True, False, False, False, False, False, False, True]
    assert "not UTF-8" in lines[1]["error"] and lines[1]["line"] == 2
    assert "not JSON" in lines[2]["error"] and lines[2]["line"] == 3 and lines[2]["input"] == str(src)
    assert lines[3]["title"] == "only a title"          # known fields still pass through
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "8 records, " in captured.err and "6 errors" in captured.err


def test_batch_missing_input_is_reported_and_others_still_run(tmp_path, capfd):
    src = write_jsonl(tmp_path / "in.jsonl", records(3))
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(tmp_path / "nope.jsonl"), str(src), "-o", str(out)]) == 1
    assert len(read_lines(out)) == 3
    err = capfd.readouterr().err
    assert "nope.jsonl: no such file" in err and "Traceback" not in err


def test_batch_empty_input_says_so(tmp_path, capfd):
    src = tmp_path / "empty.jsonl"
    src.write_bytes(b"")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    assert out.read_bytes() == b""
    assert "no records" in capfd.readouterr().err


@pytest.mark.parametrize("argv, code", [
    (["batch", "IN", "--resume"], 2),                               # --resume needs -o
    (["batch", "IN", "-o", "OUT", "--format", "csv", "--resume"], 2),
    (["batch", "IN", "-o", "OUT", "--scheduler", "tcp://127.0.0.1:1"], 2),
])
def test_batch_usage_errors(tmp_path, capfd, argv, code):
    src = write_jsonl(tmp_path / "in.jsonl", records(1))
    argv = [str(src) if a == "IN" else str(tmp_path / "out") if a == "OUT" else a for a in argv]
    assert main(argv) == code
    assert "Traceback" not in capfd.readouterr().err


def test_batch_refuses_to_overwrite_its_input(tmp_path, capfd):
    src = write_jsonl(tmp_path / "in.jsonl", records(2))
    before = src.read_bytes()
    assert main(["batch", str(src), "-o", str(src)]) == 2
    assert src.read_bytes() == before and "is also an input" in capfd.readouterr().err


def test_batch_output_that_cannot_be_written_is_a_message(tmp_path, capfd):
    src = write_jsonl(tmp_path / "in.jsonl", records(3))
    assert main(["batch", str(src), "-o", str(tmp_path / "no" / "such" / "dir.jsonl")]) == 1
    assert "cannot write" in capfd.readouterr().err
    if os.path.exists("/dev/full"):
        assert main(["batch", str(src), "-o", "/dev/full", "-w", "1"]) == 1
        err = capfd.readouterr().err
        assert "write failed" in err and "--resume" in err and "Traceback" not in err


def test_batch_rejects_a_zero_worker_count(tmp_path, capfd):
    with pytest.raises(SystemExit) as exc:
        main(["batch", "x.jsonl", "--workers", "0"])
    assert exc.value.code == 2


def test_batch_bad_model_directory_is_exit_3(tmp_path, capfd):
    src = write_jsonl(tmp_path / "in.jsonl", records(1))
    assert main(["batch", str(src), "--model", str(tmp_path)]) == 3
    assert "language model" in capfd.readouterr().err


def test_batch_csv_and_json_formats(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", records(6))
    assert main(["batch", str(src), "-o", str(tmp_path / "o.jsonl"), "-q", "-w", "1"]) == 0
    targets = sum(len(d["targets"]) for d in read_lines(tmp_path / "o.jsonl"))
    assert main(["batch", str(src), "-o", str(tmp_path / "o.csv"), "--format", "csv", "-q", "-w", "2"]) == 0
    rows = (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("source_id,") and len(rows) == 1 + targets
    assert main(["batch", str(src), "-o", str(tmp_path / "o.json"), "--format", "json", "-q"]) == 0
    docs = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))      # one array
    assert [d["id"] for d in docs] == [f"a{i}" for i in range(6)]


# --- resume and interruption -------------------------------------------------------------

def test_resume_after_a_crash_finishes_with_each_record_once(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", records(20))
    full = tmp_path / "full.jsonl"
    assert main(["batch", str(src), "-o", str(full), "-q", "-w", "2"]) == 0
    lines = full.read_bytes().splitlines(keepends=True)
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"".join(lines[:7]) + lines[7][:40])      # a crash in the middle of line 8
    assert main(["batch", str(src), "-o", str(out), "-q", "-w", "2", "--resume"]) == 0
    assert out.read_bytes() == full.read_bytes()
    assert main(["batch", str(src), "-o", str(out), "-q", "--resume"]) == 0     # nothing left to do
    assert out.read_bytes() == full.read_bytes()


def test_resume_point_cuts_a_partial_line(tmp_path):
    path = tmp_path / "o.jsonl"
    path.write_bytes(b'{"id":"a"}\n{"id":"b"}\n{"id":"c"')
    assert resume_point(str(path)) == (2, b'{"id":"b"}\n', 9)
    assert path.read_bytes() == b'{"id":"a"}\n{"id":"b"}\n'
    path.write_bytes(b"")
    assert resume_point(str(path)) == (0, None, 0)


def test_resume_refuses_an_output_of_another_input(tmp_path, capfd):
    src = write_jsonl(tmp_path / "in.jsonl", records(5))
    out = tmp_path / "out.jsonl"
    out.write_text('{"id":"a0"}\n{"id":"zzz"}\n', encoding="utf-8")
    assert main(["batch", str(src), "-o", str(out), "--resume"]) == 2
    assert "not the one this output was made from" in capfd.readouterr().err
    out.write_text("{}\n" * 9, encoding="utf-8")
    assert main(["batch", str(src), "-o", str(out), "--resume"]) == 2
    assert "input has only 5 records" in capfd.readouterr().err


DRIVER = """
import signal, sys, time
# Ctrl-C as in a terminal: started from a shell's background job (a CI script, 'cmd &'), a
# process inherits SIGINT ignored, and Python then installs no handler for it
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, {src!r})
from vnpolicy.pipeline import Extractor
real = Extractor.extract
def slow(self, text, published=None, id=None):
    time.sleep(0.05)      # so that the run is still going when the signal comes, even on a busy machine
    return real(self, text, published, id)
Extractor.extract = slow
from vnpolicy.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_flushes_finished_lines_and_resume_completes(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", records(300))
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(src=str(ROOT / "src")), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = [sys.executable, str(driver), "batch", str(src), "-o", str(out), "-w", "2"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 2000):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert b"--resume" in stderr and b"Traceback" not in stderr + stdout
    done = out.read_bytes()
    assert done.endswith(b"\n") and 0 < done.count(b"\n") < 300       # only complete lines
    resumed = subprocess.run(args + ["--resume", "-q"], capture_output=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    ids = [d["id"] for d in read_lines(out)]
    assert ids == [f"a{i}" for i in range(300)]


# --- progress --------------------------------------------------------------------------

def test_progress_bar_shows_records_rate_errors(monkeypatch):
    import io
    fake = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake)
    bar = Progress(True, total=1000)
    bar._shown = 0
    bar.update(100, error=False)
    bar._shown = 0
    bar.update(100, error=True)
    bar.bar.refresh()
    bar.close()
    text = fake.getvalue()
    assert "2 records" in text and "rec/s" in text and "1 errors" in text and "%" in text


def test_batch_is_silent_on_a_non_terminal_with_quiet(tmp_path, capfd):
    src = write_jsonl(tmp_path / "in.jsonl", records(2))
    assert main(["batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--quiet"]) == 0
    assert capfd.readouterr().err == ""
