#!/usr/bin/env python3
"""Derive ``models/word_classes.json``: the word class of Vietnamese words, from underthesea.

    .venv/bin/python tools/derive_word_classes.py --counts /tmp/word-counts.json
    .venv/bin/python tools/derive_word_classes.py --counts /tmp/word-counts.json --write

The quantity reader (``vnpolicy.units``) reads the counted noun after a number from the
words themselves, on every number of every sentence: it cannot afford underthesea's
tagger there (about 0.8 ms a call). So the tagger runs once, here, over unlabelled news
(``../shared/corpus/*.jsonl``), and what it says about each word is kept as data:

- ``words``: every word (one or more syllables, lower case) the tagger gave at least
  ``--min-count`` times (over distinct sentences), under the class it gives it most often
  (noun, classifier, verb, adjective, other; a tie goes to the earlier of these);
- ``after_number``: the same, counted only where the word stands right after a number:
  'lao động' is a verb in general but a counted noun in '500 lao động'.

The articles of the evaluation sets (``../shared/eval/*-articles.jsonl``) are left out, and
so is every article that shares a sentence with one of them (the corpus holds reprints),
so that the measure on those sets stays a measure on unseen text. Sentences are counted
once however often they are reprinted. Tagging takes about five minutes on one core;
``--counts`` keeps the raw counts so that the classes can be rebuilt without tagging again.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from vnpolicy.normalize import normalize  # noqa: E402
from vnpolicy.resources import load  # noqa: E402
from vnpolicy.segment import Segmenter  # noqa: E402

# underthesea's VLSP 2013 tags, grouped into the classes the quantity reader asks about
CLASS_OF_TAG = {"N": "noun", "Nb": "noun", "Ny": "noun", "Nu": "noun", "Nc": "classifier",
                "V": "verb", "Vb": "verb", "Vy": "verb", "A": "adjective", "Ab": "adjective"}
CLASSES = ("noun", "classifier", "verb", "adjective", "other")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def held_out_sentences(segmenter: Segmenter) -> set[str]:
    out = set()
    for path in sorted((SHARED / "eval").glob("*-articles.jsonl")):
        for article in read_jsonl(path):
            out.update(sentences(segmenter, article["text"]))
    return out


def sentences(segmenter: Segmenter, text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[s.start:s.end] for s in segmenter.sentences(norm)]


def training_sentences(segmenter: Segmenter) -> list[str]:
    """Distinct sentences of the unlabelled corpus, without the evaluation articles or their reprints."""
    held_out = held_out_sentences(segmenter)
    held_ids = {a["id"] for p in (SHARED / "eval").glob("*-articles.jsonl") for a in read_jsonl(p)}
    seen: set[str] = set()
    out = []
    for path in sorted((SHARED / "corpus").glob("*.jsonl")):
        for article in read_jsonl(path):
            if article["id"] in held_ids:
                continue
            own = sentences(segmenter, article["text"])
            if any(len(s) >= 40 and s in held_out for s in own):
                continue
            for s in own:
                if s not in seen:
                    seen.add(s)
                    out.append(s)
    return out


def is_number(word: str, tag: str) -> bool:
    """Digits, number words and scale words (2, hai, triệu) are all tagged M."""
    return tag == "M"


def count(sentence_list: list[str]) -> dict:
    from underthesea import pos_tag
    general: dict[str, Counter] = defaultdict(Counter)
    after: dict[str, Counter] = defaultdict(Counter)
    for i, s in enumerate(sentence_list):
        if i % 5000 == 0:
            print(f"  {i}/{len(sentence_list)} sentences", file=sys.stderr)
        tagged = pos_tag(s)
        previous_is_number = False
        for word, tag in tagged:
            key = unicodedata.normalize("NFC", word).lower()
            if word[:1].isalpha() and not word[:1].isupper():
                general[key][tag] += 1
                if previous_is_number:
                    after[key][tag] += 1
            previous_is_number = is_number(word, tag)
    return {"general": general, "after_number": after}


def classes(counts: dict[str, dict], minimum: int) -> dict[str, list[str]]:
    """Words seen at least ``minimum`` times, under the class of their most frequent tags."""
    out: dict[str, list[str]] = {c: [] for c in CLASSES}
    for word, tags in counts.items():
        if not all(ch.isalpha() or ch == " " for ch in word):
            continue           # e-mail addresses, numbers glued to letters
        by_class = Counter()
        for tag, n in tags.items():
            by_class[CLASS_OF_TAG.get(tag, "other")] += n
        if sum(by_class.values()) < minimum:
            continue
        best = max(CLASSES, key=lambda c: (by_class[c], -CLASSES.index(c)))
        out[best].append(word)
    return {c: sorted(words) for c, words in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", type=Path, help="raw counts: read if present, else tag and write")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--min-after-number", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write models/word_classes.json")
    args = parser.parse_args()
    if args.counts and args.counts.exists():
        counts = json.loads(args.counts.read_text(encoding="utf-8"))
    else:
        segmenter = Segmenter(load())
        todo = training_sentences(segmenter)
        print(f"tagging {len(todo)} distinct sentences", file=sys.stderr)
        counts = count(todo)
        if args.counts:
            args.counts.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
    result = {
        "_doc": "Word classes from underthesea's POS tagger over unlabelled news (evaluation articles "
                "left out), made by tools/derive_word_classes.py; do not edit by hand. 'words': the "
                "class of each word in general; 'after_number': its class where it follows a number "
                "(lao động is a verb in general, a counted noun in '500 lao động'). Words are lower "
                "case, syllables joined by one space.",
        "words": classes(counts["general"], args.min_count),
        "after_number": classes(counts["after_number"], args.min_after_number),
    }
    sizes = {k: {c: len(v) for c, v in result[k].items()} for k in ("words", "after_number")}
    print(json.dumps(sizes), file=sys.stderr)
    if args.write:
        path = ROOT / "models" / "word_classes.json"
        path.write_text(json.dumps(result, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
