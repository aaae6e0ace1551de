"""Typed values: exact Decimals that print as a reader expects, deadlines as datetime.date,
exported types, py.typed, and `mypy --strict` on a user's script."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

import vnpolicy
from vnpolicy import Amount, Deadline

EXAMPLE = Path(__file__).resolve().parent / "typing" / "typed_usage.py"


@pytest.mark.parametrize("text, value, value_max", [
    ("Năm 2025, tỉnh phấn đấu thu hút 1,5 tỷ USD vốn FDI.", "1500000000", None),
    ("Năm 2025, tỉnh phấn đấu tăng trưởng GRDP từ 7 đến 7,5%.", "7", "7.5"),
    ("Năm 2030, Bộ đặt mục tiêu giải ngân 12 nghìn tỷ đồng.", "12000000000000", None),
    ("Năm 2025, tỉnh phấn đấu tỷ lệ che phủ rừng đạt 37,60%.", "37.6", None),
])
def test_amounts_are_exact_and_print_as_written(text, value, value_max):
    (target,) = vnpolicy.extract(text, published="2025-01-10").targets
    assert isinstance(target.amount.value, Decimal) and str(target.amount.value) == value
    assert (None if target.amount.value_max is None else str(target.amount.value_max)) == value_max


def test_amount_normalises_what_it_is_given():
    amount = Amount("1,5 tỷ", 0, 6, Decimal("1.5E+9"), Decimal("2000000000.00"), "range")
    assert str(amount.value) == "1500000000" and str(amount.value_max) == "2000000000"
    assert Amount("0,1", 0, 3, 0.1, None, "eq").value == Decimal("0.1")        # a float by its repr
    assert Amount("7,50", 0, 4, Decimal("7.50"), None, "eq").to_dict()["value"] == 7.5
    with pytest.raises(ValueError):
        Amount("?", 0, 1, Decimal("NaN"), None, "eq")


def test_deadline_date_is_a_date_and_iso_in_json():
    (target,) = vnpolicy.extract("Tỉnh phấn đấu đến năm 2030 có 500 km đường cao tốc.").targets
    assert target.deadline is not None and target.deadline.date == dt.date(2030, 12, 31)
    assert target.to_dict()["deadline"]["date"] == "2030-12-31"
    assert Deadline("năm 2030", "2030-12-31", "year", 0, 8).date == dt.date(2030, 12, 31)   # from JSON
    assert Deadline("năm nay", None, "year", 0, 7).to_dict()["date"] is None


def test_types_are_exported_and_marked_typed():
    for name in ("Extractor", "ExtractionResult", "Target", "Actor", "Amount", "Unit", "Deadline", "Metric",
                 "Span", "Succession", "extract", "extract_many"):
        assert name in vnpolicy.__all__ and hasattr(vnpolicy, name)
    assert resources.files("vnpolicy").joinpath("py.typed").is_file()


def test_mypy_strict_accepts_a_users_script_and_sees_the_real_types(tmp_path):
    pytest.importorskip("mypy")
    # a second script that uses a deadline date as a string: mypy must reject it, and only it
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import vnpolicy\n"
                     "d = vnpolicy.extract('x').targets[0].deadline\n"
                     "assert d is not None\n"
                     "s: str = d.date\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
                          str(EXAMPLE), str(wrong)], capture_output=True, text=True, cwd=tmp_path, timeout=110)
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith("wrong.py:4:"), run.stdout + run.stderr
    assert 'incompatible types in assignment (expression has type "date | none"' in errors[0].lower()


def test_the_typed_script_runs():
    run = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=110)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "{'USD': Decimal('1500000000')} ['2024-12-31'] ['Bắc Ninh']"
