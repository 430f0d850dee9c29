"""Summary tables behind the dashboard: counts per locality, figure and month, kept in step with
every write (``dashboards.tallies``) so the dashboard reads a few hundred rows whatever the data size."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# The bucket of a figure that has no month (standing figures counted at TallyState.as_of).
NO_MONTH = datetime.date(1970, 1, 1)


class Tally(models.Model):
    """One count. ``subtree`` False: the locality's own records; True: it and every locality below it.

    Figures: ``m:<meeting kind>`` held meetings started in ``month`` (local time); ``r:…`` regulations
    and ``d:…`` directives counted at ``TallyState.as_of`` (``month`` is NO_MONTH)."""

    locality = models.ForeignKey(
        "agencies.Locality", verbose_name=_("địa bàn"), on_delete=models.CASCADE, related_name="+"
    )
    subtree = models.BooleanField(_("gồm cả cấp dưới"), default=False)
    figure = models.CharField(_("chỉ số"), max_length=60)
    month = models.DateField(_("tháng"), default=NO_MONTH)
    count = models.IntegerField(_("số lượng"), default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=["locality", "subtree", "figure", "month"], name="tally_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.locality_id}/{self.figure}/{self.month}: {self.count}"


class TallyState(models.Model):
    """A single row: the day the standing figures (regulations, directives) were counted for, and the
    version of the figures (bumped by every recount; the dashboard's cache key)."""

    as_of = models.DateField(_("số liệu tính đến ngày"))
    version = models.PositiveBigIntegerField(_("phiên bản số liệu"), default=1)

    class Meta:
        verbose_name = _("trạng thái số liệu tổng hợp")
        verbose_name_plural = _("trạng thái số liệu tổng hợp")

    def __str__(self) -> str:
        return str(self.as_of)
