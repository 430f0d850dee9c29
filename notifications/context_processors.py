from django.http import HttpRequest

from notifications.models import Notification


def notifications(request: HttpRequest) -> dict:
    """The unread count for the header bell: one COUNT query, only for a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"NOTIFICATIONS_UNREAD": Notification.objects.filter(user=user, read_at__isnull=True).count()}
