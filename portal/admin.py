from django.contrib import admin
from django.http import HttpRequest

from portal.models import PendingEvent


@admin.register(PendingEvent)
class PendingEventAdmin(admin.ModelAdmin):
    """Events some subscriber has not handled yet (failed, or waiting for the sweep): read only."""

    list_display = ("id", "name", "subscribers", "attempts", "created_at", "next_attempt_at")
    list_filter = ("name",)
    readonly_fields = [f.name for f in PendingEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
