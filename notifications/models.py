"""In-app notifications, the reminders that produce them (one row per subject, stage, due date and
recipient: the unique key that makes every reminder go out exactly once) and a log of scans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # The reminder this notification was made for (reminder.notification from the other side): its
    # unique key lets the set-based scan insert notifications with ON CONFLICT DO NOTHING, so two
    # scans never give one reminder two bells, and no second write is needed to link them.
    reminder = models.OneToOneField(
        "Reminder",
        verbose_name=_("nhắc việc"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification",
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderKind(models.TextChoices):
    REVIEW = "review", _("Hạn sơ kết quy chế")
    DIRECTIVE = "directive", _("Thời hạn nhiệm vụ")
    MINUTES = "minutes", _("Biên bản chưa hoàn thành")
    LEADER_WEEKLY = "leader_weekly", _("Tổng hợp tuần cho lãnh đạo")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi thư")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi thư")
    FAILED = "failed", _("Gửi lỗi, sẽ thử lại")
    SKIPPED = "skipped", _("Không gửi thư (chỉ thông báo trong cổng)")
    DIGEST = "digest", _("Gửi trong thư tổng hợp hằng ngày")


UNSENT_STATUSES = (ReminderStatus.PENDING, ReminderStatus.FAILED)


class OutgoingMail(models.Model):
    """The delivery state of one e-mail (a reminder's own, or a digest): claimed by a conditional
    UPDATE before sending so that it goes out at most once, retried while it fails."""

    status = models.CharField(
        _("trạng thái thư"),
        max_length=10,
        choices=ReminderStatus.choices,
        default=ReminderStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        abstract = True


class Reminder(OutgoingMail):
    """One reminder to one person. The unique key (kind, subject, stage, due date, recipient) is what
    makes a second scan, a second beat or a retried task create nothing twice."""

    kind = models.CharField(_("loại nhắc việc"), max_length=20, choices=ReminderKind.choices)
    subject_id = models.PositiveBigIntegerField(_("mã đối tượng"))
    stage = models.CharField(_("mốc nhắc"), max_length=30)
    due_on = models.DateField(_("hạn"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="reminders"
    )
    # A label for grouping the digest, written in bulk by the scan: no database constraint, which
    # would cost a check per inserted row (agencies are never deleted, only dissolved).
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        help_text=_("Đơn vị chủ trì quy chế, hội nghị hoặc được giao nhiệm vụ."),
    )
    digest = models.ForeignKey(
        "Digest",
        verbose_name=_("thư tổng hợp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders",
    )
    subject_number = models.CharField(_("số, ký hiệu"), max_length=200, blank=True)
    subject_title = models.CharField(_("trích yếu, nội dung"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thư nhắc việc")
        verbose_name_plural = _("hộp thư đi (nhắc việc)")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "stage", "due_on", "recipient"],
                name="reminder_once_per_stage_and_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_number} ({self.stage}) → {self.recipient}"


class Digest(OutgoingMail):
    """The daily e-mail of one user: every reminder of the day that was not mailed on its own,
    grouped by kind and unit. Unique per user and day, claimed before sending like a reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("thư tổng hợp hằng ngày")
        verbose_name_plural = _("thư tổng hợp hằng ngày")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} → {self.user}"


class ScanRun(models.Model):
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    scan_date = models.DateField(_("ngày quét (giờ Việt Nam)"))
    reviews_created = models.PositiveIntegerField(_("nhắc sơ kết mới"), default=0)
    directives_created = models.PositiveIntegerField(_("nhắc nhiệm vụ mới"), default=0)
    minutes_created = models.PositiveIntegerField(_("nhắc biên bản mới"), default=0)
    resent = models.PositiveIntegerField(_("thư gửi lại"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần quét nhắc việc")
        verbose_name_plural = _("các lần quét nhắc việc")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%d/%m/%Y %H:%M}"

    @property
    def created_total(self) -> int:
        return self.reviews_created + self.directives_created + self.minutes_created
