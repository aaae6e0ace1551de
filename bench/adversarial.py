#!/usr/bin/env python3
"""Time the extractor on hostile shapes of text, at 10 KB, 100 KB and 1 MB (issue 9).

    .venv/bin/python bench/adversarial.py                   # every shape, every size
    .venv/bin/python bench/adversarial.py --shapes counting,dotted --sizes 10000,100000
    .venv/bin/python bench/adversarial.py --list            # the shapes, one line each

Each shape is a unit of text repeated (with a running counter, so that it is no exact
repeat) up to the size in UTF-8 bytes; ``Extractor.extract`` runs on it ``--repeat`` times
(after a warm-up call that loads the language data and the tagger), in rounds over the
sizes, and the least CPU time counts: as with ``timeit``, a run on a shared machine is slowed
by others, never sped up. The rounds put a slow spell of the machine on every size alike, and
equal runs per size keep the growth a ratio of like estimates. Printed per shape
and size: CPU seconds, seconds per MB, targets found, warnings, and, for the largest size,
its time over that of the size before (the goal is linear time: every shape at most 5 s/MB,
and 1 MB at most 12x the time of 100 KB). A size that would exceed ``--give-up`` seconds
by the growth seen so far is not run (marked ``skipped``), so that a quadratic shape cannot
hang the run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vnpolicy.pipeline import Extractor  # noqa: E402

MODELS = ROOT / "models"
NEWS = ROOT.parent / "shared" / "corpus" / "news.jsonl"   # the machine's speed on real text, where present
SIZES = (10_000, 100_000, 1_000_000)
GOAL_S_PER_MB = 5.0
GOAL_GROWTH = 12.0


def _lexicon(name: str) -> dict:
    return json.loads((MODELS / name).read_text(encoding="utf-8"))


def _repeat(piece: Callable[[int], str], size: int, joiner: str = " ") -> str:
    """``piece(0) + joiner + piece(1) + ...`` up to ``size`` UTF-8 bytes."""
    out, length, i = [], 0, 0
    while length < size:
        chunk = piece(i) + joiner
        out.append(chunk)
        length += len(chunk.encode("utf-8"))
        i += 1
    return "".join(out)[:size].rstrip()


def _shapes() -> dict[str, tuple[str, Callable[[int], str]]]:
    triggers, time_words = _lexicon("triggers.json"), _lexicon("time.json")
    units = [f for u in _lexicon("units.json")["units"] for f in u["forms"][:1]]
    cues = triggers["target_strong"] + triggers["target_weak"]
    time_phrases = [f"{w} 2025" for w in time_words["year_words"]] + \
        [f"{w} 4/2020" for w in time_words["quarter_words"]] + [f"{w} 11" for w in time_words["month_words"]] + \
        list(time_words["relative"])
    heads = [h for hs in _lexicon("actors.json")["organisation_heads"].values() for h in hs]
    syllables = "dự án đầu tư vốn ngân sách tỉnh thành phố xây dựng hạ tầng giao thông nông thôn mới".split()
    return {
        "numbers_units": ("one sentence of numbers with units",
                          lambda size: _repeat(lambda i: f"{i % 997} {units[i % len(units)]}", size)),
        "counting": ("0 1 2 3 ... with no punctuation",
                     lambda size: _repeat(str, size)),
        "cue_numbers": ("a cue and numbers without punctuation",
                        lambda size: _repeat(lambda i: f"{cues[i % len(cues)]} đạt {i} tỷ đồng {i + 1} dự án", size)),
        "dotted": ("1.000.000.000... one dotted number",
                   lambda size: "1" + _repeat(lambda i: ".000", size, "")),
        "dotted_spaced": ("1.000.000 1.000.000 ... dotted numbers",
                          lambda size: _repeat(lambda i: "1.000.000.000", size)),
        "deadline_words": ("repeated deadline words, now and then an amount",
                           lambda size: _repeat(lambda i: f"đến {time_phrases[i % len(time_phrases)]}"
                                                + (f" đạt {i} tỷ đồng" if i % 7 == 0 else ""), size)),
        "no_punctuation_line": ("one line of words and numbers, no punctuation",
                                lambda size: _repeat(lambda i: f"{syllables[i % len(syllables)]} {syllables[(i * 7) % len(syllables)]}"
                                                     + (f" {i} tỷ đồng" if i % 9 == 0 else ""), size)),
        "sentences": ("short target sentences, one line",
                      lambda size: _repeat(lambda i: f"Tỉnh này phấn đấu đạt {i} tỷ đồng vào năm {2020 + i % 10}.", size)),
        "paragraphs": ("short target sentences, a line each",
                       lambda size: _repeat(lambda i: f"Tỉnh này sẽ xây dựng {i} căn nhà vào năm {2020 + i % 10}.", size, "\n")),
        "acronyms": ("organisations defined with an acronym, a sentence each",
                     lambda size: _repeat(lambda i: f"{heads[i % len(heads)]} Alpha{i} (AL{i}) đạt {i} tỷ đồng.", size)),
        "brackets": ("nested and open brackets with amounts",
                     lambda size: _repeat(lambda i: f"({i} tỷ đồng" + (")" if i % 3 == 0 else ""), size)),
        "capitalised": ("capitalised words for the actor patterns, now and then an amount",
                        lambda size: _repeat(lambda i: f"{heads[i % len(heads)]} Nhà Nước Hà Nội Việt Nam" if i % 5 == 0
                                             else f"phấn đấu đạt {i} tỷ đồng" if i % 5 == 3
                                             else "Phát Triển Đầu Tư Xây Dựng", size)),
        "names": ("capitalised names and places before amounts, in short sentences",
                  lambda size: _repeat(lambda i: f"{heads[i % len(heads)]} Alpha Beta tại Hà Nội sẽ xây {i} nhà.", size)),
        "list_dashes": ("many list dashes on one line and on many lines",
                        lambda size: _repeat(lambda i: f"- {i} dự án -" if i % 2 else f"- - {i}\n", size)),
        "abbreviations": ("abbreviations and initials before capitals: TP. A. v.v.",
                          lambda size: _repeat(lambda i: f"TP. Hà Nội ông A. B. {i} tỷ v.v. Tỉnh", size)),
        "scale_words": ("a number followed by a long run of scale words",
                        lambda size: "1 " + _repeat(lambda i: "tỷ", size)),
        "digits_run": ("one run of digits",
                       lambda size: "9" * size),
        "quotes": ("quotation marks and amounts",
                   lambda size: _repeat(lambda i: f'"kế hoạch {i} tỷ đồng', size)),
        "comma_numbers": ("numbers separated by commas, one sentence",
                          lambda size: "Tỉnh phấn đấu đạt " + _repeat(lambda i: f"{1000 + i} tỷ đồng,", size)),
        "ranges": ("numbers chained by range joiners and dashes",
                   lambda size: _repeat(lambda i: f"từ {i} đến {i + 1}-{i + 2}%", size)),
        # its numbers keep four digits at every size: with the bare counter, the decision took its
        # 4- and 5-digit amounts as targets and not its shorter ones, so the 1 MB text held 18.5x the
        # targets of the 100 KB one (half of whose numbers have fewer digits) and measured that
        "spaces_and_marks": ("runs of spaces, tabs, line breaks and combining marks",
                             lambda size: _repeat(lambda i: f"phấn  đấu\t{1000 + i % 9000}\u0301\u0301 tỷ\n\n  đồng\u0300",
                                                  size)),
        "capital_lines": ("headlines in capitals between ordinary lines, with amounts",
                          lambda size: _repeat(lambda i: f"TỈNH ALPHA SẼ XÂY {i} CĂN NHÀ VÀO NĂM {2020 + i % 10}"
                                               if i % 3 else f"Tỉnh Alpha vừa giao kế hoạch cho UBND huyện {i}.",
                                               size, "\n")),
        "markup": ("HTML markup: target paragraphs in tags, open comments and tags that never close",
                   lambda size: _repeat(lambda i: f"<p>Tỉnh này sẽ xây <b>{i} căn nhà</b> vào năm {2020 + i % 10}.</p>"
                                        if i % 4 == 0 else '<div class="x"><span>đầu tư</span> <i>hạ tầng</i></div>'
                                        if i % 4 == 1 else "<br/>giao<sub>thông</sub><!-- ghi chú -->"
                                        if i % 4 == 2 else "<!-- <a href=x <div", size, "")),
    }


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", help="comma-separated shape names (default: all)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated sizes in bytes")
    parser.add_argument("--give-up", type=float, default=120.0,
                        help="skip a size whose time, extrapolated, would exceed this many seconds")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each shape and size, in rounds over the sizes; the least CPU time counts "
                             "(a shared machine is noisy)")
    parser.add_argument("--reference", default=str(NEWS),
                        help="JSON Lines of real articles, timed before and after the shapes to show how fast "
                             "the machine ran then (default: ../shared/corpus/news.jsonl; '' for none)")
    parser.add_argument("--list", action="store_true", help="list the shapes and exit")
    args = parser.parse_args(argv)
    shapes = _shapes()
    if args.list:
        for name, (what, _) in shapes.items():
            print(f"{name:22} {what}")
        return 0
    chosen = args.shapes.split(",") if args.shapes else list(shapes)
    unknown = [s for s in chosen if s not in shapes]
    if unknown:
        parser.error(f"unknown shapes: {', '.join(unknown)}")
    sizes = [int(s) for s in args.sizes.split(",")]
    extractor = Extractor().warm_up()
    extractor.extract("Năm 2025, tỉnh phấn đấu xây dựng 3 cây cầu.")
    print(f"vnpolicy adversarial shapes  {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}"
          f"  commit {_commit()}  Python {sys.version.split()[0]}")
    print(f"goal: every shape <= {GOAL_S_PER_MB:g} s/MB, and {sizes[-1]:,} B no more than "
          f"{GOAL_GROWTH:g}x the time of {sizes[-2] if len(sizes) > 1 else sizes[-1]:,} B\n")
    print(f"{'shape':22} {'size':>9} {'runs':>4} {'cpu s':>8} {'s/MB':>7} {'growth':>7} {'targets':>7}  warnings")
    reference = _reference_articles(Path(args.reference)) if args.reference else []
    before = _reference_line(extractor, reference, "before")
    failed = []
    for name in chosen:
        failed += _measure_shape(extractor, name, shapes[name][1], sizes, args.repeat, args.give_up)
    print(f"\n{'all shapes within the goal' if not failed else 'outside the goal: ' + ', '.join(sorted(set(failed)))}")
    if reference:
        print(before)
        print(_reference_line(extractor, reference, "after"))
    return 0 if not failed else 1


REFERENCE_ARTICLES = 300


def _reference_articles(path: Path) -> list[str]:
    """The first articles of a real corpus, or none when it is not there."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line, _ in zip(f, range(REFERENCE_ARTICLES))]


