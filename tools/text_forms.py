#!/usr/bin/env python3
"""Score the labelled articles written in other forms, as other outlets and scrapers write them.

    .venv/bin/python tools/text_forms.py                 # every form, dev + train in ../shared/eval
    .venv/bin/python tools/text_forms.py markup one_line # some forms

Each form rewrites an article and keeps a map from the plain text's offsets to its own, so the
gold targets move with their words and the scorer of ``vnpolicy eval`` judges the output as it
would the plain text's. A form that only changes how the text is written (accents, line ends,
spaces, quotes, blank lines, character references, markup, a headline in capitals) should
score as the text as given; ``tests/test_text_forms.py`` holds the extractor to that. The
other forms (every sentence on a line, the whole text on one line) lose some of what the
layout tells, and show how much.
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import Callable

import regex

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"

Form = Callable[[str], tuple[str, list[int]]]   # text -> (written text, offset map of len(text) + 1)


def same_length(rewrite: Callable[[str], str]) -> Form:
    """A form that changes characters but not their count: the offsets stay."""
    def form(text: str) -> tuple[str, list[int]]:
        written = rewrite(text)
        assert len(written) == len(text)
        return written, list(range(len(text) + 1))
    return form


def charwise(replace: Callable[[str], str]) -> Form:
    """A form that writes each character as ``replace(character)``."""
    def form(text: str) -> tuple[str, list[int]]:
        out, where = [], [0]
        for ch in text:
            out.append(replace(ch))
            where.append(where[-1] + len(out[-1]))
        return "".join(out), where
    return form


def markup(text: str) -> tuple[str, list[int]]:
    """``<h1>first line</h1><p>every other line</p>``, without line breaks."""
    out, where, n = [], [], 0
    for k, line in enumerate(text.split("\n")):
        opening, closing = ('<h1 class="title">', "</h1>") if k == 0 else ("<p>", "</p>")
        out.append(opening)
        n += len(opening)
        for ch in line:
            where.append(n)
            out.append(ch)
            n += 1
        where.append(n)          # the line break, or the end
        out.append(closing)
        n += len(closing)
    return "".join(out), where


_OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ",
              "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
_SENTENCE_END = regex.compile(r"(?<=\p{Ll}[.!?]) (?=\p{Lu})")


def _old_tones(text: str) -> str:
    for new, old in _OLD_TONES.items():
        text = text.replace(new, old).replace(new.capitalize(), old.capitalize())
    return text


def _capital_headline(text: str) -> str:
    head, sep, rest = text.partition("\n")
    upper = head.upper()
    return upper + sep + rest if len(upper) == len(head) else text


# Forms that only change how the text is written: each must score as the text as given.
WRITTEN_FORMS: dict[str, Form] = {
    "decomposed": charwise(lambda c: unicodedata.normalize("NFD", c)),
    "old_tones": same_length(_old_tones),
    "crlf": charwise(lambda c: "\r\n" if c == "\n" else c),
    "no_break_spaces": charwise(lambda c: "\u00a0" if c == " " else c),
    "curly_quotes": charwise(lambda c: "\u201c" if c == '"' else c),
    "blank_lines": charwise(lambda c: "\n\n" if c == "\n" else c),
    "character_references": charwise(lambda c: "&amp;" if c == "&" else "&quot;" if c == '"' else c),
    "markup": markup,
    "capital_headline": same_length(_capital_headline),
}
# Forms that lose some of the layout.
LAYOUT_FORMS: dict[str, Form] = {
    "sentence_lines": same_length(lambda t: _SENTENCE_END.sub("\n", t)),
    "one_line": charwise(lambda c: " " if c == "\n" else c),
}
FORMS = {"as_given": same_length(lambda t: t), **WRITTEN_FORMS, **LAYOUT_FORMS}


def moved_gold(record: dict, where: list[int]) -> dict:
    targets = []
    for t in record["targets"]:
        start, end = t["amount"]
        targets.append({**t, "amount": [where[start], where[end]]})
    return {**record, "targets": targets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("forms", nargs="*", help=f"forms to score (default: all): {', '.join(FORMS)}")
    args = parser.parse_args(argv)
    unknown = [f for f in args.forms if f not in FORMS]
    if unknown:
        parser.error(f"unknown form {unknown[0]!r} (known: {', '.join(FORMS)})")
    if not SHARED.is_dir():
        print(f"text_forms: {SHARED} not found (the labelled articles live there)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    from vnpolicy import evaluate
    from vnpolicy.pipeline import Extractor

    texts = {}
    for name in ("dev-articles.jsonl", "train-articles.jsonl"):
        for record in evaluate.read_jsonl(SHARED / name):
            texts[record["id"]] = record
    gold = [r for name in ("dev-gold.jsonl", "train-gold.jsonl") for r in evaluate.read_jsonl(SHARED / name)]
    extractor = Extractor()
    for name in args.forms or FORMS:
        moved, predicted = [], []
        for record in gold:
            article = texts[record["id"]]
            written, where = FORMS[name](article["text"])
            moved.append(moved_gold(record, where))
            published = record.get("published") or article.get("published")
            predicted.append(extractor.extract(written, published, record["id"]).to_dict())
        m = evaluate.score(moved, predicted).metrics
        fields = " ".join(f"{k} {v:.3f}" for k, v in m["fields_on_core_matches"].items())
        print(f"{name:22s} core F1 {m['core']['f1']:.3f}  full F1 {m['full']['f1']:.3f}  "
              f"predicted {m['predicted']:4d}  fields: {fields}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
