"""Portal users: each belongs to one agency with one role."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Chuyên viên, kiểm sát viên")
    CLERK = "clerk", _("Văn thư, thư ký")
    LEADER = "leader", _("Lãnh đạo")
    ADMIN = "admin", _("Quản trị")


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.STAFF)
    email_notifications = models.BooleanField(_("nhận thông báo qua thư điện tử"), default=True)
    feed_token = models.CharField(_("mã lịch cá nhân"), max_length=64, default=new_feed_token, unique=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
