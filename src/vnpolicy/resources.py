"""Load the language data under ``models/`` once, check it, and hand it to each step.

A model directory is a folder with ``meta.json`` and the JSON files it lists. The one
shipped in the wheel lives at ``vnpolicy/_models``; in a source checkout it is the
repository's ``models/``. Users may point at a copy with their own additions.

A model comes from the user, so it is read with care: every file that ``meta.json`` lists
must resolve to a place inside the model directory (no ``../``, no absolute path, no link
out of it), and no file is read past ``MAX_FILE_BYTES``.
"""
from __future__ import annotations

import functools
import json
import os
import stat
import unicodedata
from pathlib import Path
from typing import Any

# The largest model or extension file read (the bundled ones are under 100 KB).
MAX_FILE_BYTES = 32 * 1024 * 1024


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


def read_json_file(path: Path, missing: str = "no such file", error=None) -> Any:
    """The parsed JSON of a regular file of at most ``MAX_FILE_BYTES``; ``error`` (default
    ``ModelError``) with a one-line message otherwise."""
    error = error or ModelError
    try:
        with open(path, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise error(f"{path}: not a regular file")
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise error(f"{path}: larger than {MAX_FILE_BYTES >> 20} MB, too big for a model or extension file")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 (at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise error(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise error(f"{path}: JSON nested too deeply") from None


def listed_files(directory: Path, meta: Any, meta_path: Path) -> list[str]:
    """The files a model's ``meta.json`` lists, each checked to stay inside ``directory``."""
    files = meta.get("files", []) if isinstance(meta, dict) else None
    if not isinstance(files, list):
        raise ModelError(f"{meta_path}: 'files' must be a list of file names")
    for name in files:
        member_path(directory, name, meta_path)
    return list(files)


def member_path(directory: Path, name: Any, meta_path: Path) -> Path:
    """``directory / name`` if that stays inside ``directory`` once resolved, else ModelError."""
    if not isinstance(name, str) or not name or "\0" in name:
        raise ModelError(f"{meta_path}: files entry {name!r} is not a file name")
    root = directory.resolve()
    path = (directory / name).resolve()
    if Path(name).is_absolute() or not path.is_relative_to(root) or path == root:
        raise ModelError(f"{meta_path}: files entry {name!r} points outside the model directory {directory}")
    return directory / name


class LanguageData:
    """All files of one model directory, parsed and validated."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        meta_path = self.directory / "meta.json"
        if not meta_path.is_file():
            raise ModelError(f"{self.directory}: not a vnpolicy model directory (no meta.json)")
        self.meta = self._read(meta_path)
        self.listed = set(listed_files(self.directory, self.meta, meta_path))
        self.files: dict[str, Any] = {}

    @staticmethod
    def _read(path: Path) -> Any:
        data = read_json_file(path, missing="listed in meta.json but missing")
        _check_strings(data, path.name)
        return data

    def __getitem__(self, name: str) -> Any:
        """The parsed file ``name``; read and checked on first use."""
        if name not in self.files:
            if name not in self.listed:
                raise ModelError(f"{self.directory}: model file {name} is not listed in meta.json")
            self.files[name] = self._read(member_path(self.directory, name, self.directory / "meta.json"))
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