def _reference_line(extractor: Extractor, articles: list[str], when: str) -> str:
    """Real news timed like a shape (the least of three runs): the same code on the same text
    runs faster or slower as the shared machine does, and this says which it was doing."""
    if not articles:
        return ""
    size = sum(len(a.encode("utf-8")) for a in articles) / 1e6
    best = float("inf")
    for _ in range(3):
        gc.collect()
        start = time.process_time()
        for text in articles:
            extractor.extract(text)
        best = min(best, time.process_time() - start)
    return f"reference {when} the shapes: {len(articles)} news articles ({size:.2f} MB) at {best / size:.2f} s/MB"


def _timed(extractor: Extractor, text: str):
    """(CPU seconds, result) of one extract. The last run's result and garbage go before the
    clock starts: a collection of the previous 1 MB result, due at the end of the next
    extract, would be charged to it."""
    gc.collect()
    start = time.process_time()
    result = extractor.extract(text)
    return time.process_time() - start, result


def _measure_shape(extractor: Extractor, name: str, make: Callable[[int], str], sizes: list[int],
                   repeat: int, give_up: float) -> list[str]:
    """Time one shape at every size and print a line per size; [name] if outside the goal.
    The runs go in rounds over the sizes (10 KB, 100 KB, 1 MB, then again), so that a slow
    spell of a shared machine falls on every size alike; every size gets the same number of
    runs, so that the least of them is the same estimate at every size."""
    texts, runs, results = {}, {}, {}
    previous: tuple[int, float] | None = None
    measured = []
    for size in sizes:                       # the first round decides which sizes can be run at all
        if previous and previous[1] * (size / previous[0]) ** 2 > give_up and previous[1] > 1:
            break                            # and the larger ones after it neither
        texts[size] = make(size)
        seconds, results[size] = _timed(extractor, texts[size])
        runs[size] = [seconds]
        previous = (size, seconds)
        measured.append(size)
    for _ in range(max(1, repeat) - 1):
        for size in measured:
            results[size] = None              # let the last result go before the next run
            seconds, results[size] = _timed(extractor, texts[size])
            runs[size].append(seconds)
    failed, previous = [], None
    for size in measured:
        seconds, result = min(runs[size]), results[size]
        per_mb = seconds / (len(texts[size].encode("utf-8")) / 1e6)
        growth = f"{seconds / previous[1]:.1f}x" if previous and previous[1] > 0 else "-"
        warns = "; ".join(w[:70] for w in result.warnings) or "-"
        print(f"{name:22} {size:>9,} {len(runs[size]):>4} {seconds:>8.3f} {per_mb:>7.2f} {growth:>7} "
              f"{len(result.targets):>7}  {warns}")
        # growth is judged for the largest size against the size before it (the goal: 1 MB
        # at most 12x 100 KB); a time too short to measure is not judged
        if per_mb > GOAL_S_PER_MB or (size == sizes[-1] and previous and previous[1] > 0.05
                                      and seconds / previous[1] > GOAL_GROWTH * size / previous[0] / 10):
            failed = [name]
        previous = (size, seconds)
    for size in sizes[len(measured):]:
        print(f"{name:22} {size:>9,} {'':>4} {'skipped':>8}  (quadratic extrapolation over {give_up:g} s)")
        failed = [name]
    sys.stdout.flush()
    return failed


if __name__ == "__main__":
    sys.exit(main())
