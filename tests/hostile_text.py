"""Text to throw at the extractor (issue 9): Vietnamese-like text built from the project's own
lexicons, shaped like the corpus (headlines, paragraphs, list items, brackets), mixed with
random Unicode and characters that have broken text tools before. The property test of the
suite draws from these lists with hypothesis; tools/fuzz.py draws from them with ``random``.

Nothing here is taken from the corpus: the words are the lexicons' entries, the sentences are
made up from them at random.
"""
from __future__ import annotations

import functools
import random

from vnpolicy.resources import load

NUMBERS = ["5", "12", "300", "1.000", "2.500", "37,6", "6,5", "12.500,75", "1,5", "6.5", "2025", "2030",
           "2020", "4/2020", "30/6/2021", "11/2020", "2021-2025", "6,5-7", "6-7", "2/3", "1/10", "100",
           "0912345678", "10.000.000", "83.000", "93.000", "26", "31", "16", "42", "0", "007", "1.000.000.000"]
SEPARATORS = [" ", " ", " ", " ", "  ", ", ", ". ", ".\n", "\n", "\n\n", "\t", " - ", "; ", ": ", " (", ") ",
              "\n- ", "\r\n", "\u00a0", "\u3000", " \u2013 ", '"', " “", "” ", "... ", "? ", "! ", "/"]
HOSTILE = ["\u0301", "\u0300\u0323", "\u0301" * 7, "\u200d", "\u200c", "\ufeff", "\u00ad", "\u2028", "\u2029",
           "\u0085", "\x00", "\x1b[31m", "\x7f", "\ud800", "\udfff", "\udc80", "\U0001f1fb\U0001f1f3",
           "\U0001f469\u200d\U0001f4bb", "\U0001f44d\U0001f3fb", "\u1100\u1161\u11a8", "\uac01", "\u0600",
           "\u0d4e", "\u0e33", "\u0903", "\u017f", "\u0130", "\ufb03", "\U00010d40", "\u0663", "\uff15",
           "%", "(", ")", "((", "))", '"', "\u2026", "\u01c4", "\ufffd", "\u202e", "\u00b2", "\u2155",
           "oà", "uỷ", "hoà", "thuỷ", "e\u0301", "o\u0302\u0301", "TP.", "v.v.", "Ông A.", "\\", "{", "}",
           # HTML character references a scraper leaves (normalize decodes them): a mark, a line
           # feed, code points no text holds, an unknown name, one cut short
           "&amp;", "&quot;", "&nbsp;", "&#8220;", "&#x301;", "&#10;", "&#0;", "&#xD800;", "&#1114111;",
           "&#9999999;", "&foo;", "&amp", "&#x200b;", "&#173;",
           # markup (normalize reads tags as the layout they make): blocks, inline tags, comments,
           # tags that never close and brackets that open no tag
           "<p>", "</p>", "<b>", "</b>", "<br/>", "<h1 class=\"t\">", "<!--", "-->", "<!-- x -->", "<a href='",
           "<div", "<", ">", "</", "<!DOCTYPE html>", "<sub>"]


@functools.lru_cache(maxsize=1)
def words() -> tuple[str, ...]:
    """Words and phrases from the lexicons under models/: cues, time words, units, counted
    nouns, number words, comparators, actor names and anaphora."""
    data = load(None)
    triggers, time_words, numbers = data["triggers.json"], data["time.json"], data["numbers.json"]
    found: list[str] = []
    for key in ("target_strong", "target_weak", "status", "forecast", "condition", "attribute_before",
                "continuation_openers", "clause_reset", "future_reset", "negations"):
        found += triggers[key]
    for key in ("year_words", "quarter_words", "month_words", "day_words", "lead_in", "horizon_words",
                "recurring", "period_words"):
        found += time_words[key]
    found += list(time_words["relative"]) + list(time_words["half_year"])
    found += [f for unit in data["units.json"]["units"] for f in unit["forms"]]
    nouns = data["counted_nouns.json"]
    found += nouns["nouns"][:300] + nouns["classifiers"] + nouns["never_units"]
    found += list(numbers["digits"]) + list(numbers["scales"]) + list(numbers["approx_quantifiers"])
    found += list(numbers["shares"]["words"]) + list(numbers["multiples"]["words"]) + numbers["range_joiners"]
    comparators = data["comparators.json"]
    found += [w for ws in comparators["prefix"].values() for w in ws]
    found += [w for ws in comparators["suffix"].values() for w in ws]
    actors = data["actors.json"]
    found += [h for hs in actors["organisation_heads"].values() for h in hs]
    found += [w for ws in actors["anaphora"].values() for w in ws]
    found += [e["name"] for e in data["gazetteer/provinces.json"]["entries"]]
    found += [e["name"] for e in data["gazetteer/organisations.json"]["entries"]][:200]
    return tuple(sorted({w for w in found if w}))


