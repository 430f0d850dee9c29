from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Tổng quan"

    def ready(self) -> None:
        from dashboards import tallies
        from portal import events

        events.subscribe("dashboards.tallies", tallies.on_events, *tallies.SUBSCRIBED)
