"""The Dask engine on a LocalCluster: the same lines, in the same order, as the local engine."""
from __future__ import annotations

import json
import os
import time

import pytest

distributed = pytest.importorskip("distributed")

from vnpolicy.bulk import WorkerSpec, run_tasks  # noqa: E402
from vnpolicy.cli import main  # noqa: E402
from vnpolicy.dask_engine import DaskEngine, run_partition as real_run_partition  # noqa: E402
from vnpolicy.sources import Task  # noqa: E402

SENTENCES = [
    "Năm 2024, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư.",
    "Thành phố đặt mục tiêu đến năm 2025 có 500 km đường cao tốc.",
    "Hôm qua trời mưa to ở Hà Nội, nhiều tuyến phố bị ngập.",
    "Bộ đặt mục tiêu trồng mới 1 triệu ha rừng vào năm 2030.",
]




def write_input(path, n=30):
    lines = []
    for i in range(n):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 5))
        lines.append(json.dumps({"id": f"d{i}", "text": text, "published": "2024-01-15", "source": "test"},
                                ensure_ascii=False))
    lines.insert(7, "{not json")
    lines.insert(12, json.dumps({"id": "no-text"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (path.parent / "page.txt").write_text(SENTENCES[1], encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=":0") as cluster:
        yield cluster


def test_dask_engine_matches_the_local_engine(cluster, tmp_path):
    src = write_input(tmp_path / "in.jsonl")
    tasks = lambda: [Task("jsonl", line.encode() + b"\n", "in.jsonl", n)  # noqa: E731
                     for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1)]
    spec = WorkerSpec(mode="line", published=None)
    local = list(run_tasks(tasks(), spec, workers=1))
    with distributed.Client(cluster) as client:
        engine = DaskEngine(spec, spec.failure, client=client, partition_items=4, max_in_flight=3)
        with engine:
            remote = list(engine.map(tasks()))
    assert remote == local
    assert [json.loads(line)["id"] for line, _, _ in remote][:9] == [
        "d0", "d1", "d2", "d3", "d4", "d5", "d6", None, "d7"]


def test_batch_engine_dask_with_a_scheduler_address(cluster, tmp_path, capfd):
    src = write_input(tmp_path / "in.jsonl")
    pages = str(tmp_path / "page.txt")
    assert main(["batch", str(src), pages, "-o", str(tmp_path / "local.jsonl"), "-q", "-w", "2"]) == 1
    assert main(["batch", str(src), pages, "-o", str(tmp_path / "dask.jsonl"), "-q", "--engine", "dask",
                 "--scheduler", cluster.scheduler_address]) == 1
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert "Traceback" not in capfd.readouterr().err


def flaky_partition(factory, items):
    """``run_partition`` that fails the whole partition holding record r4."""
    if any(task.data["id"] == "r4" for task in items):
        raise RuntimeError("worker lost")
    return real_run_partition(factory, items)


def test_a_failing_partition_is_retried_record_by_record(cluster, monkeypatch):
    # a partition that fails as a whole (as with KilledWorker when a worker dies on it) is run
    # again one record at a time, so that only the record at fault gets an error
    import vnpolicy.dask_engine as dask_engine
    monkeypatch.setattr(dask_engine, "run_partition", flaky_partition)
    tasks = [Task("record", {"id": f"r{i}", "text": SENTENCES[i % 4]}, "records", i) for i in range(6)]
    spec = WorkerSpec(mode="result")
    with distributed.Client(cluster) as client:
        with DaskEngine(spec, spec.failure, client=client, partition_items=3) as engine:
            got = [result for result, _, _ in engine.map(tasks)]
    assert [r.id for r in got] == [f"r{i}" for i in range(6)]
    assert [r.error is not None for r in got] == [False, False, False, False, True, False]
    assert "Dask worker failed" in got[4].error and "worker lost" in got[4].error


def test_batch_engine_dask_local_cluster(tmp_path):
    if os.environ.get("VNPOLICY_SKIP_SLOW"):
        pytest.skip("starts worker processes")
    src = write_input(tmp_path / "in.jsonl", n=6)
    assert main(["batch", str(src), "-o", str(tmp_path / "local.jsonl"), "-q", "-w", "1"]) == 1
    assert main(["batch", str(src), "-o", str(tmp_path / "dask.jsonl"), "-q", "--engine", "dask",
                 "-w", "1"]) == 1
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_a_runaway_record_is_stopped_on_its_dask_worker(cluster, monkeypatch):
    # Dask runs records in threads: the watchdog stops the Python loop of the slow record
    # and only that record gets the time-out error
    from vnpolicy import engines
    from vnpolicy.pipeline import Extractor
    real = Extractor.extract

    def extract(self, text, published=None, id=None):
        if "@@SLOW@@" in text:
            for _ in range(6000):          # a minute of Python work, in small steps
                time.sleep(0.01)
        return real(self, text, published, id)
    monkeypatch.setattr(Extractor, "extract", extract)
    monkeypatch.setattr(engines, "STARTUP_GRACE", 0.0)
    texts = [SENTENCES[0], "@@SLOW@@ " + SENTENCES[1], SENTENCES[3]]
    tasks = [Task("record", {"id": f"r{i}", "text": t}, "records", i) for i, t in enumerate(texts)]
    spec = WorkerSpec(mode="result", record_timeout=0.5)
    with distributed.Client(cluster) as client:
        with DaskEngine(spec, spec.failure, client=client, time_limit=spec.time_limit) as engine:
            got = [result for result, _, _ in engine.map(tasks)]
    assert [r.id for r in got] == ["r0", "r1", "r2"]
    assert [r.error is not None for r in got] == [False, True, False]
    assert "--record-timeout" in got[1].error
    assert got[0].targets and got[2].targets
