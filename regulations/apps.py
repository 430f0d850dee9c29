from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = "Quy chế phối hợp"

    def ready(self) -> None:
        from agencies import sections
        from portal import metrics
        from regulations import selectors, signals
        from regulations.metrics import register_jobs

        signals.connect()
        metrics.register_jobs("register_pdf", register_jobs)
        sections.register("regulations/_agency_section.html", selectors.agency_section)
