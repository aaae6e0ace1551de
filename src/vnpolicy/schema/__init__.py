"""The JSON Schema of vnpolicy's output, shipped with the package."""
from __future__ import annotations

import functools
import json
from importlib import resources


@functools.lru_cache(maxsize=1)
def output_schema() -> dict:
    return json.loads(resources.files(__package__).joinpath("output.schema.json").read_text(encoding="utf-8"))


def validate(document: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``document`` is not a valid result."""
    import jsonschema  # imported here so that `import vnpolicy` stays light
    jsonschema.validate(document, output_schema())
