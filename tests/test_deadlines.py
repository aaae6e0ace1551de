"""What a time expression says besides its date: a reference point (baseline), where
something starts (start bound), a plan's far horizon."""
import pytest

from vnpolicy.deadlines import DeadlineFinder
from vnpolicy.resources import load

FINDER = DeadlineFinder(load())


@pytest.mark.parametrize("text, words, baseline, start_bound, horizon", [
    ("Dự kiến sau năm 2030, tuyến đường sẽ có 6 làn.", "năm 2030", True, True, False),
    ("Kể từ năm 2026, mỗi xã có một trạm y tế.", "năm 2026", True, True, False),
    ("Doanh thu tăng 10% so với năm 2024.", "năm 2024", True, False, False),
    ("Quy hoạch đến năm 2030, tầm nhìn đến năm 2045.", "đến năm 2045", False, False, True),
    ("Đến năm 2030 tỉnh có 20 khu công nghiệp.", "Đến năm 2030", False, False, False),
])
def test_flags_of_a_time_expression(text, words, baseline, start_bound, horizon):
    found = [t for t in FINDER.find(text) if text[t.start:t.end] == words]
    assert found, [text[t.start:t.end] for t in FINDER.find(text)]
    t = found[0]
    assert (t.baseline, t.start_bound, t.horizon) == (baseline, start_bound, horizon)
