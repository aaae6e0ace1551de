"""Issue 9: input that used to stop a run or crash the library, and output that must stay
writable and strict whatever the input held.

Every sentence here was written for these tests.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import vnpolicy
from vnpolicy.cli import main
from vnpolicy.export import to_json
from vnpolicy.records import ExtractionResult
from vnpolicy.schema import validate

TARGET = "Năm 2025, tỉnh phấn đấu thu hút 2 tỷ USD vốn đầu tư."


def run(argv, capfd, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        import io
        import sys
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(stdin))))
    code = main(argv)
    out, err = capfd.readouterr()
    return code, out, err


# --- lone surrogates -------------------------------------------------------------------

def test_a_lone_surrogate_in_the_text_is_read_as_a_replacement_with_offsets_kept():
    text = TARGET[:-1] + " \ud800."
    result = vnpolicy.extract(text)
    doc = result.to_dict()
    encoded = to_json(doc).encode("utf-8")          # would raise on a surrogate
    assert json.loads(encoded)["targets"]
    assert any("lone surrogate" in w and f"offset {text.index(chr(0xd800))}" in w for w in doc["warnings"])
    for t in doc["targets"]:
        pieces = [t[key] for key in ("sentence", "amount", "unit", "deadline")] + (t["metric"] or {}).get("parts", [])
        for part in pieces:
            if part and part.get("start") is not None:
                assert len(part["text"]) == part["end"] - part["start"]
                assert text[part["start"]:part["end"]].replace("\ud800", "\ufffd") == part["text"]
    validate(doc)


def test_surrogates_in_id_and_fields_are_escaped_with_a_warning():
    result = ExtractionResult(id="a\udc00", extra={"title": "x\ud801y", "\ud802": [1, "\ud803"]})
    doc = json.loads(to_json(result.to_dict()).encode("utf-8"))
    assert doc["id"] == "a\\udc00"
    assert doc["title"] == "x\\ud801y"
    assert doc["\\ud802"] == [1, "\\ud803"]
    assert len(doc["warnings"]) == 4
    validate(doc)


def test_a_record_without_anything_to_change_has_no_warnings_key():
    assert "warnings" not in vnpolicy.extract(TARGET).to_dict()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_goes_past_a_lone_surrogate_record_and_resume_does_not_loop(tmp_path, capfd, workers):
    lines = ['{"id":"a","text":"%s"}' % TARGET,
             '{"id":"e\\ud800","text":"\\ud800 %s","src":"\\udfff"}' % TARGET,
             '{"id":"f","text":"x"}']
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run(["batch", str(source), "-o", str(out), "-w", workers], capfd)
    assert code == 0, err
    docs = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    assert [d["id"] for d in docs] == ["a", "e\\ud800", "f"]
    assert docs[1]["targets"] and docs[1]["src"] == "\\udfff" and docs[1]["warnings"]
    for d in docs:
        validate(d)
    # the output ends on the surrogate record: --resume must match it, not refuse or redo it
    out.write_text("\n".join(out.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    code, _, err = run(["batch", str(source), "-o", str(out), "-w", workers, "--resume"], capfd)
    assert code == 0, err
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "e\\ud800", "f"]


# --- strict JSON ------------------------------------------------------------------------

def test_non_finite_pass_through_numbers_become_null_with_a_warning():
    result = ExtractionResult(id="n", extra={"score": float("nan"), "deep": {"x": [float("-inf")]}})
    text = to_json(result.to_dict(), pretty=False)
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    assert doc["score"] is None and doc["deep"] == {"x": [None]}
    assert len(doc["warnings"]) == 2


def test_to_json_refuses_nan_that_escaped_sanitising():
    with pytest.raises(ValueError):
        to_json({"x": float("nan")})


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085"])
def test_unicode_line_breaks_are_escaped_in_json_lines(char):
    line = to_json({"id": f"a{char}b", "title": char}, pretty=False)
    assert char not in line
    assert len(line.splitlines()) == 1
    assert json.loads(line) == {"id": f"a{char}b", "title": char}


def test_a_huge_decimal_amount_is_still_a_finite_json_number():
    from decimal import Decimal
    from vnpolicy.records import json_number
    assert json_number(Decimal("1" + "0" * 400 + ".5")) == 10 ** 400


# --- library crashes found by fuzzing --------------------------------------------------

def test_a_digit_python_cannot_read_is_not_a_number():
    assert vnpolicy.extract("\U00010d40").targets == []
    assert vnpolicy.extract("Năm 2025 tỉnh phấn đấu thu hút \U00010d40 tỷ USD.").targets == []


def test_a_cue_matched_through_case_folding_is_looked_up_by_its_folded_form():
    from vnpolicy.resources import load
    from vnpolicy.triggers import TriggerFinder
    vnpolicy.extract("Năm 2025 công ty ſẽ đạt 5 tỷ đồng.")          # no KeyError
    cues = TriggerFinder(load()).cues("công ty ſẽ đạt 5 tỷ đồng")
    assert [(c.word, c.kind, c.weak) for c in cues] == [("sẽ", "target", True)]


def test_the_tagger_never_sees_a_lone_surrogate():
    from vnpolicy import tokens
    result = vnpolicy.extract("kỳ vọng 3 con\ud800")
    assert result.warnings
    assert [t.text for t in tokens.tag("kỳ vọng 3 con\ud800")][:3] == ["kỳ vọng", "3", "con"]


# --- bounded reading --------------------------------------------------------------------

def test_a_device_is_refused_in_one_line(capfd):
    code, out, err = run(["extract", "/dev/urandom"], capfd)
    assert code == 1 and "not a regular file" in err and len(err.strip().splitlines()) == 1


def test_an_extension_that_is_a_device_is_a_model_error(tmp_path, capfd):
    article = tmp_path / "a.txt"
    article.write_text(TARGET, encoding="utf-8")
    code, _, err = run(["extract", str(article), "--extend", "/dev/zero"], capfd)
    assert code == 3 and "not a regular file" in err and len(err.strip().splitlines()) == 1


def test_batch_skips_a_device_with_a_message(tmp_path, capfd):
    good = tmp_path / "a.txt"
    good.write_text(TARGET, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, _, err = run(["batch", "/dev/zero", str(good), "-o", str(out), "-q"], capfd)
    assert code == 1 and "/dev/zero" in err and "not a regular file" in err
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == [str(good)]


def gzip_bomb(path: Path, size: int) -> Path:
    import gzip
    with gzip.open(path, "wb") as f:
        block = b" " * (1 << 20)
        for _ in range(size >> 20):
            f.write(block)
    return path


@pytest.mark.parametrize("name", ["feed.rss.gz", "page.txt.gz"])
def test_gzip_inputs_are_limited_by_their_decompressed_size(tmp_path, capfd, name):
    bomb = gzip_bomb(tmp_path / name, 8 << 20)
    assert bomb.stat().st_size < 100_000
    out = tmp_path / "o.jsonl"
    code, _, err = run(["batch", str(bomb), "-o", str(out), "-q", "--max-bytes", str(1 << 20)], capfd)
    assert code == 1 and "Traceback" not in err
    [line] = out.read_text(encoding="utf-8").splitlines()
    assert "limit" in json.loads(line)["error"] and "decompressed" in json.loads(line)["error"]


def test_a_gzip_article_within_the_limit_is_read(tmp_path):
    import gzip
    from vnpolicy.inputs import read_text
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(TARGET.encode("utf-8")) + gzip.compress(b" 2"))     # two members
    assert read_text(str(path)) == TARGET + " 2"


def test_model_and_extension_files_have_a_size_cap(tmp_path, monkeypatch):
    from vnpolicy import resources
    from vnpolicy.extend import load_extension
    from vnpolicy.resources import ModelError
    ext = tmp_path / "big.json"
    ext.write_text(json.dumps({"counted_nouns.json": {"nouns": ["x" * 5000]}}), encoding="utf-8")
    monkeypatch.setattr(resources, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ModelError, match="too big"):
        load_extension(ext)


# --- model paths ---------------------------------------------------------------------------

def evil_model(tmp_path: Path, entry: str) -> Path:
    import shutil
    from vnpolicy.resources import default_model_dir
    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    meta["files"].append(entry)
    (model / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return model


@pytest.mark.parametrize("entry", ["../../../outside.json", "/tmp/outside.json", "gazetteer/../../x.json"])
def test_a_model_file_outside_its_directory_is_exit_3_naming_it(tmp_path, capfd, monkeypatch, entry):
    model = evil_model(tmp_path, entry)
    article = tmp_path / "a.txt"
    article.write_text(TARGET, encoding="utf-8")
    ext = tmp_path / "ext.json"
    ext.write_text(json.dumps({"counted_nouns.json": {"nouns": ["ghe bầu"]}}), encoding="utf-8")
    monkeypatch.setenv("VNPOLICY_CACHE", str(tmp_path / "cache" / "deep" / "er"))
    before = set(tmp_path.rglob("*"))
    for extra in ([], ["--extend", str(ext)]):
        code, _, err = run(["extract", str(article), "--model", str(model), *extra], capfd)
        assert code == 3 and repr(entry) in err and len(err.strip().splitlines()) == 1
    assert not [p for p in set(tmp_path.rglob("*")) - before if p.suffix == ".json"]


# --- decoding ------------------------------------------------------------------------------

# Written for these tests: three targets, capitals and every kind of diacritic.
ARTICLE = ("Năm 2025, tỉnh Bắc Giang phấn đấu thu hút ít nhất 1,2 tỷ USD vốn đầu tư nước ngoài.\n"
           "Ủy ban nhân dân tỉnh đặt mục tiêu tạo việc làm mới cho 30.000 lao động trong năm 2025.\n"
           "Đến năm 2030, tỉnh phấn đấu trồng mới 5.000 ha rừng, được Hội đồng thông qua.")


def targets_of(text: str) -> list[tuple]:
    return [(t.amount.text, int(t.amount.value), t.unit.code) for t in vnpolicy.extract(text).targets]


def to_cp1258(text: str) -> bytes:
    import unicodedata
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        marks = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tones))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def to_legacy(text: str, table: str) -> bytes:
    """Our own encoder: the inverse of the data table under models/encodings."""
    from vnpolicy.resources import load
    doc = load(None)[f"encodings/{table}.json"]
    pairs = doc["bytes"].items() if table == "tcvn3" else doc["sequences"].items()
    inverse: dict[str, bytes] = {}
    for key, char in sorted(pairs, key=lambda kv: len(kv[0])):
        raw = bytes.fromhex(key)
        if char not in inverse or (raw[-1] >= 0xE0) > (inverse[char][-1] >= 0xE0) == (len(raw) == 2):
            inverse.setdefault(char, raw)
    return b"".join(ch.encode("ascii") if ch.isascii() else inverse[ch] for ch in text)


def test_the_article_has_three_targets_in_unicode():
    assert len(targets_of(ARTICLE)) == 3


@pytest.mark.parametrize("encoding, encode", [
    ("cp1258", to_cp1258),
    ("tcvn3", lambda t: to_legacy(t, "tcvn3")),
    ("vni", lambda t: to_legacy(t, "vni")),
])
def test_legacy_vietnamese_encodings_are_recognised_and_converted(encoding, encode):
    from vnpolicy.inputs import decode_document
    data = encode(ARTICLE)
    assert data != ARTICLE.encode("utf-8")
    document = decode_document(data, "old.txt")
    assert document.encoding == encoding
    assert document.text == ARTICLE                       # the round trip is exact
    assert document.warnings and "old.txt" in document.warnings[0]
    assert targets_of(document.text) == targets_of(ARTICLE)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_recognised_by_its_nul_bytes(encoding):
    from vnpolicy.inputs import decode_document
    document = decode_document(ARTICLE.encode(encoding), "x.txt")
    assert document.text == ARTICLE and document.encoding == encoding and document.warnings


def test_a_few_bad_bytes_in_utf8_are_replaced_and_named_not_misread(tmp_path, capfd):
    data = ARTICLE.encode("utf-8")
    at = data.index("Ủy".encode("utf-8"))
    path = tmp_path / "bad.txt"
    path.write_bytes(data[:at] + b"\xff" + data[at:])       # one stray byte before a sentence
    code, out, err = run(["extract", str(path), "--format", "jsonl"], capfd)
    assert code == 0
    doc = json.loads(out)
    assert len(doc["targets"]) == 3
    assert any(f"at byte {at}" in w and "U+FFFD" in w for w in doc["warnings"])


def test_plain_utf8_has_no_warning():
    from vnpolicy.inputs import decode_document
    assert decode_document(ARTICLE.encode("utf-8")).warnings == []


def test_encoding_option_forces_the_encoding(tmp_path, capfd):
    path = tmp_path / "old.txt"
    path.write_bytes(to_legacy(ARTICLE, "vni"))
    code, out, _ = run(["extract", str(path), "--encoding", "vni", "--format", "jsonl"], capfd)
    assert code == 0 and len(json.loads(out)["targets"]) == 3 and "warnings" not in json.loads(out)
    code, out, _ = run(["extract", str(path), "--encoding", "utf-8", "--format", "jsonl"], capfd)
    assert code == 0 and json.loads(out)["warnings"]
    with pytest.raises(SystemExit):
        main(["extract", str(path), "--encoding", "no-such-codec"])


def test_batch_text_files_carry_their_decoding_warnings(tmp_path, capfd):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_bytes(to_legacy(ARTICLE, "tcvn3"))
    out = tmp_path / "o.jsonl"
    code, _, err = run(["batch", str(tmp_path / "docs"), "-o", str(out), "-q"], capfd)
    assert code == 0, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["targets"]) == 3 and "TCVN3" in doc["warnings"][0]


# --- spacing and graphemes -------------------------------------------------------------------

@pytest.mark.parametrize("spaces", ["  ", "\t", " \t  ", "\u00a0 "])
def test_runs_of_spaces_match_as_one_space_and_offsets_stay_true(spaces):
    single = "Năm 2025, công ty dự kiến đạt doanh thu 5 tỷ đồng."
    spaced = single.replace(" ", spaces)
    expected = [(t.rule, t.amount.value, t.unit.code) for t in vnpolicy.extract(single).targets]
    result = vnpolicy.extract(spaced)
    assert [(t.rule, t.amount.value, t.unit.code) for t in result.targets] == expected and expected
    for t in result.to_dict()["targets"]:
        for key in ("sentence", "actor", "metric", "amount", "unit", "deadline"):
            part = t[key]
            if part and part.get("start") is not None:
                assert spaced[part["start"]:part["end"]] == part["text"]


def test_the_normalised_text_maps_back_exactly():
    from vnpolicy.normalize import normalize
    original = "a  b\t\tc \u00a0 d"
    norm = normalize(original)
    assert norm.text == "a b c d"
    for i, word in enumerate("abcd"):
        at = norm.text.index(word)
        s, e = norm.span_to_original(at, at + 1)
        assert original[s:e] == word
    assert original[slice(*norm.span_to_original(0, len(norm.text)))] == original


def test_span_edges_snap_to_grapheme_boundaries():
    from vnpolicy.normalize import snap_to_graphemes
    text = "x\u0301y \u0301z"
    assert snap_to_graphemes(text, 1, 2) == (0, 2)       # a mark's letter comes with it
    assert snap_to_graphemes(text, 0, 1) == (0, 2)       # and a letter's marks with it
    assert snap_to_graphemes(text, 4, 6) == (5, 6)       # a stray mark after a space is left out


def test_no_reported_piece_starts_or_ends_on_a_combining_mark():
    import unicodedata
    # two tone marks on one vowel: NFC keeps the second as a combining mark
    text = "Năm 2025, tỉnh phấn đấu trồng me\u0302\u0300\u0301 5.000 ha rừng m\u0301ới."
    for t in vnpolicy.extract(text).to_dict()["targets"]:
        for key in ("sentence", "actor", "metric", "amount", "unit", "deadline"):
            part = t[key]
            if part and part.get("start") is not None:
                for edge in (part["start"], part["end"]):
                    assert edge == len(text) or not unicodedata.category(text[edge]).startswith("M")


# --- one-line CLI failures ------------------------------------------------------------------

def cli(*args, **kwargs):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "vnpolicy", *args], stderr=subprocess.PIPE, timeout=120, **kwargs)


COMMANDS = {
    "extract": ["extract", "{article}"],
    "show": ["show", "{article}", "--color", "never"],
    "schema": ["schema"],
    "eval": ["eval", "{gold}", "{gold}", "--errors"],
    "batch": ["batch", "{article}", "-q"],
}


@pytest.fixture
def cli_files(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "targets": []}) + "\n", encoding="utf-8")
    return {"article": str(article), "gold": str(gold)}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_full_disk_under_stdout_is_one_line(command, cli_files):
    args = [a.format(**cli_files) for a in COMMANDS[command]]
    with open("/dev/full", "w") as full:
        run_ = cli(*args, stdout=full)
    err = run_.stderr.decode()
    assert run_.returncode == 1, err
    assert err.strip().splitlines()[-1].startswith("vnpolicy: ") and "No space left" in err
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_closed_stdout_is_no_traceback(command, cli_files):
    import subprocess
    import sys
    args = [a.format(**cli_files) for a in COMMANDS[command]]
    proc = subprocess.Popen([sys.executable, "-m", "vnpolicy", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()                  # the reader is gone before anything is written
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err.decode() and "Exception ignored" not in err.decode()
    assert proc.returncode == 0, err.decode()


def _run_with_closed(fd: int, args: list[str], cwd: Path):
    """vnpolicy started without descriptor ``fd`` at all (the shell's ``>&-`` or ``<&-``)."""
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "vnpolicy", *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, preexec_fn=lambda: os.close(fd), timeout=120)


