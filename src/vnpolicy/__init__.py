"""vnpolicy: policy targets from Vietnamese news text.

    >>> import vnpolicy
    >>> result = vnpolicy.extract("Năm 2021, tỉnh phấn đấu thu hút 2 tỷ USD.", published="2021-01-05")
    >>> result.targets[0].amount.value
    Decimal('2000000000')

Heavy dependencies (underthesea) load lazily on the first sentence that needs them.
"""
from .bulk import extract_many  # many records, in order, on many cores
from .pipeline import Extractor, extract, parse_published
from .records import (Actor, Amount, Deadline, ExtractionResult, Metric, SCHEMA_VERSION, Span, Target,
                      Unit)
from .succession import Succession

__version__ = "0.1.0"
# The package ships py.typed: these names are typed for mypy and IDEs.
__all__ = ["Extractor", "extract", "extract_many", "parse_published", "ExtractionResult", "Target", "Actor",
           "Amount", "Unit", "Deadline", "Metric", "Span", "Succession", "SCHEMA_VERSION", "__version__"]
