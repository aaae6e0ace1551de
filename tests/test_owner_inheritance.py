"""Who owns a target whose sentence names no owner (owners.OwnerFinder._inherited), on
sentences written for the test."""
import pytest

import vnpolicy


def owner_of(text: str, amount: str):
    found = [t for t in vnpolicy.extract(text, published="2026-12-01").targets if t.amount.text == amount]
    assert found, f"no target at {amount!r}"
    return found[0].actor


@pytest.mark.parametrize("text, amount, owner", [
    # a place that opens the sentence before as its subject owns the plan
    ("Đà Nẵng vừa công bố quy hoạch cây xanh mới. Theo quy hoạch, đến năm 2030 diện tích cây "
     "xanh sẽ được mở rộng lên 1.200 ha.", "1.200", "Đà Nẵng"),
    # a place named in passing is not the owner; the organisation the sentence names first is
    ("Công ty Thép Sông Lam xuất khẩu chủ yếu sang thị trường Nhật Bản. Theo kế hoạch, đến năm "
     "2030 sản lượng thép sẽ được nâng lên 2 triệu tấn.", "2 triệu", "Công ty Thép Sông Lam"),
    # ... also after an adverb or a time that opens the clause
    ("Hiện Đà Nẵng có 800 ha cây xanh đô thị. Theo quy hoạch, đến năm 2030 diện tích cây xanh sẽ "
     "được mở rộng lên 1.200 ha.", "1.200", "Đà Nẵng"),
    ("Năm 2026, Đà Nẵng trồng mới nhiều cây xanh đô thị. Theo quy hoạch, đến năm 2030 diện tích "
     "cây xanh sẽ được mở rộng lên 1.200 ha.", "1.200", "Đà Nẵng"),
])
def test_inherited_owner(text, amount, owner):
    actor = owner_of(text, amount)
    assert actor is not None and actor.name == owner and actor.inherited
    assert text[actor.start:actor.end] == actor.text      # the sentence it was inherited from


def test_a_place_named_in_passing_gives_no_owner():
    text = ("Cao tốc Sông Lam dài 80 km, là một trong 5 tuyến cao tốc trên cả nước chỉ có hai làn xe. "
            "Theo quy hoạch, đến năm 2030 tuyến đường sẽ được mở rộng lên 6 làn.")
    assert owner_of(text, "6") is None


@pytest.mark.parametrize("separator", ["\n", "\n\n", "\n \n\n"])
def test_headline_owner_from_lead_across_blank_lines(separator):
    # A headline's target takes its owner from the lead; an empty line between paragraphs, as
    # many text files and feeds write them, must not push the lead out of reach.
    text = separator.join(["Năm nay phải thu 95.000 tỷ đồng tiền thuế",
                           "Tổng cục Thuế vừa giao nhiệm vụ thu ngân sách cho các cục thuế địa phương.",
                           "Các cục thuế cần rà soát lại nguồn thu trong tháng tới."])
    actor = owner_of(text, "95.000 tỷ")
    assert actor is not None and actor.name == "Tổng cục Thuế"
    assert text[actor.start:actor.end] == actor.text


def test_owner_named_with_a_character_reference():
    # 'T&amp;T' left by a scraper is the name T&T; its offsets are the caller's characters
    text = "Tập đoàn T&amp;T cam kết tài trợ 10 tỷ đồng cho bóng đá trẻ trong năm 2027."
    actor = owner_of(text, "10 tỷ")
    assert actor is not None and actor.name == "Tập đoàn T&T"
    assert text[actor.start:actor.end] == "Tập đoàn T&amp;T"


def test_markup_reads_like_the_plain_text_it_shows():
    # a CMS body handed over with its markup gives the targets of its plain text, at offsets
    # of the marked-up string
    plain = ["Năm nay phải thu 95.000 tỷ đồng tiền thuế",
             "Tổng cục Thuế vừa giao nhiệm vụ thu ngân sách cho các cục thuế địa phương.",
             "Các cục thuế cần rà soát lại nguồn thu trong tháng tới."]
    html = f"<h1>{plain[0]}</h1><p>{plain[1]}</p><p>{plain[2]}</p>".replace("95.000 tỷ", "<b>95.000 tỷ</b>")
    marked = vnpolicy.extract(html, published="2026-12-01").targets
    assert [(t.amount.text, t.actor.name, t.deadline.date) for t in marked] == \
        [(t.amount.text, t.actor.name, t.deadline.date) for t in vnpolicy.extract("\n".join(plain), published="2026-12-01").targets]
    for t in marked:
        assert html[t.amount.start:t.amount.end] == t.amount.text
        assert html[t.actor.start:t.actor.end] == t.actor.text
