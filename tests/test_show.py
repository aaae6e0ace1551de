"""vnpolicy show: the terminal view colours each target's pieces and tabulates the
resolved values and rule; the HTML page marks every piece of every target and carries
each target's JSON in a <details> element. The page is checked by parsing it, and, where
headless Chromium is installed, by parsing the DOM Chromium builds and by taking a
screenshot."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from vnpolicy import Extractor
from vnpolicy.cli import main
from vnpolicy.show import LABELS, MONO_FONTS, render_html, render_terminal, target_pieces

ARTICLE = ("Hà Giang đẩy mạnh trồng rừng\n"
           "Năm 2024, tỉnh Hà Giang phấn đấu trồng mới ít nhất 3.000 ha rừng, nâng tỷ lệ che phủ rừng lên 60-62%.\n"
           "Cũng trong năm nay, tỉnh sẽ xây dựng 120 căn nhà cho hộ nghèo. Năm 2023, tỉnh đã trồng 2.500 ha.\n")
PUBLISHED = "2024-01-10"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def result():
    res = Extractor().extract(ARTICLE, PUBLISHED, id="ha-giang")
    assert len(res.targets) >= 2, "the example article should hold several targets"
    return res


class ReviewPage(HTMLParser):
    """Collects, per target section, the text under each label's marks and the JSON."""

    def __init__(self):
        super().__init__()
        self.sections: list[dict] = []
        self.stack: list[tuple[str, dict]] = []
        self.external: list[str] = []
        self.scripts = 0
        self.article_marks: dict[str, str] = {label: "" for label in LABELS}
        self.links: list[str] = []

    def _in(self, tag, cls=None, attr=None):
        for t, a in self.stack:
            if t == tag and (cls is None or cls in (a.get("class") or "").split()) and (attr is None or attr in a):
                return a
        return None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith("#"):
                self.external.append(a[key])
        if tag == "section" and "target" in (a.get("class") or ""):
            self.sections.append({"id": a.get("id"), "marks": {lb: "" for lb in LABELS}, "json": "", "cells": {}})
        if tag == "a" and self._in("div", "article"):
            self.links.append(a.get("href"))
        if tag not in ("meta", "br", "link", "img", "input"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        mark = self._in("mark", attr="data-label")
        if mark is not None and not self._in("span", "tag") and not self._in("sup"):
            labels = mark["data-label"].split()
            if self._in("section", "target") and self.sections:
                for lb in labels:
                    self.sections[-1]["marks"][lb] += data
            elif self._in("div", "article"):
                for lb in labels:
                    self.article_marks[lb] += data
        if self._in("pre", "json") and self._in("section", "target") and self.sections:
            self.sections[-1]["json"] += data
        cell = self._in("td", attr="data-col")
        if cell is not None and self.sections:
            self.sections[-1]["cells"][cell["data-col"]] = self.sections[-1]["cells"].get(cell["data-col"], "") + data


def parse_page(page: str) -> ReviewPage:
    parser = ReviewPage()
    parser.feed(page)
    parser.close()
    return parser


def check_page(page: str, result) -> None:
    """Fails if a target, a marked piece, a value or a target's JSON is missing."""
    parsed = parse_page(page)
    assert not parsed.external, f"page is not self-contained: {parsed.external}"
    assert parsed.scripts == 0
    assert [s["id"] for s in parsed.sections] == [f"t{i}" for i in range(1, len(result.targets) + 1)]
    for section, target in zip(parsed.sections, result.targets):
        pieces = target_pieces(target)
        assert pieces, "a target without located pieces"
        for label in {p.label for p in pieces}:
            # a metric in two pieces is two marks: their texts follow each other
            expected = "".join(p.text for p in pieces if p.label == label)
            assert section["marks"][label] == expected, (section["id"], label)
        for label in LABELS:
            if label not in {p.label for p in pieces}:
                assert section["marks"][label] == "", (section["id"], label)
        assert json.loads(section["json"]) == json.loads(json.dumps(target.to_dict(), ensure_ascii=False))
        assert section["cells"]["rule"] == target.rule
        assert section["cells"]["unit"] == (target.unit.code or "")
    assert sorted(parsed.links) == sorted(f"#t{i}" for i in range(1, len(result.targets) + 1))
    assert all(parsed.article_marks[p.label] for t in result.targets for p in target_pieces(t))


def test_pieces_of_a_target(result):
    t = result.targets[0]
    pieces = {p.label: p for p in target_pieces(t)}
    assert pieces["AMOUNT"].text == "3.000" == ARTICLE[pieces["AMOUNT"].start:pieces["AMOUNT"].end]
    assert pieces["UNIT"].text == "ha"
    assert target_pieces(t.to_dict()) == target_pieces(t)
    for p in pieces.values():
        assert ARTICLE[p.start:p.end] == p.text


def test_terminal_colours_pieces_and_tabulates(result):
    out = io.StringIO()
    render_terminal(ARTICLE, result, out, color=True, width=140, title="ha-giang.txt")
    text = out.getvalue()
    assert "\x1b[" in text, "no colour codes"
    plain = ANSI.sub("", text)
    first = result.targets[0]
    assert first.sentence.text in plain
    strongest = first.rule.split(" + ")[0]
    assert "≥ 3 000" in plain and strongest in plain.replace("\n", "") and "2024-12-31" in plain
    # the amount '3.000' is drawn in the AMOUNT style (black on yellow)
    assert re.search(r"\x1b\[[0-9;]*43m3\.000\x1b\[0m", text)
    assert f"{len(result.targets)} targets" in plain


def test_terminal_without_colour(result):
    out = io.StringIO()
    render_terminal(ARTICLE, result, out, color=False, width=140)
    assert "\x1b[" not in out.getvalue()
    assert "3 000" in out.getvalue()
    assert "[3.000|AMOUNT] [ha|UNIT]" in out.getvalue()          # pieces bracketed instead of coloured
    assert "|ACTOR]" in out.getvalue() and "|DEADLINE]" in out.getvalue()


def test_terminal_no_targets():
    res = Extractor().extract("Trời hôm nay đẹp.", None)
    out = io.StringIO()
    render_terminal("Trời hôm nay đẹp.", res, out, color=False)
    assert "no targets found" in out.getvalue()


def test_html_marks_pieces_and_json(result):
    check_page(render_html(ARTICLE, result, title="ha-giang.txt", model="m"), result)


def test_html_escapes_text():
    text = 'Công ty <b>"A&B"</b> phấn đấu đạt 5 tỷ đồng <script>alert(1)</script>.'
    res = Extractor().extract(text, None)
    page = render_html(text, res, title="<x>")
    assert "<script>" not in page and "<b>" not in page
    assert parse_page(page).scripts == 0
    if res.targets:
        check_page(page, res)


def test_cli_show(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")      # room for the reason column without wrapping
    article = tmp_path / "ha-giang.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["show", str(article), "--published", PUBLISHED, "--color", "always"]) == 0
    out = capsys.readouterr().out
    strongest = Extractor().extract(ARTICLE, PUBLISHED).targets[0].rule.split(" + ")[0].split("=")[0]
    assert "\x1b[" in out and strongest in ANSI.sub("", out)
    page = tmp_path / "review.html"
    assert main(["show", str(article), "--published", PUBLISHED, "--html", str(page)]) == 0
    assert "wrote" in capsys.readouterr().err
    check_page(page.read_text(encoding="utf-8"), Extractor().extract(ARTICLE, PUBLISHED))
    assert main(["show", str(tmp_path / "missing.txt")]) == 1


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=90)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed")
def test_html_in_headless_chromium(tmp_path, result):
    page = tmp_path / "review.html"
    page.write_text(render_html(ARTICLE, result, title="ha-giang.txt"), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-500:]
    check_page(dom.stdout, result)          # the DOM Chromium built still has every mark and JSON
    shot = tmp_path / "review.png"
    done = _chromium(tmp_path, "--hide-scrollbars", "--window-size=1200,1400", f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0, done.stderr[-500:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    keep = os.environ.get("VNPOLICY_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)


VIETNAMESE_STACKED = "1ebf 1eab 1ed7 1eaf"     # ế ẫ ỗ ắ: a circumflex or breve with a tone mark above it


def _families(pattern: str) -> set[str]:
    out = subprocess.run(["fc-list", pattern, "family"], capture_output=True, text=True, timeout=30).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def test_monospace_stack_draws_stacked_vietnamese_accents():
    stack = [font.strip('"') for font in MONO_FONTS]
    # fonts without the precomposed letters make Chromium draw 'kế' as 'kê´'
    assert not {"monospace", "ui-monospace", "Menlo", "DejaVu Sans Mono"} & set(stack)
    assert stack[-1] == "sans-serif" and ",".join(MONO_FONTS) in render_html("kế", Extractor().extract("kế"))
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed: cannot see which font this machine would use")
    installed = _families(":")
    first = next((font for font in stack if font in installed), None)
    if first is None:
        pytest.skip("none of the named fonts is installed here")
    assert first in _families(f":charset={VIETNAMESE_STACKED}"), f"{first} lacks ế ẫ ỗ ắ"
