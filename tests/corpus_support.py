"""Shared helpers for the corpus tests: load corpora/*.jsonl, compare names and metrics the
way ANNOTATION.md section 4 does."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"

_PREFIXES = sorted(["ủy ban nhân dân", "ubnd", "hội đồng nhân dân", "hđnd", "tỉnh ủy", "thành ủy", "tỉnh",
                    "thành phố", "tp.", "tp", "thủ đô"], key=len, reverse=True)
_ALIASES = {"hcm": "hồ chí minh", "tphcm": "hồ chí minh", "tp.hcm": "hồ chí minh", "sài gòn": "hồ chí minh"}


def load(name: str) -> list[dict]:
    path = CORPORA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def known_failures() -> dict[str, str]:
    """corpora/known_failures.txt: 'id  reason' lines for examples the extractor still gets wrong."""
    path = CORPORA / "known_failures.txt"
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, reason = line.partition(" ")
                out[key] = reason.strip()
    return out


def norm(s: str) -> str:
    return unicodedata.normalize("NFC", s or "").casefold().strip()


def norm_actor(s: str) -> str:
    s = re.sub(r"\s+", " ", norm(s))
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if s.startswith(p) and len(s) > len(p) and (p.endswith(".") or s[len(p)] in " ."):
                s, changed = s[len(p):].strip(" .,"), True
                break
    return _ALIASES.get(s, s)


def syllable_f1(pred: str, gold: str) -> float:
    split = lambda s: [w for w in re.split(r"[\s,.;:()\"'“”‘’\-–/]+", norm(s)) if w]
    p, g = Counter(split(pred)), Counter(split(gold))
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)
