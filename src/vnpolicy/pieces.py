"""Step 3: the recognised pieces of an article (numbers, time expressions, cue words, actors),
computed per sentence and only when a later step asks for them.

Most sentences of an article are never looked at twice, so each recogniser runs on one
sentence at a time, the first time its kind is wanted. All offsets are in the normalised text.
"""
from __future__ import annotations

import dataclasses

from .actors import ActorFinder, ActorMention
from .deadlines import DeadlineFinder
from .numbers import NumberFinder
from .resources import LanguageData
from .segment import Sentence
from .triggers import TriggerFinder


class Recognisers:
    """One instance of each recogniser, built once per model."""

    def __init__(self, data: LanguageData):
        self.numbers = NumberFinder(data)
        self.deadlines = DeadlineFinder(data)
        self.triggers = TriggerFinder(data)
        self.actors = ActorFinder(data)


class SentencePieces:
    """The pieces of one sentence: ``pieces["numbers"]``, ``["times"]``, ``["cues"]``,
    ``["raw_actors"]`` (as found) and ``["actors"]`` (anaphora resolved)."""

    def __init__(self, article: "ArticlePieces", sentence: Sentence):
        self.article, self.sentence = article, sentence
        self._cache: dict[str, list] = {}

    def __getitem__(self, kind: str) -> list:
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
        if kind == "numbers":
            return r.numbers.find(text, sentence.start, sentence.end)
        if kind == "times":
            return r.deadlines.find(text, sentence.start, sentence.end)
        if kind == "cues":
            return r.triggers.cues(text, sentence.start, sentence.end)
        if kind == "raw_actors":
            return [shift(m, sentence.start) for m in r.actors.find(text[sentence.start:sentence.end])]
        if kind == "actors":
            return self._resolved_actors(sentence)
        raise KeyError(kind)

    def _resolved_actors(self, sentence: Sentence) -> list[ActorMention]:
        raw = self[sentence.index]["raw_actors"]
        if not any(m.anaphora for m in raw):
            return raw
        history = []
        lead = [s for s in self.sentences if s.paragraph <= 1 and s.index < sentence.index - self.HISTORY]
        window = [s for s in self.sentences if sentence.index - self.HISTORY <= s.index < sentence.index]
        for s in lead + window:
            history.extend(m for m in self[s.index]["raw_actors"] if not m.anaphora)
        return ActorFinder.resolve(raw, history)


def shift(item, by: int):
    """A copy of a recognised piece (cue, number, time, actor) moved by ``by`` characters."""
    if by == 0:
        return item
    return dataclasses.replace(item, start=item.start + by, end=item.end + by)
