#!/usr/bin/env python3
"""The README's examples, run for real and compared with the output the README shows.

    python tools/readme_examples.py            # run every example; exit 1 on any difference
    python tools/readme_examples.py --update   # rewrite the README's output blocks from real runs

What counts as an example:

- **Shell commands**: in a fenced block, every line that starts with ``$ `` is a command,
  and the lines after it, up to the next ``$ `` line or the end of the block, are its
  output (stdout and stderr together). Blocks without ``$ `` lines are usage sketches and
  are not run.
- **Python**: a ``python`` block followed by a line ``Output:`` and a plain block; the code
  runs and its printed output must equal that block.
- **Figures**: ``<!--bench KEY SPEC-->VALUE<!--/bench-->`` in the prose, where KEY is a
  dotted path into ``bench/results.json`` and SPEC a Python format spec (``.1f``, ``,``);
  VALUE must be ``format(results[KEY], SPEC)``, so that a figure quoted in the README is the
  one in the results file of the same commit. ``<!--cv KEY SPEC-->VALUE<!--/cv-->`` does the
  same with the cross-validation that the shipped ``models/decision.json`` records (its
  ``cross_validation.pooled``, plus ``candidate_step`` from its ``trained_on``).

Commands run in a scratch directory that holds the checkout's ``examples/`` and, when it
exists, ``../shared`` next to it, so paths read as in the README and files the examples
write (``review.html``, ``pipeline/``) land there. ``vnpolicy`` and ``python3`` are this
interpreter's. Lines are compared without trailing spaces. The one thing that differs from
run to run, the seconds at the end of ``vnpolicy batch``'s summary line, is compared as a
pattern. An example that reads ``../shared`` is skipped when it is not there.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results.json"
DECISION = ROOT / "models" / "decision.json"
SHARED = ROOT.parent / "shared"
TIMEOUT = 300

_FENCE = re.compile(r"^```(\w*)\s*$")
_FIGURE = re.compile(r"<!--(?P<src>bench|cv) (?P<key>[\w.]+) (?P<spec>[^>]*?)-->(?P<value>.*?)<!--/(?P=src)-->")
_SECONDS = re.compile(r"^(vnpolicy: .*), \d+(?:\.\d+)? s$")


@dataclass
class Example:
    """One command (or Python block) and the output the README shows for it."""
    kind: str                      # "shell" or "python"
    line: int                      # 1-based README line of the command or of the code block
    code: str
    expected: list[str]
    # where the output lives in the README: lines [start, end) hold it, then `gap` blank lines
    start: int = 0
    end: int = 0
    gap: int = 0
    actual: list[str] | None = None
    skipped: str | None = None

    @property
    def name(self) -> str:
        first = self.code.strip().splitlines()[0]
        return f"README:{self.line} {first[:70]}"

    def needs_shared(self) -> bool:
        return "../shared" in self.code


@dataclass
class Readme:
    lines: list[str]
    examples: list[Example] = field(default_factory=list)


def _blocks(lines: list[str]) -> list[tuple[str, int, int]]:
    """Fenced blocks as (language, first content line, end line) with 0-based indices."""
    blocks, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m:
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            blocks.append((m.group(1), i + 1, j))
            i = j + 1
        else:
            i += 1
    return blocks


def _trim(lines: list[str], start: int, end: int) -> tuple[int, int]:
    """``end`` moved back over trailing blank lines; the gap it left."""
    stop = end
    while stop > start and not lines[stop - 1].strip():
        stop -= 1
    return stop, end - stop


def parse(text: str) -> Readme:
    lines = text.split("\n")
    readme = Readme(lines)
    blocks = _blocks(lines)
    for index, (lang, start, end) in enumerate(blocks):
        if lang in ("", "console", "shell") and any(lines[k].startswith("$ ") for k in range(start, end)):
            commands = [k for k in range(start, end) if lines[k].startswith("$ ")]
            for n, k in enumerate(commands):
                out_end = commands[n + 1] if n + 1 < len(commands) else end
                stop, gap = _trim(lines, k + 1, out_end)
                readme.examples.append(Example("shell", k + 1, lines[k][2:], lines[k + 1:stop],
                                               k + 1, stop, gap))
        elif lang == "python" and index + 1 < len(blocks):
            between = [line.strip() for line in lines[end + 1:blocks[index + 1][1] - 1]]
            if [x for x in between if x] == ["Output:"] and blocks[index + 1][0] == "":
                _, out_start, out_end = blocks[index + 1]
                readme.examples.append(Example("python", start, "\n".join(lines[start:end]) + "\n",
                                               lines[out_start:out_end], out_start, out_end, 0))
    return readme


def sandbox(directory: Path) -> Path:
    """A scratch checkout: ``examples/`` (a copy: examples may write next to their inputs) and
    ``../shared`` as a link when it exists. Returns the directory to run commands in."""
    import shutil
    work = directory / "checkout"
    shutil.copytree(ROOT / "examples", work / "examples")
    if SHARED.is_dir():
        (directory / "shared").symlink_to(SHARED, target_is_directory=True)
    return work


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VNPOLICY_", "FORCE_COLOR"))}
    bin_dir = str(Path(sys.executable).parent)
    # the examples run this checkout's code, not whichever vnpolicy the interpreter has installed
    # (from another checkout, the examples would otherwise check that one's; the sandbox is
    # elsewhere, so a relative PYTHONPATH would not reach them either)
    python_path = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p)
    env.update({"PATH": bin_dir + os.pathsep + env.get("PATH", ""), "NO_COLOR": "1", "COLUMNS": "120",
                "TERM": "dumb", "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8", "PYTHONPATH": python_path})
    return env


def run(example: Example, cwd: Path) -> list[str]:
    """The example's output lines, stdout and stderr together, trailing spaces removed."""
    if example.kind == "shell":
        argv = ["bash", "-c", f"set -o pipefail; {example.code}"]
        stdin = None
    else:
        argv = [sys.executable, "-"]
        stdin = example.code
    proc = subprocess.run(argv, input=stdin, cwd=cwd, env=_environment(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT)
    text = proc.stdout
    if proc.returncode not in (0, 1) and "Traceback" not in text:
        text += f"[exit code {proc.returncode}]\n"
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _comparable(lines: list[str]) -> list[str]:
    return [_SECONDS.sub(r"\1, N s", line.rstrip()) for line in lines]


def same(example: Example) -> bool:
    return example.actual is not None and _comparable(example.actual) == _comparable(example.expected)


def run_all(readme: Readme, work: Path) -> None:
    for example in readme.examples:
        if example.needs_shared() and not SHARED.is_dir():
            example.skipped = "../shared is not present"
            continue
        example.actual = run(example, work)


def figure_sources() -> dict[str, dict]:
    """What the figure markers read: ``bench`` the benchmark results, ``cv`` the shipped
    model's recorded cross-validation."""
    decision = json.loads(DECISION.read_text(encoding="utf-8"))
    cv = dict(decision.get("cross_validation", {}).get("pooled", {}))
    cv["candidate_step"] = decision.get("trained_on", {}).get("candidate_step")
    return {"bench": json.loads(RESULTS.read_text(encoding="utf-8")), "cv": cv}


def bench_figures(text: str, sources: dict) -> list[tuple[str, str, str | None]]:
    """(key, value shown, value expected) of every figure marker; expected is None when its
    source has no such key (which counts as a difference). ``sources`` maps a marker kind
    (bench, cv) to its data; a plain dict is taken as the bench results alone."""
    if "bench" not in sources and "cv" not in sources:
        sources = {"bench": sources}
    out = []
    for m in _FIGURE.finditer(text):
        value = sources.get(m.group("src"), {})
        for part in m.group("key").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        expected = None if value is None else format(value, m.group("spec").strip())
        out.append((f"{m.group('src')}:{m.group('key')}", m.group("value"), expected))
    return out


def update_bench(text: str, sources: dict) -> str:
    figures = iter(bench_figures(text, sources))

    def replace(m: re.Match[str]) -> str:
        _, shown, expected = next(figures)
        value = shown if expected is None else expected
        return f"<!--{m.group('src')} {m.group('key')} {m.group('spec')}-->{value}<!--/{m.group('src')}-->"
    return _FIGURE.sub(replace, text)


def rewrite(readme: Readme) -> str:
    """The README with each example's output block replaced by what it printed."""
    lines = list(readme.lines)
    for example in sorted(readme.examples, key=lambda e: e.start, reverse=True):
        if example.actual is None or same(example):
            continue
        lines[example.start:example.end] = example.actual
    return "\n".join(lines)


def diff(example: Example) -> str:
    import difflib
    return "\n".join(difflib.unified_diff(example.expected, example.actual or [], "README", "actual run",
                                          lineterm=""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the README's output blocks and figures")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args()
    text = args.readme.read_text(encoding="utf-8")
    readme = parse(text)
    results = figure_sources()
    with tempfile.TemporaryDirectory() as tmp:
        run_all(readme, sandbox(Path(tmp)))
    failed = 0
    for example in readme.examples:
        if example.skipped:
            print(f"skipped  {example.name}: {example.skipped}")
        elif same(example):
            print(f"same     {example.name}")
        else:
            failed += 1
            print(f"DIFFERS  {example.name}\n{diff(example)}")
    for key, shown, expected in bench_figures(text, results):
        if shown != expected:
            failed += 1
            found = "has no such key" if expected is None else repr(expected)
            print(f"DIFFERS  figure {key}: README {shown!r}, its source {found}")
    if args.update:
        new = update_bench(rewrite(readme), results)
        if new != text:
            args.readme.write_text(new, encoding="utf-8")
            print(f"updated {args.readme}")
        return 0
    print(f"{len(readme.examples)} examples, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
