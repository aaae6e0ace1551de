"""The dev gold, scored by ../shared/eval/score.py, must not fall below the level reached
(core F1 0.848, full F1 0.674 when this floor was last raised)."""
import json
import subprocess
import sys

import pytest

import vnpolicy

from corpus_support import SHARED

EVAL = SHARED / "eval"
CORE_FLOOR, FULL_FLOOR = 0.84, 0.67

pytestmark = pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="../shared/eval not present")


def test_dev_gold_scores_hold(tmp_path):
    extractor = vnpolicy.Extractor()
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as out, (EVAL / "dev-articles.jsonl").open(encoding="utf-8") as src:
        for line in src:
            record = json.loads(line)
            result = extractor.extract(record["text"], record.get("published"), record["id"])
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    run = subprocess.run([sys.executable, str(EVAL / "score.py"), str(EVAL / "dev-gold.jsonl"), str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    scores = json.loads(run.stdout.strip().splitlines()[-1])
    assert scores["core"]["f1"] >= CORE_FLOOR, scores
    assert scores["full"]["f1"] >= FULL_FLOOR, scores
