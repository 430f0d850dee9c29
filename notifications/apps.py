from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Thông báo, nhắc việc"

    def ready(self) -> None:
        from notifications import scan, services
        from notifications.metrics import reminders
        from portal import events, metrics
        from portal.celery import ensure_broker_folders

        # The web process enqueues into the filesystem broker too, so the folders must exist
        # before the first on_commit fires, not only when a worker starts.
        ensure_broker_folders()
        events.subscribe("notifications.reminders", scan.on_events, *scan.SUBSCRIBED)
        events.subscribe("notifications.job-notices", services.on_job_finished, events.JOB_FINISHED)
        events.subscribe("notifications.account-notices", services.on_account_notice, events.ACCOUNT_NOTICE)
        metrics.register_source("reminders", reminders)
