from django.apps import AppConfig, apps

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
        for label, name in THIRD_PARTY_NAMES.items():
            if apps.is_installed(label) or label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
