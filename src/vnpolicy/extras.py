"""Optional extras: check that one is installed before a command starts its work.

    require_extra("distributed", "dask", "--engine dask")

raises ``MissingExtra`` with a one-line message naming the ``pip install`` to run when the
module is not importable. The command line turns it into exit code 2 before any output
file is opened, so a missing extra never leaves an empty or truncated file behind.
"""
from __future__ import annotations

import importlib.util


class MissingExtra(RuntimeError):
    """An optional dependency of vnpolicy is not installed."""

    def __init__(self, module: str, extra: str, purpose: str):
        self.module, self.extra = module, extra
        super().__init__(f"{purpose} needs {module}, which is not installed: pip install 'vnpolicy[{extra}]'")


def extra_installed(module: str) -> bool:
    """True if ``module`` can be imported (it is found, not imported)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):        # a parent package is missing, or a broken __spec__
        return False


def require_extra(module: str, extra: str, purpose: str | None = None) -> None:
    """Raise ``MissingExtra`` unless ``module`` (from ``pip install 'vnpolicy[extra]'``) is installed."""
    if not extra_installed(module):
        raise MissingExtra(module, extra, purpose or "this command")
