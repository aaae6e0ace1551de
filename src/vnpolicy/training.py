"""Training the decision: fit the weights of ``models/decision.json`` from gold targets.

1. Read gold and article files; every article becomes the candidates the extractor finds in
   it, each with its features and a label: a target when its amount overlaps a gold target
   (one candidate per gold item, the largest overlap, as the scorer matches), not a target
   when it overlaps none. Candidates on borderline gold items are left out.
2. Group articles by story (the same ``n24-CCC`` cluster, or identical text) and deal the
   groups into folds, so that one story never stands on both sides of a split.
3. Cross-validate: for each fold, choose the regularisation and the threshold by an inner
   cross-validation on the other folds, fit on them, run the whole extractor with those
   weights on the held-out articles, and score its output exactly as ``vnpolicy eval`` does.
4. Fit the final weights on everything, with the settings chosen the same way, and write a
   model directory whose ``decision.json`` records the data, the date and the CV scores.

scikit-learn does the fitting (``pip install 'vnpolicy[train]'``); running a trained model
needs nothing but the weights.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import evaluate
from .decision import MODEL_FILE, DecisionModel
from .features import DEFAULT_GROUPS
from .normalize import normalize
from .pipeline import Extractor, parse_published
from .resources import default_model_dir

C_GRID = (0.3,)   # wider grids (0.03-1) only added variance to the cross-validated score
FOLDS = 5
MIN_ARTICLES = 3        # a feature must be seen in this many articles of the fitting data


class TrainingError(ValueError):
    """Training data that cannot be used; the message says which file and why."""


@dataclass
class LabelledArticle:
    id: str
    text: str
    published: str | None
    gold: list[dict]
    source: str = ""


@dataclass
class Example:
    article: int                    # index into the article list
    features: dict[str, float]
    label: int


@dataclass
class CVReport:
    folds: list[dict[str, Any]]             # per fold: articles, gold, core/full P R F1
    pooled: dict[str, Any]                  # all held-out predictions scored together
    settings: list[dict[str, float]]        # per fold: the C and threshold chosen
    errors: list[evaluate.Mismatch] = field(default_factory=list)


class MissingExtra(TrainingError):
    """scikit-learn, which fitting needs, is not installed."""


def require_sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MissingExtra("vnpolicy train needs scikit-learn: pip install 'vnpolicy[train]'") from None


# --- data --------------------------------------------------------------------------------

def read_labelled(gold_paths: Iterable[str | Path], article_paths: Iterable[str | Path]) -> list[LabelledArticle]:
    """Articles that have gold, in gold-file order; every gold article must have a text."""
    texts: dict[str, dict] = {}
    for path in article_paths:
        for record in evaluate.read_jsonl(path):
            if isinstance(record.get("id"), str) and isinstance(record.get("text"), str):
                texts[record["id"]] = record
    articles, seen = [], set()
    for path in gold_paths:
        for record in evaluate.read_jsonl(path):
            aid = record.get("id")
            if not isinstance(aid, str) or not isinstance(record.get("targets"), list):
                raise TrainingError(f"{path}: a gold record needs an 'id' and a 'targets' list")
            if aid in seen:
                continue
            if aid not in texts:
                raise TrainingError(f"{path}: gold article {aid!r} has no text in the --articles files")
            seen.add(aid)
            article = texts[aid]
            published = record.get("published") or article.get("published")
            articles.append(LabelledArticle(aid, article["text"], published, record["targets"], aid.split("-")[0]))
    if not articles:
        raise TrainingError("no gold articles to train on")
    return articles


def story_of(article: LabelledArticle) -> str:
    """Articles of one story share a key: the n24-CCC cluster of their id, or their text."""
    parts = article.id.split("-")
    if len(parts) >= 3 and parts[0] == "n24":
        return "-".join(parts[:2])
    return "text:" + hashlib.sha1(article.text.encode("utf-8", "surrogatepass")).hexdigest()


def story_groups(articles: list[LabelledArticle]) -> list[list[int]]:
    """Indices of articles grouped by story; identical texts join their clusters."""
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, a in enumerate(articles):
        text_key = "text:" + hashlib.sha1(a.text.encode("utf-8", "surrogatepass")).hexdigest()
        for key in {story_of(a), text_key}:
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(articles)):
        groups[root(i)].append(i)
    return list(groups.values())


def assign_folds(articles: list[LabelledArticle], k: int = FOLDS) -> list[int]:
    """Fold number of each article. Story groups are dealt largest first, each to the fold
    with the least load so far, where an article weighs one and each of its gold targets one
    more: folds get alike shares of targets and of target-free articles. Deterministic."""
    groups = story_groups(articles)
    weight = [1 + sum(1 for t in a.gold if not t.get("borderline")) for a in articles]
    groups.sort(key=lambda g: (-sum(weight[i] for i in g), -len(g), min(articles[i].id for i in g)))
    load = [0] * k
    fold_of = [0] * len(articles)
    for g in groups:
        target = min(range(k), key=lambda f: (load[f], f))
        for i in g:
            fold_of[i] = target
        load[target] += sum(weight[i] for i in g)
    return fold_of


def label_candidates(extractor: Extractor, articles: list[LabelledArticle],
                     coverage: Counter | None = None) -> list[Example]:
    """Every candidate of every article with its features and label. ``coverage`` (if given)
    counts the non-borderline gold targets ("gold") and those with a candidate whose value and
    unit are right ("right"): what the candidate step lets the decision find at most."""
    examples = []
    for index, article in enumerate(articles):
        norm = normalize(article.text)
        sentences = extractor.segmenter.sentences(norm.text)
        _, candidates = extractor.assembler.scored_candidates(norm.text, sentences, parse_published(article.published),
                                                              complete=True)
        spans = [norm.span_to_original(c.number.start, c.number.end) for c in candidates]
        labels = _match_labels(spans, article.gold)
        for c, label in zip(candidates, labels):   # features only; the evidence words are for people
            if label is not None:
                examples.append(Example(index, c.features, label))
        if coverage is not None:
            _count_coverage(coverage, article.gold, spans, candidates)
    return examples


def _count_coverage(coverage: Counter, gold: list[dict], spans: list[tuple[int, int]], candidates) -> None:
    for g in gold:
        if g.get("borderline"):
            continue
        coverage["gold"] += 1
        g0, g1 = g["amount"]
        coverage["right"] += any(
            min(e, g1) > max(s, g0) and evaluate.values_agree(float(c.number.value), g.get("value"))
            and evaluate.values_agree(None if c.number.value_max is None else float(c.number.value_max),
                                      g.get("value_max"))
            and evaluate.units_agree(c.unit.code if c.unit else None, g.get("unit"))
            for (s, e), c in zip(spans, candidates))


def _match_labels(spans: list[tuple[int, int]], gold: list[dict]) -> list[int | None]:
    """1 for the candidate matched to a gold target, None for one matched to a borderline item
    (left out), 0 otherwise; matching is one-to-one, largest overlap first."""
    pairs = sorted(((min(e, g["amount"][1]) - max(s, g["amount"][0]), i, j)
                    for i, (s, e) in enumerate(spans) for j, g in enumerate(gold)
                    if min(e, g["amount"][1]) > max(s, g["amount"][0])), reverse=True)
    labels: list[int | None] = [0] * len(spans)
    used_c, used_g = set(), set()
    for _, i, j in pairs:
        if i in used_c or j in used_g:
            continue
        used_c.add(i)
        used_g.add(j)
        labels[i] = None if gold[j].get("borderline") else 1
    return labels


# --- fitting -----------------------------------------------------------------------------

def _supported(examples: list[Example], min_articles: int) -> set[str]:
    seen: dict[str, set[int]] = defaultdict(set)
    for e in examples:
        for name in e.features:
            seen[name].add(e.article)
    return {name for name, arts in seen.items() if len(arts) >= min_articles}


def fit(examples: list[Example], c: float, groups: tuple[str, ...], min_articles: int = MIN_ARTICLES) -> DecisionModel:
    """Logistic regression (L2, liblinear, deterministic) on the features seen in enough articles."""
    from sklearn.linear_model import LogisticRegression
    from scipy.sparse import csr_matrix

    names = sorted(_supported(examples, min_articles))
    column = {n: i for i, n in enumerate(names)}
    rows, cols = [], []
    for r, e in enumerate(examples):
        for name in e.features:
            if name in column:
                rows.append(r)
                cols.append(column[name])
    matrix = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(examples), len(names)))
    labels = [e.label for e in examples]
    if len(set(labels)) < 2:
        raise TrainingError("the gold holds no targets among the candidates (or only targets): nothing to learn")
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    model.fit(matrix, labels)
    weights = {n: float(w) for n, w in zip(names, model.coef_[0]) if abs(w) > 1e-6}
    return DecisionModel(weights, float(model.intercept_[0]), 0.5, groups, {})


def best_threshold(scored: list[tuple[float, int]]) -> float:
    """The probability cut that maximises candidate-level F1 (ties: the higher cut). A cut at
    ``p`` accepts every candidate of probability ``p``, so F1 is weighed only once all of them
    are counted, never part-way through a run of equal probabilities."""
    positives = sum(label for _, label in scored)
    best, best_f1 = 0.5, -1.0
    tp = fp = 0
    ranked = sorted(scored, key=lambda x: -x[0])
    for i, (p, label) in enumerate(ranked):
        tp += label
        fp += 1 - label
        if i + 1 < len(ranked) and ranked[i + 1][0] == p:
            continue                       # the cut at p takes the rest of its run too
        f1 = 2 * tp / (tp + fp + positives) if positives else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = p, f1
    return min(max(best, 0.01), 0.99)


def choose_settings(examples: list[Example], fold_of_article: list[int], groups: tuple[str, ...],
                    c_grid=C_GRID) -> tuple[float, float]:
    """(C, threshold) by cross-validation over the folds present in ``examples``."""
    folds = sorted({fold_of_article[e.article] for e in examples})
    best = None
    for c in c_grid:
        scored: list[tuple[float, int]] = []
        for f in folds:
            train = [e for e in examples if fold_of_article[e.article] != f]
            held = [e for e in examples if fold_of_article[e.article] == f]
            model = fit(train, c, groups)
            scored.extend((model.probability(e.features), e.label) for e in held)
        threshold = best_threshold(scored)
        f1 = _f1_at(scored, threshold)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c, threshold)
    return best[1], best[2]


def _f1_at(scored: list[tuple[float, int]], threshold: float) -> float:
    tp = sum(1 for p, y in scored if p >= threshold and y)
    predicted = sum(1 for p, _ in scored if p >= threshold)
    gold = sum(y for _, y in scored)
    return 2 * tp / (predicted + gold) if predicted + gold else 0.0


# --- cross-validation and the final model ---------------------------------------------------

def _predict(extractor: Extractor, articles: list[LabelledArticle]) -> list[dict]:
    return [extractor.extract(a.text, a.published, a.id).to_dict() for a in articles]


def _gold_records(articles: list[LabelledArticle]) -> list[dict]:
    return [{"id": a.id, "published": a.published, "targets": a.gold} for a in articles]


def cross_validate(articles: list[LabelledArticle], model_dir: str | Path | None, groups: tuple[str, ...] = DEFAULT_GROUPS,
                   k: int = FOLDS, progress: Callable[[str], None] | None = None) -> CVReport:
    require_sklearn()
    base = Extractor(model_dir, decision=DecisionModel({}, 0.0, 0.5, groups, {}))
    examples = label_candidates(base, articles)
    fold_of = assign_folds(articles, k)
    fold_reports, settings, predictions = [], [], []
    for f in range(k):
        train = [e for e in examples if fold_of[e.article] != f]
        c, threshold = choose_settings(train, fold_of, groups)
        model = fit(train, c, groups)
        model = DecisionModel(model.weights, model.bias, threshold, groups, {})
        held = [a for i, a in enumerate(articles) if fold_of[i] == f]
        extractor = Extractor(model_dir, decision=model)
        predicted = _predict(extractor, held)
        predictions.extend(predicted)
        metrics = evaluate.score(_gold_records(held), predicted).metrics
        fold_reports.append({"fold": f + 1, "articles": len(held), "gold": metrics["gold"],
                             "predicted": metrics["predicted"], "core": metrics["core"], "full": metrics["full"]})
        settings.append({"C": c, "threshold": round(threshold, 4)})
        if progress:
            progress(f"fold {f + 1}/{k}: {len(held)} articles, core F1 {metrics['core']['f1']:.3f}, "
                     f"full F1 {metrics['full']['f1']:.3f} (C {c}, threshold {threshold:.2f})")
    texts = {a.id: a.text for a in articles}
    pooled = evaluate.score(_gold_records(articles), predictions, texts)
    return CVReport(fold_reports, pooled.metrics, settings, pooled.errors)


def train(articles: list[LabelledArticle], model_dir: str | Path | None, groups: tuple[str, ...] = DEFAULT_GROUPS,
          data_names: list[str] | None = None, cv: CVReport | None = None) -> DecisionModel:
    """The final model, fitted on every article, with C and threshold chosen by CV on all."""
    require_sklearn()
    base = Extractor(model_dir, decision=DecisionModel({}, 0.0, 0.5, groups, {}))
    coverage: Counter = Counter()
    examples = label_candidates(base, articles, coverage)
    fold_of = assign_folds(articles)
    c, threshold = choose_settings(examples, fold_of, groups)
    model = fit(examples, c, groups)
    counts = Counter(e.label for e in examples)
    about: dict[str, Any] = {
        "_doc": "Weights of the target decision (vnpolicy/decision.py): probability = logistic(bias + sum of "
                "the weights of a candidate's features); a candidate at or above 'threshold' is a target. "
                "Written by 'vnpolicy train'; 'trained_on' and 'cross_validation' say from what and how well.",
        "trained_on": {"data": data_names or [], "articles": len(articles),
                       "gold_targets": sum(1 for a in articles for t in a.gold if not t.get("borderline")),
                       "candidates": len(examples), "positive_candidates": counts[1],
                       # gold targets with a candidate of the right amount and unit: the most the decision can find
                       "candidate_step": round(coverage["right"] / coverage["gold"], 4) if coverage["gold"] else 0.0},
        "date": dt.date.today().isoformat(),
        "settings": {"C": c, "min_articles_per_feature": MIN_ARTICLES, "folds": FOLDS, "solver": "liblinear"},
    }
    if cv is not None:
        about["cross_validation"] = {"pooled": {k: cv.pooled[k] for k in ("articles", "gold", "predicted", "core",
                                                                           "full", "fields_on_core_matches",
                                                                           "by_source")},
                                     "folds": cv.folds}
    return DecisionModel(model.weights, model.bias, threshold, groups, about)


def write_model_dir(model: DecisionModel, out_dir: str | Path, base_dir: str | Path | None) -> Path:
    """Write ``out_dir``: a copy of the base model (unless it is that directory) with the new weights."""
    base = Path(base_dir) if base_dir is not None else default_model_dir()
    out = Path(out_dir)
    if out.resolve() != base.resolve():
        if out.exists() and any(out.iterdir()):
            if not (out / "meta.json").is_file():
                raise TrainingError(f"{out}: exists and is not a model directory; choose an empty or new folder")
        shutil.copytree(base, out, dirs_exist_ok=True)
    target = out / MODEL_FILE
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return out
