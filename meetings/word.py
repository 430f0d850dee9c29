"""The Word copy (.docx) of a minutes, notice or correction letter: the same blocks as its PDF."""

from __future__ import annotations

from meetings.documents import document_context
from meetings.models import DocumentType, OfficialDocument
from portal.word import Decree30Docx, recipient_lines
from signing.word import add_unsigned_footer


def document_docx(document: OfficialDocument) -> bytes:
    draft = document.serial is None
    context = document_context(document, draft=draft)
    word = Decree30Docx()
    number = document.number_display or f"      /{document.symbol}"
    letter = document.doc_type == DocumentType.CORRECTION
    word.header(
        governing=context["governing_lines"],
        issuing=context["issuing_lines"],
        number=number,
        place_date=context["place_date"],
        under_number=document.subject if letter else "",
        draft=draft,
    )
    if not letter:
        word.title(document.get_doc_type_display(), [line for line in document.subject.splitlines() if line.strip()])
    else:
        word.doc.add_paragraph()
    if context["replaces"]:
        word.note(context["replaces"])
    for block in context["blocks"]:
        word.paragraph(block.text, kind=block.kind)
    recipients = recipient_lines(
        context["recipients_report"], context["recipients_act"], context["filed_line"], context["recipients_other"]
    )
    if document.doc_type == DocumentType.MINUTES:
        word.signatures(
            [
                ("", document.cosigner_title or "THƯ KÝ", document.cosigner_name),
                (document.signer_capacity, document.signer_title or "CHỦ TRÌ", document.signer_name),
            ]
        )
        word.recipients(recipients)
    else:
        word.signatures(
            [(document.signer_capacity, document.signer_title, document.signer_name)], recipients=recipients
        )
    if not draft:
        add_unsigned_footer(word.doc, document)
    return word.bytes()
