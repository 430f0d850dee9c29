"""Meetings (hội nghị, cuộc họp), who attended, what was concluded, what was directed, and the
official documents (biên bản, thông báo kết luận) issued from them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MeetingKind(models.TextChoices):
    INTERIM_REVIEW = "interim_review", _("Sơ kết quy chế")
    FINAL_REVIEW = "final_review", _("Tổng kết quy chế")
    INTERAGENCY = "interagency", _("Họp liên ngành")
    SIGNING = "signing", _("Lễ ký kết")
    LESSONS_LEARNED = "lessons_learned", _("Hội nghị rút kinh nghiệm")
    MODEL_TRIAL = "model_trial", _("Phiên tòa rút kinh nghiệm")
    WORK_REVIEW = "work_review", _("Hội nghị sơ kết công tác")
    OTHER = "other", _("Khác")


REVIEW_KINDS = (MeetingKind.INTERIM_REVIEW, MeetingKind.FINAL_REVIEW)


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Dự kiến")
    HELD = "held", _("Đã tổ chức")
    MINUTES_FINALISED = "minutes_finalised", _("Đã hoàn thành biên bản")
    CANCELLED = "cancelled", _("Đã hủy")


HELD_STATES = (MeetingState.HELD, MeetingState.MINUTES_FINALISED)  # the meeting took place


class Meeting(models.Model):
    kind = models.CharField(_("loại"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("tên hội nghị, cuộc họp"), max_length=500)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    host_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="hosted_meetings"
    )
    co_hosts = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("cơ quan đồng chủ trì"), blank=True, related_name="co_hosted_meetings"
    )
    locality = models.ForeignKey(
        "agencies.Locality",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="meetings",
        editable=False,
    )
    regulations = models.ManyToManyField(
        "regulations.Regulation", verbose_name=_("quy chế liên quan"), blank=True, related_name="meetings"
    )
    agenda_note = models.TextField(_("ghi chú chương trình"), blank=True)
    discussion = models.TextField(_("diễn biến, ý kiến thảo luận"), blank=True)
    conclusions = models.TextField(_("kết luận"), blank=True)
    state = models.CharField(_("trạng thái"), max_length=30, choices=MeetingState.choices, default=MeetingState.PLANNED)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[regulations, co_hosts], excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = _("hội nghị, cuộc họp")
        verbose_name_plural = _("hội nghị, cuộc họp")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["locality", "kind", "starts_at"], name="meeting_locality_kind_start"),
            models.Index(fields=["starts_at"], name="meeting_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def is_review(self) -> bool:
        return self.kind in REVIEW_KINDS


class AttendeeRole(models.TextChoices):
    CHAIR = "chair", _("Chủ trì")
    CO_CHAIR = "co_chair", _("Đồng chủ trì")
    SECRETARY = "secretary", _("Thư ký")
    ATTENDEE = "attendee", _("Tham dự")


class Attendee(models.Model):
    """A person, or a whole agency's delegation when no person is named."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        "agencies.Person",
        verbose_name=_("cán bộ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendances",
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=AttendeeRole.choices, default=AttendeeRole.ATTENDEE)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần tham dự")
        verbose_name_plural = _("thành phần tham dự")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.full_name or str(self.agency or "")


