#!/usr/bin/env python3
"""Throughput benchmark of vnpolicy against underthesea's word_tokenize, on the same articles.

    .venv/bin/python bench/bench.py                      # the whole corpus (a few minutes)
    .venv/bin/python bench/bench.py --sample 300         # the first 300 articles
    .venv/bin/python bench/bench.py --json bench/results.json

Measures, in one run, over the articles of a JSONL corpus (``{"id", "text", ...}`` per
line; default ``../shared/corpus/news.jsonl`` beside the repository):

- ``import vnpolicy`` time, in a fresh interpreter (median of 5), and the modules that
  take longest to import;
- the first ``extract`` call in a fresh interpreter, on the first article that has targets
  (language data and, when that article needs it, underthesea's tagger are loaded);
- vnpolicy on one core, steady state: records read from JSONL, extracted, written as
  JSON lines, in this process, after one warm-up article; then the same on every core
  (worker processes forked from this warmed-up process: no model loading in the time);
- ``vnpolicy batch`` end to end (a fresh process, start-up included) with 1 worker and
  with every core, and the scaling between them, with the CPU time each used;
- what the machine itself allows: a pure-Python loop alone, then one per core at once;
- underthesea ``word_tokenize`` over the same texts (on the first ``--wt-articles`` of
  them when that is fewer, extrapolated: it runs at about 60 KB/s, and says so);
- peak RSS (``resource.getrusage``): this process, and each ``vnpolicy batch`` run with
  its workers;
- spaCy: documents per second through ``nlp.pipe`` with each tokenizer, on one process and
  on every core (``bench/spacy_bench.py``, on the first ``--spacy-articles``).

Throughput is in MB (10^6 bytes) of UTF-8 article text per second. The machine is shared
with whatever else runs on it: the load average at start and end is printed too.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news.jsonl"
sys.path.insert(0, str(ROOT / "src"))


def load_articles(path: Path, sample: int | None) -> list[dict]:
    articles = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                if isinstance(record.get("text"), str):
                    articles.append(record)
            if sample and len(articles) >= sample:
                break
    return articles


def mb(texts) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def fresh_python(code: str, runs: int = 1) -> list[float]:
    values = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        values.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return values


def import_time() -> dict:
    code = ("import time; t = time.perf_counter(); import vnpolicy; "
            "import json; print(json.dumps(time.perf_counter() - t))")
    times = fresh_python(code, runs=5)
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import vnpolicy"], capture_output=True,
                         text=True, cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    modules = []
    for line in out.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[0].isdigit():
            modules.append((int(parts[0]) / 1e6, int(parts[1]) / 1e6, parts[2]))
    own = sorted((m for m in modules if m[2].strip().startswith("vnpolicy")), key=lambda m: -m[0])[:5]
    return {"median_s": statistics.median(times), "runs_s": times,
            "slowest_vnpolicy_modules_self_s": {name.strip(): round(self_s, 4) for self_s, _, name in own}}


def first_extract(text: str) -> dict:
    code = ("import json, sys, time; import vnpolicy; text = %r; "
            "t = time.perf_counter(); r = vnpolicy.extract(text); e = time.perf_counter() - t; "
            "print(json.dumps({'seconds': e, 'targets': len(r.targets), "
            "'underthesea_loaded': 'underthesea' in sys.modules}))") % text
    return fresh_python(code)[0]


def vnpolicy_steady(jsonl: Path, workers: int) -> dict:
    """Records through the process pool, forked from this already warmed-up process."""
    from vnpolicy.bulk import WorkerSpec, run_tasks
    from vnpolicy.sources import read_tasks
    spec = WorkerSpec(mode="line")
    count = 0
    t = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for line, _, _ in run_tasks(read_tasks([str(jsonl)], lambda *a, **k: None), spec, workers=workers):
            sink.write(line + "\n")
            count += 1
    return {"seconds": time.perf_counter() - t, "records": count, "workers": workers}


def vnpolicy_one_core(jsonl: Path, articles: list[dict]) -> dict:
    import vnpolicy
    from vnpolicy.bulk import WorkerSpec, run_tasks
    from vnpolicy.sources import read_tasks
    vnpolicy.extract(articles[0]["text"])                      # warm-up: language data loaded
    vnpolicy.pipeline.default_extractor().warm_up()            # and underthesea's tagger
    spec = WorkerSpec(mode="line")
    count = targets = errors = 0
    first_with_targets = None
    t = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for line, n, failed in run_tasks(read_tasks([str(jsonl)], lambda *a, **k: None), spec, workers=1):
            sink.write(line + "\n")
            if n and first_with_targets is None:
                first_with_targets = count
            count += 1
            targets += n
            errors += failed
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "records": count, "targets": targets, "errors": errors,
            "first_with_targets": first_with_targets or 0,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def vnpolicy_cli(jsonl: Path, workers: int) -> dict:
    cmd = [sys.executable, "-m", "vnpolicy", "batch", str(jsonl), "-o", os.devnull, "-q", "--workers", str(workers)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"vnpolicy batch failed ({proc.returncode}): {stderr}")
    # ru_maxrss of a child that waited for its workers: the largest of them (KB on Linux)
    return {"seconds": seconds, "workers": workers, "exit": proc.returncode,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb_largest_process": usage.ru_maxrss / 1024}


SPIN = ("import time, json; t = time.perf_counter(); x = 0\n"
        "for i in range(6_000_000): x += i * i % 7\n"
        "print(json.dumps(time.perf_counter() - t))")


def hardware_scaling(n: int) -> dict:
    """What the machine itself gives: a pure-Python loop alone, then n copies at once."""
    alone = fresh_python(SPIN)[0]
    procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True) for _ in range(n)]
    together = [json.loads(p.communicate()[0]) for p in procs]
    return {"alone_s": alone, "together_s": together, "speedup": n * alone / max(together)}


def word_tokenize_rate(texts: list[str], limit: int) -> dict:
    from underthesea import word_tokenize
    word_tokenize("Khởi động mô hình.")                        # warm-up: model loaded
    used = texts[:limit] if limit and limit < len(texts) else texts
    t = time.perf_counter()
    for text in used:
        word_tokenize(text)
    seconds = time.perf_counter() - t
    size = mb(used)
    return {"articles": len(used), "mb": size, "seconds": seconds, "mb_s": size / seconds,
            "articles_s": len(used) / seconds, "extrapolated": len(used) < len(texts),
            "estimated_seconds_all": seconds * mb(texts) / size}


def commit() -> str:
    """The commit measured, with '+changes' when its code or data (src/, models/, the bench
    scripts, pyproject.toml) differ from it in the work tree."""
    code = ["src", "models", "bench/bench.py", "bench/spacy_bench.py", "pyproject.toml"]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=str(ROOT), check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", *code],
                               capture_output=True, text=True, cwd=str(ROOT), check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "commit": commit(), "cpu": cpu,
            "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average_start": os.getloadavg()}


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL articles (default: %(default)s)")
    parser.add_argument("--sample", type=int, default=None, metavar="N", help="only the first N articles")
    parser.add_argument("--wt-articles", type=int, default=200, metavar="K",
                        help="run word_tokenize on the first K articles and extrapolate (0: all; default 200)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="cores for the parallel run")
    parser.add_argument("--json", type=Path, default=None, metavar="OUT.json", help="also write the numbers here")
    parser.add_argument("--spacy-articles", type=int, default=200, metavar="S",
                        help="spaCy docs/s on the first S articles (0: skip; default 200)")
    args = parser.parse_args()

    info = machine()
    articles = load_articles(args.corpus, args.sample)
    texts = [a["text"] for a in articles]
    size = mb(texts)
    print(f"vnpolicy benchmark  {info['date']}  commit {info['commit']}  {info['cpu']}  {info['cores']} cores  "
          f"Python {info['python']}")
    print(f"corpus: {args.corpus.name}, {len(articles)} articles, {size:.2f} MB of text; "
          f"load average at start {info['load_average_start'][0]:.2f}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "articles.jsonl"
        with open(jsonl, "w", encoding="utf-8") as f:
            for a in articles:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
        print("import time ...", flush=True)
        imp = import_time()
        print("vnpolicy, one core, in process ...", flush=True)
        one = vnpolicy_one_core(jsonl, articles)
        print("first extract ...", flush=True)
        first = first_extract(texts[one["first_with_targets"]])
        # a sentence whose classifier noun (buổi) sends its unit to the tagger
        first_tagger = first_extract("Năm 2024, tỉnh phấn đấu tổ chức 20 buổi hội nghị xúc tiến đầu tư.")
        print(f"vnpolicy, {args.workers} cores, in process ...", flush=True)
        alln = vnpolicy_steady(jsonl, args.workers)
        print("vnpolicy batch --workers 1 ...", flush=True)
        cli1 = vnpolicy_cli(jsonl, 1)
        print(f"vnpolicy batch --workers {args.workers} ...", flush=True)
        clin = vnpolicy_cli(jsonl, args.workers)
    print(f"machine: a CPU loop alone and {args.workers} at once ...", flush=True)
    hw = hardware_scaling(args.workers)
    print("underthesea word_tokenize ...", flush=True)
    wt = word_tokenize_rate(texts, args.wt_articles)
    spacy_result = None
    if args.spacy_articles:
        import spacy_bench
        print(f"spaCy nlp.pipe on {min(args.spacy_articles, len(texts))} articles ...", flush=True)
        spacy_result = spacy_bench.measure(texts[:args.spacy_articles], args.workers)
    rss_total = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info["load_average_end"] = os.getloadavg()

    one_mb_s = size / one["seconds"]
    cli1_mb_s, clin_mb_s = size / cli1["seconds"], size / clin["seconds"]
    ratio = one_mb_s / wt["mb_s"]
    scaling = cli1["seconds"] / clin["seconds"]
    steady_scaling = one["seconds"] / alln["seconds"]
    cpu_overhead = clin["cpu_seconds"] / cli1["cpu_seconds"] - 1
    wt_note = (f" (measured on the first {wt['articles']} articles, {wt['mb']:.2f} MB, and extrapolated: "
               f"~{wt['estimated_seconds_all']:.0f} s for all)" if wt["extrapolated"] else "")
    rows = [
        ("articles / text", f"{len(articles)} / {size:.2f} MB"),
        ("import vnpolicy", f"{imp['median_s']:.3f} s (median of 5, fresh interpreter; goal < 0.3 s)"),
        ("first extract() call", f"{first['seconds']:.2f} s on the first article with targets (tagger loaded: "
                                 f"{first['underthesea_loaded']}); {first_tagger['seconds']:.2f} s on a sentence "
                                 f"that loads the tagger ({first_tagger['underthesea_loaded']}); goal < 2 s"),
        ("vnpolicy, 1 core, steady", f"{one_mb_s:.3f} MB/s  {len(articles) / one['seconds']:.1f} articles/s  "
                                     f"({one['seconds']:.1f} s, {one['targets']} targets, {one['errors']} errors)"),
        (f"vnpolicy, {args.workers} cores, steady", f"{size / alln['seconds']:.3f} MB/s  "
                                                f"{len(articles) / alln['seconds']:.1f} articles/s  "
                                                f"({alln['seconds']:.1f} s; {steady_scaling:.2f}x one core, "
                                                f"{steady_scaling / args.workers:.0%} of linear)"),
        ("vnpolicy batch -w 1", f"{cli1_mb_s:.3f} MB/s  {len(articles) / cli1['seconds']:.1f} articles/s  "
                                f"({cli1['seconds']:.1f} s wall, start-up included)"),
        (f"vnpolicy batch -w {args.workers}", f"{clin_mb_s:.3f} MB/s  {len(articles) / clin['seconds']:.1f} articles/s  "
                                              f"({clin['seconds']:.1f} s wall, start-up included)"),
        (f"batch scaling 1 -> {args.workers}", f"{scaling:.2f}x wall ({scaling / args.workers:.0%} of linear); "
                                                 f"CPU time {cli1['cpu_seconds']:.1f} s -> {clin['cpu_seconds']:.1f} s "
                                                 f"({cpu_overhead:+.0%} for the parallel run)"),
        (f"machine: {args.workers} CPU loops at once", f"{hw['speedup']:.2f}x one loop alone (the most any "
                                                  f"program can scale here; {hw['alone_s']:.2f} s alone, "
                                                  f"{max(hw['together_s']):.2f} s together)"),
        ("underthesea word_tokenize", f"{wt['mb_s']:.3f} MB/s  {wt['articles_s']:.1f} articles/s{wt_note}"),
        ("ratio vnpolicy/word_tokenize", f"{ratio:.2f}x on one core (goal >= 10x)"),
        ("peak RSS", f"bench process {one['rss_mb']:.0f} MB after vnpolicy, {rss_total:.0f} MB after "
                     f"word_tokenize; batch -w 1 {cli1['peak_rss_mb_largest_process']:.0f} MB, "
                     f"-w {args.workers} {clin['peak_rss_mb_largest_process']:.0f} MB (largest process)"),
        ("load average start / end", f"{info['load_average_start'][0]:.2f} / {info['load_average_end'][0]:.2f}"),
    ]
    if spacy_result:
        import spacy_bench
        rows[-1:-1] = spacy_bench.rows(spacy_result)
    print()
    print(table(rows))
    if imp["slowest_vnpolicy_modules_self_s"]:
        print("slowest vnpolicy modules to import (own time): " + ", ".join(
            f"{k} {v * 1000:.0f} ms" for k, v in imp["slowest_vnpolicy_modules_self_s"].items()))
    if args.json:
        document = {"machine": info, "corpus": str(args.corpus), "articles": len(articles), "mb": size,
                    "import": imp, "first_extract": first, "first_extract_tagger": first_tagger,
                    "one_core": {**one, "mb_s": one_mb_s, "articles_s": len(articles) / one["seconds"]},
                    "all_cores_steady": {**alln, "mb_s": size / alln["seconds"], "scaling": steady_scaling},
                    "batch_1": {**cli1, "mb_s": cli1_mb_s}, "batch_n": {**clin, "mb_s": clin_mb_s},
                    "scaling": scaling, "hardware_scaling": hw, "word_tokenize": wt, "ratio_one_core": ratio,
                    "peak_rss_mb_bench_process": rss_total}
        if spacy_result:
            document["spacy"] = {**spacy_result, "machine": info}
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
