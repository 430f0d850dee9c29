from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Nhật ký truy cập"

    def ready(self) -> None:
        from audit import signals  # noqa: F401
