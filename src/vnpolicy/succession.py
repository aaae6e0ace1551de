"""Places across the 1 July 2025 merger of provinces: each province or city actor gets its
``successor`` (the province it belongs to after the merger, itself when it kept its name)
and the ``period`` its name is used in (``before``, ``after`` or ``both``), so that news
about Bắc Giang in 2024 and Bắc Ninh in 2026 can be grouped under Bắc Ninh.

The data is the gazetteer's own: ``period`` and ``merged_into`` of each entry of
``gazetteer/provinces.json``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .resources import LanguageData, ModelError

PLACE_TYPES = frozenset({"province", "city"})
# the gazetteer's period values -> the output's
PERIODS = {"before-2025-07": "before", "after-2025-07": "after", "both": "both"}


@dataclass(frozen=True)
class Succession:
    successor: str      # the province or city after 1 July 2025
    period: str         # when the name is in use: before | after | both


class SuccessionTable:
    """``of(name)``: the Succession of a province or city by its gazetteer name."""

    def __init__(self, data: LanguageData):
        entries: dict[str, dict] = {}
        for entry in data["gazetteer/provinces.json"]["entries"]:
            if "period" in entry:          # an extension entry may add aliases only
                entries.setdefault(entry["name"], entry)
        self._table = {name: self._resolve(name, entries) for name in entries}

    @staticmethod
    def _resolve(name: str, entries: dict[str, dict]) -> Succession:
        period = entries[name]["period"]
        if period not in PERIODS:
            raise ModelError(f"gazetteer/provinces.json: {name} has period {period!r}, "
                             f"not one of {', '.join(PERIODS)}")
        successor, seen = name, [name]
        while entries[successor].get("merged_into"):      # a chain of mergers ends at the current one
            successor = entries[successor]["merged_into"]
            if successor not in entries:
                raise ModelError(f"gazetteer/provinces.json: {seen[-1]} is merged_into {successor!r}, "
                                 "which has no entry")
            if successor in seen:
                raise ModelError(f"gazetteer/provinces.json: merged_into forms a loop: {' -> '.join(seen)}")
            seen.append(successor)
        return Succession(successor, PERIODS[period])

    def of(self, name: str, actor_type: str) -> Succession | None:
        """The Succession of a place actor; None for other actors and unknown places."""
        if actor_type not in PLACE_TYPES:
            return None
        return self._table.get(name)
