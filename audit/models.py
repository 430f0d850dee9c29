"""An append-only record of security-relevant events: logins, failures, exports, PDFs, denials."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    LOGOUT = "logout", _("Đăng xuất")
    LOGIN_FAILED = "login_failed", _("Đăng nhập không thành công")
    EXPORT = "export", _("Xuất dữ liệu")
    PDF = "pdf", _("Tạo, tải văn bản PDF")
    DOWNLOAD = "download", _("Tải tệp")
    DENIED = "denied", _("Bị từ chối truy cập")
    IMPORT = "import", _("Nhập dữ liệu")
    PROBE = "probe", _("Truy cập lặp lại dữ liệu ngoài phạm vi")
    ACCOUNT = "account", _("Quản lý tài khoản")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=20, choices=AuditAction.choices, db_index=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký truy cập")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.username} {self.get_action_display()}"
