"""Load the language data under ``models/`` once, check it, and hand it to each step.

A model directory is a folder with ``meta.json`` and the JSON files it lists. The one
shipped in the wheel lives at ``vnpolicy/_models``; in a source checkout it is the
repository's ``models/``. Users may point at a copy with their own additions.
"""
from __future__ import annotations

import functools
import json
import os
import unicodedata
from pathlib import Path
from typing import Any


class ModelError(ValueError):
    """The language data is missing or malformed."""


def default_model_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_models", here.parents[1] / "models"):
        if (candidate / "meta.json").is_file():
            return candidate
    raise ModelError("no language model found: expected vnpolicy/_models or models/ in the checkout")


def _check_strings(value: Any, where: str) -> None:
    if isinstance(value, str):
        if unicodedata.normalize("NFC", value) != value:
            raise ModelError(f"{where}: string {value!r} is not in Unicode NFC")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(k, where)
            _check_strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_strings(v, f"{where}[{i}]")


class LanguageData:
    """All files of one model directory, parsed and validated."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        meta_path = self.directory / "meta.json"
        if not meta_path.is_file():
            raise ModelError(f"{self.directory}: not a vnpolicy model directory (no meta.json)")
        self.meta = self._read(meta_path)
        self.listed = set(self.meta.get("files", []))
        self.files: dict[str, Any] = {}

    @staticmethod
    def _read(path: Path) -> Any:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: listed in meta.json but missing") from None
        except json.JSONDecodeError as exc:
            raise ModelError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
        _check_strings(data, path.name)
        return data

    def __getitem__(self, name: str) -> Any:
        """The parsed file ``name``; read and checked on first use."""
        if name not in self.files:
            if name not in self.listed:
                raise ModelError(f"{self.directory}: model file {name} is not listed in meta.json")
            self.files[name] = self._read(self.directory / name)
        return self.files[name]

    def check(self, skip: tuple[str, ...] = ()) -> None:
        """Read every listed file now (but those in ``skip``), so that a broken model fails at once."""
        for name in sorted(self.listed - set(skip)):
            self[name]

    @property
    def version(self) -> str:
        return f"{self.meta.get('name', 'model')}-{self.meta.get('version', '0')}"


@functools.lru_cache(maxsize=8)
def _load_cached(directory: str) -> LanguageData:
    return LanguageData(Path(directory))


def load(directory: str | os.PathLike | None = None) -> LanguageData:
    path = Path(directory) if directory is not None else default_model_dir()
    return _load_cached(str(path.resolve()))
