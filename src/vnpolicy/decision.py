"""Step 6: the decision. A linear model (logistic regression) over a candidate's features
says how likely it is to be a target; candidates at or above the model's threshold are.

The weights are data, ``models/decision.json``: a readable map of feature name to weight,
with the bias, the threshold, the feature groups the model was fitted with, and a record
of how it was made (data, date, cross-validated score). ``vnpolicy train`` writes it.
Inference is a dot product, so no learning library is needed at run time.
"""
from __future__ import annotations

import functools
import heapq
import itertools
import math
import operator
from dataclasses import dataclass, field
from typing import Any

from .resources import ModelError

MODEL_FILE = "decision.json"


@dataclass(frozen=True)
class DecisionModel:
    weights: dict[str, float]
    bias: float
    threshold: float
    groups: tuple[str, ...]
    about: dict[str, Any]
    _most_added: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> "DecisionModel":
        try:
            weights = {str(k): float(v) for k, v in spec["weights"].items()}
            model = cls(weights, float(spec["bias"]), float(spec["threshold"]),
                        tuple(spec["feature_groups"]), {k: v for k, v in spec.items() if k not in
                                                         ("weights", "bias", "threshold", "feature_groups")})
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{MODEL_FILE}: needs 'weights' (feature -> number), 'bias', 'threshold' and "
                             f"'feature_groups' ({type(exc).__name__}: {exc})") from None
        if not 0.0 < model.threshold < 1.0:
            raise ModelError(f"{MODEL_FILE}: threshold {model.threshold} is not between 0 and 1")
        return model

    def to_dict(self) -> dict[str, Any]:
        ordered = dict(sorted(self.weights.items(), key=lambda kv: (-abs(kv[1]), kv[0])))
        return {**self.about, "feature_groups": list(self.groups), "bias": round(self.bias, 6),
                "threshold": round(self.threshold, 6), "weights": {k: round(v, 6) for k, v in ordered.items()}}

    def margin(self, features: dict[str, float]) -> float:
        return self.bias + self.weighted_sum(features)

    def weighted_sum(self, features: dict[str, float], total: float = 0.0, known: int = 0) -> float:
        """The sum of weight x value over ``features``, term by term in their order, without a
        Python step per feature. ``total`` is the sum over their first ``known`` features, added
        to feature by feature as the sum over all would be: a candidate's features, computed a
        group at a time, are weighed once each."""
        names, values = features, features.values()
        if known:
            names, values = itertools.islice(names, known, None), itertools.islice(values, known, None)
        return sum(map(operator.mul, map(self.weights.get, names, itertools.repeat(0.0)), values), total)

    @functools.cached_property
    def threshold_margin(self) -> float:
        return math.log(self.threshold / (1.0 - self.threshold))

    def most_added(self, families: tuple[tuple[str, int | None], ...]) -> float:
        """The most that features not computed yet can add to a margin. ``families`` are their
        name prefixes, each with the most features of it that can fire at once (None: any
        number): the sum of the largest positive weights (each feature fires once at most)."""
        key = families
        if key not in self._most_added:
            total = 0.0
            for prefix, most in families:
                positive = sorted((w for name, w in self.weights.items() if w > 0 and name.startswith(prefix)),
                                  reverse=True)
                total += sum(positive if most is None else positive[:most])
            self._most_added[key] = total
        return self._most_added[key]

    def can_reach(self, total: float, most_added: float) -> bool:
        """Could features not computed yet, which can add ``most_added`` at most (see
        ``most_added``), lift a candidate whose features so far have the ``weighted_sum``
        ``total`` to the threshold? An exact test: when not, computing them cannot change the
        decision."""
        return self.bias + total + most_added >= self.threshold_margin

    def probability(self, features: dict[str, float]) -> float:
        return self.logistic(self.margin(features))

    def probability_of_sum(self, total: float) -> float:
        """The probability of a candidate whose features have the ``weighted_sum`` ``total``."""
        return self.logistic(self.bias + total)

    @staticmethod
    def logistic(z: float) -> float:
        if z < -40:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def accepts(self, probability: float) -> bool:
        return probability >= self.threshold

    def reasons(self, features: dict[str, float], count: int = 3) -> list[str]:
        """The features that pushed hardest towards 'target', strongest first."""
        # nlargest is sorted(reverse=True)[:count] without sorting every feature of the candidate;
        # only the features that push towards 'target' can be among the reasons, so only they are ranked
        weight = self.weights.get
        pushes = [(push, name) for name, value in features.items() if (push := weight(name, 0.0) * value) > 0]
        return [name for push, name in heapq.nlargest(count, pushes)]
