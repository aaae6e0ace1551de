"""Actors: who owns a target. Found from the gazetteer (provinces, ministries, groups,
companies, countries; a deputy, Phó Thủ tướng X, is not the office), from organisation-name
patterns (Công ty/Tập đoàn/Ngân hàng X), from sectors that stand as a clause's subject
(ngành thủy sản sẽ ...), and from anaphora (tỉnh, thành phố, Bộ, ngân hàng này) resolved to the
last mention of that kind earlier in the text.
"""
from __future__ import annotations

import dataclasses
import functools
from collections import Counter
import unicodedata
from dataclasses import dataclass

import regex

from .patterns import (NOT_CONCURRENT, NOT_OVERLAPPED, alternation, holds_any, initials_class, literal_keys,
                       suffix_alternation, trie_alternation)
from .resources import LanguageData

_END = r"(?![\p{L}\p{M}\d])"
_START = r"(?<![\p{L}\p{M}\d])"
_SP = r"[^\S\n]+"          # the space between the words of one name: never a line break
_CLAUSE_OPENERS = ",;:(\"“"   # after one of these (and spaces) a clause may start with its subject's name
# A word of a proper name: capitalised, or an acronym with digits/&/- (T&T, FLC, F1).
_CAP = r"(?:\p{Lu}[\p{L}\p{M}\d&'.]*(?<!\.)|\d+)"

_PLACE_TYPES = {"province", "city"}


def _last_token(text: str, end: int, longest: int = 40) -> str:
    """The last whitespace-free run of text[:end] (``text[:end].rsplit(None, 1)[-1]``), read back
    from ``end`` only: '' when there is none or when it is longer than ``longest`` (no word is)."""
    stop = end
    while stop > 0 and text[stop - 1].isspace():
        stop -= 1
    start = stop
    while start > 0 and not text[start - 1].isspace():
        start -= 1
        if stop - start > longest:
            return ""
    return text[start:stop]


def _is_letter(text: str, i: int) -> bool:
    return i < len(text) and (text[i].isalnum() or unicodedata.category(text[i]).startswith("M"))


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    name: str
    type: str
    source: str             # gazetteer | pattern | acronym | anaphora | bare_anaphora
    anaphora: bool = False
    canonical: str = ""     # gazetteer name; ``name`` is the form the article uses (HUD, Bộ GTVT)



@functools.lru_cache(maxsize=256)
def _acronym_rx(acronyms: tuple[str, ...]) -> regex.Pattern:
    return regex.compile(rf"{_START}(?:{alternation(acronyms)}){_END}")


