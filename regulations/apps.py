from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = "Quy chế phối hợp"

    def ready(self) -> None:
        from agencies import sections
        from portal import jobs, metrics
        from regulations import jobs as register_jobs_module
        from regulations import selectors, signals
        from regulations.metrics import register_jobs
        from regulations.models import ACTIVE_STATES, RegisterJob, RegisterJobState

        signals.connect()
        metrics.register_jobs("register_pdf", register_jobs)
        jobs.register(
            "register_pdf",
            jobs.Kind(RegisterJob, "state", ACTIVE_STATES, RegisterJobState.FAILED, register_jobs_module.on_failed),
        )
        sections.register("regulations/_agency_section.html", selectors.agency_section)
