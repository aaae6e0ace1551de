"""A small user script that `mypy --strict` must accept (tests/test_typing.py runs it too):
the library's results are typed, so a user's code type-checks without casts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import vnpolicy
from vnpolicy import Amount, Deadline, ExtractionResult, Target


def total_by_unit(targets: list[Target]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for target in targets:
        amount: Amount = target.amount
        code = target.unit.code or "?"
        totals[code] = totals.get(code, Decimal(0)) + amount.value
    return totals


def due_dates(targets: list[Target]) -> list[dt.date]:
    dates: list[dt.date] = []
    for target in targets:
        deadline: Deadline | None = target.deadline
        if deadline is not None and deadline.date is not None:
            dates.append(deadline.date)
    return dates


def successors(targets: list[Target]) -> set[str]:
    return {t.actor.successor for t in targets if t.actor is not None and t.actor.successor is not None}


def main() -> None:
    text = "Năm 2024, tỉnh Bắc Giang phấn đấu thu hút 1,5 tỷ USD vốn đầu tư trực tiếp nước ngoài."
    result: ExtractionResult = vnpolicy.extract(text, published=dt.date(2024, 1, 10))
    print(total_by_unit(result.targets), [d.isoformat() for d in due_dates(result.targets)],
          sorted(successors(result.targets)))
    extractor = vnpolicy.Extractor()
    for item in vnpolicy.extract_many([{"id": "a", "text": text, "published": "2024-01-10"}]):
        assert item.error is None, item.error
        print(item.id, len(item.targets), len(extractor.extract(text).targets))


if __name__ == "__main__":
    main()
