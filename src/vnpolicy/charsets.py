"""Bytes to text: which encoding an article is in, decided from its bytes, never silently.

The order of the tests:

1. a byte-order mark (UTF-8, UTF-16) decides;
2. UTF-16 without a mark is recognised by its NUL bytes: one byte of every pair is NUL
   for the ASCII and Latin letters that make up most Vietnamese text;
3. bytes that are valid UTF-8 as a whole are UTF-8 (taken as they are: offsets index them);
4. bytes that are mostly valid UTF-8 (at least nine in ten of their non-ASCII sequences)
   are UTF-8 with a few bad bytes: those become U+FFFD and a warning names their offsets;
5. otherwise each legacy Vietnamese encoding is tried: Windows-1258, TCVN3 (ABC) and
   VNI-Windows. Their tell-tale bytes are the ones their table (``models/encodings/``)
   turns into Vietnamese letters; the one that turns the most high bytes into
   Vietnamese letters and leaves the fewest characters foreign to Vietnamese wins, and
   only if almost everything it gives is Vietnamese. The choice is reported as a warning.

``--encoding`` skips the guessing. A legacy decoding is brought to NFC (Windows-1258 writes
tone marks as combining characters); Unicode input is left as it is.
"""
from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass, field

SAMPLE_BYTES = 256 * 1024          # enough to tell encodings apart; the winner decodes the whole
MOSTLY_UTF8 = 0.9                  # share of valid non-ASCII sequences for "UTF-8 with bad bytes"
MAX_FOREIGN = 0.03                 # share of non-ASCII characters a legacy decoding may leave odd
SHOWN_OFFSETS = 5
LEGACY = ("cp1258", "tcvn3", "vni")
NAMES = {"cp1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)", "vni": "VNI-Windows", "utf-8": "UTF-8",
         "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "utf-16": "UTF-16"}
_ALIASES = {"windows-1258": "cp1258", "cp-1258": "cp1258", "1258": "cp1258", "tcvn": "tcvn3", "abc": "tcvn3",
            "tcvn-3": "tcvn3", "vni-windows": "vni", "vni-win": "vni", "utf8": "utf-8"}
# Punctuation a legacy document may carry besides letters (cp1252/1258 quotes, dashes, bullets).
# Not © ® § « »: those are the Windows-1258 reading of TCVN3's â, đ, Đ, ô.
_COMMON_PUNCTUATION = set("“”‘’–—…•°·±×÷€")


class DecodeError(ValueError):
    """Bytes that are no text in any encoding this module knows."""


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def canonical_encoding(name: str) -> str:
    """The codec ``--encoding NAME`` stands for; ``LookupError`` for an unknown name."""
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key in ("tcvn3", "vni"):
        return key
    return codecs.lookup(key).name


def decode(data: bytes, name: str = "input", encoding: str | None = None) -> Decoded:
    """The text of ``data``; ``DecodeError`` with a one-line reason if it is not text."""
    if encoding is not None:
        return _forced(data, canonical_encoding(encoding), name)
    if data.startswith(codecs.BOM_UTF8):
        return _declared_utf8(data, name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, name, checked=True)
    if b"\x00" in data:
        raise DecodeError(f"{name}: binary data (NUL bytes), not text")
    return _utf8(data, name)


def _strict(data: bytes, encoding: str, name: str, checked: bool = False) -> Decoded:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"{name}: invalid {NAMES.get(encoding, encoding)} ({exc.reason} at byte {exc.start})") from None
    if checked and _foreign_share(text[:SAMPLE_BYTES]) > MAX_FOREIGN:
        raise DecodeError(f"{name}: binary data (NUL bytes), not text")
    warnings = [f"{name}: no byte-order mark; read as {NAMES[encoding]} from its NUL bytes"] if checked else []
    return Decoded(text.lstrip("\ufeff"), encoding, warnings)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when one byte of (nearly) every pair is NUL."""
    sample = data[:SAMPLE_BYTES - SAMPLE_BYTES % 2]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.02:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.02:
        return "utf-16-be"
    return None


def _declared_utf8(data: bytes, name: str) -> Decoded:
    """UTF-8 behind its byte-order mark: never read as anything else."""
    body = data[3:]
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first = exc
    bad = [3 + o for o in _invalid_utf8_offsets(body)]
    valid = _valid_utf8_sequences(body)
    if valid and valid >= (valid + len(bad)) * MOSTLY_UTF8:
        return Decoded(body.decode("utf-8", errors="replace"), "utf-8", [_replacement_warning(name, bad)])
    raise DecodeError(f"{name}: invalid UTF-8 after its byte-order mark ({first.reason} at byte {3 + first.start})")


def _utf8(data: bytes, name: str) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    bad = _invalid_utf8_offsets(data)
    valid = _valid_utf8_sequences(data)
    if valid and valid >= (valid + len(bad)) * MOSTLY_UTF8:
        return _utf8_with_replacements(data, name, bad)
    legacy = _best_legacy(data)
    if legacy is not None:
        encoding = legacy
        text = legacy_decode(data, encoding)
        warning = (f"{name}: not UTF-8 (invalid at byte {bad[0]}); read as {NAMES[encoding]}, "
                   "whose letters its bytes match")
        return Decoded(text, encoding, [warning])
    if valid > len(bad):
        return _utf8_with_replacements(data, name, bad)
    raise DecodeError(f"{name}: not UTF-8 (invalid at byte {bad[0]}) and not Windows-1258, TCVN3 or VNI "
                      "text either; give --encoding if you know it")


def _utf8_with_replacements(data: bytes, name: str, bad: list[int]) -> Decoded:
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", [_replacement_warning(name, bad)])


def _replacement_warning(name: str, bad: list[int]) -> str:
    shown = ", ".join(str(o) for o in bad[:SHOWN_OFFSETS])
    more = f" and {len(bad) - SHOWN_OFFSETS} more" if len(bad) > SHOWN_OFFSETS else ""
    return (f"{name}: {len(bad)} invalid UTF-8 byte sequence{'s' if len(bad) != 1 else ''} "
            f"at byte {shown}{more} replaced by U+FFFD")


def _invalid_utf8_offsets(data: bytes) -> list[int]:
    offsets = []
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    pos = 0
    while pos < len(data):
        try:
            decoder.decode(data[pos:], final=True)
            break
        except UnicodeDecodeError as exc:
            offsets.append(pos + exc.start)
            pos += exc.end
            decoder.reset()
    return offsets


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _valid_utf8_sequences(data: bytes) -> int:
    return sum(1 for _ in _UTF8_SEQUENCE.finditer(data))


# --- legacy Vietnamese encodings ----------------------------------------------------

@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    """Legacy tables as latin-1 strings (one char per byte) -> Unicode, from models/encodings."""
    from .resources import load
    data = load(None)
    tcvn = {chr(int(k, 16)): v for k, v in data["encodings/tcvn3.json"]["bytes"].items()}
    vni = {bytes.fromhex(k).decode("latin-1"): v for k, v in data["encodings/vni.json"]["sequences"].items()}
    return {"tcvn3": tcvn, "vni": vni}


@functools.lru_cache(maxsize=1)
def vietnamese_letters() -> frozenset[str]:
    """Every letter of the Vietnamese alphabet beyond ASCII, both cases (from the TCVN3 table,
    which holds them all in one case or the other)."""
    letters = set()
    for text in _tables()["tcvn3"].values():
        for ch in unicodedata.normalize("NFC", text):
            if ch.isalpha():
                letters.update((ch, ch.lower(), ch.upper()))
    return frozenset(c for c in letters if len(c) == 1 and not c.isascii())


@functools.lru_cache(maxsize=2)
def _pattern(encoding: str) -> re.Pattern:
    keys = sorted(_tables()[encoding], key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


def legacy_decode(data: bytes, encoding: str) -> str:
    """``data`` read as cp1258, TCVN3 or VNI (NFC); bytes a table lacks read as Windows-1252."""
    if encoding == "cp1258":
        return _nfc(data.decode("cp1258", errors="replace"))
    table = _tables()[encoding]
    text = _pattern(encoding).sub(lambda m: table[m.group()], data.decode("latin-1"))
    return _nfc(_cp1252_rest(text))


def _cp1252_rest(text: str) -> str:
    """Latin-1 characters 80-9F left by a table are Windows-1252 punctuation (quotes, dashes)."""
    if not any("\x80" <= c <= "\x9f" for c in text):
        return text
    return "".join(c.encode("latin-1").decode("cp1252", errors="replace") if "\x80" <= c <= "\x9f" else c
                   for c in text)


def _foreign_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that Vietnamese text would not hold."""
    foreign, non_ascii = _foreign_count(text)
    return foreign / non_ascii if non_ascii else 0.0


