"""The floor's own table: the outbox of the event path (``portal.events``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingEvent(models.Model):
    """An event published in a committed transaction that some subscribers have not handled yet.

    Written in the writer's transaction, so it exists exactly when the write does; deleted once every
    subscriber it names has handled it. A row older than a minute is a delivery that failed (``attempts``,
    ``last_error``) or that never ran (the process died after the commit); ``events.sweep`` retries it."""

    name = models.CharField(_("sự kiện"), max_length=60)
    data = models.JSONField(_("dữ liệu"), default=dict)
    subscribers = models.JSONField(_("nơi nhận chưa xử lý"), default=list)
    created_at = models.DateTimeField(_("thời điểm phát"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("số lần giao lỗi"), default=0)
    next_attempt_at = models.DateTimeField(_("giao lại sau"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("sự kiện chờ xử lý")
        verbose_name_plural = _("sự kiện chờ xử lý")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"
