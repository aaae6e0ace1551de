"""Visual review of targets: coloured terminal output and a self-contained HTML page.

Each target is shown in its sentence with its pieces marked — ACTOR, METRIC, AMOUNT,
UNIT, DEADLINE — followed by a compact table of the resolved values and the rule that
fired. A piece found outside the sentence (an inherited actor or deadline) is shown with
the words around it. The HTML page needs no network or script: every target's JSON sits
in a ``<details>`` element, one click away, and the whole article follows with each
amount linked to its target.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Iterable, Sequence

LABELS = ("ACTOR", "METRIC", "AMOUNT", "UNIT", "DEADLINE")
# Where pieces overlap (a counted noun is both unit and metric), the later label wins the
# colour; the metric is drawn as an underline so it stays visible beneath others.
_PRIORITY = ("METRIC", "ACTOR", "DEADLINE", "UNIT", "AMOUNT")
TERMINAL_STYLES = {
    "ACTOR": "bold white on magenta",
    "METRIC": "underline cyan",
    "AMOUNT": "bold black on yellow",
    "UNIT": "black on green",
    "DEADLINE": "bold white on blue",
}
# The HTML page's colours, for displaCy: displacy.render(doc, style="span",
# options={"spans_key": "vnpolicy", "colors": DISPLACY_COLORS})
DISPLACY_COLORS = {"ACTOR": "#f7c6ef", "METRIC": "#9fe3e8", "AMOUNT": "#ffe27a", "UNIT": "#bfeccb",
                   "DEADLINE": "#c6dcff"}
CONTEXT_CHARS = 40
_MIN_WIDTH = {"actor": 8, "metric": 12, "rule": 10, "reason": 10, "confidence": 4}
PIPE_WIDTH = 120          # terminal width when the output is not a terminal


@dataclass(frozen=True)
class Piece:
    label: str
    start: int
    end: int
    text: str
    inherited: bool = False


def target_pieces(target) -> list[Piece]:
    """The located pieces of a target (a ``Target`` or its ``to_dict()``), in LABELS order."""
    d = target if isinstance(target, dict) else target.to_dict()
    out = []
    for label, key in (("ACTOR", "actor"), ("METRIC", "metric"), ("AMOUNT", "amount"), ("UNIT", "unit"),
                       ("DEADLINE", "deadline")):
        field = d.get(key)
        # a metric may come in pieces on both sides of the amount: each piece is marked
        for part in (field or {}).get("parts") or [field]:
            if not part or part.get("start") is None or part.get("end") is None or part["end"] <= part["start"]:
                continue
            out.append(Piece(label, part["start"], part["end"], part.get("text") or "", bool(field.get("inherited"))))
    return out


# --- values as a reviewer reads them ---------------------------------------------------------

def format_number(value: Any) -> str:
    """12000000000 -> '12 000 000 000'; 37.6 -> '37.6'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else value.normalize()
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    whole, _, frac = str(value).partition(".")
    return (f"{int(whole):,}".replace(",", " ") if whole.lstrip("-").isdigit() else whole) + ("." + frac if frac else "")


def value_rows(target, with_type: bool = True) -> dict[str, str]:
    """The resolved values of one target as short strings, keyed by table column."""
    d = target if isinstance(target, dict) else target.to_dict()
    amount, unit = d["amount"], d.get("unit") or {}
    actor, deadline, metric = d.get("actor"), d.get("deadline"), d.get("metric")
    value = format_number(amount.get("value"))
    if amount.get("value_max") is not None:
        value += " – " + format_number(amount["value_max"])
    actor_text = ""
    if actor:
        actor_text = actor.get("name") or actor.get("text") or ""
        if actor.get("type") and with_type:
            actor_text += f" ({actor['type']})"
        if actor.get("inherited"):
            actor_text += " ↑"
    deadline_text = ""
    if deadline:
        deadline_text = deadline.get("date") or f"? ({deadline.get('text')})"
        if deadline.get("inherited"):
            deadline_text += " ↑"
    said = " ".join(x for x in (amount.get("comparator_text"), amount.get("text"), unit.get("text")) if x)
    bound = COMPARATOR_SIGNS.get(amount.get("comparator") or "eq", f"{amount.get('comparator')} ") + value
    return {"actor": actor_text, "metric": (metric or {}).get("text") or "", "said": said, "value": value,
            "bound": bound,
            "comparator": amount.get("comparator") or "", "unit": unit.get("code") or "",
            "deadline": deadline_text, "rule": d.get("rule") or "",
            "reason": (d.get("rule") or "").split(" + ")[0], "confidence": f"{d.get('confidence', '')}"}


