"""spaCy integration: two tokenizers that keep the text, and the "vnpolicy" pipeline component.

    import spacy
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "vnpolicy.SyllableTokenizer.v1"}}})
    nlp.add_pipe("vnpolicy")
    doc = nlp("Năm 2021, tỉnh Quảng Ninh phấn đấu thu hút 2 tỷ USD.")
    doc._.targets                     # [Target(...)], as Extractor.extract returns them
    doc._.vnpolicy_data               # the same as JSON-ready dicts (what the Doc stores)
    doc.spans["vnpolicy"]             # ACTOR / METRIC / AMOUNT / UNIT / DEADLINE spans
    for doc, ctx in nlp.pipe([(text, {"published": "2021-03-01"})], as_tuples=True): ...

The tokenizers: ``vnpolicy.SyllableTokenizer.v1`` (the default of ``make_nlp``) splits
into syllables, numbers and punctuation with one regular expression, no statistical
model, at thousands of documents a second; ``vnpolicy.UnderTheSeaTokenizer.v1`` joins
syllables into words with underthesea's word segmentation (Quảng Ninh, phấn đấu), about
15 documents a second. The component reads ``doc.text`` only, so its targets are the same
after either. ``make_nlp()`` builds the pipeline in one call. The names are registered
through entry points (``spacy_factories`` and ``spacy_tokenizers``), so spaCy finds them
after ``pip install vnpolicy`` without an import.

The component works on any Doc whatever its tokenizer, because it reads ``doc.text`` and
maps character offsets to tokens with ``alignment_mode="expand"``. The publication date
that relative deadlines resolve against is ``doc._.published`` if set, else the
``published`` of the context given with ``nlp.pipe(..., as_tuples=True)`` (which is then
stored in ``doc._.published``), else the component's ``published`` setting. ``nlp.to_disk`` stores the component's settings and,
when it uses custom language data (``model`` or ``extend``), a copy of that data, so that
``spacy.load`` restores the same extractor anywhere.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, List, Optional

import regex
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import DummyTokenizer, registry
from spacy.vocab import Vocab

from . import tokens
from .normalize import normalize
from .records import Actor, Amount, Deadline, Metric, Target, Unit
from .records import Span as Span_
from .show import LABELS, target_pieces

TOKENIZER_NAME = "vnpolicy.UnderTheSeaTokenizer.v1"
SYLLABLE_TOKENIZER_NAME = "vnpolicy.SyllableTokenizer.v1"
TOKENIZERS = {"syllables": SYLLABLE_TOKENIZER_NAME, "underthesea": TOKENIZER_NAME}
FACTORY_NAME = "vnpolicy"
DEFAULT_SPAN_KEY = "vnpolicy"

_WORD = regex.compile(r"\S+")
_ODD_SPACE = regex.compile(r"[^\S ]| {2,}")      # any whitespace but a single plain space
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
# A number with its separators (4.800, 1,5, 1.000.000,5), a run of letters, marks and digits
# (a syllable: Quảng, 5G), or any other visible character on its own (punctuation, symbols).
_SYLLABLE = r"\d+(?:[.,]\d+)+(?![\p{L}\p{M}])|[\p{L}\p{M}\p{N}_]+|[^\s]"
# spaCy's (word, trailing space) pairs in one C-level scan: a syllable takes one plain space
# after it as its trailing space, and any other run of whitespace is a token of its own,
# exactly as words_and_spaces() does for other spans.
_SYLLABLE_PIECE = regex.compile(rf"({_SYLLABLE}|\s+)( ?)")


# --- tokenizer ---------------------------------------------------------------------------

def _segment(text: str) -> list[str]:
    from underthesea import word_tokenize  # heavy: imported on first use only
    return word_tokenize(text)


def word_spans(text: str, segment: bool = True) -> list[tuple[int, int]]:
    """Character spans of the words of ``text``: underthesea's segmentation (which joins
    syllables into words: 'Quảng Ninh') realigned to ``text``; whatever it rewrote or
    skipped falls back to whitespace-separated pieces. Spans never overlap and never hold
    whitespace other than single spaces between the syllables of one word."""
    spans: list[tuple[int, int]] = []
    if segment and text.strip():
        norm = normalize(text)               # same matching form as the extractor; offsets map back
        if norm.text.strip():
            # underthesea cannot encode lone surrogates; a same-length stand-in keeps offsets
            probe = _SURROGATE.sub("\ufffd", norm.text)
            aligned = tokens.align(probe, [(w, "") for w in _segment(probe)])
            end = 0
            for t in aligned:
                s, e = norm.span_to_original(t.start, t.end)
                if s < end or e <= s:
                    continue
                piece = text[s:e]
                if piece != piece.strip() or _ODD_SPACE.search(piece):
                    for m in _WORD.finditer(piece):
                        spans.append((s + m.start(), s + m.end()))
                else:
                    spans.append((s, e))
                end = e
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in spans + [(len(text), len(text))]:
        for m in _WORD.finditer(text, pos, s):          # gaps: what alignment left over
            out.append((m.start(), m.end()))
        if e > s:
            out.append((s, e))
        pos = e
    return out


def words_and_spaces(text: str, spans: Iterable[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy's ``words``/``spaces`` for ``spans`` of ``text``: a single space after a word
    becomes its trailing space, any other whitespace a token of its own."""
    words: list[str] = []
    spaces: list[bool] = []

    def gap(chunk: str) -> None:
        if not chunk:
            return
        if words and not spaces[-1] and not words[-1].isspace() and chunk[0] == " ":
            spaces[-1] = True
            chunk = chunk[1:]
        if chunk:
            words.append(chunk)
            spaces.append(False)

    pos = 0
    for s, e in spans:
        gap(text[pos:s])
        words.append(text[s:e])
        spaces.append(False)
        pos = e
    gap(text[pos:])
    return words, spaces


