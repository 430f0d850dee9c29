from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Tổng quan"

    def ready(self) -> None:
        from dashboards import signals

        signals.connect()
