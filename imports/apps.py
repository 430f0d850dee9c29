from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Nhập dữ liệu từ Excel, CSV"

    def ready(self) -> None:
        from imports.metrics import import_jobs
        from imports.models import RUNNING, ImportJob, ImportStatus
        from portal import jobs, metrics

        metrics.register_jobs("import", import_jobs)
        jobs.register("import", jobs.Kind(ImportJob, "status", RUNNING, ImportStatus.FAILED))