def _refuse_surrogates(text: str) -> None:
    bad = _SURROGATE.search(text)
    if bad:
        raise ValueError(f"text holds a lone surrogate (U+{ord(bad.group()):04X}) at offset {bad.start()}: "
                         "not valid Unicode, and spaCy cannot store it; decode the source correctly first")


def syllable_pieces(text: str) -> tuple[list[str], list[bool]]:
    """spaCy's ``words``/``spaces`` for the syllables, numbers and punctuation marks of ``text``."""
    pieces = _SYLLABLE_PIECE.findall(text)
    return [word for word, _ in pieces], [space == " " for _, space in pieces]


class SyllableTokenizer(DummyTokenizer):
    """Syllables, numbers and punctuation, by one regular expression: no model to load, and
    ``doc.text`` is always the input text. Whitespace other than a single space after a
    token becomes a token of its own, as in spaCy's other tokenizers."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __reduce__(self):
        return SyllableTokenizer, (self.vocab,)

    def __call__(self, text: str) -> Doc:
        _refuse_surrogates(text)
        words, spaces = syllable_pieces(text)
        return Doc(self.vocab, words=words, spaces=spaces)


@registry.tokenizers(SYLLABLE_TOKENIZER_NAME)
def create_syllable_tokenizer():
    def make(nlp: Language) -> SyllableTokenizer:
        return SyllableTokenizer(nlp.vocab)
    return make


class UnderTheSeaTokenizer(DummyTokenizer):
    """Vietnamese word tokens from underthesea; ``doc.text`` is always the input text."""

    def __init__(self, vocab: Vocab, segment: bool = True):
        self.vocab = vocab
        self.segment = segment

    def __reduce__(self):
        return UnderTheSeaTokenizer, (self.vocab, self.segment)

    def __call__(self, text: str) -> Doc:
        _refuse_surrogates(text)
        words, spaces = words_and_spaces(text, word_spans(text, self.segment))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        assert doc.text == text, "tokenizer changed the text"
        return doc

    def to_bytes(self, **kwargs) -> bytes:
        return json.dumps({"segment": self.segment}).encode()

    def from_bytes(self, data: bytes, **kwargs) -> "UnderTheSeaTokenizer":
        if data:
            self.segment = bool(json.loads(data).get("segment", True))
        return self

    def to_disk(self, path, **kwargs) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_bytes(self.to_bytes())

    def from_disk(self, path, **kwargs) -> "UnderTheSeaTokenizer":
        cfg = Path(path) / "cfg.json"
        if cfg.is_file():
            self.from_bytes(cfg.read_bytes())
        return self


@registry.tokenizers(TOKENIZER_NAME)
def create_tokenizer(segment: bool = True):
    """``segment = false`` splits on whitespace only (no underthesea)."""
    def make(nlp: Language) -> UnderTheSeaTokenizer:
        return UnderTheSeaTokenizer(nlp.vocab, segment)
    return make


# --- component ---------------------------------------------------------------------------

DATA_ATTR = "vnpolicy_data"
_MSGPACK_INT = 2 ** 63


def _install_extensions() -> None:
    # The targets are stored as JSON-like data (doc._.vnpolicy_data) so that doc.to_bytes,
    # DocBin and nlp.pipe(n_process=...) can serialise the Doc; doc._.targets rebuilds the
    # typed records from it on access.
    if not Doc.has_extension(DATA_ATTR):
        Doc.set_extension(DATA_ATTR, default=None)
    if not Doc.has_extension("targets"):
        Doc.set_extension("targets", getter=_doc_targets)
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)
    if not Span.has_extension("vnpolicy_targets"):
        Span.set_extension("vnpolicy_targets", getter=_span_targets)


def _storable(value: Any) -> Any:
    """``Target.to_dict()`` output made msgpack-safe: integers beyond 64 bits become strings."""
    if isinstance(value, dict):
        return {k: _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -_MSGPACK_INT <= value < _MSGPACK_INT:
        return str(value)
    return value


def target_from_dict(data: dict) -> Target:
    """A typed ``Target`` again from its ``to_dict()`` form (exact values come back as Decimal)."""
    def build(cls, part):
        if part is None:
            return None
        kwargs = {f.name: part[f.name] for f in dataclasses.fields(cls) if f.name in part}
        if cls is Metric:
            return Metric([Span_(**piece) for piece in part["parts"]])
        if cls is Amount:
            for key in ("value", "value_max"):
                if kwargs.get(key) is not None:
                    kwargs[key] = Decimal(str(kwargs[key]))
        return cls(**kwargs)
    parts = {"sentence": Span_, "actor": Actor, "metric": Metric, "amount": Amount, "unit": Unit, "deadline": Deadline}
    kwargs = {f.name: data[f.name] for f in dataclasses.fields(Target) if f.name in data}
    for key, cls in parts.items():
        kwargs[key] = build(cls, data.get(key))
    return Target(**kwargs)


def _doc_targets(doc: Doc) -> Optional[list]:
    data = doc._.get(DATA_ATTR)
    return None if data is None else [target_from_dict(d) for d in data]


def _span_targets(span: Span) -> list[int]:
    """Indices into ``doc._.targets`` of the targets that this span is a piece of."""
    out = []
    for i, t in enumerate(span.doc._.get(DATA_ATTR) or []):
        for p in target_pieces(t):
            if p.label != span.label_ or not (span.start_char <= p.start and p.end <= span.end_char):
                continue
            covered = span.doc.char_span(p.start, p.end, alignment_mode="expand")
            if covered is not None and (covered.start, covered.end) == (span.start, span.end):
                out.append(i)
                break
    return out


def _context_published(doc: Doc) -> Optional[str]:
    """The ``published`` of the context that ``nlp.pipe(..., as_tuples=True)`` attaches to a
    Doc while it runs through the pipeline (spaCy keeps it in ``doc._context``), as ISO text."""
    context = getattr(doc, "_context", None)
    value = context.get("published") if isinstance(context, dict) else None
    if value is None or value == "":
        return None
    from .pipeline import parse_published
    date = parse_published(value)        # a bad date fails here, as it would in extract()
    return date.isoformat() if date else None


class VnpolicyComponent:
    """Sets ``doc._.targets`` and ``doc.spans[span_key]`` from vnpolicy's extractor."""

    def __init__(self, nlp: Language, name: str = FACTORY_NAME, model: Optional[str] = None,
                 extend: Optional[List[str]] = None, span_key: str = DEFAULT_SPAN_KEY,
                 published: Optional[str] = None, use_pos: bool = True):
        _install_extensions()
        self.name = name
        self.model = model
        self.extend = list(extend or [])
        self.span_key = span_key
        self.published = published
        self.use_pos = use_pos
        self._stored_model: Optional[Path] = None     # language data restored by from_disk/from_bytes
        self._extractor = None

    # The extractor is built on first use, so that a pipeline whose configured paths exist
    # only on another machine can still be loaded: from_disk replaces them first.
    def model_dir(self) -> Optional[str]:
        if self._stored_model is not None:
            return str(self._stored_model)
        from .extend import resolve_model_dir
        return resolve_model_dir(self.model, self.extend)

    @property
    def extractor(self):
        if self._extractor is None:
            from .pipeline import Extractor
            self._extractor = Extractor(self.model_dir(), use_pos=self.use_pos)
        return self._extractor

    @property
    def labels(self) -> tuple[str, ...]:
        return LABELS

    def __call__(self, doc: Doc) -> Doc:
        if doc._.published is None:
            doc._.published = _context_published(doc)
        published = doc._.published or self.published
        result = self.extractor.extract(doc.text, published)
        data = [_storable(t.to_dict()) for t in result.targets]
        doc._.set(DATA_ATTR, data)
        spans, seen = [], set()
        for t in data:
            for p in target_pieces(t):
                span = doc.char_span(p.start, p.end, label=p.label, alignment_mode="expand")
                if span is None or (span.start, span.end, p.label) in seen:
                    continue
                seen.add((span.start, span.end, p.label))
                spans.append(span)
        spans.sort(key=lambda s: (s.start, s.end, LABELS.index(s.label_)))
        doc.spans[self.span_key] = spans
        return doc

    # --- serialisation -----------------------------------------------------------------

    def _custom(self) -> bool:
        return self._stored_model is not None or self.model is not None or bool(self.extend)

    def _cfg(self) -> dict[str, Any]:
        return {"span_key": self.span_key, "published": self.published, "use_pos": self.use_pos,
                "model_version": self.extractor.data.version if self._custom() else None,
                "has_model": self._custom()}

    def _apply_cfg(self, cfg: dict[str, Any]) -> None:
        self.span_key = cfg.get("span_key", self.span_key)
        self.published = cfg.get("published", self.published)
        self.use_pos = cfg.get("use_pos", self.use_pos)
        self._extractor = None

    def to_disk(self, path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_text(json.dumps(self._cfg(), ensure_ascii=False, indent=1), encoding="utf-8")
        if self._custom() and "model" not in exclude:
            source = Path(self.model_dir())
            if (path / "model").exists():
                shutil.rmtree(path / "model")
            shutil.copytree(source, path / "model")

    def from_disk(self, path, exclude: Iterable[str] = ()) -> "VnpolicyComponent":
        path = Path(path)
        cfg_path = path / "cfg.json"
        if cfg_path.is_file():
            self._apply_cfg(json.loads(cfg_path.read_text(encoding="utf-8")))
        if (path / "model" / "meta.json").is_file() and "model" not in exclude:
            self._stored_model = path / "model"
            self._extractor = None
        return self

    def to_bytes(self, exclude: Iterable[str] = ()) -> bytes:
        import srsly
        files = {}
        if self._custom() and "model" not in exclude:
            root = Path(self.model_dir())
            files = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
                     for p in sorted(root.rglob("*.json"))}
        return srsly.msgpack_dumps({"cfg": self._cfg(), "model": files})

    def from_bytes(self, data: bytes, exclude: Iterable[str] = ()) -> "VnpolicyComponent":
        import srsly
        from .extend import cache_root
        msg = srsly.msgpack_loads(data)
        self._apply_cfg(msg.get("cfg", {}))
        files = msg.get("model") or {}
        if files and "model" not in exclude:
            digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode("utf-8")).hexdigest()[:20]
            target = cache_root() / f"bytes-{digest}"
            if not (target / "meta.json").is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                work = Path(tempfile.mkdtemp(prefix=".bytes-", dir=target.parent))
                try:
                    for rel, content in files.items():
                        out = work / rel
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_text(content, encoding="utf-8")
                    try:
                        work.rename(target)          # atomic; a concurrent loader may have won
                    except OSError:
                        if not (target / "meta.json").is_file():
                            raise
                finally:
                    shutil.rmtree(work, ignore_errors=True)
            self._stored_model = target
        return self


