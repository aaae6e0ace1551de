#!/usr/bin/env python3
"""Fuzz the extractor (issue 9): many inputs, the properties of tests/output_properties.py.

    .venv/bin/python tools/fuzz.py                         # 100,000 inputs, seed 9, every core
    .venv/bin/python tools/fuzz.py --count 5000 --seed 1 --failures fuzz-failures.jsonl

Inputs come from tests/hostile_text.py: random Unicode (lone surrogates included),
Vietnamese-like text built from the lexicons under models/, corpus-shaped articles (headline,
paragraphs, list items, brackets), and hostile characters. Each is extracted (with a
publication date or none) and checked: no exception; output writable as UTF-8 and strict
JSON, valid against the schema; every piece exactly its text and inside its target's
sentence unless marked inherited (or a unit borrowed from earlier on the line); span edges on
grapheme boundaries; and the same targets with the spaces doubled. The summary gives the
inputs, the seconds, the targets found, and the exceptions and violations by kind; with
``--failures`` every failing input is written out (JSON Lines, the text escaped) to replay.
The exit status is 1 when anything failed.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

import vnpolicy  # noqa: E402
from vnpolicy.pipeline import default_extractor  # noqa: E402
from hostile_text import any_text  # noqa: E402
from output_properties import double_spaces, same_targets, violations  # noqa: E402

CHUNK = 500
PUBLISHED = (None, "2020-10-01", "2025-06-30")


def _kind(message: str) -> str:
    """A violation or exception without its particulars, to count them by kind."""
    message = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "'…'", message)
    return re.sub(r"\d+", "N", message)[:160]


def check_one(text: str, published: str | None) -> list[str]:
    """The failures of one input (empty: none)."""
    try:
        result = vnpolicy.extract(text, published)
        problems = violations(text, result)
        problems += same_targets(result, vnpolicy.extract(double_spaces(text), published))
        return problems + [f"targets:{len(result.targets)}"]
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [f"exception {type(exc).__name__} at {Path(where.filename).name}:{where.lineno}: {exc}"]


def run_chunk(job: tuple[int, int, int]) -> tuple[int, int, list[tuple[str, str | None, list[str]]]]:
    """Inputs ``start``..``start + count`` of the run with ``seed``: how many, targets found, failures."""
    seed, start, count = job
    failures, targets = [], 0
    for i in range(start, start + count):
        rng = random.Random(f"{seed}:{i}")
        text, published = any_text(rng), rng.choice(PUBLISHED)
        problems = check_one(text, published)
        targets += int(problems.pop()[8:]) if problems and problems[-1].startswith("targets:") else 0
        if problems:
            failures.append((text, published, problems))
    return count, targets, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=9, help="seed of the inputs (a run is reproducible)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--failures", help="write the failing inputs here (JSON Lines)")
    args = parser.parse_args(argv)
    jobs = [(args.seed, start, min(CHUNK, args.count - start)) for start in range(0, args.count, CHUNK)]
    began = time.perf_counter()
    done = targets = 0
    failures: list = []
    default_extractor().warm_up()          # loaded once, shared by the forked workers
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        for count, found, failed in pool.imap_unordered(run_chunk, jobs):
            done, targets = done + count, targets + found
            failures += failed
            print(f"\r{done:,} inputs, {len(failures)} failing", end="", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - began
    print(file=sys.stderr)
    kinds = Counter(_kind(p) for _, _, problems in failures for p in problems)
    exceptions = sum(1 for _, _, problems in failures if problems[0].startswith("exception"))
    print(f"fuzz: {done:,} inputs (seed {args.seed}) in {seconds:.0f} s with {args.workers} processes; "
          f"{targets:,} targets found")
    print(f"inputs with an exception: {exceptions}; inputs violating a property: {len(failures) - exceptions}")
    for kind, n in kinds.most_common(30):
        print(f"  {n:6}  {kind}")
    if args.failures:
        with open(args.failures, "w", encoding="utf-8") as out:
            for text, published, problems in failures:
                out.write(json.dumps({"text": text, "published": published, "problems": problems}) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