def _foreign_count(text: str) -> tuple[int, int]:
    letters = vietnamese_letters()
    non_ascii = foreign = 0
    for ch in text:
        if ch.isascii():
            if ch < " " and ch not in "\t\n\r\f":
                foreign += 1
                non_ascii += 1
            continue
        non_ascii += 1
        if ch not in letters and ch not in _COMMON_PUNCTUATION and not ch.isspace():
            foreign += 1
    return foreign, non_ascii


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"[^\W\d_]+")


def _odd_syllables(text: str) -> int:
    """Words no Vietnamese spelling gives: two tone marks, or a capital after a small letter.
    A legacy text read in the wrong legacy encoding is full of them (được in VNI read as
    TCVN3 is 'ủửụùc')."""
    odd = 0
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        tones = sum(1 for ch in unicodedata.normalize("NFD", word) if ch in _TONES)
        if tones > 1 or any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
            odd += 1
    return odd


def _best_legacy(data: bytes) -> str | None:
    """The legacy encoding whose reading of ``data`` is Vietnamese, or None."""
    sample = data[:SAMPLE_BYTES]
    scored = []
    for rank, encoding in enumerate(LEGACY):
        text = legacy_decode(sample, encoding)
        foreign, non_ascii = _foreign_count(text)
        if not non_ascii:
            continue
        score = (foreign + _odd_syllables(text)) / non_ascii
        scored.append((score, rank, encoding))
    if not scored:
        return None
    score, _, encoding = min(scored)
    return encoding if score <= MAX_FOREIGN else None


def _forced(data: bytes, encoding: str, name: str) -> Decoded:
    if encoding in ("tcvn3", "vni", "cp1258"):
        return Decoded(legacy_decode(data, encoding), encoding)
    text = data.decode(encoding, errors="replace")
    warnings = []
    bad = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
    if bad:
        warnings.append(f"{name}: {bad} byte sequence{'s' if bad != 1 else ''} invalid in {encoding} "
                        "replaced by U+FFFD")
    return Decoded(text.lstrip("\ufeff"), encoding, warnings)


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
