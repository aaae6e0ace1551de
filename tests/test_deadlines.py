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


def _deadlines(text: str, published: str) -> dict:
    import vnpolicy
    return {t.amount.text: (t.deadline.date.isoformat() if t.deadline else None)
            for t in vnpolicy.extract(text, published=published).targets}


def test_a_past_year_without_a_lead_word_labels_the_figure_not_a_deadline():
    # said in 2021: the dividend belongs to 2020; nothing says by when it is paid
    found = _deadlines("Ngân hàng sẽ chia cổ tức năm 2020 bằng cổ phiếu với tỷ lệ 15%.", "2021-04-20")
    assert found == {"15": None}
    # the same words before the year is over: that year is the deadline
    assert _deadlines("Ngân hàng sẽ chia cổ tức năm 2020 bằng cổ phiếu với tỷ lệ 15%.", "2020-03-02") == \
        {"15": "2020-12-31"}


@pytest.mark.parametrize("text", [
    "Theo đề án, từ năm 2016 đến 2020 tỉnh phấn đấu đào tạo 300 thạc sĩ.",
    "Đề án đặt mục tiêu đến năm 2020 đào tạo 300 thạc sĩ.",
])
def test_a_past_plan_that_says_by_when_keeps_its_deadline(text):
    assert _deadlines(text, "2021-04-20") == {"300": "2020-12-31"}


@pytest.mark.parametrize("text, words", [
    ("Dự kiến đến cuối năm, tỉnh sẽ tiêm xong 500.000 liều vắc xin.", "đến cuối năm"),
    ("Từ nay đến hết năm, công ty phấn đấu bán thêm 20.000 xe.", "Từ nay đến hết năm"),
])
def test_the_end_of_the_year_without_a_year_is_this_year(text, words):
    found = [t for t in FINDER.find(text) if text[t.start:t.end] == words]
    assert found, [text[t.start:t.end] for t in FINDER.find(text)]
    assert FINDER.resolve(found[0], _date("2021-09-01")).date == _date("2021-12-31")
    assert FINDER.resolve(found[0], None).date is None        # no publication date: no year to say


@pytest.mark.parametrize("text", [
    "Cuối năm ngoái, tỉnh đã tiêm 500.000 liều vắc xin.",      # last year's end: past, no deadline
    "Cuối năm 2020, tỉnh đã tiêm 500.000 liều vắc xin.",       # a year of its own: the year rule's
])
def test_the_end_of_another_year_is_not_this_year(text):
    assert not [t for t in FINDER.find(text) if t.rule == "relative"]


def _date(iso: str):
    import datetime as dt
    return dt.date.fromisoformat(iso)


@pytest.mark.parametrize("text, words, end", [
    ("Theo ban quản lý, tới đầu tháng 11 sẽ có 100 chuyên gia sang làm việc.", "tới đầu tháng 11", "2021-11-30"),
    ("Tỉnh phấn đấu đến giữa tháng 10/2021 tiêm 500.000 liều vắc xin.", "đến giữa tháng 10/2021", "2021-10-31"),
])
def test_the_start_or_middle_of_a_month_belongs_to_its_time(text, words, end):
    found = [t for t in FINDER.find(text) if text[t.start:t.end] == words]
    assert found, [text[t.start:t.end] for t in FINDER.find(text)]
    assert FINDER.resolve(found[0], _date("2021-09-01")).date == _date(end)
    metric = metric_words(text)
    assert metric and not {"đầu", "giữa", "tới", "đến"} & set(metric.split())   # no time word left in it


def test_since_the_middle_of_a_month_is_no_deadline():
    text = "Từ giữa tháng 10, tỉnh sẽ tiêm 500.000 liều vắc xin."
    assert [t.start_bound for t in FINDER.find(text)] == [True]


def metric_words(text: str) -> str:
    import vnpolicy
    return " ".join(t.metric.text for t in vnpolicy.extract(text, published="2021-09-01").targets)
