from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set (``load_demo``) and the synthetic national data set (``generate_national_data``).

    The top of the dependency graph: it may import every app; no app imports it."""

    name = "demo"
    verbose_name = "Dữ liệu mẫu"
