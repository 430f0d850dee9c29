from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TextState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ đọc")
    RUNNING = "running", _("Đang đọc")
    DONE = "done", _("Đã đọc")
    FAILED = "failed", _("Không đọc được")


class TextMethod(models.TextChoices):
    TEXT_LAYER = "text_layer", _("Lớp chữ của tệp PDF")
    OCR = "ocr", _("Nhận dạng chữ (OCR)")
    DOCUMENT = "document", _("Nội dung tệp DOCX/ODT")


class OriginalText(models.Model):
    """The text read from one original file (``originals.services.read``), page by page, with the
    searchable PDF/A made by OCR. The original file itself is never changed."""

    original = models.OneToOneField(
        "regulations.Original", verbose_name=_("tệp văn bản gốc"), on_delete=models.CASCADE, related_name="text"
    )
    # The original's regulation, kept here so the search reads one table.
    regulation = models.ForeignKey(
        "regulations.Regulation", verbose_name=_("quy chế"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("trạng thái"), max_length=10, choices=TextState.choices, default=TextState.QUEUED)
    method = models.CharField(_("cách đọc"), max_length=12, choices=TextMethod.choices, blank=True)
    pages_total = models.PositiveIntegerField(_("số trang"), default=0)
    pages_done = models.PositiveIntegerField(_("số trang đã đọc"), default=0)
    pages = models.JSONField(_("nội dung theo trang"), default=list, blank=True)
    search_text = models.TextField(editable=False, default="")
    message = models.CharField(_("lý do"), max_length=500, blank=True)
    searchable_pdf = models.FileField(_("bản PDF/A tìm kiếm được"), upload_to="originals/ocr/%Y/%m/", blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần đọc"), default=0)
    queued_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("nội dung tệp văn bản gốc")
        verbose_name_plural = _("nội dung tệp văn bản gốc")
        indexes = [models.Index(fields=["state"], name="original_text_state")]

    def __str__(self) -> str:
        return f"{self.original_id}: {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.state in (TextState.DONE, TextState.FAILED)


class RegulationWords(models.Model):
    """The words of all a regulation's read originals, each once (normalised as ``portal.search``
    does): the one row per regulation the register's search reads, instead of every original's text
    with its pages (issue 23). Kept by ``originals.services.update_words``."""

    regulation = models.OneToOneField(
        "regulations.Regulation",
        verbose_name=_("quy chế"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    words = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("từ trong văn bản gốc của quy chế")
        verbose_name_plural = _("từ trong văn bản gốc của quy chế")

    def __str__(self) -> str:
        return str(self.regulation_id)
