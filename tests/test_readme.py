"""The README tests itself: every command shown after `$` and every Python example with an
*Output:* block is run, and what it prints must be what the README shows; every benchmark
figure it quotes must be the one in bench/results.json. `python tools/readme_examples.py
--update` rewrites them from real runs when the output changes on purpose."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("readme_examples", ROOT / "tools" / "readme_examples.py")
readme_examples = sys.modules["readme_examples"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_examples)

README_TEXT = readme_examples.README.read_text(encoding="utf-8")
EXAMPLES = readme_examples.parse(README_TEXT).examples
SOURCES = readme_examples.figure_sources()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return readme_examples.sandbox(tmp_path_factory.mktemp("readme"))


def test_the_readme_has_examples_of_each_kind():
    kinds = [e.kind for e in EXAMPLES]
    assert kinds.count("shell") >= 8 and kinds.count("python") >= 3
    assert any("vnpolicy extract" in e.code for e in EXAMPLES)
    assert all(e.expected for e in EXAMPLES), "an example without its output"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_prints_what_the_readme_shows(example, workdir):
    if example.needs_shared() and not readme_examples.SHARED.is_dir():
        pytest.skip("../shared is not present")
    example.actual = readme_examples.run(example, workdir)
    assert readme_examples.same(example), (
        f"README line {example.line} shows other output than the command prints "
        f"(python tools/readme_examples.py --update rewrites it):\n{readme_examples.diff(example)}")


def test_quoted_figures_are_those_of_bench_results_and_of_the_model():
    figures = readme_examples.bench_figures(README_TEXT, SOURCES)
    assert sum(key.startswith("bench:") for key, _, _ in figures) >= 10
    assert sum(key.startswith("cv:") for key, _, _ in figures) >= 8
    wrong = [(key, shown, expected) for key, shown, expected in figures if shown != expected]
    assert not wrong, f"README figures differ from bench/results.json or models/decision.json: {wrong}"


def test_the_comparison_catches_a_difference():
    example = readme_examples.Example("shell", 1, "echo", ["vnpolicy: 2 records, 5 targets, 0 errors, 0.9 s"])
    example.actual = ["vnpolicy: 2 records, 5 targets, 0 errors, 3.1 s"]
    assert readme_examples.same(example)                          # seconds differ from run to run
    example.actual = ["vnpolicy: 2 records, 6 targets, 0 errors, 0.9 s"]
    assert not readme_examples.same(example)


def test_parse_finds_commands_outputs_and_python_blocks():
    text = "\n".join(["```", "$ echo a", "a", "", "$ echo b", "b", "```", "", "```python", "print(1)", "```", "",
                      "Output:", "", "```", "1", "```", "", "```sh", "no-dollar sketch", "```",
                      "x <!--bench one.two .1f-->3.0<!--/bench--> y"])
    parsed = readme_examples.parse(text)
    assert [(e.kind, e.code, e.expected, e.gap) for e in parsed.examples] == [
        ("shell", "echo a", ["a"], 1), ("shell", "echo b", ["b"], 0), ("python", "print(1)\n", ["1"], 0)]
    assert readme_examples.bench_figures(text, {"one": {"two": 3.04}}) == [("bench:one.two", "3.0", "3.0")]
    assert readme_examples.bench_figures(text, {}) == [("bench:one.two", "3.0", None)]      # a missing key differs
    cv = "f <!--cv core.f1 .2f-->0.70<!--/cv-->"
    assert readme_examples.bench_figures(cv, {"bench": {}, "cv": {"core": {"f1": 0.6804}}}) == [("cv:core.f1", "0.70", "0.68")]