class ActorFinder:
    def __init__(self, data: LanguageData):
        spec = data["actors.json"]
        self.lookup: dict[str, tuple[str, str]] = {}
        for file in ("gazetteer/provinces.json", "gazetteer/organisations.json", "gazetteer/countries.json"):
            for entry in data[file]["entries"]:
                etype = entry["type"]
                for form in [entry["name"], *entry.get("aliases", [])]:
                    self.lookup.setdefault(form, (entry["name"], etype))
        self.continuations = self._word_continuations(self.lookup, set(spec["name_connectors"]))
        places = [p for ps in spec["place_prefixes"].values() for p in ps]
        admin, place = alternation(spec["admin_prefixes"]), alternation(places)
        names = trie_alternation(self.lookup)
        # led by the characters a match can start with (a prefix's first letter in any case, a
        # name's as written): the engine skips other places without trying the lookbehind and
        # the prefixes there (a third of the pattern's time)
        self.gazetteer_lead = rf"(?=(?i:{initials_class(spec['admin_prefixes'] + places)})|{initials_class(self.lookup)})"
        self.gazetteer_rx = regex.compile(
            self.gazetteer_lead + rf"{_START}(?P<admin>(?i:{admin})\s+)?(?P<place>(?i:{place})\s*)?(?P<name>{names}){_END}")
        # what each of its matches holds: the first word of a name (case-sensitive), then a space
        # or the name's end. Searched for without a word start and prefixes to try at every place
        # (a fifth of the cost), it keeps the whole pattern off a text that holds none (most
        # sentences); a pattern of first words, not of whole names, is quick to build.
        first_words = trie_alternation({name.split(" ")[0] for name in self.lookup})
        self.gazetteer_gate_rx = regex.compile(rf"(?:{first_words})(?: |{_END})")
        heads = {h: t for t, hs in spec["organisation_heads"].items() for h in hs}
        self.head_type = heads
        self.head_keys = literal_keys(heads)   # the name patterns cannot match without a head
        stop = alternation(spec["name_stopwords"])
        lower = rf"(?!(?:{stop})(?![\p{{L}}\p{{M}}]))\p{{Ll}}[\p{{L}}\p{{M}}]*"
        # Capitalised words, with at most three lower-case syllables between two of them.
        word = rf"(?:{_CAP}|(?:{lower})(?:{_SP}{lower}){{0,2}}(?={_SP}\p{{Lu}}))"
        self.org_rx = regex.compile(
            rf"{_START}(?P<head>{alternation(heads)})(?P<rest>{_SP}{word}(?:{_SP}(?:{word}|&|-(?=\s*\p{{Lu}})))*)")
        self.person_rx = regex.compile(
            rf"(?<=\s)(?:{alternation(spec['person_surnames'])})(?:\s+\p{{Lu}}[\p{{L}}\p{{M}}]*){{1,3}}(?![\p{{L}}\p{{M}}])")
        self.tail_before_acronym_rx = regex.compile(rf"(?P<tail>(?:{_SP}\p{{Ll}}[\p{{L}}\p{{M}}]*){{1,3}})(?=\s*\([\p{{Lu}}\d&])")
        # 'Công ty mua bán nợ và tài sản tồn đọng (DATC)': a head, lower-case words only, then
        # the name's acronym in brackets.
        self.lower_name_rx = regex.compile(
            rf"{_START}(?P<head>{alternation(heads)})(?P<rest>(?:{_SP}(?:{lower})){{2,{spec['lowercase_name_max_words']}}})"
            r"(?=\s*\([\p{Lu}\d&][\p{Lu}\d&\-]*\))")
        self.deputy_rx = regex.compile(
            rf"(?:{suffix_alternation(spec['deputy_prefixes']['words'])}){_SP}\Z", regex.REVERSE)
        # 'Năm nay, ngành hàng không VN sẽ ...': a sector as a clause's subject, with the place
        # it may name inside it
        sector = spec["sector_subjects"]
        self.sector_keys = literal_keys(sector["heads"])
        self.sector_rx = regex.compile(
            rf"(?m)(?:(?<=^)|(?<=[,;:(\"“”][^\S\n]*)|(?<=(?i:{alternation(spec['subject_openers'])})[,\s]+))"
            rf"{_START}(?:{alternation(sector['heads'])})(?:{_SP}{lower}){{1,{sector['max_lowercase_words']}}}"
            rf"(?:{_SP}{_CAP}){{0,{sector['max_place_words']}}}(?={_SP}(?:{alternation(sector['followed_by'])}){_END})")
        # Offices and organs in front of an organisation name are not part of it: 'Tổng cục
        # trưởng Tổng cục Thuế' -> Tổng cục Thuế, 'Hội đồng quản trị PVOIL' -> PVOIL.
        self.admin_rx = regex.compile(rf"(?i:{admin})")
        self.office_rx = regex.compile(rf"(?i:{alternation(spec['offices'])}){_END}")
        self.continuation_rx = regex.compile(_SP)
        self.second_name_rx = regex.compile(
            rf"{_SP}(?:{alternation(spec['name_connectors'])}){_SP}(?=(?:{alternation(heads)}){_END})")
        # read right to left from where it must end (the longest connector first): the leftmost
        # match, without trying every position of the name before it
        self.connector_end_rx = regex.compile(
            rf"(?:\s+(?:{suffix_alternation(spec['name_connectors'])})|\s*,)\s*\Z", regex.REVERSE)
        self.acronym_rx = regex.compile(r"\s*\((?P<acr>[\p{Lu}\d&][\p{Lu}\p{Ll}\d&\-\. ]{1,20})\)")
        self.anaphora = {w: t for t, ws in spec["anaphora"].items() for w in ws}
        self.named_alone = frozenset(spec["anaphora_named_alone"])
        self.anaphora_keys = literal_keys(self.anaphora)
        blockers = alternation(spec["anaphora_blockers"])
        self.anaphora_rx = regex.compile(
            rf"(?<!(?i:{blockers}|\d)\s+){_START}(?P<w>{alternation(self.anaphora)}){_END}"
            rf"(?!\s*(?:\p{{Lu}}|(?:{alternation(spec['anaphora_not_before'])}){_END}))")
        # 'ngân hàng', 'công ty', 'HĐQT' alone refer back only as a clause's subject; elsewhere
        # (vay vốn ngân hàng, công ty con) they are generic nouns.
        self.bare_anaphora = {w: t for t, ws in spec["bare_anaphora"].items() for w in ws}
        self.bare_anaphora_keys = literal_keys(self.bare_anaphora)
        subject_edge = rf"(?:^|[,;:(\"“”]|(?i:{alternation(spec['reporting_verbs'])}))\s*"
        generic = alternation(spec["bare_anaphora_generic_after"])
        # ... nor followed by a name in lower case that ends in a capitalised word ('công ty
        # quản lý bến xe Hà Nội').
        self.bare_anaphora_rx = regex.compile(
            rf"(?<={subject_edge}){_START}(?P<w>{alternation(self.bare_anaphora)}){_END}"
            rf"(?!\s*(?:\p{{Lu}}|(?:{generic}){_END}))(?!(?:\s+(?:{lower})){{1,5}}\s+\p{{Lu}})")

    def find(self, text: str, known_acronyms: dict[str, tuple[str, str]] | None = None) -> list[ActorMention]:
        """Mentions in ``text`` (one sentence or a whole article), in order, without overlaps."""
        mentions: list[ActorMention] = []
        taken = bytearray(len(text) + 1)

        def add(m: ActorMention) -> bool:
            if any(taken[m.start:m.end]):
                return False
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
            mentions.append(m)
            return True

        # Gazetteer names and organisation patterns compete: the one that starts first wins,
        # then the longer (Ngân hàng Nhà nước over the pattern's 'Ngân hàng Nhà').
        for m in sorted(self._named(text), key=lambda a: (a.start, -a.end)):
            add(m)

        acronyms = {**(known_acronyms or {}), **self.definitions(text, mentions)}
        # only the acronyms the text holds: most sentences hold none, and no pattern is built for them
        present = tuple(sorted(a for a in acronyms if a in text))
        if present:
            for m in _acronym_rx(present).finditer(text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT):
                name, etype = acronyms[m.group()]
                add(ActorMention(m.start(), m.end(), name, etype, "acronym"))
        # the anaphora patterns' words are case-sensitive: a text that holds none is not searched
        if holds_any(text, self.anaphora_keys):
            for m in self.anaphora_rx.finditer(text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT):
                add(ActorMention(m.start(), m.end(), m.group("w"), self.anaphora[m.group("w")], "anaphora", True))
        if holds_any(text, self.bare_anaphora_keys):
            for m in self.bare_anaphora_rx.finditer(text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT):
                add(ActorMention(m.start(), m.end(), m.group("w"), self.bare_anaphora[m.group("w")], "bare_anaphora",
                                 True))
        mentions.sort(key=lambda a: a.start)
        return mentions

    @staticmethod
    def _word_continuations(names, connectors) -> dict[str, list[str]]:
        """From the gazetteer's own names, the lower-case syllables that complete a word whose
        first syllable is capitalised: Đầu -> 'tư' (Bộ Kế hoạch và Đầu tư), Tài -> 'chính'."""
        found: dict[str, set[str]] = {}
        for name in names:
            syllables = name.split()
            for i, syl in enumerate(syllables[:-1]):
                if not syl[:1].isupper():
                    continue
                run = []
                for nxt in syllables[i + 1:]:
                    if not (nxt.isalpha() and nxt.islower()) or nxt in connectors:
                        break
                    run.append(nxt)
                if run:      # the whole lower-case run, never a part of it: that may be half a word
                    found.setdefault(syl, set()).add(" ".join(run))
        return {syl: sorted(words, key=len, reverse=True) for syl, words in found.items()}

    def _whole_last_word(self, text: str, end: int) -> int:
        """A name found by pattern that stops inside a word ('Trung tâm Xúc tiến Đầu | tư') is
        carried to the end of that word, as the gazetteer's names spell it."""
        for words in self.continuations.get(_last_token(text, end), ()):
            m = self.continuation_rx.match(text, end, None, NOT_CONCURRENT)
            if m and text.startswith(words, m.end()) and not _is_letter(text, m.end() + len(words)):
                return m.end() + len(words)
        return end

    def definitions(self, text: str, mentions: list[ActorMention]) -> dict[str, tuple[str, str]]:
        """Acronyms that ``text`` defines: a pattern name followed by its acronym in brackets,
        'Công ty Dầu khí Quốc gia Hàn Quốc (KNOC)' -> KNOC: (that name, its type)."""
        defined = {}
        for m in mentions:
            if m.source == "pattern":
                acr = self.acronym_rx.match(text, m.end, None, NOT_CONCURRENT)
                if acr:
                    defined[acr.group("acr").strip()] = (m.name, m.type)
        return defined

    def _before_person_name(self, text: str, rest_start: int, end: int) -> int:
        """Cut 'Công ty Thép Thái Nguyên Hoàng Văn Tòng' before the person's name."""
        m = self.person_rx.search(text, rest_start + 1, end, NOT_CONCURRENT)
        if m and text[rest_start:m.start()].strip():
            return rest_start + len(text[rest_start:m.start()].rstrip())
        return end

    def _named(self, text: str) -> list[ActorMention]:
        """Every gazetteer and organisation-pattern match, overlapping ones included; a pattern
        name never ends inside a gazetteer name."""
        listed = self._gazetteer_names(text)
        whole = (self._whole(text, m, listed) for m in self._pattern_names(text))
        return [m for m in whole if m is not None] + listed + self._sectors(text)

    def _sectors(self, text: str) -> list[ActorMention]:
        """Sectors standing as a clause's subject (ngành thủy sản sẽ ...); one starts before any
        place it names, so it wins over that place."""
        if not holds_any(text, self.sector_keys):
            return []              # most sentences name no sector: the pattern is not run
        return [ActorMention(m.start(), m.end(), m.group(), "sector", "pattern")
                for m in self.sector_rx.finditer(text, 0, None, NOT_OVERLAPPED, NOT_CONCURRENT)]

    def _pattern_names(self, text: str) -> list[ActorMention]:
        out: list[ActorMention | None] = []
        if not holds_any(text, self.head_keys):     # every name pattern starts with a head (case-sensitive)
            return []
        # overlapped: the name after an office ('Cục trưởng Cục Thuế') is found at its own head
        for m in self.org_rx.finditer(text, None, None, True, NOT_CONCURRENT):
            if self.office_rx.match(text, m.start(), None, NOT_CONCURRENT):
                continue
            rest = m.group("rest").rstrip(" -&")
            if not rest.strip():
                continue
            end = m.start("rest") + len(rest)
            # 'Công ty ... Đô thị quốc tế (IDJ)': lower-case words right before an acronym belong to the name
            # (the tail is followed by a bracket: a text without one after the name has none)
            tail = self.tail_before_acronym_rx.match(text, end, None, NOT_CONCURRENT) if text.find("(", end) >= 0 else None
            if tail:
                end = tail.end("tail")
            end = self._before_person_name(text, m.start("rest"), end)
            end = self._whole_last_word(text, end)
            second = self.second_name_rx.search(text, m.start("rest"), end, NOT_CONCURRENT)
            if second:                     # 'Ngân hàng X và | Ngân hàng Y': two names
                end = second.start()
            out.append(self._pattern_mention(text, m.start(), m.start("rest"), end, m.group("head")))
        if "(" in text:          # a name in lower case is followed by its acronym in brackets
            for m in self.lower_name_rx.finditer(text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT):
                if not self.office_rx.match(text, m.start(), None, NOT_CONCURRENT) \
                        and not self.admin_rx.fullmatch(m.group(), None, None, NOT_CONCURRENT):
                    out.append(self._pattern_mention(text, m.start(), m.start("rest"), m.end(), m.group("head")))
        return [m for m in out if m is not None]

    def _pattern_mention(self, text: str, start: int, rest_start: int, end: int, head: str) -> ActorMention | None:
        name = text[start:end]
        if name in self.head_type:
            return None                 # 'Công ty TNHH' is a longer head with no name after it
        known = self.lookup.get(name) or self.lookup.get(text[rest_start:end].strip())
        etype = known[1] if known else self.head_type[head]
        return ActorMention(start, end, name, etype, "pattern", canonical=known[0] if known else "")

    def _gazetteer_names(self, text: str) -> list[ActorMention]:
        out: list[ActorMention] = []
        if self.gazetteer_gate_rx.search(text, None, None, NOT_CONCURRENT) is None:
            return out           # most sentences name no place and no listed organisation
        for m in self.gazetteer_rx.finditer(text, None, None, NOT_OVERLAPPED, NOT_CONCURRENT):
            canonical, etype = self.lookup[m.group("name")]
            if m.group("place") and etype not in _PLACE_TYPES:
                continue
            # Places keep their canonical name (TP HCM -> Hồ Chí Minh); organisations keep the
            # article's own form, which is what a reader of that article recognises.
            name = canonical if etype in _PLACE_TYPES or etype == "country" else m.group("name")
            deputy = etype == "government" and self.deputy_rx.match(text, max(0, m.start() - 8), m.start(),
                                                                    NOT_CONCURRENT)
            if deputy:
                out.append(self._deputy(text, deputy.start(), m.end()))
                continue
            out.append(ActorMention(m.start(), m.end(), name, etype, "gazetteer", canonical=canonical))
        return out

    def _deputy(self, text: str, start: int, office_end: int) -> ActorMention:
        """'Phó Thủ tướng Nguyễn Tấn Dũng': a deputy of the office, with the person's name that
        follows it, if any."""
        end = office_end
        person = self.person_rx.match(text, office_end + 1) if text[office_end:office_end + 1] == " " else None
        if person:
            end = person.end()
        name = text[start:end]
        return ActorMention(start, end, name, "official", "gazetteer", canonical=name)

    def _whole(self, text: str, m: ActorMention, listed: list[ActorMention]) -> ActorMention | None:
        """A pattern name that runs into or over a gazetteer name: joined to it ('Cục Tài chính
        doanh nghiệp Bộ Tài chính'), or cut before it where a connector stands between ('Ngân
        hàng Nhà nước và | Thủ tướng'). None when only the head would be left."""
        inner = next((g for g in listed if m.start < g.start < m.end), None)
        if inner is None:
            return m
        joint = self.connector_end_rx.match(text, m.start, inner.start, NOT_CONCURRENT)
        if joint is None and inner.end <= m.end:
            return m                        # 'Cục Quản lý giá Bộ Tài chính': one name
        end = joint.start() if joint else inner.end
        if text[m.start:end] in self.head_type:
            return None
        name = text[m.start:end]
        known = self.lookup.get(name)
        return dataclasses.replace(m, end=end, name=name, type=known[1] if known else m.type,
                                   canonical=known[0] if known else m.canonical)

    @staticmethod
    def _salient(candidates: list[ActorMention]) -> ActorMention | None:
        """The actor named most often, the latest of them on a tie: a bare 'ngân hàng' means
        the bank the article is about, not a partner named in passing."""
        if not candidates:
            return None
        counts = Counter(h.canonical or h.name for h in candidates)
        best = max(counts.values())
        return next(h for h in reversed(candidates) if counts[h.canonical or h.name] == best)

    def resolve(self, mentions: list[ActorMention], history: list[ActorMention]) -> list[ActorMention]:
        """Give each anaphor the name of the last earlier mention of its kind (a bare one: the most
        salient); drop those with none."""
        resolved: list[ActorMention] = []
        seen = list(history)
        for m in mentions:
            if m.anaphora:
                kinds = {"province": {"province"}, "city": {"city", "province"}, "ministry": {"ministry"},
                         "company": {"company", "state_group"}, "bank": {"bank"},
                         "organ": {"company", "state_group", "bank"}}.get(m.type, {m.type})
                candidates = [h for h in seen if h.type in kinds and not h.anaphora]
                target = ActorFinder._salient(candidates) if m.source == "bare_anaphora" else \
                    (candidates[-1] if candidates else None)
                if target is None or m.type == "parties":
                    # An unresolved 'tỉnh', 'thành phố này' or bare 'ngân hàng' says nothing;
                    # 'công ty mới', 'hai bên' still name an owner.
                    if m.name not in self.named_alone:
                        continue
                else:
                    m = ActorMention(m.start, m.end, target.name, target.type, m.source, True, target.canonical)
            resolved.append(m)
            seen.append(m)
        return resolved


