"""Reading the caller's input: files and stdin as text, whatever encoding news comes in.

UTF-8 (with or without BOM) and UTF-16 with BOM are taken as they are; other bytes are
tried as Windows-1258, the legacy Vietnamese code page, and accepted only if the result
looks like Vietnamese text. Binary data is refused. Every refusal is an ``InputError``
with a one-line message.
"""
from __future__ import annotations

import codecs
import os
import sys
import unicodedata
from pathlib import Path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class InputError(Exception):
    """An input that cannot be read as article text (missing, binary, undecodable, too big)."""


def decode(data: bytes, name: str = "input") -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name)
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", name)
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                         "and not Windows-1258") from None
    if not _looks_like_text(text):
        raise InputError(f"{name}: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                         "and does not read as Windows-1258 text")
    return unicodedata.normalize("NFC", text)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: invalid {encoding.upper()} ({exc.reason} at byte {exc.start})") from None


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t\f")
    letters = sum(1 for c in text if c.isalpha())
    return controls <= len(text) * 0.01 and letters >= len(text) * 0.3


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of ``path`` (``-`` is stdin), or an ``InputError`` saying why not."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "stdin"
    else:
        p = Path(path)
        name = path
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        try:
            size = p.stat().st_size
            if size > max_bytes:
                raise InputError(_too_big(path, size, max_bytes))
            data = p.read_bytes()
        except PermissionError:
            raise InputError(f"{path}: permission denied") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise InputError(_too_big(name, len(data), max_bytes))
    return decode(data, name)


def _too_big(name: str, size: int, limit: int) -> str:
    return (f"{name}: {size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for one article; "
            f"raise it with --max-bytes or split the file (batch mode streams JSON Lines of any size)")


def max_bytes_from_env() -> int:
    value = os.environ.get("VNPOLICY_MAX_BYTES")
    return int(value) if value and value.isdigit() else DEFAULT_MAX_BYTES
