"""The Django admin of the portal: for the supreme procuracy's administrators only.

Its lists are national and unscoped, and the right to change accounts there includes the right to
make any account a superuser, so a unit's administrator with staff status would read and change
every unit's data. Units work through the portal's own pages, which are scoped (``portal.access``):
the reminder status page, the audit log and the lists."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from portal import access


class PortalAdminSite(admin.AdminSite):
    site_header = "Quản trị Cổng quy chế phối hợp"
    site_title = "Quản trị Cổng quy chế phối hợp"
    index_title = "Danh mục dữ liệu"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and access.is_supreme_admin(request.user)
