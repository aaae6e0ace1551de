"""The learned decision: the weights file, the trainer and its cross-validation.

- a small training set written for these tests (tests/fixtures/training_set.json) is fitted twice
  by ``vnpolicy train`` and gives the same model both times;
- folds keep the articles of one story together;
- the shipped ``models/decision.json`` is exactly what ``vnpolicy train`` makes from the shared dev
  and train gold, and the cross-validated figures it records are what cross-validation gives now
  (skipped when ../shared is absent).
"""
import builtins
import json
import re
from pathlib import Path

import pytest

from vnpolicy import training
from vnpolicy.cli import main
from vnpolicy.decision import DecisionModel
from vnpolicy.pipeline import Extractor
from vnpolicy.resources import ModelError, default_model_dir

from corpus_support import SHARED

FIXTURE = Path(__file__).parent / "fixtures" / "training_set.json"
EVAL = SHARED / "eval"
SHARED_DATA = [EVAL / f"{s}-{k}.jsonl" for s in ("dev", "train") for k in ("gold", "articles")]
needs_shared = pytest.mark.skipif(not all(p.is_file() for p in SHARED_DATA), reason="../shared/eval not present")


def write_fixture(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture as an articles file and a gold file with offsets found in the texts."""
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    gold, articles = [], []
    for r in records:
        targets = []
        for t in r["targets"]:
            found = [m.start() for m in re.finditer(rf"(?<![\d.,]){re.escape(t['amount_text'])}(?![\d])", r["text"])]
            assert len(found) == 1, (r["id"], t["amount_text"])
            start = found[0]
            targets.append({"amount": [start, start + len(t["amount_text"])], "amount_text": t["amount_text"],
                            "value": t["value"], "value_max": t.get("value_max"),
                            "comparator": t.get("comparator", "eq"), "unit": t["unit"],
                            "deadline": t["deadline"], "deadline_text": None, "deadline_inherited": False,
                            "actor": t["actor"], "metric": t["metric"], "borderline": False})
        gold.append({"id": r["id"], "published": r["published"], "targets": targets})
        articles.append({"id": r["id"], "published": r["published"], "text": r["text"]})
    g, a = tmp_path / "gold.jsonl", tmp_path / "articles.jsonl"
    g.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in gold), encoding="utf-8")
    a.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in articles), encoding="utf-8")
    return g, a


def test_train_is_reproducible_and_its_model_runs(tmp_path, capsys):
    gold, articles = write_fixture(tmp_path)
    runs = []
    for name in ("one", "two"):
        out = tmp_path / name
        assert main(["train", str(gold), "--articles", str(articles), "-o", str(out), "-q"]) == 0
        runs.append(json.loads((out / "decision.json").read_text(encoding="utf-8")))
    printed = capsys.readouterr().out
    assert "cross-validated (5 folds by story" in printed and "wrote" in printed
    for run in runs:
        run.pop("date")
    assert runs[0] == runs[1]
    model = runs[0]
    assert model["trained_on"]["articles"] == 18 and model["trained_on"]["gold_targets"] == 11
    assert model["cross_validation"]["pooled"]["gold"] == 11
    assert sum(f["articles"] for f in model["cross_validation"]["folds"]) == 18
    # the written directory is a whole model that --model takes
    extractor = Extractor(tmp_path / "one")
    text = "Năm 2025, tỉnh Lai Châu phấn đấu trồng mới 2.000 ha rừng."
    assert [(int(t.amount.value), t.unit.code) for t in extractor.extract(text).targets] == [(2000, "ha")]


def test_train_refuses_gold_without_texts(tmp_path, capsys):
    gold, _ = write_fixture(tmp_path)
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "zz-1", "text": "Không liên quan."}\n', encoding="utf-8")
    assert main(["train", str(gold), "--articles", str(other), "-o", str(tmp_path / "m"), "-q"]) == 1
    assert "has no text in the --articles files" in capsys.readouterr().err


def test_train_without_scikit_learn_says_what_to_install(tmp_path, capsys, monkeypatch):
    gold, articles = write_fixture(tmp_path)
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name == "sklearn" or name.startswith("sklearn."):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    assert main(["train", str(gold), "--articles", str(articles), "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'vnpolicy[train]'" in err
    assert not (tmp_path / "m").exists()


def test_folds_keep_a_story_together():
    def art(aid, text):
        return training.LabelledArticle(aid, text, None, [])
    articles = [art("n24-001-1", "a"), art("n24-001-2", "b"), art("vntc-1", "c"), art("vntc-2", "c"),
                art("n24-002-1", "c"), art("unc-1", "d"), art("unc-2", "e"), art("unc-3", "f")]
    folds = training.assign_folds(articles, k=3)
    assert folds[0] == folds[1]                          # one n24 cluster
    assert folds[2] == folds[3] == folds[4]              # identical text joins vntc-1, vntc-2 and n24-002
    assert training.assign_folds(articles, k=3) == folds  # deterministic


def test_labels_follow_the_scorer_matching():
    gold = [{"amount": [10, 15], "borderline": False}, {"amount": [30, 33], "borderline": True}]
    spans = [(9, 15), (12, 14), (30, 33), (40, 42)]
    # largest overlap wins the gold item; a borderline item is left out; no overlap is a negative
    assert training._match_labels(spans, gold) == [1, 0, None, 0]


def test_decision_model_arithmetic_and_checks():
    model = DecisionModel({"a": 2.0, "b": -1.0, "c": 0.5}, bias=-0.5, threshold=0.6, groups=("cues",), about={})
    assert model.margin({"a": 1.0, "b": 1.0}) == pytest.approx(0.5)
    assert model.probability({"a": 1.0, "b": 1.0}) == pytest.approx(0.6224593)
    assert model.accepts(model.probability({"a": 1.0, "b": 1.0}))
    assert not model.accepts(model.probability({"b": 1.0}))
    assert model.reasons({"a": 1.0, "b": 1.0, "c": 1.0, "unknown": 1.0}) == ["a", "c"]
    assert DecisionModel.from_dict(model.to_dict()) == model
    with pytest.raises(ModelError, match="threshold"):
        DecisionModel.from_dict({**model.to_dict(), "threshold": 1.5})
    with pytest.raises(ModelError, match="needs 'weights'"):
        DecisionModel.from_dict({"bias": 0})


@needs_shared
def test_shipped_weights_are_what_train_makes_from_dev_and_train():
    shipped = json.loads((default_model_dir() / "decision.json").read_text(encoding="utf-8"))
    articles = training.read_labelled([EVAL / "dev-gold.jsonl", EVAL / "train-gold.jsonl"],
                                      [EVAL / "dev-articles.jsonl", EVAL / "train-articles.jsonl"])
    refit = training.train(articles, None, tuple(shipped["feature_groups"])).to_dict()
    assert shipped["trained_on"]["articles"] == len(articles) == refit["trained_on"]["articles"]
    assert refit["threshold"] == pytest.approx(shipped["threshold"], abs=1e-6)
    assert refit["bias"] == pytest.approx(shipped["bias"], abs=1e-6)
    assert refit["weights"].keys() == shipped["weights"].keys()
    assert all(refit["weights"][k] == pytest.approx(v, abs=1e-6) for k, v in shipped["weights"].items())


@needs_shared
def test_recorded_cross_validation_is_what_cross_validation_gives():
    shipped = json.loads((default_model_dir() / "decision.json").read_text(encoding="utf-8"))
    articles = training.read_labelled([EVAL / "dev-gold.jsonl", EVAL / "train-gold.jsonl"],
                                      [EVAL / "dev-articles.jsonl", EVAL / "train-articles.jsonl"])
    report = training.cross_validate(articles, None, tuple(shipped["feature_groups"]))
    recorded = shipped["cross_validation"]
    assert report.folds == recorded["folds"]
    for key in ("core", "full", "fields_on_core_matches", "by_source"):
        assert report.pooled[key] == recorded["pooled"][key], key


def test_the_threshold_is_chosen_for_what_a_cut_accepts_with_tied_probabilities():
    # a cut at 0.5 accepts all four candidates of that probability: F1 4/7, below the 2/3 of a
    # cut at 0.9 (weighed part-way through the tie, 0.5 looked perfect: 1 right, none wrong)
    scored = [(0.9, 1), (0.5, 1), (0.5, 0), (0.5, 0), (0.5, 0), (0.2, 0)]
    chosen = training.best_threshold(scored)
    assert chosen == 0.9
    cuts = {p for p, _ in scored}
    assert training._f1_at(scored, chosen) == max(training._f1_at(scored, cut) for cut in cuts)