@Language.factory(FACTORY_NAME, default_config={"model": None, "extend": [], "span_key": DEFAULT_SPAN_KEY,
                                                "published": None, "use_pos": True})
def make_component(nlp: Language, name: str, model: Optional[str], extend: List[str], span_key: str,
                   published: Optional[str], use_pos: bool) -> VnpolicyComponent:
    return VnpolicyComponent(nlp, name, model=model, extend=extend, span_key=span_key, published=published,
                             use_pos=use_pos)


def make_nlp(model: Optional[str] = None, extend: Optional[List[str]] = None, published: Optional[str] = None,
             tokenizer: str = "syllables", segment: bool = True, **component_config: Any) -> Language:
    """A blank Vietnamese pipeline with the vnpolicy component, after the fast syllable
    tokenizer (``tokenizer="syllables"``, the default) or underthesea's word segmentation
    (``tokenizer="underthesea"``; ``segment=False`` makes it split on whitespace only)."""
    import spacy
    if tokenizer not in TOKENIZERS:
        raise ValueError(f"unknown tokenizer {tokenizer!r}; choose one of {', '.join(TOKENIZERS)}")
    config: dict[str, Any] = {"@tokenizers": TOKENIZERS[tokenizer]}
    if tokenizer == "underthesea":
        config["segment"] = segment
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": config}})
    nlp.add_pipe(FACTORY_NAME, config={"model": model, "extend": list(extend or []), "published": published,
                                       **component_config})
    return nlp
