#!/usr/bin/env python3
"""How often the quantity reader gets a gold target's amount and unit right.

    .venv/bin/python bench/quantities.py                 # dev and train, a summary each
    .venv/bin/python bench/quantities.py --misses        # and every miss, to read
    .venv/bin/python bench/quantities.py --refine        # with UnitFinder.refine on each unit
    .venv/bin/python bench/quantities.py --sample 100    # 100 random corpus quantities, to read
    .venv/bin/python bench/quantities.py --cost          # time the reader on the whole corpus

For every non-borderline gold target of ``../shared/eval/{dev,train}-gold.jsonl``, the
article is normalised and split into sentences as the extractor does; every number of the
sentence that holds the gold amount is read (``NumberFinder.find``) with the unit after it
(``QuantityReader``: ``UnitFinder.of`` bounded by the sentence end, then units shared or
elided from a neighbouring quantity). The target is *right* when one
number mention overlaps the gold amount span (in the caller's offsets, mapped back with
``NormalizedText``), its value and ``value_max`` are within 0.5% of gold, and its unit
equals gold's under ``score.py``'s ``same_unit``. Otherwise it fails in the first way of:

- ``no number``: no number mention overlaps the gold amount;
- ``wrong value``: value or value_max off (of the mention overlapping most);
- ``no unit``: gold has a unit and the reader none;
- ``wrong unit``: the reader's unit is another one.

No decision is taken here: this measures the candidates the decision step gets to see.

``--sample N`` prints N quantities drawn at random (``--seed``) from the unlabelled corpus
(``../shared/corpus/*.jsonl``, evaluation articles left out) with the unit read for each,
so that nonsense units can be seen. ``--cost`` times the reader over every sentence of
``../shared/corpus/news.jsonl`` (normalising and segmenting are timed apart), and, with
``--refine``, ``UnitFinder.refine`` on every counted noun too.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "src"))

from vnpolicy.normalize import normalize  # noqa: E402
from vnpolicy.resources import load  # noqa: E402
from vnpolicy.segment import Segmenter  # noqa: E402
from vnpolicy.numbers import NumberFinder  # noqa: E402
from vnpolicy.quantities import QuantityReader  # noqa: E402

FAILURES = ("no number", "wrong value", "no unit", "wrong unit")


def scorer():
    """score.py of the shared eval, for its ``same_unit`` rule."""
    spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def close(found: Decimal | None, gold) -> bool:
    if gold is None or found is None:
        return gold is None and found is None
    gold = Decimal(str(gold))
    if gold == 0:
        return found == 0
    return abs(found - gold) <= abs(gold) * Decimal("0.005")


class Reader:
    """Every quantity of an article as ``QuantityReader`` reads it, in the caller's offsets."""

    def __init__(self, refine: bool):
        data = load()
        self.segmenter, self.quantities_of = Segmenter(data), QuantityReader(data)
        self.refine = refine

    def quantities(self, text: str) -> list[dict]:
        norm = normalize(text)
        sentences = self.segmenter.sentences(norm.text)
        by_sentence = self.quantities_of.article(norm.text, sentences)
        out = []
        for s in sentences:
            for q in by_sentence[s.index]:
                n, unit = q.number, q.unit
                if self.refine:
                    unit = self.quantities_of.units.refine(norm.text, n.end, s.end, unit)
                start, end = norm.span_to_original(n.start, n.end)
                unit_text = None
                if unit is not None:
                    u0, u1 = norm.span_to_original(unit.start, unit.end)
                    unit_text = text[u0:u1]
                out.append({"start": start, "end": end, "value": n.value, "value_max": n.value_max,
                            "unit": unit.code if unit else None, "unit_text": unit_text,
                            "source": unit.source if unit else None})
        return out


def judge(gold: dict, found: list[dict], same_unit) -> tuple[str, dict | None]:
    """'ok' or the failure class, with the mention it was judged on."""
    g0, g1 = gold["amount"]
    overlapping = [q for q in found if q["start"] < g1 and g0 < q["end"]]
    if not overlapping:
        return "no number", None
    verdicts = []
    for q in overlapping:
        if not (close(q["value"], gold["value"]) and close(q["value_max"], gold["value_max"])):
            verdicts.append(("wrong value", q))
        elif same_unit(q["unit"], gold["unit"]):
            return "ok", q
        elif q["unit"] is None:
            verdicts.append(("no unit", q))
        else:
            verdicts.append(("wrong unit", q))
    overlap = lambda v: min(g1, v[1]["end"]) - max(g0, v[1]["start"])
    # the mention that got the value right tells more than one that did not
    verdicts.sort(key=lambda v: (v[0] != "wrong value", overlap(v)), reverse=True)
    return verdicts[0]


def measure(split: str, reader: Reader, same_unit, show_misses: bool) -> Counter:
    articles = {a["id"]: a for a in read_jsonl(EVAL / f"{split}-articles.jsonl")}
    counts: Counter = Counter()
    for record in read_jsonl(EVAL / f"{split}-gold.jsonl"):
        targets = [t for t in record["targets"] if not t.get("borderline")]
        if not targets:
            continue
        text = articles[record["id"]]["text"]
        found = reader.quantities(text)
        for gold in targets:
            verdict, q = judge(gold, found, same_unit)
            counts[verdict] += 1
            if verdict != "ok" and show_misses:
                print_miss(split, record["id"], text, gold, verdict, q)
    return counts


