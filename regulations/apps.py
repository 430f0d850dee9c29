from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = "Quy chế phối hợp"

    def ready(self) -> None:
        from agencies import sections
        from regulations import selectors, signals

        signals.connect()
        sections.register("regulations/_agency_section.html", selectors.agency_section)
