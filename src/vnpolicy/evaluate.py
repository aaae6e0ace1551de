"""Evaluation: score predicted targets against gold, as ANNOTATION.md section 4 defines it.

Gold is JSON Lines, one article a line, ``{"id", "targets": [gold target ...]}`` where a
gold target has ``amount`` ([start, end]), ``value``, ``value_max``, ``comparator``,
``unit``, ``deadline``, ``actor`` (a list of acceptable names, or null), ``metric`` and
``borderline``. Predictions are JSON Lines as ``vnpolicy extract --format jsonl`` or
``vnpolicy batch`` write them.

The rules, step by step:

1. Articles are keyed by id (a repeated id keeps its first position and its last record).
   Predictions for ids not in the gold are ignored; a gold article with no prediction line
   predicts nothing. Only predicted items of ``kind`` "target" with both amount offsets
   count.
2. Matching, per article: every (prediction, gold) pair whose amount spans overlap by at
   least one character is a candidate; pairs are taken greedily, largest overlap first,
   one-to-one. Equal overlaps are taken in reverse order of appearance (the later
   prediction first, then the later gold item), which is how the reference scorer breaks
   ties.
3. A prediction matched to a borderline gold item is dropped: neither right nor wrong.
   Borderline gold items are never counted as gold.
4. Core true positive: matched, ``value`` and ``value_max`` each within 0.5% of gold (both
   null also agrees), and the units agree (``units_agree``): after alias folding (``đồng`` =
   VND, ``phần trăm`` = %), part by part across ``/`` (the same number of parts), codes and
   symbols (VND, %, ha, MW, tấn ...) must be equal, while a counted noun agrees with another
   when the syllables of the shorter begin the longer (``nhà máy`` = ``nhà máy lọc dầu``,
   ``chuyến`` = ``chuyến đôi``, but ``chuyến`` != ``chuyến đôi/ngày``).
5. On core matches, fields: comparator equal; deadline date equal (gold null wants a null
   prediction); actor name equal to one of the gold names after case folding, old-style
   tone placement (hoà = hòa) and administrative prefixes (tỉnh, thành phố, TP., UBND,
   HĐND, Tỉnh ủy ...) are removed (gold null wants a null prediction); metric syllable F1
   against gold at least 0.5.
6. Full true positive: core true positive with all four fields right.
7. Precision = TP / counted predictions, recall = TP / counted gold, F1 their harmonic
   mean; every figure is rounded to 4 decimals. ``by_source`` groups articles by the part
   of the id before the first ``-``.

``score`` returns the same metric dictionary as ``../shared/eval/score.py --json`` plus
the list of errors (misses, false positives, wrong values, wrong fields) with the
sentence each comes from.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

__all__ = ["EvalError", "Mismatch", "Report", "score", "score_files", "read_jsonl", "predict",
           "format_metrics", "format_error", "normalize_actor", "normalize_unit", "units_agree", "syllable_f1"]

FIELDS = ("comparator", "deadline", "actor", "metric")
METRIC_F1_THRESHOLD = 0.5
VALUE_TOLERANCE = 0.005

# --- normalisation data -----------------------------------------------------------------

# Administrative words in front of an actor's name; stripped repeatedly, longest first.
# A prefix must be followed by a space or a period unless it ends with a period itself.
ADMIN_PREFIXES = (
    "ủy ban nhân dân", "hội đồng nhân dân", "ubnd", "hđnd",
    "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "đảng ủy",
    "chính quyền", "lãnh đạo", "ban thường vụ",
    "tỉnh", "thành phố", "tp.", "tp", "thủ đô", "thị xã", "tx.",
    "huyện", "quận", "thị trấn", "xã", "phường",
)
# Whole names that denote Ho Chi Minh City; checked before and after prefixes go.
CITY_ALIASES = {
    "hồ chí minh": ("hcm", "tphcm", "tp.hcm", "sài gòn", "thành phố hồ chí minh"),
}
# Written unit forms folded onto the canonical code (lower case), per part of a rate.
UNIT_FORMS = {
    "vnd": ("vnd", "vnđ", "đồng", "dong", "đ"),
    "usd": ("usd", "$", "đô la mỹ", "đôla", "đô la"),
    "%": ("phần trăm", "percent"),
    "percentage_point": ("điểm phần trăm", "pp"),
    "times": ("lần",),
    "m2": ("m²",), "m3": ("m³",), "km2": ("km²",),
    "ha": ("héc ta", "hecta", "hécta"),
}

# Units written as codes or symbols must be equal; any other unit is a counted noun, whose
# extent the guideline leaves open (section 4).
SYMBOL_UNITS = frozenset({
    "vnd", "usd", "eur", "jpy", "cny", "krw", "gbp", "aud", "sgd", "thb", "twd", "chf",
    "%", "percentage_point", "times", "ha", "km", "km2", "m", "m2", "m3", "mw", "gw", "kw",
    "kwh", "mwh", "gwh", "twh", "tấn", "lít", "kg", "teu", "tỷ m3", "triệu tấn",
})

_ACTOR_ALIAS = {form: canon for canon, forms in CITY_ALIASES.items() for form in forms}
_UNIT_ALIAS = {form: canon for canon, forms in UNIT_FORMS.items() for form in forms}
_PREFIXES_LONGEST_FIRST = sorted(ADMIN_PREFIXES, key=len, reverse=True)

# Old-style tone placement at the end of a word: the mark sits on the second vowel of
# oa / oe / uy (hoà, thuỷ); the new style puts it on the first (hòa, thủy).
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"      # huyền sắc hỏi ngã nặng
_SECOND_VOWELS = {"o": "ae", "u": "y"}
_OLD_TONE = re.compile(r"([ou])([àáảãạèéẻẽẹỳýỷỹỵ])(?![\wà-ỹ])", re.IGNORECASE)
_SYLLABLE_SEPARATORS = re.compile(r"[\s,.;:()\"'“”‘’\-–/]+")
_SPACES = re.compile(r"\s+")


def _move_tone(match: re.Match) -> str:
    first, second = match.group(1), match.group(2)
    decomposed = unicodedata.normalize("NFD", second)
    base, marks = decomposed[0], decomposed[1:]
    if base.lower() not in _SECOND_VOWELS[first.lower()] or not marks or marks[0] not in _TONE_MARKS:
        return match.group()
    return unicodedata.normalize("NFC", first + marks) + base


def fold(text: str | None) -> str:
    """Case-folded NFC text with new-style tone placement, for comparing words."""
    folded = unicodedata.normalize("NFC", text or "").casefold().strip()
    return _OLD_TONE.sub(_move_tone, folded)


def normalize_actor(name: str | None) -> str:
    """The comparable form of an actor name: 'UBND tỉnh Quảng Ninh' -> 'quảng ninh'."""
    s = _SPACES.sub(" ", fold(name))
    if s in _ACTOR_ALIAS:
        return _ACTOR_ALIAS[s]
    while True:
        for prefix in _PREFIXES_LONGEST_FIRST:
            if len(s) > len(prefix) and s.startswith(prefix) and (
                    prefix.endswith(".") or s[len(prefix)] in " ."):
                s = s[len(prefix):].strip(" .,")
                break
        else:
            break
    return _ACTOR_ALIAS.get(s, s)


def normalize_unit(unit: str | None) -> str | None:
    """The comparable form of a unit: 'VNĐ/người' -> 'vnd/người'; None stays None."""
    if unit is None:
        return None
    s = _SPACES.sub(" ", fold(unit)).strip()
    return "/".join(_UNIT_ALIAS.get(part.strip(), part.strip()) for part in s.split("/"))


def units_agree(predicted: str | None, gold: str | None) -> bool:
    """Do two units name the same thing (section 4)? Equal after folding; else, part by part
    across '/', equal codes, or counted nouns of which the shorter begins the longer."""
    p, g = normalize_unit(predicted), normalize_unit(gold)
    if p == g:
        return True
    if p is None or g is None:
        return False
    p_parts, g_parts = p.split("/"), g.split("/")
    if len(p_parts) != len(g_parts):
        return False
    return all(_parts_agree(a, b) for a, b in zip(p_parts, g_parts))


def _parts_agree(a: str, b: str) -> bool:
    if a == b:
        return True
    if a in SYMBOL_UNITS or b in SYMBOL_UNITS:
        return False
    short, long_ = sorted((a.split(), b.split()), key=len)
    return bool(short) and long_[:len(short)] == short


def syllables(text: str | None) -> list[str]:
    return [w for w in _SYLLABLE_SEPARATORS.split(fold(text)) if w]


def syllable_f1(predicted: str | None, gold: str | None) -> float:
    """F1 of the syllable multisets of two metric phrases."""
    p, g = Counter(syllables(predicted)), Counter(syllables(gold))
    common = sum((p & g).values())
    if common == 0:
        return 0.0
    precision = common / sum(p.values())
    recall = common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def values_agree(predicted: Any, gold: Any) -> bool:
    """Both null, or both numbers within 0.5% of the larger."""
    if predicted is None or gold is None:
        return predicted is None and gold is None
    try:
        a, b = float(predicted), float(gold)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b)) + 1e-9


# --- records ---------------------------------------------------------------------------

class EvalError(ValueError):
    """A gold or prediction file that cannot be scored."""


def _at(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


@dataclass(frozen=True)
class Predicted:
    """The parts of one predicted target that scoring reads, plus the record itself."""
    start: Any
    end: Any
    value: Any
    value_max: Any
    comparator: Any
    unit: Any
    deadline: Any
    actor: Any
    metric: str
    record: dict = field(compare=False, repr=False)

    @classmethod
    def of(cls, target: dict) -> "Predicted":
        return cls(_at(target, "amount", "start"), _at(target, "amount", "end"),
                   _at(target, "amount", "value"), _at(target, "amount", "value_max"),
                   _at(target, "amount", "comparator"), _at(target, "unit", "code"),
                   _at(target, "deadline", "date"), _at(target, "actor", "name"),
                   _at(target, "metric", "text") or "", target)

    def summary(self) -> dict[str, Any]:
        return {"amount": [self.start, self.end], "amount_text": _at(self.record, "amount", "text"),
                "value": self.value, "value_max": self.value_max, "comparator": self.comparator,
                "unit": self.unit, "deadline": self.deadline, "actor": self.actor, "metric": self.metric,
                "rule": self.record.get("rule")}


@dataclass
class Mismatch:
    """One scoring error. ``kind``: FN (gold missed), FP (no gold there), WRONG (matched
    but value or unit differ), FIELDS (core right, some field wrong; see ``wrong``)."""
    kind: str
    article_id: str
    predicted: dict | None
    gold: dict | None
    wrong: list[str] = field(default_factory=list)
    sentence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.article_id, "wrong": self.wrong, "sentence": self.sentence,
                "pred": self.predicted, "gold": self.gold}


@dataclass
class Report:
    metrics: dict[str, Any]
    errors: list[Mismatch]


MAX_LINE_BYTES = 64 * 1024 * 1024      # one gold or prediction line; an article is at most 20 MB


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """The JSON objects of a JSON Lines file; a bad line is an ``EvalError`` naming it. Only
    a regular file is read, one bounded line at a time."""
    from .inputs import InputError, open_regular
    try:
        stream = open_regular(str(path))
    except InputError as exc:
        raise EvalError(str(exc)) from None
    with stream:
        number = 0
        try:
            while True:
                raw = stream.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                if len(raw) > MAX_LINE_BYTES:
                    raise EvalError(f"{path}: line {number}: longer than {MAX_LINE_BYTES >> 20} MB")
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                if not line.strip():
                    continue
                yield _parse_line(line, path, number)
        except UnicodeDecodeError as exc:
            raise EvalError(f"{path}: line {number}: not UTF-8 text (a binary file?): {exc.reason}") from None
        except OSError as exc:
            raise EvalError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _parse_line(line: str, path: str | Path, number: int) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}: line {number}: not JSON ({exc.msg})") from None
    except RecursionError:
        raise EvalError(f"{path}: line {number}: JSON nested too deeply") from None
    if not isinstance(record, dict):
        raise EvalError(f"{path}: line {number}: a record must be a JSON object")
    return record


def _gold_by_id(records: Iterable[dict]) -> dict[str, list[dict]]:
    gold: dict[str, list[dict]] = {}
    for record in records:
        if "id" not in record or not isinstance(record.get("targets"), list):
            raise EvalError(f"gold record {str(record)[:80]!r} needs 'id' and a 'targets' list")
        for t in record["targets"]:
            amount = t.get("amount") if isinstance(t, dict) else None
            if not (isinstance(amount, (list, tuple)) and len(amount) == 2):
                raise EvalError(f"gold article {record['id']}: target without an [start, end] 'amount'")
        gold[record["id"]] = record["targets"]
    return gold


def _predictions_by_id(records: Iterable[dict], wanted: dict) -> dict[str, list[Predicted]]:
    preds: dict[str, list[Predicted]] = {}
    for record in records:
        if record.get("id") not in wanted:
            continue
        preds[record["id"]] = [Predicted.of(t) for t in (record.get("targets") or [])
                               if isinstance(t, dict) and t.get("kind", "target") == "target"]
    return preds


def _overlap(a0, a1, b0, b1) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _match(preds: list[Predicted], golds: list[dict]) -> dict[int, int]:
    """Greedy one-to-one matching on amount-span overlap: prediction index -> gold index."""
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            ov = _overlap(p.start, p.end, g["amount"][0], g["amount"][1])
            if ov > 0:
                pairs.append((-ov, -i, -j))
    pairs.sort()
    match: dict[int, int] = {}
    taken_gold: set[int] = set()
    for _, i, j in pairs:
        i, j = -i, -j
        if i not in match and j not in taken_gold:
            match[i] = j
            taken_gold.add(j)
    return match


def _fields(p: Predicted, g: dict) -> tuple[dict[str, bool], float]:
    ok = {"comparator": p.comparator == g.get("comparator")}
    if g.get("deadline") is None:
        ok["deadline"] = p.deadline is None
    else:
        ok["deadline"] = p.deadline == g["deadline"]
    gold_actors = g.get("actor")
    if gold_actors is None:
        ok["actor"] = p.actor is None
    else:
        names = [gold_actors] if isinstance(gold_actors, str) else gold_actors
        ok["actor"] = p.actor is not None and normalize_actor(p.actor) in {normalize_actor(a) for a in names}
    f1 = syllable_f1(p.metric, g.get("metric") or "")
    ok["metric"] = f1 >= METRIC_F1_THRESHOLD
    return ok, f1


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": f1}


def score(gold_records: Iterable[dict], pred_records: Iterable[dict],
          texts: dict[str, str] | None = None) -> Report:
    """Score predictions against gold. ``texts`` (article id -> text), if given, supplies
    the sentence of each missed gold target in the error list."""
    gold = _gold_by_id(gold_records)
    preds = _predictions_by_id(pred_records, gold)
    totals: Counter = Counter()
    sources: dict[str, Counter] = {}
    f1_sum = 0.0
    errors: list[Mismatch] = []

    for aid, golds in gold.items():
        source = str(aid).split("-")[0]
        article_preds = [p for p in preds.get(aid, []) if p.start is not None and p.end is not None]
        match = _match(article_preds, golds)

        def count(key: str) -> None:
            totals[key] += 1
            sources.setdefault(source, Counter())[key] += 1

        for i, p in enumerate(article_preds):
            g = golds[match[i]] if i in match else None
            if g is not None and g.get("borderline"):
                continue
            count("pred")
            if g is None:
                errors.append(Mismatch("FP", aid, p.summary(), None, [], _at(p.record, "sentence", "text")))
                continue
            core_wrong = [name for name, agrees in (
                ("value", values_agree(p.value, g.get("value"))),
                ("value_max", values_agree(p.value_max, g.get("value_max"))),
                ("unit", units_agree(p.unit, g.get("unit"))),
            ) if not agrees]
            if core_wrong:
                errors.append(Mismatch("WRONG", aid, p.summary(), g, core_wrong, _at(p.record, "sentence", "text")))
                continue
            count("core_tp")
            ok, f1 = _fields(p, g)
            f1_sum += f1
            for name, right in ok.items():
                totals[name + "_ok"] += right
            if all(ok.values()):
                count("full_tp")
            else:
                errors.append(Mismatch("FIELDS", aid, p.summary(), g, [k for k in FIELDS if not ok[k]],
                                       _at(p.record, "sentence", "text")))
        matched_gold = set(match.values())
        for j, g in enumerate(golds):
            if g.get("borderline"):
                continue
            count("gold")
            if j not in matched_gold:
                errors.append(Mismatch("FN", aid, None, g, [],
                                       _gold_sentence(g, (texts or {}).get(aid), preds.get(aid, []))))

    tp = totals["core_tp"]
    metrics = {
        "articles": len(gold), "gold": totals["gold"], "predicted": totals["pred"],
        "core": _prf(tp, totals["pred"], totals["gold"]),
        "full": _prf(totals["full_tp"], totals["pred"], totals["gold"]),
        "fields_on_core_matches": {k: round(totals[k + "_ok"] / tp, 4) if tp else 0.0 for k in FIELDS},
        "metric_mean_f1": round(f1_sum / tp, 4) if tp else 0.0,
        "by_source": {s: {**_prf(c["core_tp"], c["pred"], c["gold"]), "gold": c["gold"]}
                      for s, c in sorted(sources.items())},
    }
    return Report(metrics, errors)


def _gold_sentence(g: dict, text: str | None, preds: list[Predicted]) -> str | None:
    """The sentence around a gold amount: from the article text, else from a prediction's
    sentence that covers it."""
    start, end = g["amount"]
    if text:
        from .normalize import normalize
        from .resources import load
        from .segment import Segmenter
        norm = normalize(text)
        for s in Segmenter(load()).sentences(norm.text):
            s0, s1 = norm.span_to_original(s.start, s.end)
            if s0 <= start < s1:
                return text[s0:s1]
    for p in preds:
        s0, s1 = _at(p.record, "sentence", "start"), _at(p.record, "sentence", "end")
        if isinstance(s0, int) and isinstance(s1, int) and s0 <= start and end <= s1:
            return _at(p.record, "sentence", "text")
    return None


# --- running the extractor and files ----------------------------------------------------

def predict(articles: Iterable[dict], extractor, ids: Iterable[str] | None = None,
            default_published: str | None = None) -> Iterator[dict]:
    """Run ``extractor`` on article records ({"id", "text", "published"}), keeping only
    ``ids`` if given; yields result documents as ``vnpolicy batch`` writes them. A record
    without a publication date uses ``default_published``."""
    wanted = set(ids) if ids is not None else None
    for record in articles:
        if wanted is not None and record.get("id") not in wanted:
            continue
        if not isinstance(record.get("text"), str):
            raise EvalError(f"article {record.get('id')!r} has no 'text' string")
        try:
            result = extractor.extract(record["text"], record.get("published") or default_published,
                                       None if record.get("id") is None else str(record["id"]))
        except ValueError as exc:        # a bad 'published'
            raise EvalError(f"article {record.get('id')!r}: {exc}") from None
        yield result.to_dict()


def score_files(gold_path: str | Path, pred_path: str | Path | None = None,
                articles_path: str | Path | None = None, extractor=None,
                save_predictions: str | Path | None = None, default_published: str | None = None) -> Report:
    """Score a gold file against a prediction file, or against the extractor's output on
    ``articles_path`` when no prediction file is given."""
    gold = list(read_jsonl(gold_path))
    articles = list(read_jsonl(articles_path)) if articles_path else []
    texts = {a.get("id"): a.get("text") for a in articles if isinstance(a.get("text"), str)}
    if pred_path is not None:
        preds = list(read_jsonl(pred_path))
    else:
        if not articles_path:
            raise EvalError("give a prediction file or --articles to run the extractor on")
        if extractor is None:
            from .pipeline import Extractor
            extractor = Extractor()
        preds = list(predict(articles, extractor, ids={g.get("id") for g in gold},
                             default_published=default_published))
        if save_predictions:
            with open(save_predictions, "w", encoding="utf-8") as out:
                for doc in preds:
                    out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return score(gold, preds, texts)


# --- text output ------------------------------------------------------------------------

def format_metrics(m: dict[str, Any]) -> str:
    lines = [f"articles {m['articles']}  gold targets {m['gold']}  predicted {m['predicted']}"]
    for key in ("core", "full"):
        r = m[key]
        lines.append(f"{key:5s} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}")
    fields = "  ".join(f"{k} {v:.3f}" for k, v in m["fields_on_core_matches"].items())
    lines.append(f"fields on core matches: {fields}  (metric mean F1 {m['metric_mean_f1']:.3f})")
    for source, r in m["by_source"].items():
        lines.append(f"  {source}: core F1 {r['f1']:.3f} (P {r['precision']:.3f} R {r['recall']:.3f}, "
                     f"{r['gold']} gold)")
    return "\n".join(lines)


def _describe(t: dict | None, predicted: bool) -> str:
    if t is None:
        return "-"
    span = t.get("amount")
    text = t.get("amount_text")
    vmax = t.get("value_max")
    value = f"{t.get('value')}" + (f"-{vmax}" if vmax is not None else "")
    actor = t.get("actor")
    if isinstance(actor, list):
        actor = " | ".join(actor)
    parts = [f"{text!r} {span}", f"value {value} {t.get('unit')}", f"comparator {t.get('comparator')}",
             f"deadline {t.get('deadline')}", f"actor {actor}", f"metric {t.get('metric')!r}"]
    if predicted and t.get("rule"):
        parts.append(f"rule {t['rule']}")
    return ", ".join(parts)


def format_error(e: Mismatch) -> str:
    """A few lines for one error: kind, article, what was predicted and what gold says."""
    head = f"{e.kind:6s} {e.article_id}" + (f"  wrong: {', '.join(e.wrong)}" if e.wrong else "")
    lines = [head]
    if e.predicted is not None:
        lines.append(f"  pred: {_describe(e.predicted, True)}")
    if e.gold is not None:
        lines.append(f"  gold: {_describe(e.gold, False)}" + ("  [borderline]" if e.gold.get("borderline") else ""))
    lines.append(f"  sentence: {' '.join(e.sentence.split()) if e.sentence else '(not available; pass --articles)'}")
    return "\n".join(lines)
