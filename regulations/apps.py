from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "regulations"
    verbose_name = "Quy chế phối hợp"

    def ready(self) -> None:
        from regulations import signals

        signals.connect()
