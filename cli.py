#!/usr/bin/env python3
"""Run the vnpolicy command line from a source checkout, without installing:
``python cli.py extract article.txt``."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from vnpolicy.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