def random_unicode(rng: random.Random, length: int) -> str:
    """Code points from all of Unicode, lone surrogates included, weighted towards the planes
    text is written in."""
    out = []
    for _ in range(length):
        plane = rng.random()
        if plane < 0.5:
            out.append(chr(rng.randrange(0x20, 0x2000)))
        elif plane < 0.8:
            out.append(chr(rng.randrange(0x2000, 0x10000)))
        else:
            out.append(chr(rng.randrange(0x10000, 0x110000)))
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _phrase_parts() -> dict[str, tuple[str, ...]]:
    data = load(None)
    triggers, time_words = data["triggers.json"], data["time.json"]
    return {
        "actors": tuple(e["name"] for e in data["gazetteer/provinces.json"]["entries"])
        + tuple(w for ws in data["actors.json"]["anaphora"].values() for w in ws),
        "cues": tuple(triggers["target_strong"] + triggers["target_weak"] + triggers["status"][:20]
                      + triggers["forecast"][:10]),
        "comparators": ("",) * 4 + tuple(w for ws in data["comparators.json"]["prefix"].values() for w in ws),
        "scales": ("",) * 3 + tuple(data["numbers.json"]["scales"]),
        "units": tuple(f for unit in data["units.json"]["units"] for f in unit["forms"])
        + tuple(data["counted_nouns.json"]["nouns"][:200]),
        "times": tuple(f"{w} 2025" for w in time_words["year_words"]) + tuple(f"{w} 4/2020" for w in time_words["quarter_words"])
        + tuple(time_words["relative"]) + ("", "", "giai đoạn 2021-2025", "trước ngày 30/6/2021"),
    }


def target_phrase(rng: random.Random) -> str:
    """Who, a cue, a comparator, an amount, its unit and a time: the shape of a target, its
    words drawn from the lexicons."""
    parts = _phrase_parts()
    pick = lambda kind: rng.choice(parts[kind])
    words_of = [pick("actors") if rng.random() < 0.6 else "", pick("cues"), rng.choice(words()) if rng.random() < 0.4 else "",
                pick("comparators"), rng.choice(NUMBERS), pick("scales"), pick("units"),
                rng.choice(words()) if rng.random() < 0.5 else "", pick("times")]
    if rng.random() < 0.3:
        words_of.insert(0, pick("times"))
    return " ".join(w for w in words_of if w)


def vietnamese_like(rng: random.Random, pieces: int) -> str:
    """Words, numbers and separators of the lists above, now and then a hostile character,
    and the shapes of targets."""
    vocabulary = words()
    out = []
    for _ in range(pieces):
        roll = rng.random()
        if roll < 0.1:
            out.append(target_phrase(rng))
        elif roll < 0.55:
            word = rng.choice(vocabulary)
            out.append(word.capitalize() if rng.random() < 0.1 else word)
        elif roll < 0.8:
            out.append(rng.choice(NUMBERS))
        elif roll < 0.93:
            out.append(rng.choice(HOSTILE))
        else:
            out.append(random_unicode(rng, rng.randint(1, 4)))
        out.append(rng.choice(SEPARATORS))
    return "".join(out)


def corpus_shaped(rng: random.Random) -> str:
    """A headline, a lead and paragraphs, some of them list items or bracketed asides."""
    lines = [vietnamese_like(rng, rng.randint(3, 10)).replace("\n", " ").strip(" .")]
    for _ in range(rng.randint(1, 6)):
        sentences = [vietnamese_like(rng, rng.randint(4, 25)).replace("\n", " ").strip() for _ in range(rng.randint(1, 4))]
        line = ". ".join(s[:1].upper() + s[1:] for s in sentences if s) + "."
        if rng.random() < 0.2:
            line = "- " + line
        elif rng.random() < 0.1:
            line = f"({line})"
        lines.append(line)
    return ("\r\n" if rng.random() < 0.1 else "\n").join(lines)


def any_text(rng: random.Random) -> str:
    """One input: random Unicode, Vietnamese-like text, corpus-shaped text, or a mix."""
    kind = rng.random()
    if kind < 0.15:
        return random_unicode(rng, rng.randint(0, 60))
    if kind < 0.55:
        return vietnamese_like(rng, rng.randint(1, 40))
    if kind < 0.9:
        return corpus_shaped(rng)
    return vietnamese_like(rng, 10) + random_unicode(rng, 10) + corpus_shaped(rng)
