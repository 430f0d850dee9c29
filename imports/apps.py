from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Nhập dữ liệu từ Excel, CSV"

    def ready(self) -> None:
        from imports.metrics import import_jobs
        from portal import metrics

        metrics.register_jobs("import", import_jobs)