class SubjectNameFinder:
    """Names that no gazetteer entry or organisation pattern knows, found only where they stand
    as the subject of a clause, which is where an owner stands."""

    def __init__(self, data: LanguageData):
        spec = data["actors.json"]
        names = spec["subject_names"]
        self.not_names = frozenset(names["not_names"])
        self.not_name_words = frozenset(names["not_name_words"])
        self.surnames = frozenset(spec["person_surnames"])
        syllable = spec["vietnamese_syllable"]
        self.syllable_rx = regex.compile(
            rf"(?:{alternation(syllable['onsets'])})?[{syllable['vowels']}]{{1,3}}(?:{alternation(syllable['codas'])})?")
        token = r"\p{Lu}[\p{L}\p{M}\d&\-]*"
        self.name_run_rx = regex.compile(
            rf"(?<=^|[{regex.escape(_CLAUSE_OPENERS)}]\s*){_START}{token}(?:{_SP}{token}){{0,{names['max_words'] - 1}}}"
            rf"(?={_SP}\p{{Ll}})")

    def find(self, text: str, start: int, end: int) -> list[ActorMention]:
        """Names the gazetteer and the patterns do not know (Parkson, KNOC, PVOIL, Hòa Phát) that
        stand as the subject of a clause in text[start:end]: a run of capitalised words at the
        start of the sentence or of a clause, followed by a lower-case word. At the sentence start,
        where every first word is capitalised, the name must look like one by its form; elsewhere
        two Vietnamese words will do (Hòa Phát). Not titles, not persons (a surname first), nor
        runs that mix both kinds of word."""
        out = []
        sentence = text[start:end]        # searched alone: '^' is its start
        opening = len(sentence) - len(sentence.lstrip(" \"“”'(-"))   # what may stand before its first word
        for m in self._name_runs(sentence):
            words = m.group().split()
            if len(m.group()) < 3 or m.group() in self.not_names or words[0] in self.not_names:
                continue
            if words[0] in self.surnames and len(words) > 1:
                continue                                   # a person: Nguyễn Văn An
            by_form = [self._looks_like_name(w) for w in words]
            if any(by_form) and not all(by_form):
                continue      # 'AFP Việc Thượng', 'UB Thường': a credit or a name cut mid-word
            if any(w in self.not_name_words for w in words):
                continue      # a title or a capitalised function word: 'Phó Chủ tịch', 'Nhật Bắc Trước'
            at_sentence_start = m.start() <= opening
            if not by_form[0] and (at_sentence_start or len(words) < 2):
                continue
            out.append(ActorMention(start + m.start(), start + m.end(), m.group(), "name", "name"))
        return out

    def _name_runs(self, sentence: str):
        """The matches of ``name_run_rx`` in ``sentence``: only at its start when no character that
        opens a clause stands in it (the pattern's lookbehind), so the rest is not searched."""
        if any(map(sentence.__contains__, _CLAUSE_OPENERS)):
            return self.name_run_rx.finditer(sentence, None, None, NOT_OVERLAPPED, NOT_CONCURRENT)
        m = self.name_run_rx.match(sentence, None, None, NOT_CONCURRENT)
        return (m,) if m else ()

    def _looks_like_name(self, word: str) -> bool:
        """An acronym or a mixed-case word (KNOC, MobiFone), one with digits, or a word that is no
        Vietnamese syllable (Foxconn, Parkson)."""
        if sum(ch.isupper() for ch in word) >= 2 or any(ch.isdigit() for ch in word):
            return True
        bare = "".join(ch for ch in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(ch))
        return not self.syllable_rx.fullmatch(bare, None, None, NOT_CONCURRENT)