@pytest.mark.parametrize("command", ["extract", "show", "schema", "eval", "batch"])
def test_no_stdout_at_all_is_one_line_not_a_traceback(command, cli_files, tmp_path):
    args = [a.format(**cli_files) for a in COMMANDS[command]]
    proc = _run_with_closed(1, args, tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and "Bad file descriptor" in err


def test_without_stdout_a_command_that_writes_to_a_file_still_works(cli_files, tmp_path):
    out = tmp_path / "out.jsonl"
    proc = _run_with_closed(1, ["batch", cli_files["article"], "-o", str(out), "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert len(json.loads(out.read_text(encoding="utf-8"))["targets"]) == 3


@pytest.mark.parametrize("command", [["extract", "-"], ["batch", "-", "-q"]])
def test_no_stdin_at_all_is_an_error_not_a_traceback(command, tmp_path):
    proc = _run_with_closed(0, command, tmp_path)
    err, out = proc.stderr.decode(), proc.stdout.decode()
    assert proc.returncode == 1 and "Traceback" not in err + out, err
    record = json.loads(out) if command[0] == "extract" else json.loads(out.strip().splitlines()[-1])
    assert "Bad file descriptor" in record["error"]


def test_show_html_into_a_missing_folder_or_onto_a_directory_or_its_input(tmp_path, capfd, cli_files):
    article = cli_files["article"]
    for target in (tmp_path / "missing" / "x.html", tmp_path, Path(article)):
        code, _, err = run(["show", article, "--html", str(target)], capfd)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert Path(article).read_text(encoding="utf-8") == ARTICLE


def test_eval_on_a_binary_file_is_one_line(tmp_path, capfd):
    binary = tmp_path / "gold.jsonl"
    binary.write_bytes(bytes(range(128, 256)) * 8)
    code, _, err = run(["eval", str(binary), str(binary)], capfd)
    assert code == 1 and "not UTF-8" in err and len(err.strip().splitlines()) == 1


# --- safe output ------------------------------------------------------------------------------

def test_csv_cells_that_start_like_formulas_are_defused(tmp_path, capfd):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "=HYPERLINK(\"http://x\")", "url": "+cmd", "text": TARGET},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    import csv
    import io
    code, out, _ = run(["batch", str(src), "--format", "csv", "-q"], capfd)
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and row["source_id"] == "'=HYPERLINK(\"http://x\")" and row["source_url"] == "'+cmd"
    assert row["value"] == "2000000000"
    code, out, _ = run(["batch", str(src), "--format", "csv", "-q", "--csv-raw"], capfd)
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["source_id"] == "=HYPERLINK(\"http://x\")"


def test_extract_csv_defuses_a_file_name_that_starts_like_a_formula(tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("-x.txt").write_text(TARGET, encoding="utf-8")
    code, out, _ = run(["extract", "--format", "csv", "./-x.txt", "-"], capfd,
                       stdin=b"", monkeypatch=monkeypatch)
    assert code == 0 and "\n./-x.txt," in out


def test_defuse_cell_leaves_numbers_and_plain_text():
    from vnpolicy.export import defuse_cell
    assert defuse_cell(-5) == -5
    assert defuse_cell("@x") == "'@x" and defuse_cell("\tx") == "'\tx" and defuse_cell("\rx") == "'\rx"
    assert defuse_cell("Bắc Ninh") == "Bắc Ninh"


def test_show_strips_terminal_escape_sequences(tmp_path, capfd):
    article = tmp_path / "a.txt"
    article.write_text("\x1b]0;pwned\x07Năm 2025, tỉnh phấn đấu thu hút 2 tỷ \x1b[31mUSD\x1b[0m vốn đầu tư.\x9b2J",
                       encoding="utf-8")
    code, out, _ = run(["show", str(article), "--color", "never"], capfd)
    assert code == 0 and "2 tỷ" in out
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out and "pwned" not in out


def test_printable_keeps_words_and_line_breaks():
    from vnpolicy.show import printable
    assert printable("Hà Nội\n\tđạt\u200b 5%\u202e") == "Hà Nội\n đạt 5%"


# --- small ones ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["-1", "0", "abc", "1e6"])
def test_max_bytes_must_be_a_positive_byte_count(capfd, value):
    with pytest.raises(SystemExit) as exc:
        main(["extract", "-", "--max-bytes", value])
    assert exc.value.code == 2


def test_a_bad_max_bytes_variable_is_an_error(capfd, monkeypatch):
    monkeypatch.setenv("VNPOLICY_MAX_BYTES", "abc")
    code, _, err = run(["extract", "-"], capfd)
    assert code == 2 and "VNPOLICY_MAX_BYTES" in err


@pytest.mark.parametrize("value", ["2025-01-15junk", "2025-01-15T", "2025-1-15", "15/01/2025"])
def test_published_dates_with_junk_are_rejected(value):
    with pytest.raises(ValueError):
        vnpolicy.parse_published(value)
    with pytest.raises(SystemExit):
        main(["extract", "-", "--published", value])


@pytest.mark.parametrize("value", ["2025-01-15", "2025-01-15T08:30:00+07:00", "2025-01-15 08:30", "2025-01-15T08:30Z"])
def test_published_dates_with_a_time_of_day_are_accepted(value):
    assert str(vnpolicy.parse_published(value)) == "2025-01-15"


def test_the_limit_message_says_20_mb_as_the_readme_does(tmp_path):
    from vnpolicy.inputs import DEFAULT_MAX_BYTES, InputError, read_text
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (DEFAULT_MAX_BYTES + 1))
    with pytest.raises(InputError, match=r"over the 20 MB limit") as exc:
        read_text(str(big))
    assert str(DEFAULT_MAX_BYTES + 1) in str(exc.value)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "20 MB" in readme


def test_json_nested_too_deeply_is_an_error_line_with_its_place(tmp_path, capfd):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id":"d","text":"x","a":' + "[" * 100_000 + "]" * 100_000 + "}\n"
                   + json.dumps({"id": "ok", "text": TARGET}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, _, err = run(["batch", str(src), "-o", str(out), "-w", "1", "-q"], capfd)
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert code == 1 and "Traceback" not in err
    assert docs[0]["line"] == 1 and "nested too deeply" in docs[0]["error"]
    assert docs[1]["id"] == "ok" and docs[1]["targets"]
