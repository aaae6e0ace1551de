"""Issue 9: a record that runs away becomes an error line and the run goes on, on every
engine. One record is made slow by a hook (it sleeps far past its limit); the tests check
what comes out, never how fast."""
from __future__ import annotations

import json
import time

import pytest

import vnpolicy
from vnpolicy import engines, extract_many
from vnpolicy.cli import main
from vnpolicy.pipeline import Extractor

TEXTS = ["Năm 2024, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư.",
         "@@SLOW@@ Thành phố đặt mục tiêu đến năm 2025 có 500 km đường cao tốc.",
         "Bộ đặt mục tiêu trồng mới 1 triệu ha rừng vào năm 2030."]


@pytest.fixture(autouse=True)
def slow_marked_records(monkeypatch):
    """Records with @@SLOW@@ take a minute (workers are forked, so they inherit this);
    no start-up allowance, so that the limit is the record's alone."""
    vnpolicy.extract(TEXTS[0])          # load data and tagger before any fork
    real = Extractor.extract

    def extract(self, text, published=None, id=None):
        if "@@SLOW@@" in text:
            time.sleep(60)
        return real(self, text, published, id)
    monkeypatch.setattr(Extractor, "extract", extract)
    monkeypatch.setattr(engines, "STARTUP_GRACE", 0.0)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_turns_a_runaway_record_into_an_error_line(tmp_path, capfd, workers):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) + "\n"
                           for i, t in enumerate(TEXTS)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["batch", str(src), "-o", str(out), "-w", workers, "--record-timeout", "0.5"])
    err = capfd.readouterr().err
    assert code == 1 and "1 errors" in err and "Traceback" not in err
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == ["r0", "r1", "r2"]
    assert docs[1]["error"] and "--record-timeout" in docs[1]["error"]
    assert docs[0]["error"] is None and docs[0]["targets"]
    assert docs[2]["error"] is None and docs[2]["targets"]


def test_extract_many_with_a_time_limit_runs_out_of_process_even_with_one_worker():
    results = list(extract_many(TEXTS, workers=1, record_timeout=0.5))
    assert [r.error is not None for r in results] == [False, True, False]
    assert "--record-timeout" in results[1].error


def test_the_limit_grows_with_the_record():
    from vnpolicy.bulk import WorkerSpec
    from vnpolicy.sources import Task
    spec = WorkerSpec(record_timeout=2.0)
    small = Task("jsonl", b"x" * 1000, "in", 1)
    large = Task("jsonl", b"x" * 1024 * 1000, "in", 2)
    assert spec.time_limit(small) == 2.0
    assert spec.time_limit(large) == pytest.approx(20.0)
    assert WorkerSpec(record_timeout=0).time_limit(large) is None


def test_record_timeout_must_be_a_number_of_seconds(tmp_path, capfd):
    for bad in ("-1", "abc", "nan"):
        with pytest.raises(SystemExit) as exc:
            main(["batch", "-", "--record-timeout", bad])
        assert exc.value.code == 2
    assert "Traceback" not in capfd.readouterr().err
