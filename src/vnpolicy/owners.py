"""Step 7c: the actor of an accepted target: who owns it.

An owner named in the target's sentence before its cue wins (the nearest one); one the cue
permits (X đồng ý để Y thành lập ...) owns the plan; an agent after the amount (... do Công ty
X tổ chức) owns it when nobody stands before. Otherwise the owner is inherited: from the
target just before, else from the sentences just before, else from the lead. Places after a
preposition (tại Hà Nội) are locations, not owners.
"""
from __future__ import annotations

import regex

from .actors import ActorMention
from .candidates import Candidate
from .context import Layout
from .patterns import alternation
from .pieces import ArticlePieces
from .resources import LanguageData
from .segment import Sentence
from .triggers import TriggerFinder, governing_cue

_START = r"(?<![\p{L}\p{M}\d])"


class OwnerFinder:
    def __init__(self, data: LanguageData, triggers: TriggerFinder):
        self.triggers = triggers
        spec = data["actors.json"]
        self.location_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['location_prepositions'])})\s+$")
        self.agent_rx = regex.compile(rf"(?i){_START}(?:{alternation(spec['agent_markers'])})\s+$")

    def attach(self, text: str, c: Candidate, sentences: list[Sentence], pieces: ArticlePieces,
               layout: Layout, earlier_targets: list[Candidate]) -> None:
        mentions = [a for a in pieces[c.sentence.index]["actors"]]
        amount_start = c.number.start
        before = [a for a in mentions if a.end <= amount_start and not self._is_location(text, a)]
        cue = governing_cue(c.left, pieces[c.sentence.index]["cues"])
        if cue is not None and cue.word in self.triggers.permission:
            permitted = [a for a in before if a.start >= cue.end]
            if permitted:                 # 'X đồng ý để Y thành lập ...': the plan is Y's
                c.actor = permitted[0]
                return
        if cue is not None:
            before_cue = [a for a in before if a.end <= cue.start]
            if before_cue:
                before = before_cue
        if before:
            c.actor = before[-1]          # the nearest owner before the cue
            return
        after = [a for a in mentions if a.start >= amount_start and not self._is_location(text, a)
                 and self.agent_rx.search(text, max(0, a.start - 8), a.start)]
        if after:
            c.actor = after[0]
            return
        c.actor_inherited = True
        # The owner of the last target nearby, else the last actor named just before.
        recent = [t for t in earlier_targets if t.actor is not None and c.sentence.index - t.sentence.index <= 5]
        if recent:
            c.actor = recent[-1].actor
            return
        for back in range(c.sentence.index - 1, max(-1, c.sentence.index - 6), -1):
            earlier = [a for a in pieces[back]["actors"] if not self._is_location(text, a)]
            if earlier:
                c.actor = earlier[0]
                return
        lead = [a for s in sentences if s.paragraph <= 1 for a in pieces[s.index]["actors"]]
        if lead:
            c.actor = lead[0]
        else:
            c.actor_inherited = False

    def _is_location(self, text: str, a: ActorMention) -> bool:
        if a.type not in ("province", "city", "country"):
            return False
        return bool(self.location_rx.search(text[max(0, a.start - 15):a.start]))