def print_miss(split: str, aid: str, text: str, gold: dict, verdict: str, q: dict | None) -> None:
    g0, g1 = gold["amount"]
    context = text[max(0, g0 - 60):g1 + 60].replace("\n", " ")
    got = "-" if q is None else (f"{text[q['start']:q['end']]!r} = {q['value']}"
                                 f"{'' if q['value_max'] is None else '..' + str(q['value_max'])}"
                                 f" unit {q['unit']!r} ({q['unit_text']!r}, {q['source']})")
    print(f"[{split}] {aid} {verdict}: gold {gold['amount_text']!r} = {gold['value']}"
          f"{'' if gold['value_max'] is None else '..' + str(gold['value_max'])} unit {gold['unit']!r}; got {got}")
    print(f"      ...{context}...")


def summary(split: str, counts: Counter) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{k} {counts[k]}" for k in FAILURES)
    return f"{split:5s} {counts['ok']}/{total} right = {counts['ok'] / total:.3f}   ({parts})"


def held_out_ids() -> set[str]:
    return {a["id"] for p in EVAL.glob("*-articles.jsonl") for a in read_jsonl(p)}


def sample(reader: Reader, n: int, seed: int) -> None:
    """``n`` random quantities of the unlabelled corpus, each with its unit and context."""
    held = held_out_ids()
    pool = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for article in read_jsonl(path):
            if article["id"] in held:
                continue
            for q in reader.quantities(article["text"]):
                pool.append((article["id"], article["text"], q))
    rng = random.Random(seed)
    print(f"{len(pool)} quantities in the corpus; {n} drawn with seed {seed}")
    sources = Counter(q["source"] for _, _, q in pool)
    print("units by source:", dict(sources.most_common()))
    for aid, text, q in rng.sample(pool, n):
        context = text[max(0, q["start"] - 40):q["end"] + 40].replace("\n", " | ")
        print(f"{aid:12s} {text[q['start']:q['end']]!r:>16} -> {q['unit']!r} ({q['source']})   ...{context}...")


def cost(refine: bool, runs: int = 3) -> None:
    """CPU seconds the quantity reader takes on every sentence of news.jsonl (best of ``runs``:
    the machine is shared), against ``NumberFinder.find`` alone, which the extractor runs on
    every sentence already."""
    data = load()
    segmenter, quantities = Segmenter(data), QuantityReader(data)
    articles = read_jsonl(CORPUS / "news.jsonl")
    prepared = []
    t0 = time.process_time()
    for a in articles:
        norm = normalize(a["text"]).text
        prepared.append((norm, segmenter.sentences(norm)))
    prepare = time.process_time() - t0

    def best(step) -> float:
        times = []
        for _ in range(runs):
            t = time.process_time()
            for norm, sentences in prepared:
                step(norm, sentences)
            times.append(time.process_time() - t)
        return min(times)

    lexicon_numbers = NumberFinder(data)
    lexicon = best(lambda norm, sentences: [lexicon_numbers.find(norm, s.start, s.end) for s in sentences])
    find = best(lambda norm, sentences: [quantities.numbers.find(norm, s.start, s.end) for s in sentences])
    read = best(quantities.article)
    count = sum(len(q) for norm, sentences in prepared for q in quantities.article(norm, sentences).values())
    print(f"{len(articles)} articles, {count} quantities; CPU seconds, best of {runs}:")
    print(f"  normalise + segment                                         {prepare:.2f} s")
    print(f"  NumberFinder.find, as the pipeline runs it (lexicon reading)  {lexicon:.2f} s")
    print(f"  NumberFinder.find, all forms (the open reading)             {find:.2f} s")
    print(f"  QuantityReader.article (numbers, units, comparators)       {read:.2f} s ({read / max(count, 1) * 1e6:.0f} µs a quantity, "
          f"{read - find:.2f} s more than finding the numbers)")
    if refine:
        t = time.process_time()
        refined = 0
        for norm, sentences in prepared:
            by_sentence = quantities.article(norm, sentences)
            for s in sentences:
                for q in by_sentence[s.index]:
                    if q.unit is not None and q.unit.source == "guessed":
                        quantities.units.refine(norm, q.number.end, s.end, q.unit)
                        refined += 1
        spent = time.process_time() - t - read
        print(f"  UnitFinder.refine (tagger loading included)                 {spent:.2f} s more for {refined} guessed counted nouns "
              f"({spent / max(refined, 1) * 1e3:.2f} ms each)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="print every miss with its context")
    parser.add_argument("--refine", action="store_true", help="pass each unit through UnitFinder.refine")
    parser.add_argument("--split", choices=("dev", "train"), action="append", help="default: both")
    parser.add_argument("--sample", type=int, metavar="N", help="print N random corpus quantities instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cost", action="store_true", help="time the reader on news.jsonl instead")
    args = parser.parse_args()
    if args.cost:
        cost(args.refine)
        return 0
    reader = Reader(args.refine)
    if args.sample:
        sample(reader, args.sample, args.seed)
        return 0
    same_unit = scorer().same_unit
    total: Counter = Counter()
    lines = []
    for split in args.split or ("dev", "train"):
        counts = measure(split, reader, same_unit, args.misses)
        total += counts
        lines.append(summary(split, counts))
    lines.append(summary("all", total))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
