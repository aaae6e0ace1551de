"""Step 7c: the actor of an accepted target: who owns it.

An owner named in the target's sentence before its cue wins (the nearest one); one the cue
permits (X đồng ý để Y thành lập ...) owns the plan. A sentence that breaks down or continues
another (Trong đó, ...; the items under a colon) takes the owner of the sentence that governs
it. Else an agent after the amount (... do Công ty X tổ chức) owns it. Otherwise the owner is
inherited from the nearest sentence before that has one (its last target's owner, else the
first owner it names), else from the lead; a place that sentence only names in passing (not as
a clause's subject) gives no owner. Places after a preposition (tại Hà Nội) and
recipients (phát hành cho Ngân hàng X) are not owners; neither are places inside an
organisation's name, which ``actors`` keeps whole.
"""
from __future__ import annotations

import regex

from .actors import ActorMention, SubjectNameFinder
from .candidates import Candidate
from .context import Layout
from .patterns import NOT_CONCURRENT, NOT_OVERLAPPED, alternation, suffix_alternation
from .pieces import ArticlePieces
from .resources import LanguageData
from .segment import Sentence
from .triggers import TriggerFinder, governing_cue

_START = r"(?<![\p{L}\p{M}\d])"
_END = r"(?![\p{L}\p{M}\d])"
_PLACES = ("province", "city", "country")
_CLAUSE_EDGE = regex.compile(r"[,;:](?=\s)|\(|^")      # not the comma of '1,5 tỷ'


