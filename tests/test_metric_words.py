"""Which words name the metric of a target (metric.py), on sentences written for the test."""
import pytest

import vnpolicy


def metric_of(text: str, amount: str) -> str:
    found = [t for t in vnpolicy.extract(text).targets if t.amount.text == amount]
    assert found, f"no target at {amount!r}"
    for part in found[0].metric.parts:        # every piece, wherever it was found, indexes the text
        assert text[part.start:part.end] == part.text
    return found[0].metric.text


@pytest.mark.parametrize("text, amount, expected", [
    # 'từ X lên Y': the words before the first quantity name both, without the first
    ("Bộ đề xuất tăng quân số từ 1,2 triệu lên 1,4 triệu người vào năm 2026.", "1,4 triệu",
     "tăng quân số … người"),
    ("Tỉnh phấn đấu nâng số xã đạt chuẩn từ 20 xã lên 45 xã vào năm 2025.", "45",
     "nâng số xã đạt chuẩn … xã"),
    # a passive after the cue: its subject is the thing measured
    ("Theo quy hoạch, đường vành đai sẽ được mở rộng lên 6 làn vào năm 2030.", "6",
     "đường vành đai sẽ được mở rộng … làn"),
    ("Dự kiến vốn điều lệ sẽ được nâng lên 8.000 tỷ đồng trong năm 2026.", "8.000 tỷ",
     "vốn điều lệ sẽ được nâng"),
    # a stop word that is the second syllable of a word (thực hiện, đối với) stops nothing
    ("Năm 2027, Công ty Thép Sông Lam sẽ chi 500 tỷ đồng để thực hiện 12 dự án chống ngập.", "500 tỷ",
     "chi … thực hiện"),
    ("Năm 2027, Công ty Thép Sông Lam sẽ chi 500 tỷ đồng để thực hiện 12 dự án chống ngập.", "12",
     "dự án chống ngập"),
    ("Bộ Tài chính sẽ giảm 40% thuế suất nhập khẩu đối với hàng nông sản trong năm 2028.", "40",
     "giảm … thuế suất nhập khẩu đối với hàng nông sản"),
    # a linking word at the edge stays when it makes a word with its neighbour (lắp đặt) ...
    ("Năm 2027, Công ty Thép Sông Lam sẽ lắp đặt 6 dây chuyền mới.", "6", "lắp đặt … dây chuyền mới"),
    # ... but the copula never does, whatever the syllable before it ('nhất là' is a word elsewhere)
    ("Năm 2027, Công ty Thép Sông Lam đặt kế hoạch doanh thu hợp nhất là 17.000 tỷ đồng.", "17.000 tỷ",
     "doanh thu hợp nhất"),
    # the speaker and the verb of saying are not the metric
    ("Lãnh đạo tỉnh cho biết số trường đạt chuẩn sẽ tăng lên 45 trường vào năm 2027.", "45",
     "số trường đạt chuẩn sẽ tăng … trường"),
    ("Ông có cho rằng Đà Nẵng sẽ đạt mục tiêu tăng trưởng 8% trong năm 2027?", "8", "tăng trưởng"),
    # a cue followed only by a time and linking words names nothing: its subject does
    ("Theo kế hoạch, tổng vốn huy động của Công ty Thép Sông Lam dự kiến đến tháng 12/2027 đạt gần 9.000 tỷ đồng.",
     "9.000 tỷ", "tổng vốn huy động"),
    # a label before a colon names the amount after it
    ("Năm 2027, Công ty Thép Sông Lam đặt kế hoạch với: Tổng sản lượng thép: 1,2 triệu tấn, doanh thu 17.000 tỷ đồng.",
     "1,2 triệu", "Tổng sản lượng thép"),
    # a target whose own words name nothing measures what the quantity before it did
    ("Lợi nhuận năm 2026 của Công ty Thép Sông Lam đạt 60 tỷ đồng, dự kiến năm 2027 đạt 80 tỷ đồng.",
     "80 tỷ", "Lợi nhuận"),
    # 'sẽ tăng từ X lên Y': the modal is followed by linking words up to the first quantity
    ("Theo quy hoạch, sản lượng điện mặt trời của tỉnh sẽ tăng từ 500 MW lên 2.000 MW vào năm 2030.",
     "2.000", "sản lượng điện mặt trời của tỉnh sẽ tăng"),
    # 'chỉ (còn)' links like 'còn'
    ("Năm 2027, Công ty Thép Sông Lam đặt mục tiêu chi phí vận hành chỉ còn 400 tỷ đồng.", "400 tỷ",
     "chi phí vận hành"),
    # the items of a list under one verb take its words, each with its own counted noun
    ("Năm 2027, huyện sẽ xây mới 12 trường học, 5 trạm y tế và 3 chợ.", "5", "xây mới … trạm y tế"),
    ("Năm 2027, huyện sẽ xây mới 12 trường học, 5 trạm y tế và 3 chợ.", "3", "xây mới … chợ"),
    ("Tỉnh sẽ xây 4 nhà máy thủy điện nhỏ, 2 trung tâm dữ liệu vùng và 3 khu công nghiệp mới trong năm 2027.",
     "3", "xây … khu công nghiệp mới"),
    # a purpose after the time that ends the amount's words names what the money is for
    ("Công ty Thép Sông Lam sẽ đầu tư 500 tỷ đồng trong năm 2027 để xây dựng nhà máy thứ hai.", "500 tỷ",
     "đầu tư … xây dựng nhà máy thứ hai"),
    # a linking word names nothing by itself ('đạt con số', 'chiếm'): the subject before the cue does
    ("Công ty Thép Sông Lam phấn đấu năm 2027 doanh thu sẽ đạt con số 12.000 tỷ đồng.", "12.000 tỷ",
     "doanh thu sẽ đạt con số"),
    ("Đến năm 2030, ngành dệt may của tỉnh sẽ chiếm 20% giá trị sản xuất công nghiệp.", "20",
     "ngành dệt may của tỉnh sẽ chiếm … giá trị sản xuất công nghiệp"),
    # a reason or a condition after the amount is not the metric
    ("Năm 2027, tỉnh phấn đấu giữ lạm phát dưới 4% vì giá lương thực đã tăng mạnh.", "4", "giữ lạm phát"),
    ("Năm 2027, tỉnh sẽ hỗ trợ 50% chi phí thuê đất nếu doanh nghiệp đầu tư ngay trong năm đầu.", "50",
     "hỗ trợ … chi phí thuê đất"),
])
def test_metric_words(text, amount, expected):
    assert metric_of(text, amount) == expected


def test_a_beneficiary_subject_stays_out():
    text = "Theo kế hoạch, các hộ di dời sớm sẽ được hỗ trợ 15 triệu đồng trong năm 2025."
    assert "hộ" not in metric_of(text, "15 triệu").split()
