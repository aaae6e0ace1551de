"""vnpolicy: policy targets from Vietnamese news text.

    >>> import vnpolicy
    >>> result = vnpolicy.extract("Năm 2021, tỉnh phấn đấu thu hút 2 tỷ USD.", published="2021-01-05")
    >>> result.targets[0].amount.value
    Decimal('2000000000')

Heavy dependencies (underthesea) load lazily on the first sentence that needs them.
"""
from .bulk import extract_many  # noqa: F401  (many records, in order, on many cores)
from .pipeline import Extractor, extract, parse_published
from .records import (Actor, Amount, Deadline, ExtractionResult, Metric, SCHEMA_VERSION, Span, Target,
                      Unit)

__version__ = "0.1.0"
__all__ = ["Extractor", "extract", "parse_published", "ExtractionResult", "Target", "Actor", "Amount",
           "Unit", "Deadline", "Metric", "Span", "SCHEMA_VERSION", "__version__"]
