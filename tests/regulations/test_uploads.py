import pytest
from django.core.exceptions import ValidationError

from regulations.models import OriginalKind
from regulations.uploads import DOCX, ODT, PDF, PNG, check_original
from tests.regulations import helpers


@pytest.mark.parametrize(
    ("kind", "make", "expected"),
    [
        (OriginalKind.SIGNED_SCAN, helpers.pdf, PDF),
        (OriginalKind.SIGNED_SCAN, helpers.png, PNG),
        (OriginalKind.EDITABLE_TEXT, helpers.docx, DOCX),
        (OriginalKind.EDITABLE_TEXT, helpers.odt, ODT),
    ],
)
def test_accepted_by_content(kind, make, expected):
    assert check_original(kind, make()).content_type == expected


@pytest.mark.parametrize(
    ("kind", "upload", "fragment"),
    [
        (OriginalKind.SIGNED_SCAN, helpers.exe_as_pdf(), "không phải định dạng được chấp nhận"),
        (OriginalKind.SIGNED_SCAN, helpers.empty(), "rỗng"),
        (OriginalKind.SIGNED_SCAN, helpers.big_pdf(), "vượt quá giới hạn"),
        (OriginalKind.SIGNED_SCAN, helpers.pdf("ban-ky.png"), "không khớp"),
        (OriginalKind.EDITABLE_TEXT, helpers.pdf(), "DOCX hoặc ODT"),
        (OriginalKind.EDITABLE_TEXT, helpers.plain_zip(), "không phải định dạng"),
        (OriginalKind.EDITABLE_TEXT, helpers.docx("du-thao.odt"), "không khớp"),
    ],
)
def test_refused_with_vietnamese_message(kind, upload, fragment):
    with pytest.raises(ValidationError) as exc:
        check_original(kind, upload)
    assert fragment in exc.value.messages[0]


def test_size_limit_follows_setting(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="vượt quá"):
        check_original(OriginalKind.SIGNED_SCAN, helpers.pdf())
