"""Reading the caller's input: files and stdin as text, whatever encoding news comes in.

Only regular files and stdin are read, and never more than the limit (``--max-bytes``):
the limit is applied while reading, and to the decompressed size of gzip data, so a
device (``/dev/zero``), a pipe that never ends or a small gzip bomb costs no memory.
Which encoding the bytes are in is ``charsets.decode``'s job; every choice it makes
beyond plain UTF-8 comes back as a warning. Every refusal is an ``InputError`` with a
one-line message.
"""
from __future__ import annotations

import os
import stat
import sys
import zlib
from typing import IO

from .charsets import Decoded, DecodeError, decode as decode_bytes

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


class InputError(Exception):
    """An input that cannot be read as article text (missing, binary, undecodable, too big)."""


def megabytes(size: int) -> str:
    """Sizes as the README states them: 20 MB is 20 * 2**20 bytes."""
    value = size / (1 << 20)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def size_over(size: int | None, limit: int) -> str:
    """How a size over ``limit`` is told: in MB, or in bytes where MB would hide the difference."""
    if size is None:
        return f"more than {megabytes(limit)}"
    if f"{size / (1 << 20):.1f}" == f"{limit / (1 << 20):.1f}":
        return f"{size} bytes"
    return f"{size / (1 << 20):.1f} MB"


def too_big(name: str, size: int | None, limit: int, what: str = "one article") -> str:
    amount = size_over(size, limit)
    return (f"{name}: {amount} is over the {megabytes(limit)} limit for {what}; "
            "raise it with --max-bytes or split the file (batch mode streams JSON Lines of any size)")


def decode(data: bytes, name: str = "input", encoding: str | None = None) -> str:
    """The text of ``data`` (see ``decode_document``)."""
    return decode_document(data, name, encoding).text


def decode_document(data: bytes, name: str = "input", encoding: str | None = None) -> Decoded:
    """The text of ``data`` with the encoding chosen and any warnings; ``InputError`` if not text."""
    try:
        return decode_bytes(data, name, encoding)
    except DecodeError as exc:
        raise InputError(str(exc)) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None


def open_regular(path: str) -> IO[bytes]:
    """``path`` opened for reading if it is a regular file; ``InputError`` saying why not."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    mode = os.fstat(f.fileno()).st_mode
    if not stat.S_ISREG(mode):
        f.close()
        kind = "a directory" if stat.S_ISDIR(mode) else "a device, pipe or socket"
        raise InputError(f"{path}: is {kind}, not a regular file")
    return f


def read_limited(stream: IO[bytes], limit: int, name: str, what: str = "one article") -> bytes:
    """At most ``limit`` bytes of ``stream``, decompressed if it is gzip; ``InputError`` past that."""
    try:
        head = stream.read(2)
        if head.startswith(GZIP_MAGIC):
            return gunzip_limited(_chunks(stream, head), limit, name, what)
        data = bytearray(head)
        for block in _chunks(stream, b""):      # in blocks: read(limit) would reserve the limit at once
            data += block
            if len(data) > limit:
                raise InputError(too_big(name, None, limit, what))
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    return bytes(data)


def _chunks(stream: IO[bytes], first: bytes):
    if first:
        yield first
    while True:
        block = stream.read(_CHUNK)
        if not block:
            return
        yield block


def gunzip_limited(chunks, limit: int, name: str, what: str = "one article") -> bytes:
    """The decompressed bytes of gzip data (all its members), refused past ``limit`` bytes."""
    out = bytearray()
    decompressor = zlib.decompressobj(wbits=31)
    try:
        for chunk in chunks:
            while chunk:
                out += decompressor.decompress(chunk, limit + 1 - len(out))
                if len(out) > limit:
                    raise InputError(too_big(f"{name} (decompressed)", None, limit, what))
                if decompressor.unconsumed_tail:
                    chunk = decompressor.unconsumed_tail
                elif decompressor.eof and decompressor.unused_data:
                    chunk = decompressor.unused_data           # the next gzip member
                    decompressor = zlib.decompressobj(wbits=31)
                else:
                    chunk = b""
    except zlib.error as exc:
        raise InputError(f"{name}: corrupt gzip data ({exc})") from None
    if not decompressor.eof:
        raise InputError(f"{name}: truncated gzip data")
    return bytes(out)


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of ``path`` (``-`` is stdin), decompressed if gzip, at most ``max_bytes``."""
    if path == "-":
        return read_limited(sys.stdin.buffer, max_bytes, "stdin")
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(2)
        f.seek(0)
        if head.startswith(GZIP_MAGIC):
            return read_limited(f, max_bytes, path)
        if size > max_bytes:
            raise InputError(too_big(path, size, max_bytes))
        try:
            data = f.read(size + 1)              # one allocation of the file's size
            if len(data) > size:                 # it grew since: the rest in bounded blocks
                grown = bytearray(data)
                for block in _chunks(f, b""):
                    grown += block
                    if len(grown) > max_bytes:
                        raise InputError(too_big(path, None, max_bytes))
                data = bytes(grown)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
        if len(data) > max_bytes:
            raise InputError(too_big(path, None, max_bytes))
        return data


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> Decoded:
    """The text of ``path`` (``-`` is stdin) with its encoding and warnings, or an ``InputError``."""
    name = "stdin" if path == "-" else path
    return decode_document(read_bytes(path, max_bytes), name, encoding)


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> str:
    """The text of ``path`` (``-`` is stdin), or an ``InputError`` saying why not."""
    return read_document(path, max_bytes, encoding).text


def parse_max_bytes(value: str) -> int:
    """A byte limit as given on the command line or in VNPOLICY_MAX_BYTES: a positive integer."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"{value!r} is not a positive number of bytes")
    return int(text)


def max_bytes_from_env() -> int:
    """VNPOLICY_MAX_BYTES, else the default; ``ValueError`` if the variable is not a byte count."""
    value = os.environ.get("VNPOLICY_MAX_BYTES")
    if value is None or value == "":
        return DEFAULT_MAX_BYTES
    try:
        return parse_max_bytes(value)
    except ValueError as exc:
        raise ValueError(f"VNPOLICY_MAX_BYTES: {exc}") from None
