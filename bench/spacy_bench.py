#!/usr/bin/env python3
"""spaCy throughput: documents per second through ``nlp.pipe`` with the vnpolicy component,
after each of the two tokenizers, on one process and on ``n_process=2``.

    .venv/bin/python bench/spacy_bench.py                    # first 200 corpus articles
    .venv/bin/python bench/spacy_bench.py --articles 500 --json bench/results.json   # updates its "spacy" key

``bench/bench.py`` runs the same measurements as part of the full benchmark. Measured, on
the same articles, each after a warm-up document (language data and underthesea's tagger
loaded, so no model loading is timed), each the best of two passes taken in turn:

- ``Extractor.extract`` alone: the library's own rate, the ceiling for the component;
- each tokenizer alone (``nlp.make_doc``);
- ``nlp.pipe`` with each tokenizer, ``n_process=1`` and ``n_process=2``;
- ``nlp.pipe(..., as_tuples=True)`` with a ``{"published": ...}`` context per document;
- ``Doc.to_bytes`` and ``Doc.from_bytes`` per document, which is what ``n_process`` adds:
  spaCy sends every finished Doc from the worker to the parent as bytes.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news.jsonl"
sys.path.insert(0, str(ROOT / "src"))


REPEAT = 2      # passes of every measurement, the best kept: the machine is shared, and load only slows


def timed(run: Callable[[], Iterable[Any]]) -> float:
    t = time.perf_counter()
    for _ in run():
        pass
    return time.perf_counter() - t


def rates(runs: dict[str, Callable[[], Iterable[Any]]], count: int) -> dict[str, dict[str, Any]]:
    """Each run's best pass. The passes go round-robin (all runs once, then again), so that a
    change of load on the machine slows every run alike instead of one of them."""
    passes: dict[str, list[float]] = {key: [] for key in runs}
    for round_ in range(REPEAT):
        for key, run in runs.items():
            print(f"  pass {round_ + 1}/{REPEAT}: {key} ...", file=sys.stderr, flush=True)
            passes[key].append(timed(run))
    return {key: {"seconds": min(p), "docs_s": count / min(p), "ms_per_doc": 1000 * min(p) / count,
                  "passes_s": p} for key, p in passes.items()}


def measure(texts: list[str], n_process: int = 2) -> dict[str, Any]:
    """Every rate listed in the module docstring, on ``texts``."""
    from spacy.tokens import Doc

    from vnpolicy import Extractor
    from vnpolicy.spacy_component import make_nlp
    count = len(texts)
    extractor = Extractor().warm_up()
    extractor.extract(texts[0])
    pipelines = {}
    for name in ("syllables", "underthesea"):
        nlp = pipelines[name] = make_nlp(tokenizer=name)
        nlp(texts[0])                                             # warm-up: extractor and tokenizer loaded
        nlp.get_pipe("vnpolicy").extractor.warm_up()              # the tagger too, shared by forked workers
    syllables, underthesea = pipelines["syllables"], pipelines["underthesea"]
    pairs = [(t, {"published": "2025-01-15"}) for t in texts]
    measured = rates({
        "library": lambda: (extractor.extract(t) for t in texts),
        "syllables.tokenizer": lambda: (syllables.make_doc(t) for t in texts),
        "syllables.pipe": lambda: syllables.pipe(texts),
        "syllables.pipe_n_process": lambda: syllables.pipe(texts, n_process=n_process),
        "syllables.pipe_as_tuples": lambda: syllables.pipe(pairs, as_tuples=True),
        "underthesea.tokenizer": lambda: (underthesea.make_doc(t) for t in texts),
        "underthesea.pipe": lambda: underthesea.pipe(texts),
        "underthesea.pipe_n_process": lambda: underthesea.pipe(texts, n_process=n_process),
    }, count)
    out: dict[str, Any] = {"articles": count, "n_process": n_process, "passes": REPEAT,
                           "library": measured.pop("library"), "syllables": {}, "underthesea": {}}
    for key, value in measured.items():
        name, what = key.split(".")
        out[name][what] = value
    docs = list(syllables.pipe(texts))
    t = time.perf_counter()
    data = [d.to_bytes() for d in docs]
    to_bytes = time.perf_counter() - t
    t = time.perf_counter()
    for b in data:
        Doc(syllables.vocab).from_bytes(b)
    from_bytes = time.perf_counter() - t
    out["doc_bytes"] = {"to_bytes_ms": 1000 * to_bytes / count, "from_bytes_ms": 1000 * from_bytes / count,
                        "bytes_per_doc": sum(map(len, data)) / count,
                        "kb_per_doc": sum(map(len, data)) / count / 1000,
                        "tokens_per_doc": sum(len(d) for d in docs) / count}
    return out


def rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The benchmark's table lines for the result of ``measure``."""
    n = r["n_process"]
    lib = r["library"]["docs_s"]
    out = [("spaCy: articles", f"{r['articles']} (the first of the corpus)"),
           ("spaCy: library alone", f"{lib:.1f} docs/s (Extractor.extract, the ceiling)")]
    for name in ("syllables", "underthesea"):
        m = r[name]
        out.append((f"spaCy: {name} tokenizer", f"{m['tokenizer']['docs_s']:.1f} docs/s (make_doc alone)"))
        out.append((f"spaCy: {name} nlp.pipe", f"{m['pipe']['docs_s']:.1f} docs/s ({m['pipe']['docs_s'] / lib:.0%} "
                                               f"of the library); n_process={n}: "
                                               f"{m['pipe_n_process']['docs_s']:.1f} docs/s"))
    out.append(("spaCy: as_tuples + published", f"{r['syllables']['pipe_as_tuples']['docs_s']:.1f} docs/s "
                                               "(syllables, n_process=1)"))
    b = r["doc_bytes"]
    out.append(("spaCy: Doc to/from bytes", f"{b['to_bytes_ms']:.1f} ms + {b['from_bytes_ms']:.1f} ms per doc "
                                           f"({b['kb_per_doc']:.0f} KB, {b['tokens_per_doc']:.0f} tokens)"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=200, metavar="N", help="the first N articles (default 200)")
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--json", type=Path, metavar="RESULTS.json",
                        help="store the numbers under its 'spacy' key, with this run's machine and commit")
    args = parser.parse_args()
    from bench import load_articles, machine, table
    info = machine()
    result = measure([a["text"] for a in load_articles(args.corpus, args.articles)], args.n_process)
    print(table(rows(result)))
    if args.json:
        document = json.loads(args.json.read_text(encoding="utf-8")) if args.json.exists() else {}
        document["spacy"] = {**result, "machine": info}
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"wrote the 'spacy' key of {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
