"""Issue 9: input that used to stop a run or crash the library, and output that must stay
writable and strict whatever the input held.

Every sentence here was written for these tests.
"""
from __future__ import annotations

import json
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
        for key in ("sentence", "amount", "unit", "metric", "deadline"):
            part = t[key]
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
    result = vnpolicy.extract("Năm 2025 công ty ſẽ đạt 5 tỷ đồng.")
    assert [(t.rule, int(t.amount.value)) for t in result.targets] == [("weak_cue:sẽ", 5_000_000_000)]


def test_the_tagger_never_sees_a_lone_surrogate():
    from vnpolicy import tokens
    result = vnpolicy.extract("kỳ vọng 3 con\ud800")
    assert result.warnings
    assert [t.text for t in tokens.tag("kỳ vọng 3 con\ud800")][:3] == ["kỳ vọng", "3", "con"]
