from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps

# Third-party apps shown in the Django admin without a Vietnamese name of their own (their other
# labels are in locale/vi/LC_MESSAGES/django.po).
THIRD_PARTY_NAMES = {
    "axes": "Khóa đăng nhập sai (django-axes)",
    "simple_history": "Lịch sử thay đổi",
    "django_filters": "Bộ lọc",
}


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Cổng thông tin"

    def ready(self) -> None:
        from portal import text

        text.install()  # no bidirectional controls in any text, no line breaks in one-line text
        for label, name in THIRD_PARTY_NAMES.items():
            if apps.is_installed(label) or label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name


class PortalAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the portal's own site (``portal.admin_site``) as ``admin.site``."""

    default = False  # named in INSTALLED_APPS; PortalConfig stays this module's default
    default_site = "portal.admin_site.PortalAdminSite"