class RemoteSite(models.Model):
    """An online connection point (điểm cầu)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="remote_sites")
    name = models.CharField(_("điểm cầu"), max_length=255)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("điểm cầu")
        verbose_name_plural = _("điểm cầu")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("nội dung"), max_length=500)
    presenter = models.CharField(_("người trình bày"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("nội dung chương trình")
        verbose_name_plural = _("chương trình hội nghị")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class DirectiveState(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class DirectiveQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date) -> DirectiveQuerySet:
        return self.filter(state=DirectiveState.OPEN, deadline__lt=today)


class Directive(models.Model):
    """A numbered follow-up task of a meeting's conclusions ("Giao Vụ 15 tham mưu ...")."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="directives")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung nhiệm vụ"))
    assigned_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("đơn vị được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives",
    )
    assignee_text = models.CharField(_("đơn vị, người thực hiện (ghi rõ)"), max_length=255, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=DirectiveState.choices, default=DirectiveState.OPEN
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    completion_note = models.TextField(_("kết quả thực hiện"), blank=True)
    locality = models.ForeignKey(
        "agencies.Locality",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="directives",
        editable=False,
    )

    objects = DirectiveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ được giao")
        verbose_name_plural = _("nhiệm vụ được giao")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="directive_number_once")]
        indexes = [models.Index(fields=["locality", "state", "deadline"], name="directive_locality_state")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.date.today()
        return self.state == DirectiveState.OPEN and self.deadline is not None and self.deadline < today


class DocumentType(models.TextChoices):
    """Register symbols of Decree 30/2020/NĐ-CP, appendix III."""

    MINUTES = "BB", _("Biên bản")
    NOTICE = "TB", _("Thông báo")
    # A công văn has no type symbol in its number ("Số: 03/VKSKS"); its register is its own.
    CORRECTION = "CV", _("Công văn đính chính")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    FINALISED = "finalised", _("Đã ban hành")
    CORRECTED = "corrected", _("Đã ban hành, có công văn đính chính")
    REPLACED = "replaced", _("Đã bị thay thế")
    # Corrections made before Decree 30 corrections existed (same number, new version).
    SUPERSEDED = "superseded", _("Đã được đính chính (bản cũ)")


IN_FORCE = (DocumentStatus.FINALISED, DocumentStatus.CORRECTED)


def document_upload_to(instance: OfficialDocument, filename: str) -> str:
    return f"meetings/documents/{instance.year or 'draft'}/{instance.doc_type}-{instance.pk}-v{instance.version}.pdf"


class OfficialDocument(models.Model):
    """A minutes (biên bản), conclusion notice (thông báo) or correction letter (công văn đính chính).

    A document gets its number when it is finalised; after that it is never changed (Decree 30,
    Article 18(3)). ``corrects`` links a later document to an issued one: a correction letter (type
    ``CV``) corrects an error of form and leaves the original in force (status ``corrected``); a
    document of the same type replaces it for an error of substance (status ``replaced``). Both take
    new numbers of their own registers; the original and its PDF stay on record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("loại văn bản"), max_length=2, choices=DocumentType.choices)
    issuing_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="issued_documents"
    )
    governing_name = models.CharField(
        _("tên cơ quan chủ quản"),
        max_length=255,
        blank=True,
        help_text=_("Dòng trên cùng bên trái; để trống nếu không có."),
    )
    issuing_name = models.CharField(_("tên cơ quan ban hành (in trên văn bản)"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, editable=False)
    serial = models.PositiveIntegerField(_("số"), null=True, blank=True, editable=False)
    version = models.PositiveSmallIntegerField(_("lần ban hành"), default=1, editable=False)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("đính chính hoặc thay thế văn bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        editable=False,
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, editable=False
    )
    subject = models.CharField(_("trích yếu"), max_length=500)
    place_name = models.CharField(_("địa danh"), max_length=100)
    issued_on = models.DateField(_("ngày ban hành"))
    opening = models.TextField(_("đoạn mở đầu"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    signer_capacity = models.CharField(
        _("quyền hạn ký"), max_length=100, blank=True, help_text=_("Ví dụ: TL. VIỆN TRƯỞNG")
    )
    signer_title = models.CharField(
        _("chức vụ người ký"), max_length=150, blank=True, help_text=_("Ví dụ: CHÁNH VĂN PHÒNG; biên bản: CHỦ TRÌ")
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=150, blank=True)
    cosigner_title = models.CharField(
        _("chức danh người ký bên trái"), max_length=150, blank=True, help_text=_("Biên bản: THƯ KÝ")
    )
    cosigner_name = models.CharField(_("họ tên người ký bên trái"), max_length=150, blank=True)
    recipients_report = models.TextField(_("nơi nhận để báo cáo"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    recipients_act = models.TextField(_("nơi nhận để thực hiện"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    recipients_other = models.TextField(
        _("nơi nhận khác"),
        blank=True,
        help_text=_("Mỗi dòng một nơi nhận; in sau các nhóm “để báo cáo”, “để thực hiện”, không ghi mục đích."),
    )
    recipients_filed = models.CharField(_("lưu"), max_length=255, blank=True, default="VT.")
    pdf = models.FileField(_("tệp PDF"), upload_to=document_upload_to, max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    finalised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A digest of the meeting record the document was issued from; the meeting page compares it.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["meeting", "doc_type", "-version", "-id"]
        constraints = [
            # A number is issued once: only version 1 takes a new number, corrections reuse it.
            models.UniqueConstraint(
                fields=["issuing_agency", "doc_type", "year", "serial"],
                condition=models.Q(version=1),
                name="document_number_once",
            ),
            models.UniqueConstraint(
                fields=["issuing_agency", "doc_type", "year", "serial", "version"], name="document_number_version_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(serial__isnull=False),
                name="document_finalised_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number_display or _('(dự thảo)')}"

    @property
    def symbol(self) -> str:
        agency_symbol = self.issuing_agency.document_symbol or self.issuing_agency.code
        if self.doc_type == DocumentType.CORRECTION:
            return agency_symbol
        return f"{self.doc_type}-{agency_symbol}"

    @property
    def is_correction_letter(self) -> bool:
        return self.doc_type == DocumentType.CORRECTION

    @property
    def is_replacement(self) -> bool:
        return self.corrects_id is not None and self.doc_type != DocumentType.CORRECTION

    @property
    def is_in_force(self) -> bool:
        return self.status in IN_FORCE

    @property
    def title_with_number(self) -> str:
        """ "Biên bản số 01/BB-VKSKS ngày 05 tháng 02 năm 2024"."""
        from portal.pdf import vn_date

        label = self.get_doc_type_display()
        if self.number_display:
            return f"{label} số {self.number_display} {vn_date(self.issued_on)}"
        return f"{label} (dự thảo) {vn_date(self.issued_on)}"

    @property
    def filed_line(self) -> str:
        """ "Lưu: VT, HS." exactly once, whatever the clerk typed ("VT, HS.", "- Lưu: VT", "lưu VT")."""
        text = self.recipients_filed.strip().lstrip("-+• ").strip()
        while text[:3].lower() == "lưu":
            text = text[3:].lstrip(" :").strip()
        text = text.rstrip(" ;,.") or "VT"
        return f"Lưu: {text}."

    @property
    def number_display(self) -> str:
        """ "05/BB-VKSKS"; empty until finalised."""
        if self.serial is None:
            return ""
        return f"{self.serial:02d}/{self.symbol}"

    @property
    def number_with_date(self) -> str:
        """ "01/TB-VKSKS ngày 20/9/2023": a number is unique only within its year, so it is shown with its
        date wherever a document is named by it (Decree 30 short dates: a leading zero for days under 10
        and the months 1 and 2)."""
        if self.serial is None:
            return ""
        day = self.issued_on
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"{self.number_display} ngày {day.day:02d}/{month}/{day.year}"

    @property
    def is_locked(self) -> bool:
        return self.status != DocumentStatus.DRAFT

    def lines(self, field: str) -> list[str]:
        return [
            line.strip().lstrip("-+• ").rstrip(";,. ")
            for line in getattr(self, field).splitlines()
            if line.strip().lstrip("-+• ")
        ]


class NumberSequence(models.Model):
    """The register of one agency, document type and year: the last serial issued."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="number_sequences")
    doc_type = models.CharField(max_length=2, choices=DocumentType.choices)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản")
        verbose_name_plural = _("sổ đăng ký văn bản")
        constraints = [models.UniqueConstraint(fields=["agency", "doc_type", "year"], name="number_sequence_once")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.doc_type} {self.year}: {self.last_serial}"
