"""Step 3: the recognised pieces of an article (numbers, time expressions, cue words, actors),
computed per sentence and only when a later step asks for them.

Most sentences of an article are never looked at twice, so each recogniser runs on one
sentence at a time, the first time its kind is wanted. All offsets are in the normalised text.
"""
from __future__ import annotations

import bisect
import dataclasses

from .actors import ActorFinder, ActorMention
from .deadlines import DeadlineFinder
from .resources import LanguageData
from .segment import Sentence
from .triggers import TriggerFinder


class Recognisers:
    """One instance of each recogniser, built once per model."""

    def __init__(self, data: LanguageData):
        self.deadlines = DeadlineFinder(data)
        self.triggers = TriggerFinder(data)
        self.actors = ActorFinder(data)


class SentencePieces:
    """The pieces of one sentence: ``pieces["times"]``, ``["cues"]``,
    ``["raw_actors"]`` (as found, with the acronyms defined before), ``["acronyms"]`` (those it
    defines) and ``["actors"]`` (anaphora resolved)."""

    def __init__(self, article: "ArticlePieces", sentence: Sentence):
        self.article, self.sentence = article, sentence
        self._cache: dict[str, object] = {}

    def __getitem__(self, kind: str):
        if kind not in self._cache:
            self._cache[kind] = self.article.compute(kind, self.sentence)
        return self._cache[kind]


class ArticlePieces:
    """Lazy per-sentence pieces of one normalised article."""

    HISTORY = 15      # sentences searched back for an anaphor's antecedent

    def __init__(self, recognisers: Recognisers, text: str, sentences: list[Sentence]):
        self.recognisers, self.text, self.sentences = recognisers, text, sentences
        self.by_sentence = [SentencePieces(self, s) for s in sentences]

    def __getitem__(self, sentence_index: int) -> SentencePieces:
        return self.by_sentence[sentence_index]

    def compute(self, kind: str, sentence: Sentence) -> list:
        r, text = self.recognisers, self.text
        if kind == "times":
            return r.deadlines.find(text, sentence.start, sentence.end)
        if kind == "cues":
            return r.triggers.cues(text, sentence.start, sentence.end)
        if kind == "raw_actors":
            known = self._acronyms_before(sentence.index)
            return [shift(m, sentence.start) for m in r.actors.find(text[sentence.start:sentence.end], known)]
        if kind == "acronyms":
            return [(acr, meaning) for acr, meaning in
                    r.actors.definitions(text, self[sentence.index]["raw_actors"]).items()]
        if kind == "actors":
            return self._resolved_actors(sentence)
        raise KeyError(kind)

    def _acronyms_before(self, index: int) -> dict[str, tuple[str, str]]:
        """Acronyms defined earlier in the article (Công ty ... (DATC)), so that a later bare
        'DATC' is known. Only sentences with a bracket can define one."""
        known: dict[str, tuple[str, str]] = {}
        for s in self.sentences[:index]:
            if "(" in self.text[s.start:s.end]:
                known.update(self[s.index]["acronyms"])
        return known

    def _resolved_actors(self, sentence: Sentence) -> list[ActorMention]:
        raw = self[sentence.index]["raw_actors"]
        if not any(m.anaphora for m in raw):
            return raw
        history = []
        lead = [s for s in self.sentences if s.paragraph <= 1 and s.index < sentence.index - self.HISTORY]
        window = [s for s in self.sentences if sentence.index - self.HISTORY <= s.index < sentence.index]
        for s in lead + window:
            history.extend(m for m in self[s.index]["raw_actors"] if not m.anaphora)
        return self.recognisers.actors.resolve(raw, history)


def shift(item, by: int):
    """A copy of a recognised piece (cue, number, time, actor) moved by ``by`` characters."""
    if by == 0:
        return item
    return dataclasses.replace(item, start=item.start + by, end=item.end + by)
