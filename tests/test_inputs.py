"""Reading the caller's files: encodings, binary data, sizes, and the CLI's one-line errors."""
import codecs
import json
import subprocess
import sys

import pytest

from vnpolicy.inputs import InputError, decode, read_text

SENTENCE = "Tỉnh Quảng Ninh phấn đấu năm 2025 thu hút 2 tỷ USD."


@pytest.mark.parametrize("data", [
    SENTENCE.encode("utf-8"),
    codecs.BOM_UTF8 + SENTENCE.encode("utf-8"),
    SENTENCE.encode("utf-16"),                      # with BOM
    codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"),
], ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom"])
def test_unicode_encodings(data):
    assert decode(data) == SENTENCE


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has the base letters (â, ơ, đ) but writes tone marks as combining characters."""
    import unicodedata
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            head = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            tones = "".join(m for m in marks if m not in "\u0302\u0306\u031b")
            out += head.encode("cp1258") + tones.encode("cp1258")
    return out


def test_windows_1258():
    data = to_cp1258(SENTENCE)
    assert data != SENTENCE.encode("utf-8")
    assert decode(data) == SENTENCE


@pytest.mark.parametrize("data, message", [
    (b"\x00\x01\x02binary\x00", "binary"),
    (codecs.BOM_UTF8 + b"\xff\xfe\xfa", "invalid UTF-8"),
    (bytes(range(128, 256)) * 4, "not UTF-8"),
])
def test_refused_bytes(data, message):
    with pytest.raises(InputError, match=message):
        decode(data, "x.txt")


def test_missing_directory_and_too_big(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a directory"):
        read_text(str(tmp_path))
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2000)
    with pytest.raises(InputError, match="limit.*--max-bytes"):
        read_text(str(big), max_bytes=1000)


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "vnpolicy", *args], input=stdin, capture_output=True)


def test_cli_bad_files_give_one_line_and_exit_1(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    run = run_cli("extract", "--jsonl", str(tmp_path / "missing.txt"), str(binary), str(tmp_path), str(good))
    assert run.returncode == 1
    errors = run.stderr.decode().strip().splitlines()
    assert len(errors) == 3 and all(e.startswith("vnpolicy: ") for e in errors)
    assert b"Traceback" not in run.stderr
    documents = [json.loads(line) for line in run.stdout.decode().splitlines()]    # one per input
    assert [d["error"] is not None for d in documents] == [True, True, True, False]
    assert documents[3]["targets"][0]["amount"]["text"] == "2 tỷ"


def test_cli_empty_file_and_stdin(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    run = run_cli("extract", "--jsonl", str(empty))
    assert run.returncode == 0 and '"targets":[]' in run.stdout.decode()
    run = run_cli("extract", "--jsonl", "--published", "2021-05-01", "-", stdin=SENTENCE.encode("utf-8"))
    assert run.returncode == 0 and '"published":"2021-05-01"' in run.stdout.decode()


def test_cli_bad_published_date_is_a_usage_error(tmp_path):
    run = run_cli("extract", "--published", "yesterday", "-", stdin=b"x")
    assert run.returncode == 2 and b"Traceback" not in run.stderr


def test_cli_broken_model_dir(tmp_path):
    run = run_cli("extract", "--model", str(tmp_path), "-", stdin=b"x")
    assert run.returncode == 3
    assert b"meta.json" in run.stderr and b"Traceback" not in run.stderr
