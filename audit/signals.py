from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditAction
from audit.services import record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    record(request, AuditAction.LOGIN)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if request is not None:
        record(request, AuditAction.LOGOUT, username=user.get_username() if user else "")


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record(request, AuditAction.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150])
