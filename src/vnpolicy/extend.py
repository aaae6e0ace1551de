"""Custom language data without copying the model directory: extension files.

An extension file is a JSON object whose keys are model files (as listed in the model's
``meta.json``) and whose values are partial documents of the same shape as that file::

    {
      "name": "my-additions",
      "gazetteer/organisations.json": {"entries": [
          {"name": "Công ty CP Sông Lam Xanh", "type": "company", "aliases": ["Sông Lam Xanh"]}]},
      "gazetteer/provinces.json": {"entries": [
          {"name": "Thanh Hóa", "type": "province", "aliases": ["xứ Thanh"]}]},
      "units.json": {"units": [{"code": "giạ", "dimension": "volume", "forms": ["giạ"]}]},
      "counted_nouns.json": {"nouns": ["ghe bầu"]},
      "triggers.json": {"target_strong": ["ấn định"]}
    }

``extended_model_dir`` merges the files into the bundled model (or into ``base``) and
returns the path of a model directory that ``Extractor(model_dir=...)`` and ``--model``
accept. Merging: lists are extended (an item already present is not repeated); objects
are merged key by key; a number or string replaces the bundled one. Keys starting with
``_`` are comments. What the user adds wins over the bundled data where both name the
same surface form: gazetteer entries are placed before the bundled ones (the first entry
with a form owns it) and units after them (the last unit with a form owns it). Strings
are brought to Unicode NFC, as the model requires.

The merged directory is built once per (base model, extension contents) in a cache
directory (``$VNPOLICY_CACHE``, else the system temp directory) and reused afterwards;
its ``meta.json`` names the extension files it was built from.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from .resources import MAX_FILE_BYTES, ModelError, default_model_dir, listed_files, read_json_file

__all__ = ["ExtensionError", "extended_model_dir", "load_extension", "merge_file", "resolve_model_dir"]

# Lists whose first item for a surface form wins: the user's entries go first.
_PREPEND = {("gazetteer/provinces.json", "entries"), ("gazetteer/organisations.json", "entries"),
            ("gazetteer/countries.json", "entries")}
# Required keys of the items of known object lists, to fail early with a clear message.
_ITEM_KEYS = {
    ("gazetteer/provinces.json", "entries"): ("name", "type"),
    ("gazetteer/organisations.json", "entries"): ("name", "type"),
    ("gazetteer/countries.json", "entries"): ("name", "type"),
    ("units.json", "units"): ("code", "dimension", "forms"),
}
_FORMAT_VERSION = "1"


class ExtensionError(ModelError):
    """An extension file that cannot be merged into the model."""


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


def load_extension(source: str | os.PathLike | dict) -> dict[str, Any]:
    """The parsed extension (a path to a JSON file, or an already parsed dict), NFC."""
    if isinstance(source, dict):
        data, where = source, "extension"
    else:
        where = str(source)
        data = read_json_file(Path(source), missing="no such extension file", error=ExtensionError)
    if not isinstance(data, dict):
        raise ExtensionError(f"{where}: an extension must be a JSON object keyed by model file")
    return _nfc(data)


def _check_items(file: str, key: str, items: list, where: str) -> None:
    required = _ITEM_KEYS.get((file, key))
    if not required:
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ExtensionError(f"{where}: {file} {key}[{i}] must be an object")
        missing = [k for k in required if k not in item]
        if missing:
            raise ExtensionError(f"{where}: {file} {key}[{i}] lacks {', '.join(missing)}")
        if "aliases" in item and not (isinstance(item["aliases"], list)
                                      and all(isinstance(a, str) for a in item["aliases"])):
            raise ExtensionError(f"{where}: {file} {key}[{i}].aliases must be a list of strings")
        if "forms" in item and not (isinstance(item["forms"], list) and item["forms"]
                                    and all(isinstance(f, str) for f in item["forms"])):
            raise ExtensionError(f"{where}: {file} {key}[{i}].forms must be a non-empty list of strings")


def _merge(base: Any, addition: Any, file: str, path: tuple[str, ...], where: str) -> Any:
    label = f"{file}: {'.'.join(path) or '(top)'}"
    if isinstance(base, dict):
        if not isinstance(addition, dict):
            raise ExtensionError(f"{where}: {label} must be an object, as in the model")
        out = dict(base)
        for key, value in addition.items():
            if key.startswith("_"):
                continue
            out[key] = _merge(base[key], value, file, path + (key,), where) if key in base else value
            if key not in base and isinstance(value, list) and len(path) == 0:
                _check_items(file, key, value, where)
        return out
    if isinstance(base, list):
        if not isinstance(addition, list):
            raise ExtensionError(f"{where}: {label} must be a list, as in the model")
        if len(path) == 1:
            _check_items(file, path[0], addition, where)
        new = []
        for item in addition:
            if item not in base and item not in new:
                new.append(item)
        return new + base if (file, ".".join(path)) in _PREPEND else base + new
    if isinstance(addition, (dict, list)):
        raise ExtensionError(f"{where}: {label} must be a {type(base).__name__}, as in the model")
    return addition


def merge_file(file: str, base_doc: Any, addition: Any, where: str = "extension") -> Any:
    """``base_doc`` (one parsed model file) with ``addition`` merged in."""
    return _merge(base_doc, addition, file, (), where)


def _model_files(directory: Path) -> list[str]:
    meta_path = directory / "meta.json"
    if not meta_path.is_file():
        raise ModelError(f"{directory}: not a vnpolicy model directory (no meta.json)")
    return listed_files(directory, read_json_file(meta_path), meta_path)


def _fingerprint(base: Path, files: list[str], extensions: list[tuple[str, dict]]) -> str:
    h = hashlib.sha256(_FORMAT_VERSION.encode())
    for name in ["meta.json", *sorted(files)]:
        path = base / name
        h.update(name.encode() + b"\0")
        h.update(_capped_bytes(path) if path.is_file() else b"<missing>")
    for _, ext in extensions:
        h.update(json.dumps(ext, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()[:20]


def _capped_bytes(path: Path) -> bytes:
    """A model file's bytes for the fingerprint; one too big is refused when it is read."""
    with open(path, "rb") as f:
        return f.read(MAX_FILE_BYTES + 1)


