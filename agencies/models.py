"""Agencies (cơ quan, đơn vị), the localities (địa bàn) they serve, and their officials.

A locality is the unit of access scope: a user sees the records of their agency's locality, and a
leader those of every locality below it. A locality dissolved in a reorganisation hangs under the
locality that carries its work now, so its records stay visible to the successor unit.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.lookup import search_q
from portal.search import normalize


class LocalityLevel(models.TextChoices):
    NATIONAL = "national", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Huyện, quận (trước 01/7/2025)")
    REGION = "region", _("Khu vực")


class LocalityQuerySet(models.QuerySet):
    def subtree(self, root: Locality | str) -> LocalityQuerySet:
        """``root`` (a locality or its path) and every locality below it."""
        path = root if isinstance(root, str) else root.path
        return self.filter(path__startswith=path)


class Locality(models.Model):
    objects = LocalityQuerySet.as_manager()

    name = models.CharField(_("tên địa bàn"), max_length=200)
    level = models.CharField(_("cấp"), max_length=20, choices=LocalityLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("địa bàn cấp trên (hoặc địa bàn kế thừa)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255, editable=False, db_index=True)
    active_to = models.DateField(_("giải thể từ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.active_to is None or self.active_to >= datetime.date.today()

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent is not None else '/'}{self.pk}/"
        if new_path != self.path:
            old_path = self.path
            Locality.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                for child in Locality.objects.subtree(old_path).exclude(pk=self.pk):
                    child.save()


class AgencyKind(models.TextChoices):
    PROCURACY = "procuracy", _("Viện kiểm sát nhân dân")
    COURT = "court", _("Tòa án nhân dân")
    POLICE_INVESTIGATION = "police_investigation", _("Cơ quan Cảnh sát điều tra")
    PROCURACY_INVESTIGATION = "procuracy_investigation", _("Cơ quan điều tra VKSND tối cao")
    CIVIL_ENFORCEMENT = "civil_enforcement", _("Cơ quan thi hành án dân sự")
    PARTY_COMMITTEE = "party_committee", _("Ban cán sự đảng, cấp ủy")
    INTERNAL_UNIT = "internal_unit", _("Đơn vị trực thuộc")
    OTHER = "other", _("Cơ quan khác")


class AgencyLevel(models.TextChoices):
    SUPREME = "supreme", _("Tối cao, trung ương")
    HIGH = "high", _("Cấp cao")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    REGIONAL = "regional", _("Khu vực")


class AgencyQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> AgencyQuerySet:
        on = on or datetime.date.today()
        return self.filter(models.Q(active_to__isnull=True) | models.Q(active_to__gte=on))

    def search(self, text: str) -> AgencyQuerySet:
        """Agencies matching every typed word, abbreviations ("VKSND", "CA", "KV7") included."""
        return self.filter(search_q(text))


class Agency(models.Model):
    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    code = models.CharField(_("mã"), max_length=50, unique=True)
    kind = models.CharField(_("loại cơ quan"), max_length=40, choices=AgencyKind.choices)
    level = models.CharField(_("cấp"), max_length=20, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    locality = models.ForeignKey(Locality, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="agencies")
    place_name = models.CharField(
        _("địa danh ghi trên văn bản"), max_length=100, blank=True, help_text=_("Ví dụ: Hà Nội, Khánh Sơn")
    )
    document_symbol = models.CharField(
        _("ký hiệu viết tắt trên văn bản"), max_length=30, blank=True, help_text=_("Ví dụ: VKSTC, VKSKS")
    )
    active_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    active_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    current_carrier = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị đang kế thừa công việc"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Đơn vị đang hoạt động gánh công việc của đơn vị đã giải thể; tính lại khi kế thừa thay đổi."),
    )
    search_text = models.TextField(editable=False, default="")

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True)
                | models.Q(active_from__isnull=True)
                | models.Q(active_to__gte=models.F("active_from")),
                name="agency_active_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agencies:detail", args=[self.pk])

    @property
    def display_short(self) -> str:
        return self.short_name or self.name

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or datetime.date.today()
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or self.active_to >= day
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on()

    def save(self, *args, **kwargs) -> None:
        self.search_text = normalize(f"{self.name} {self.short_name} {self.code}")
        super().save(*args, **kwargs)


class SuccessionKind(models.TextChoices):
    MERGED_INTO = "merged_into", _("Sáp nhập vào")
    REPLACED_BY = "replaced_by", _("Được thay thế bởi")


class AgencySuccession(models.Model):
    predecessor = models.ForeignKey(
        Agency, verbose_name=_("cơ quan trước"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Agency, verbose_name=_("cơ quan kế thừa"), on_delete=models.PROTECT, related_name="predecessions"
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=SuccessionKind.choices)
    effective_on = models.DateField(_("từ ngày"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kế thừa cơ quan")
        verbose_name_plural = _("kế thừa cơ quan")
        ordering = ["effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Person(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ, chức danh"), max_length=255, blank=True)
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="people")
    active_from = models.DateField(_("từ ngày"), null=True, blank=True)
    active_to = models.DateField(_("đến ngày"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("cán bộ, lãnh đạo")
        verbose_name_plural = _("cán bộ, lãnh đạo")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.position})" if self.position else self.full_name

    def save(self, *args, **kwargs) -> None:
        self.search_text = normalize(f"{self.full_name} {self.position}")
        super().save(*args, **kwargs)
