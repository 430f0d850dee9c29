"""Signed coordination regulations (quy chế phối hợp, nghị quyết liên tịch, ...).

Status and review dates are never typed: ``regulations.rules`` derives them from the dates and
relations stored here, and ``regulations.services`` keeps the stored summary columns
(``superseded_on``, ``last_review_on``, ``next_review_due``, ...) in step with every write.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Field(models.Model):
    """A field of work (lĩnh vực); the list is editable by admins."""

    name = models.CharField(_("tên lĩnh vực"), max_length=200, unique=True)
    code = models.SlugField(_("mã"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RegulationType(models.TextChoices):
    COORDINATION_RULE = "coordination_rule", _("Quy chế phối hợp")
    JOINT_RESOLUTION = "joint_resolution", _("Nghị quyết liên tịch")
    JOINT_CIRCULAR = "joint_circular", _("Thông tư liên tịch")
    COORDINATION_PLAN = "coordination_plan", _("Kế hoạch phối hợp")
    OTHER = "other", _("Văn bản khác")


class RegulationStatus(models.TextChoices):
    DRAFT = "draft", _("Chưa có hiệu lực")
    IN_FORCE = "in_force", _("Đang có hiệu lực")
    AMENDED = "amended", _("Đang có hiệu lực, đã được sửa đổi, bổ sung")
    SUPERSEDED = "superseded", _("Đã bị thay thế")
    EXPIRED = "expired", _("Hết hiệu lực")
    REPEALED = "repealed", _("Đã bị bãi bỏ")


class ReviewState(models.TextChoices):
    NOT_DUE = "not_due", _("Chưa đến hạn sơ kết")
    DUE_SOON = "due_soon", _("Sắp đến hạn sơ kết")
    OVERDUE = "overdue", _("Quá hạn sơ kết")
    NONE = "none", _("Không phải sơ kết")


# Bounds of the typed counts, checked by the form (Vietnamese errors) and by the database.
REVIEW_INTERVAL_MONTHS = (1, 60)
CHAPTERS_COUNT = (1, 200)
ARTICLES_COUNT = (1, 2000)


def _between(name: str, bounds: tuple[int, int], nullable: bool = True) -> models.Q:
    inside = models.Q(**{f"{name}__gte": bounds[0], f"{name}__lte": bounds[1]})
    return inside | models.Q(**{f"{name}__isnull": True}) if nullable else inside


class RegulationQuerySet(models.QuerySet):
    def counted(self) -> RegulationQuerySet:
        """Rows that count as regulations: not amending documents (``rules.counted_q()``)."""
        return self.filter(amendment_of__isnull=True)


class Regulation(models.Model):
    number = models.CharField(_("số, ký hiệu"), max_length=120)
    title = models.CharField(_("trích yếu"), max_length=500)
    type = models.CharField(
        _("loại văn bản"), max_length=30, choices=RegulationType.choices, default=RegulationType.COORDINATION_RULE
    )
    fields = models.ManyToManyField(Field, verbose_name=_("lĩnh vực"), related_name="regulations", blank=True)
    host_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan chủ trì"),
        on_delete=models.PROTECT,
        related_name="hosted_regulations",
    )
    locality = models.ForeignKey(
        "agencies.Locality",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="regulations",
        editable=False,
    )
    signed_on = models.DateField(_("ngày ký"))
    in_force_from = models.DateField(_("có hiệu lực từ ngày"))
    expires_on = models.DateField(_("hết hiệu lực ngày"), null=True, blank=True)
    chapters_count = models.PositiveSmallIntegerField(_("số chương"), null=True, blank=True)
    articles_count = models.PositiveSmallIntegerField(_("số điều"), null=True, blank=True)
    summary = models.TextField(_("tóm tắt nội dung"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    review_interval_months = models.PositiveSmallIntegerField(_("chu kỳ sơ kết (tháng)"), default=12)
    final_review_on = models.DateField(_("ngày dự kiến tổng kết"), null=True, blank=True)

    # Summary columns derived from relations and review meetings, kept in step by the services.
    amended_on = models.DateField(_("sửa đổi, bổ sung gần nhất"), null=True, blank=True, editable=False)
    superseded_on = models.DateField(_("bị thay thế từ ngày"), null=True, blank=True, editable=False)
    repealed_on = models.DateField(_("bị bãi bỏ từ ngày"), null=True, blank=True, editable=False)
    # An amending document (sửa đổi, bổ sung) is part of the regulation it amends: this points at
    # that regulation (the root of the chain), and such a row has no review cycle nor a count of its own.
    amendment_of = models.ForeignKey(
        "self",
        verbose_name=_("sửa đổi, bổ sung cho văn bản"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="amendments",
    )
    last_review_on = models.DateField(_("sơ kết gần nhất"), null=True, blank=True, editable=False)
    next_review_due = models.DateField(_("hạn sơ kết tiếp theo"), null=True, blank=True, editable=False, db_index=True)
    search_text = models.TextField(editable=False, default="")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[fields], excluded_fields=["search_text", "updated_at"])

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy chế phối hợp")
        verbose_name_plural = _("quy chế phối hợp")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["host_agency", "number"], name="regulation_number_unique_per_host"),
            models.CheckConstraint(
                condition=models.Q(in_force_from__gte=models.F("signed_on")), name="regulation_in_force_after_signing"
            ),
            models.CheckConstraint(
                condition=_between("review_interval_months", REVIEW_INTERVAL_MONTHS, False),
                name="regulation_review_interval_1_60",
                violation_error_message=_("Chu kỳ sơ kết phải từ 1 đến 60 tháng."),
            ),
            models.CheckConstraint(
                condition=_between("chapters_count", CHAPTERS_COUNT),
                name="regulation_chapters_count_bounded",
                violation_error_message=_("Số chương phải từ 1 đến 200."),
            ),
            models.CheckConstraint(
                condition=_between("articles_count", ARTICLES_COUNT),
                name="regulation_articles_count_bounded",
                violation_error_message=_("Số điều phải từ 1 đến 2000."),
            ),
        ]
        indexes = [
            models.Index(fields=["locality", "-signed_on"], name="regulation_locality_signed"),
            # The register's order: the first page of a national list reads 25 rows of this index
            # instead of sorting every regulation.
            models.Index(fields=["-signed_on", "-id"], name="regulation_register_order"),
            # Numbers are looked up whatever their case (``number__iexact``: an import's every row, the
            # meetings that name the regulations they review).
            models.Index(Upper("number"), name="regulation_number_any_case"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("regulations:detail", args=[self.pk])


class PartyRole(models.TextChoices):
    HOST = "host", _("Chủ trì")
    PARTY = "party", _("Tham gia ký kết")


class RegulationParty(models.Model):
    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="parties")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="regulation_parties"
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=PartyRole.choices, default=PartyRole.PARTY)
    signatory_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signatory_title = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    signing_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=100, blank=True, help_text=_("Ví dụ: TM. Ban cán sự đảng")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bên ký kết")
        verbose_name_plural = _("các bên ký kết")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["regulation", "agency"], name="party_agency_once"),
            models.UniqueConstraint(fields=["regulation"], condition=models.Q(role="host"), name="party_one_host"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_role_display()})"


class Article(models.Model):
    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="articles")
    chapter = models.PositiveSmallIntegerField(_("chương"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("điều số"))
    heading = models.CharField(_("tên điều"), max_length=500, blank=True)
    text = models.TextField(_("nội dung"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điều")
        verbose_name_plural = _("các điều")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["regulation", "number"], name="article_number_once")]

    def __str__(self) -> str:
        return f"Điều {self.number}. {self.heading}".strip()


class RelationKind(models.TextChoices):
    AMENDS = "amends", _("Sửa đổi, bổ sung")
    SUPERSEDES = "supersedes", _("Thay thế")
    REPEALS = "repeals", _("Bãi bỏ")


class RegulationRelation(models.Model):
    """``source`` amends, supersedes or repeals ``target`` from ``effective_on``."""

    source = models.ForeignKey(
        Regulation, verbose_name=_("văn bản mới"), on_delete=models.CASCADE, related_name="outgoing_relations"
    )
    target = models.ForeignKey(
        Regulation, verbose_name=_("văn bản bị tác động"), on_delete=models.CASCADE, related_name="incoming_relations"
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=RelationKind.choices)
    effective_on = models.DateField(_("từ ngày"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quan hệ giữa văn bản")
        verbose_name_plural = _("quan hệ giữa văn bản")
        ordering = ["effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="relation_once"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source.number} {self.get_kind_display().lower()} {self.target.number}"


class OriginalKind(models.TextChoices):
    SIGNED_SCAN = "signed_scan", _("Bản ký (bản quét)")
    EDITABLE_TEXT = "editable_text", _("Bản văn bản (DOCX, ODT)")
    OTHER = "other", _("Tài liệu khác")


def original_upload_to(instance: Original, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"originals/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}{suffix}"


class Original(models.Model):
    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="originals")
    kind = models.CharField(
        _("loại tệp"), max_length=20, choices=OriginalKind.choices, default=OriginalKind.SIGNED_SCAN
    )
    file = models.FileField(_("tệp"), upload_to=original_upload_to, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = _("tệp văn bản gốc")
        verbose_name_plural = _("tệp văn bản gốc")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class RegisterJobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")
    CANCELLED = "cancelled", _("Đã hủy")


ACTIVE_STATES = (RegisterJobState.QUEUED, RegisterJobState.RUNNING)


class RegisterJob(models.Model):
    """A register PDF of a large scope, made by a Celery job (``regulations.jobs``). Personal: only
    the user who started it sees it and its file."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="register_jobs",
    )
    query = models.CharField(_("bộ lọc (tham số)"), max_length=2000, blank=True)
    filter_line = models.CharField(_("mô tả bộ lọc"), max_length=2000, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=RegisterJobState.choices, default=RegisterJobState.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_done = models.PositiveIntegerField(_("số dòng đã xong"), default=0)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    cancel_requested = models.BooleanField(_("yêu cầu hủy"), default=False)
    heartbeat_at = models.DateTimeField(_("lần báo tiến độ gần nhất"), null=True, blank=True)
    file = models.FileField(_("tệp PDF"), upload_to="exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu in sổ theo dõi")
        verbose_name_plural = _("yêu cầu in sổ theo dõi")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.state not in ACTIVE_STATES

    @property
    def percent(self) -> int:
        if self.state == RegisterJobState.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
