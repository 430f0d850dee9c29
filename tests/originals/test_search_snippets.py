from originals.selectors import snippet
from portal.search import locate


def test_locate_ignores_accents_case_and_spacing():
    text = "Danh sách  NGƯỜI bị\ntạm giữ được gửi"
    start, end = locate(text, "nguoi bi tam giu")
    assert text[start:end] == "NGƯỜI bị\ntạm giữ"
    assert locate(text, "đuoc") is not None and locate(text, "khong co") is None


def test_snippet_names_the_first_page_holding_every_word():
    pages = ["Trang đầu nói về tạm giữ.", "Không liên quan.", "Gửi danh sách người bị tạm giữ hằng ngày."]
    line = snippet(pages, "nguoi bi tam giu")
    assert line == "Tìm thấy trong bản gốc, trang 3: Gửi danh sách người bị tạm giữ hằng ngày."
    assert snippet(pages, "phuc hoi") == ""


def test_locate_in_text_with_combining_marks_falls_back_to_offsets():
    text = "Danh sa\u0301ch người bị tạm giữ"  # "á" written as a + combining acute, as some PDFs do
    start, end = locate(text, "danh sach")
    assert text[start:end] == "Danh sa\u0301ch"
