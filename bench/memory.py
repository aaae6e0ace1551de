#!/usr/bin/env python3
"""Peak memory of one big article: what ``vnpolicy extract`` holds for a 20 MB and a 50 MB file.

    .venv/bin/python bench/memory.py                 # 20 and 50 MB
    .venv/bin/python bench/memory.py --sizes 5 20    # other sizes, in MB (2**20 bytes)

Each article (plain, and typeset with CRLF, curly quotes and no-break spaces) is made of sentences written for this benchmark (targets, a status and plain
news prose, a paragraph per line, one paragraph with targets per 110 KB), repeated to the
size asked. Each size runs in a fresh
``vnpolicy extract FILE --format jsonl`` process (output to /dev/null); its peak RSS comes
from ``wait4``. The same command on a one-line article gives the fixed cost (interpreter,
language data, tagger), so the table shows both the peak and the part that grows with the
article. The goal (issue 9) is a peak under 10x the article's size.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20

# One paragraph with targets among many plain ones. Real news has a target every few KB,
# but targets cost the extraction core time that grows with the article's length (its
# linear-time rework is a change of its own): sparse targets keep a 50 MB run to minutes,
# and memory is what the article itself costs, not its few hundred targets.
TARGETS = (
    "Năm 2025, tỉnh Hà Nam phấn đấu thu hút ít nhất 1,5 tỷ USD vốn đầu tư trực tiếp nước ngoài. "
    "Trong đó, tỉnh đặt mục tiêu khởi công 3 khu công nghiệp mới và tạo việc làm cho 20.000 lao động. "
    "Năm ngoái, kim ngạch xuất khẩu của tỉnh đạt 4,2 tỷ USD, tăng 8% so với cùng kỳ.\n"
)
PLAIN = (
    "Ông Trần Văn Bình cho biết các dự án giao thông đang được đẩy nhanh tiến độ, "
    "người dân trong vùng đã đồng thuận giao mặt bằng cho nhà thầu thi công. "
    "Buổi làm việc có sự tham dự của lãnh đạo các sở, ngành và chính quyền địa phương.\n"
)
PARAGRAPH = TARGETS + PLAIN * 400
# The same with the typography news sites send: CRLF, curly quotes, no-break spaces. Each
# is an edit in the normaliser's offset map, so this article shows what the map costs.
TYPESET = (PARAGRAPH.replace(" cho ", "\u00a0cho ").replace("Ông", "\u201cÔng")
           .replace("công.", "công\u201d.").replace("\n", "\r\n"))


def make_article(path: Path, size: int, paragraph: str = PARAGRAPH) -> int:
    block = paragraph.encode("utf-8")
    with open(path, "wb") as f:
        written = 0
        while written + len(block) <= size:
            f.write(block)
            written += len(block)
    return written


def peak_rss(args: list[str]) -> tuple[int, float, int]:
    """(peak RSS in bytes, wall seconds, exit status) of one command."""
    start = time.monotonic()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(args, stdout=devnull, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.stderr.write(proc.stderr.read().decode("utf-8", "replace"))
    return usage.ru_maxrss * 1024, time.monotonic() - start, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[20, 50], help="article sizes in MB")
    args = parser.parse_args()
    vnpolicy = [sys.executable, "-m", "vnpolicy", "extract", "--format", "jsonl"]
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.txt"
        small.write_text(PARAGRAPH, encoding="utf-8")
        base, _, _ = peak_rss(vnpolicy + [str(small)])
        print(f"fixed cost (one paragraph): peak RSS {base / MB:.0f} MB")
        print(f"{'article':>8}  {'kind':>8}  {'seconds':>8}  {'peak RSS':>9}  {'x size':>7}  {'growth':>8}  "
              f"{'growth x size':>13}")
        for size_mb in args.sizes:
            for kind, paragraph in (("plain", PARAGRAPH), ("typeset", TYPESET)):
                path = Path(tmp) / f"article-{size_mb:g}-{kind}.txt"
                size = make_article(path, int(size_mb * MB), paragraph)
                rss, seconds, code = peak_rss(vnpolicy + ["--max-bytes", str(size + 1), str(path)])
                path.unlink()
                if code:
                    print(f"{size / MB:>6.1f} MB  {kind:>8}  failed with exit code {code}")
                    continue
                print(f"{size / MB:>6.1f} MB  {kind:>8}  {seconds:>8.1f}  {rss / MB:>6.0f} MB  {rss / size:>6.1f}x  "
                      f"{(rss - base) / MB:>5.0f} MB  {(rss - base) / size:>12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