COLUMNS = ("actor", "metric", "said", "value", "comparator", "unit", "deadline", "rule", "confidence")
# The terminal has room for the strongest reason only; the HTML page gives the whole rule.
TERMINAL_COLUMNS = ("actor", "metric", "bound", "unit", "deadline", "reason", "confidence")
COMPARATOR_SIGNS = {"gte": "≥ ", "gt": "> ", "lte": "≤ ", "lt": "< ", "approx": "≈ ", "eq": "", "range": ""}
COLUMN_TITLES = {"said": "as written", "comparator": "cmp", "confidence": "conf", "bound": "value",
                 "reason": "strongest reason"}


def _layers(text_start: int, text_end: int, pieces: Iterable[Piece]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Cut [text_start, text_end) at every piece boundary: (start, end, labels) runs."""
    inside = [p for p in pieces if p.start < text_end and p.end > text_start]
    cuts = sorted({text_start, text_end, *(max(text_start, p.start) for p in inside),
                   *(min(text_end, p.end) for p in inside)})
    runs = []
    for a, b in zip(cuts, cuts[1:]):
        labels = tuple(lb for lb in _PRIORITY if any(p.label == lb and p.start <= a and b <= p.end for p in inside))
        runs.append((a, b, labels))
    return runs


def _context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[int, int]:
    """About ``width`` characters either side of [start, end), within its line, cut at spaces."""
    line0 = text.rfind("\n", 0, start) + 1
    line1 = text.find("\n", end)
    line1 = len(text) if line1 < 0 else line1
    c0, c1 = max(line0, start - width), min(line1, end + width)
    if c0 > line0:
        space = text.find(" ", c0, start)
        c0 = space + 1 if space >= 0 else start
    if c1 < line1:
        space = text.rfind(" ", end, c1)
        c1 = space if space >= 0 else end
    return c0, c1


def _ellipses(text: str, c0: int, c1: int) -> tuple[str, str]:
    """'…' where a context window cuts a line short."""
    return ("…" if c0 > 0 and text[c0 - 1] != "\n" else "",
            "…" if c1 < len(text) and text[c1] != "\n" else "")


def _outside(sentence: dict, pieces: Sequence[Piece]) -> list[Piece]:
    return [p for p in pieces if p.end <= sentence["start"] or p.start >= sentence["end"]]


# --- terminal ------------------------------------------------------------------------------

# Terminal escape sequences: CSI (ESC [ ... letter), OSC (ESC ] ... BEL or ESC \), and two-character ones.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")
_KEEP_FORMAT = {"\u200c", "\u200d", "\u00ad"}     # joiners and the soft hyphen are part of words


def printable(text: str) -> str:
    """``text`` safe for a terminal: escape sequences and control characters removed (an
    article must not move the cursor, retitle the window or reverse the reading order);
    tabs become spaces and line breaks stay."""
    if text.isascii() and text.isprintable():
        return text
    text = _ESCAPES.sub("", text).replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or _harmless(ch))


def _harmless(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category != "Cc" and (category != "Cf" or ch in _KEEP_FORMAT)


def _styled(text: str, start: int, end: int, pieces: Sequence[Piece], plain: bool):
    """text[start:end] as a rich Text with the pieces coloured, or bracketed when ``plain``."""
    from rich.text import Text
    out = Text()
    for a, b, labels in _layers(start, end, pieces):
        chunk = printable(text[a:b])
        if not labels:
            out.append(chunk)
        elif plain:
            out.append(f"[{chunk}|{'+'.join(reversed(labels))}]")
        else:
            style = " ".join(TERMINAL_STYLES[lb] for lb in labels)    # later (higher) labels win clashes
            out.append(chunk, style=style)
    return out


def render_terminal(text: str, result, stream: IO[str] | None = None, color: bool | None = None,
                    width: int | None = None, title: str | None = None) -> None:
    """Print each target's sentence with its pieces in colour, then the table of values.
    ``color`` None decides from the stream (a terminal gets colour; NO_COLOR is honoured)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    class ReaderGoneConsole(Console):
        def on_broken_pipe(self) -> None:        # rich would exit(1); the CLI ends a closed pipe quietly
            self.quiet = True
            raise BrokenPipeError

    console = ReaderGoneConsole(file=stream, force_terminal=True if color else None, no_color=color is False,
                      width=width, highlight=False, soft_wrap=False)
    if width is None and not console.is_terminal or console.is_dumb_terminal:
        console.width = width or PIPE_WIDTH
    # Without colour the pieces are bracketed instead: [tỉnh Hà Giang|ACTOR]
    plain = color is False or (color is None and (not console.is_terminal or console.no_color))
    targets = list(result.targets)
    head = Text()
    head.append(printable(title or "article"), style="bold")
    head.append(f" — {len(targets)} target{'s' if len(targets) != 1 else ''}")
    if result.published:
        head.append(f", published {result.published}")
    console.print(head)
    if not plain:
        legend = Text("  ")
        for label in LABELS:
            legend.append(f" {label} ", style=TERMINAL_STYLES[label])
            legend.append(" ")
        console.print(legend)
    if not targets:
        console.print("no targets found")
        return
    for i, t in enumerate(targets, 1):
        d = t.to_dict()
        pieces = target_pieces(d)
        s = d["sentence"]
        line = Text("\n")
        line.append(f"[{i}] ", style="bold")
        line.append_text(_styled(text, s["start"], s["end"], pieces, plain))
        console.print(line)
        for p in _outside(s, pieces):
            ctx0, ctx1 = _context(text, p.start, p.end)
            lead, tail = _ellipses(text, ctx0, ctx1)
            note = Text(f"    {p.label.lower()} from context: {lead}", style="dim")
            note.append(printable(text[ctx0:p.start]), style="dim")
            note.append_text(_styled(text, p.start, p.end, [p], plain))
            note.append(printable(text[p.end:ctx1]) + tail, style="dim")
            console.print(note)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
    table.add_column("#", justify="right", no_wrap=True)
    for col in TERMINAL_COLUMNS:
        wraps = col in ("actor", "metric", "rule", "reason")
        table.add_column(COLUMN_TITLES.get(col, col), justify="right" if col == "bound" else "left",
                         no_wrap=not wraps, overflow="fold", min_width=_MIN_WIDTH.get(col))
    for i, t in enumerate(targets, 1):
        row = value_rows(t, with_type=False)
        table.add_row(str(i), *(Text(printable(row[c])) for c in TERMINAL_COLUMNS))   # Text: no markup
    console.print()
    console.print(table)
    if any(r["actor"].endswith("↑") or r["deadline"].endswith("↑") for r in map(value_rows, targets)):
        console.print("↑ = inherited from another sentence", style="dim")


# --- HTML ----------------------------------------------------------------------------------

# Monospace fonts that hold every precomposed Vietnamese letter (ế, ẫ, ỗ, ắ ...). A font
# without them (DejaVu Sans Mono, Menlo, and the generic `monospace` on most Linux systems)
# makes Chromium decompose the letter and draw its stacked accents apart (kế as kê´), so
# the stack has none of those, and ends in the page's sans-serif fonts instead.
MONO_FONTS = ('"Cascadia Mono"', "Consolas", '"SF Mono"', '"Noto Sans Mono"', '"Liberation Mono"',
              '"JetBrains Mono"', '"Source Code Pro"', '"Roboto Mono"', '"Ubuntu Mono"', '"Courier New"',
              "system-ui", '"Segoe UI"', "Roboto", '"Noto Sans"', '"DejaVu Sans"', "sans-serif")

_CSS = """
:root{--mono:__MONO__}
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:14px 24px}
header h1{font-size:20px;margin:0 0 4px}
header .meta{margin:0;color:#c9d1e0;font-size:14px}
.legend{margin:8px 0 0}
main{max-width:1100px;margin:0 auto;padding:12px 24px 40px}
section.target{background:#fff;border:1px solid #dde2ea;border-radius:8px;margin:14px 0;padding:12px 16px}
section.target h2{font-size:16px;margin:0 0 8px;display:flex;gap:10px;align-items:baseline}
.rule{font:13px var(--mono);background:#eef1f6;padding:1px 6px;border-radius:4px}
.conf{font-size:13px;color:#5b6577}
.sentence{margin:4px 0 8px;font-size:17px}
mark{padding:1px 2px;border-radius:3px;color:inherit;background:none}
mark.METRIC{border-bottom:3px solid #0f9ea8;border-radius:0}
mark.ACTOR{background:#f7c6ef}
mark.DEADLINE{background:#c6dcff}
mark.UNIT{background:#bfeccb}
mark.AMOUNT{background:#ffe27a;font-weight:600}
.tag{font:600 9px/1 var(--mono);vertical-align:super;margin-left:2px;color:#3a4252;opacity:.8}
.legend mark{margin-right:6px;color:#1d2330;font-size:13px}
.legend mark.METRIC{background:#fff;border-radius:3px}
.context{font-size:14px;color:#5b6577;margin:2px 0 8px}
table.values{border-collapse:collapse;font-size:14px;margin:6px 0;width:100%}
table.values th{text-align:left;font-weight:600;font-size:12px;color:#5b6577;padding:2px 12px 2px 0;white-space:nowrap;
  border-bottom:1px solid #dde2ea}
table.values td{padding:3px 12px 2px 0;vertical-align:top}
table.values td[data-col=value],table.values td[data-col=deadline],table.values td[data-col=confidence]{white-space:nowrap}
details{margin-top:6px}
summary{cursor:pointer;color:#2a5bd7;font-size:14px}
pre.json{background:#f1f3f7;border:1px solid #dde2ea;border-radius:6px;padding:8px 10px;font:12.5px/1.45 var(--mono);overflow:auto}
.article{white-space:pre-wrap;background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:12px 16px}
.article sup a{font-size:11px;text-decoration:none;color:#2a5bd7;margin-left:1px}
.none{color:#5b6577}
""".replace("__MONO__", ",".join(MONO_FONTS))


def _marked(text: str, start: int, end: int, pieces: Sequence[Piece], links: dict[tuple[int, int], list[int]] | None = None,
            tags: bool = True) -> str:
    """HTML for text[start:end] with pieces marked; a label tag closes each piece."""
    out = []
    for a, b, labels in _layers(start, end, pieces):
        chunk = html.escape(text[a:b])
        if not labels:
            out.append(chunk)
            continue
        ending = [p for p in pieces if p.end == b and p.label in labels]
        titles = "; ".join(f"{p.label}: {p.text}" for p in pieces if p.label in labels and p.start <= a and b <= p.end)
        tag = "".join(f'<span class="tag">{p.label}</span>' for p in ending) if tags else ""
        sup = ""
        if links is not None:
            for p in ending:
                for idx in (links.get((p.start, p.end), []) if p.label == "AMOUNT" else []):
                    sup += f'<sup><a href="#t{idx}">{idx}</a></sup>'
        out.append(f'<mark class="{" ".join(labels)}" data-label="{" ".join(labels)}" '
                   f'title="{html.escape(titles)}">{chunk}{tag}</mark>{sup}')
    return "".join(out)


def render_html(text: str, result, title: str = "article", model: str | None = None) -> str:
    """A self-contained HTML page reviewing ``result`` (the extraction of ``text``)."""
    targets = list(result.targets)
    doc = result.to_dict()
    esc = html.escape
    meta = [f"{len(targets)} target{'s' if len(targets) != 1 else ''}"]
    if result.published:
        meta.append(f"published {result.published}")
    if model:
        meta.append(f"model {model}")
    meta.append(f"generated {dt.date.today().isoformat()}")
    parts = ["<!DOCTYPE html>", '<html lang="vi"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>vnpolicy review — {esc(title)}</title><style>{_CSS}</style></head><body>",
             f"<header><h1>vnpolicy review: {esc(title)}</h1><p class=\"meta\">{esc(' · '.join(meta))}</p>",
             '<p class="legend">' + "".join(f'<mark class="{lb}">{lb}</mark>' for lb in LABELS) + "</p></header>",
             "<main>"]
    if not targets:
        parts.append('<p class="none">No targets found in this article.</p>')
    amount_links: dict[tuple[int, int], list[int]] = {}
    all_pieces: list[Piece] = []
    for i, t in enumerate(targets, 1):
        d = doc["targets"][i - 1]
        pieces = target_pieces(d)
        s = d["sentence"]
        amount_links.setdefault((d["amount"]["start"], d["amount"]["end"]), []).append(i)
        all_pieces.extend(p for p in pieces if p not in all_pieces)
        parts.append(f'<section class="target" id="t{i}" data-index="{i}">')
        parts.append(f'<h2>Target {i} <span class="rule">{esc(d["rule"])}</span>'
                     f'<span class="conf">confidence {esc(str(d["confidence"]))}</span></h2>')
        parts.append(f'<p class="sentence">{_marked(text, s["start"], s["end"], pieces)}</p>')
        for p in _outside(s, pieces):
            c0, c1 = _context(text, p.start, p.end)
            lead, tail = _ellipses(text, c0, c1)
            parts.append(f'<p class="context" data-label="{p.label}">{p.label.lower()} from context: {lead}'
                         f'{_marked(text, c0, c1, [p])}{tail}</p>')
        rows = value_rows(d)
        parts.append('<table class="values"><tr>' + "".join(f"<th>{esc(COLUMN_TITLES.get(c, c))}</th>" for c in COLUMNS)
                     + "</tr><tr>" + "".join(f'<td data-col="{c}">{esc(rows[c])}</td>' for c in COLUMNS)
                     + "</tr></table>")
        parts.append('<details class="json"><summary>JSON</summary>'
                     f'<pre class="json">{esc(json.dumps(d, ensure_ascii=False, indent=2))}</pre></details>')
        parts.append("</section>")
    parts.append('<section id="article"><h2>Article</h2>')
    parts.append(f'<div class="article">{_marked(text, 0, len(text), all_pieces, links=amount_links, tags=False)}</div>')
    parts.append('<details class="json" id="result-json"><summary>Whole result JSON</summary>'
                 f'<pre class="json">{esc(json.dumps(doc, ensure_ascii=False, indent=2))}</pre></details>')
    parts.append("</section></main></body></html>")
    return "\n".join(parts) + "\n"
