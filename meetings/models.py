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


class Meeting(models.Model):
    kind = models.CharField(_("loại"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("tên hội nghị, cuộc họp"), max_length=500)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    host_agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan chủ trì"),
                                    on_delete=models.PROTECT, related_name="hosted_meetings")
    co_hosts = models.ManyToManyField("agencies.Agency", verbose_name=_("cơ quan đồng chủ trì"), blank=True,
                                      related_name="co_hosted_meetings")
    locality = models.ForeignKey("agencies.Locality", verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                                 related_name="meetings", editable=False)
    regulations = models.ManyToManyField("regulations.Regulation", verbose_name=_("quy chế liên quan"),
                                         blank=True, related_name="meetings")
    agenda_note = models.TextField(_("ghi chú chương trình"), blank=True)
    discussion = models.TextField(_("diễn biến, ý kiến thảo luận"), blank=True)
    conclusions = models.TextField(_("kết luận"), blank=True)
    state = models.CharField(_("trạng thái"), max_length=30, choices=MeetingState.choices,
                             default=MeetingState.PLANNED)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
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
            models.CheckConstraint(condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                                   name="meeting_ends_after_start"),
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
    person = models.ForeignKey("agencies.Person", verbose_name=_("cán bộ"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="attendances")
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="attendances")
    role = models.CharField(_("vai trò"), max_length=20, choices=AttendeeRole.choices,
                            default=AttendeeRole.ATTENDEE)
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
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
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
    assigned_agency = models.ForeignKey("agencies.Agency", verbose_name=_("đơn vị được giao"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="directives")
    assignee_text = models.CharField(_("đơn vị, người thực hiện (ghi rõ)"), max_length=255, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=DirectiveState.choices,
                             default=DirectiveState.OPEN)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    completion_note = models.TextField(_("kết quả thực hiện"), blank=True)
    locality = models.ForeignKey("agencies.Locality", verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                                 related_name="directives", editable=False)

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