class OwnerFinder:
    def __init__(self, data: LanguageData, triggers: TriggerFinder):
        self.triggers = triggers
        self.names = SubjectNameFinder(data)
        spec = data["actors.json"]
        # Words right before a mention, each read right to left from the end of the text before
        # it (``regex.REVERSE``, to ``\Z``): that one place is tried, not every position before it.
        self.location_rx = regex.compile(rf"(?i){_START}(?:{suffix_alternation(spec['location_prepositions'])})\s+\Z",
                                         regex.REVERSE)
        self.agent_rx = regex.compile(rf"(?i){_START}(?:{suffix_alternation(spec['agent_markers'])})\s+\Z", regex.REVERSE)
        not_recipient = alternation(spec["recipient_marker_not_before"])
        self.recipient_rx = regex.compile(
            rf"(?i){_START}(?:{suffix_alternation(spec['recipient_markers'])})(?!\s+(?:{not_recipient}){_END})"
            rf"(?:\s+\p{{Ll}}+){{0,4}}\s+\Z", regex.REVERSE)
        # the capitalised words of a place name and an opening bracket right before a mention
        self.bracket_rx = regex.compile(r"(?:\p{Lu}[\p{L}\p{M}]*\s+){0,3}\p{Lu}[\p{L}\p{M}]*\s*\(\s*$")
        # what may stand before a clause's subject: nothing, or an adverb (Hiện, Tuy nhiên ...)
        self.subject_opener_rx = regex.compile(
            rf"(?i)[\s,]*(?:(?:{alternation(spec['subject_openers'])})[\s,]*)?")
        self.possessor_rx = regex.compile(rf"(?i){_START}(?:{suffix_alternation(spec['plans_of_owner'])})\s+\Z",
                                          regex.REVERSE)

    def attach(self, text: str, c: Candidate, pieces: ArticlePieces, layout: Layout,
               targets_of: dict[int, list[Candidate]]) -> None:
        """The owner of target ``c``; ``targets_of`` holds the targets of each sentence (those of
        the sentences before ``c``'s have their owners already)."""
        mentions = self._mentions(text, c.sentence, pieces)
        amount_start = c.number.start
        before = [a for a in mentions if a.end <= amount_start and not self._is_oblique(text, a)]
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
            c.actor = self._subject_over_place(text, before, cue.start if cue else amount_start, c.sentence.start)
            return
        governing = self._governor_owner(text, c, pieces, layout, targets_of)
        if governing is not None:         # a breakdown or continuation: its governor's owner
            c.actor, c.actor_inherited = governing, True
            return
        after = [a for a in mentions if a.start >= amount_start and not self._is_oblique(text, a)
                 and self.agent_rx.match(text, max(0, a.start - 8), a.start, NOT_CONCURRENT)]
        if after:
            c.actor = after[0]
            return
        c.actor_inherited = True
        inherited = self._inherited(text, c, pieces, targets_of)
        if inherited is None:
            c.actor_inherited = False
        else:
            c.actor = inherited

    BACK = 5     # sentences searched back for an owner to inherit

    def _inherited(self, text: str, c: Candidate, pieces: ArticlePieces,
                   targets_of: dict[int, list[Candidate]]) -> ActorMention | None:
        """The owner from the nearest sentence before that has one: the owner of its last target,
        else the first owner it names, unless that is a place named in passing (then None); for a
        target with none before it, the lead's first actor."""
        index = c.sentence.index
        for back in range(index - 1, max(-1, index - 1 - self.BACK), -1):
            owner = self._owner_of_sentence(text, back, pieces, targets_of)
            if owner is None:
                continue
            if self._named_in_passing(text, owner, back, pieces, targets_of):
                return None     # 'một trong 5 tuyến cao tốc trên cả nước': no owner is said
            return owner
        return pieces.first_lead_actor()

    def _named_in_passing(self, text: str, owner: ActorMention, index: int, pieces: ArticlePieces,
                          targets_of: dict[int, list[Candidate]]) -> bool:
        """A place that sentence ``index`` names without owning a target of it or opening a clause
        as its subject (thị trường Nhật Bản, đường tránh Huế, khách Trung Quốc) is not who owns
        what the next sentences plan: the passage has moved on, and no owner is said."""
        if owner.type not in _PLACES or owner.anaphora or any(t.actor is owner for t in targets_of.get(index, ())):
            return False            # 'thành phố', 'tỉnh này' refer back: the passage goes on
        sentence_start = pieces.sentences[index].start
        clause_start = _clause_start(text, sentence_start, owner.start)
        if clause_start is None:                  # a sentence after a full stop opens a clause
            clause_start = sentence_start
        gap = text[clause_start:owner.start]
        for t in pieces[index]["times"]:          # 'Năm 2005, Việt Nam ...': a time before the subject
            if clause_start <= t.start and t.end <= owner.start:
                gap = gap.replace(text[t.start:t.end], " ")
        return not self.subject_opener_rx.fullmatch(gap, None, None, NOT_CONCURRENT)

    def _subject_over_place(self, text: str, before: list[ActorMention], limit: int,
                            sentence_start: int) -> ActorMention:
        """The nearest owner before the cue, unless it is a place and an organisation opens the
        clause as its subject (Foxconn đã đầu tư ... Việt Nam và đang có kế hoạch ...)."""
        nearest = before[-1]
        if nearest.type not in _PLACES:
            return nearest
        clause_start = _clause_start(text, sentence_start, limit)
        if clause_start is None:
            return nearest
        for a in before:
            if a.start >= clause_start and a.type not in _PLACES and not text[clause_start:a.start].strip():
                return a
        return nearest

    def _governor_owner(self, text: str, c: Candidate, pieces: ArticlePieces, layout: Layout,
                        targets_of: dict[int, list[Candidate]]) -> ActorMention | None:
        """The owner of the sentence that governs the target's (Trong đó, ...; a list under a
        colon): that of its last target, else the first owner it names."""
        governor = layout.governor[c.sentence.index]
        while governor is not None:
            owner = self._owner_of_sentence(text, governor, pieces, targets_of)
            if owner is not None:
                return owner
            governor = layout.governor[governor]
        return None

    def _owner_of_sentence(self, text: str, index: int, pieces: ArticlePieces,
                           targets_of: dict[int, list[Candidate]]) -> ActorMention | None:
        """Who owns what sentence ``index`` says: the owner of its last target, else the first
        owner it names (no place after a preposition, no recipient), else None."""
        owned = [t.actor for t in targets_of.get(index, ()) if t.actor is not None]
        if owned:
            return owned[-1]
        return next((a for a in pieces[index]["actors"] if not self._is_oblique(text, a)), None)

    def _mentions(self, text: str, sentence: Sentence, pieces: ArticlePieces) -> list[ActorMention]:
        """The actors of a sentence, with the unknown names that stand as a clause's subject."""
        known = pieces[sentence.index]["actors"]
        names = [n for n in self.names.find(text, sentence.start, sentence.end)
                 if not any(k.start < n.end and n.start < k.end for k in known)]
        return sorted(known + names, key=lambda a: a.start) if names else known

    def _is_oblique(self, text: str, a: ActorMention) -> bool:
        """A location or a recipient (phát hành cho đối tác chiến lược Ngân hàng X): not an owner."""
        return self._is_location(text, a) or bool(self.recipient_rx.match(text, max(0, a.start - 40), a.start, NOT_CONCURRENT))

    def _is_location(self, text: str, a: ActorMention) -> bool:
        """A place after a preposition (tại Hà Nội), or in brackets after one (tại Đức Hòa (Long
        An)), but not the possessor of a plan (mục tiêu của Mỹ)."""
        if a.type not in _PLACES:
            return False
        start = a.start
        bracket = self.bracket_rx.search(text, max(0, start - 40), start, NOT_CONCURRENT)
        if bracket:
            start = bracket.start()         # judge the place the brackets follow
        before = text[max(0, start - 25):start]
        return bool(self.location_rx.match(before, None, None, NOT_CONCURRENT)) and not self.possessor_rx.match(before, None, None, NOT_CONCURRENT)


def _clause_start(text: str, sentence_start: int, limit: int) -> int | None:
    """Where the clause that ``limit`` lies in starts: after the last clause edge before it. The
    edges are looked for in the sentence; before it, only the last mark matters (the words of an
    earlier sentence stand between it and any subject): a clause edge or the start of the text
    there opens the clause at the sentence, anything else leaves it open (None)."""
    edges = [m.end() for m in _CLAUSE_EDGE.finditer(text, sentence_start, limit, NOT_OVERLAPPED, NOT_CONCURRENT)]
    if edges:
        return edges[-1]
    last = sentence_start - 1
    while last >= 0 and text[last].isspace():
        last -= 1
    if last < 0 or text[last] == "(" or text[last] in ",;:" and text[last + 1].isspace():
        return last + 1
    return None
