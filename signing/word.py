"""The footer of a Word copy (.docx) of an issued document: it is not signed, the signed PDF is the record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.document import Document
from docx.shared import Pt

from signing.models import VerificationCode

if TYPE_CHECKING:
    from meetings.models import OfficialDocument


def unsigned_footer_text(document: OfficialDocument) -> str:
    code = VerificationCode.objects.filter(document=document).values_list("code", flat=True).first()
    text = (
        "Bản Word chỉ để tham khảo, không có chữ ký số; bản có giá trị là bản PDF có chữ ký số "
        f"của {document.issuing_agency.name}"
    )
    return f"{text} (mã xác thực {code[:4]}-{code[4:]})." if code else f"{text}."


def add_unsigned_footer(doc: Document, document: OfficialDocument) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    run = paragraph.add_run(unsigned_footer_text(document))
    run.italic = True
    run.font.size = Pt(9)
