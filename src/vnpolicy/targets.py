"""Assembly: from the sentences of one normalised article to its targets, one step after the
other, each owned by its own module:

pieces (``pieces``) -> layout (``context``) -> candidates (``candidates``) -> features
(``features``) -> decision (``decision``) -> fields (``fields``: deadline; ``metric``;
``owners``: actor).
"""
from __future__ import annotations

import datetime as dt

from .candidates import Candidate, CandidateFinder
from .context import LayoutReader
from .decision import MODEL_FILE, DecisionModel
from .features import DEFERRED_GROUPS, ArticleView, FeatureExtractor, quantity_key
from .fields import FieldFinder
from .pieces import ArticlePieces, Recognisers
from .resources import LanguageData
from .numbers import NumberMention
from .segment import Sentence
from .tokens import Token

class TargetAssembler:
    def __init__(self, data: LanguageData, pos_tagger=None, decision: DecisionModel | None = None):
        self.recognisers = Recognisers(data)
        self.decision = decision or DecisionModel.from_dict(data[MODEL_FILE])
        self.finder = CandidateFinder(data)
        self.layout = LayoutReader(data)
        self.features = FeatureExtractor(data, self.recognisers.triggers, self.recognisers.deadlines,
                                         self.decision.groups)
        self.fields = FieldFinder(data, self.recognisers.triggers, self.recognisers.deadlines)
        self.units = self.finder.units
        self.pos_tagger = pos_tagger
        self.first_groups, self.deferred_groups = self.features.split_groups()
        # the most that the deferred groups from the i-th on can still add, for the test before the i-th
        self.still_to_come = [self.decision.most_added(tuple(f for g in self.deferred_groups[i:]
                                                             for f in DEFERRED_GROUPS[g]))
                              for i in range(len(self.deferred_groups))]

    def scored_candidates(self, text: str, sentences: list[Sentence], published: dt.date | None,
                          complete: bool = False, keep_features: bool = True) -> tuple[ArticleView, list[Candidate]]:
        """Every candidate of the article with its features and probability. A candidate that
        cannot reach the threshold whatever its costliest features say skips those (probability
        0); ``complete`` computes every feature of every candidate (for training). Without
        ``keep_features``, a candidate keeps only its ``reasons`` (when accepted) and their
        evidence once decided: its features, dozens of them, are let go."""
        pieces = ArticlePieces(self.recognisers, text, sentences)
        view = ArticleView(text, pieces, self.layout.read(text, sentences, pieces), published)
        candidates = self.finder.find(text, pieces)
        for c in candidates:
            view.quantities.setdefault(quantity_key(c), set()).add(c.sentence.index)
        for c in candidates:
            clause = self.features.clause(view, c)      # read by every group
            c.features, c.evidence = self.features.compute(view, c, self.first_groups, clause=clause)
            total = self.decision.weighted_sum(c.features)
            for group, most_added in zip(self.deferred_groups, self.still_to_come):
                if not complete and not self.decision.can_reach(total, most_added):
                    break                                # probability stays 0: it cannot be a target
                known = len(c.features)
                self.features.compute(view, c, (group,), c.features, c.evidence, clause)
                total = self.decision.weighted_sum(c.features, total, known)
            else:
                c.probability = self.decision.probability_of_sum(total)
            if not keep_features:
                self._keep_reasons_only(c)
        return view, candidates

    def _keep_reasons_only(self, c: Candidate) -> None:
        """The features that weighed most and the words that fired them, without the others:
        kept to the end of a 1 MB article of targets, every candidate's features were a third
        of what the article held (153 MB of peak memory above the fixed cost, 99 MB without)."""
        if self.decision.accepts(c.probability):
            c.reasons = self.decision.reasons(c.features)
            c.evidence = {name: c.evidence[name] for name in c.reasons if name in c.evidence}
        else:
            c.evidence = {}
        c.features = {}

    def candidates(self, text: str, sentences: list[Sentence], published: dt.date | None,
                   skipped: list[tuple[Sentence, int]] | None = None) -> list[Candidate]:
        """The accepted candidates (targets), their fields attached; ``skipped`` receives the
        sentences whose quantities were not all judged, with the number left out."""
        view, scored = self.scored_candidates(text, sentences, published, keep_features=False)
        pieces = view.pieces
        if skipped is not None:
            skipped.extend(pieces.skipped)
        accepted = [c for c in scored if self.decision.accepts(c.probability)]
        for c in accepted:
            self._refine_unit(text, c)
        self.fields.attach(text, sentences, pieces, view.layout, accepted, published, scored)
        return accepted

    def _refine_unit(self, text: str, c: Candidate) -> None:
        """'buổi', 'cuốn' only classify: the noun after them is the unit (2 buổi hội nghị)."""
        unit = c.unit
        if unit is not None and unit.source == "counted_noun" and self.pos_tagger is not None \
                and unit.code in self.units.classifiers:
            tokens = self._tokens_after(text, c.sentence, c.number)
            c.unit = self.units.from_tokens(tokens, text, c.number.end) or unit

    POS_WINDOW = 30   # characters after an amount that the POS tagger sees

    def _tokens_after(self, text: str, sentence: Sentence, n: NumberMention) -> list[Token]:
        """POS-tagged tokens of the words right after an amount. Tagging only this window, not
        the sentence, keeps the slow statistical model off the hot path."""
        start = n.start
        end = min(sentence.end, n.end + self.POS_WINDOW)
        while end < sentence.end and not text[end].isspace():
            end += 1
        return [Token(t.start + start, t.end + start, t.text, t.tag) for t in self.pos_tagger(text[start:end])]