def cache_root() -> Path:
    root = os.environ.get("VNPOLICY_CACHE")
    return Path(root) if root else Path(tempfile.gettempdir()) / "vnpolicy-models"


def extended_model_dir(extensions: Iterable[str | os.PathLike | dict], base: str | os.PathLike | None = None,
                       cache_dir: str | os.PathLike | None = None) -> Path:
    """A model directory: ``base`` (default: the bundled model) plus ``extensions`` merged
    in order. Built once and cached; an empty list of extensions returns ``base`` itself."""
    base_dir = Path(base) if base is not None else default_model_dir()
    loaded = [(str(e) if not isinstance(e, dict) else "extension", load_extension(e)) for e in extensions]
    if not loaded:
        return base_dir
    files = _model_files(base_dir)
    for where, ext in loaded:
        for key in ext:
            if key.startswith("_") or key == "name":
                continue
            if key not in files:
                raise ExtensionError(f"{where}: {key!r} is not a file of the model "
                                     f"(one of: {', '.join(files)})")
    root = Path(cache_dir) if cache_dir is not None else cache_root()
    target = root / _fingerprint(base_dir, files, loaded)
    if (target / "meta.json").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        meta = read_json_file(base_dir / "meta.json")
        for name in files:
            doc = read_json_file(base_dir / name, missing="listed in meta.json but missing")
            for where, ext in loaded:
                if name in ext:
                    doc = merge_file(name, doc, ext[name], where)
            out = work / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        names = [ext.get("name") or Path(where).stem for where, ext in loaded]
        meta["name"] = "+".join([str(meta.get("name", "model")), *map(str, names)])
        meta["extended_from"] = str(base_dir.resolve())
        meta["extensions"] = [where for where, _ in loaded]
        (work / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        try:
            os.replace(work, target)        # atomic; another process may have won the race
        except OSError:
            if not (target / "meta.json").is_file():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target


def resolve_model_dir(model: str | os.PathLike | None, extend: Iterable[str | os.PathLike] | None) -> str | None:
    """What ``--model`` and ``--extend`` together give ``Extractor``: None for the bundled model."""
    extend = list(extend or [])
    if not extend:
        return None if model is None else str(model)
    return str(extended_model_dir(extend, base=model))
