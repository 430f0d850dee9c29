"""An import of regulations and meetings from an XLSX or CSV file: what was uploaded, what the
check found (counts, errors by sheet, row and column) and how far the import has gone."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    REGULATIONS = "regulations", _("Quy chế phối hợp")
    MEETINGS = "meetings", _("Hội nghị, cuộc họp")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Đang kiểm tra")
    NEEDS_INPUT = "input", _("Cần ghép cột, chọn trang hoặc bảng mã")
    INVALID = "invalid", _("Có lỗi, chưa nhập")
    READY = "ready", _("Đã kiểm tra, chờ xác nhận")
    IMPORTING = "importing", _("Đang nhập")
    DONE = "done", _("Đã nhập xong")
    FAILED = "failed", _("Không nhập được")
    CANCELLED = "cancelled", _("Đã hủy")


RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


def import_upload_to(instance: ImportJob, filename: str) -> str:
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{secrets.token_urlsafe(24)}{suffix}"


class ImportJob(models.Model):
    kind = models.CharField(_("dữ liệu nhập"), max_length=20, choices=ImportKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    locality = models.ForeignKey(
        "agencies.Locality",
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("tệp"), upload_to=import_upload_to, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    encoding = models.CharField(_("bảng mã"), max_length=40, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    counts = models.JSONField(_("số dòng theo kết quả"), default=dict, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    notes = models.JSONField(_("ghi chú"), default=list, blank=True)
    preview = models.JSONField(_("các dòng sẽ nhập (xem trước)"), default=list, blank=True)
    layout = models.JSONField(_("cột của tệp"), default=dict, blank=True)
    choices = models.JSONField(_("lựa chọn của người nhập"), default=dict, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    heartbeat_at = models.DateTimeField(_("lần báo tiến độ gần nhất"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    finished_at = models.DateTimeField(_("ngày nhập xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("các lần nhập dữ liệu")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING


class ColumnMapping(models.Model):
    """A unit's answer to the mapping step, used again for its next file with the same header."""

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("dữ liệu nhập"), max_length=20, choices=ImportKind.choices)
    signature = models.CharField(_("dấu hiệu dòng tiêu đề"), max_length=40)
    mapping = models.JSONField(_("ghép cột"), default=dict)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cách ghép cột đã lưu")
        verbose_name_plural = _("các cách ghép cột đã lưu")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "signature"], name="imports_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.kind} {self.signature}"
