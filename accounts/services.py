"""Writes on accounts by a unit's administrator. Each returns what happened in a sentence for the
audit log; the caller (a view) records it with the request."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction

from accounts import selectors
from accounts.models import User, new_feed_token
from agencies.models import Agency
from portal import access, events

MSG_NOT_YOUR_UNIT = "Đơn vị này không thuộc phạm vi quản trị của bạn hoặc đã giải thể."
MSG_OWN_ACCOUNT = "Không tự đổi vai trò, đơn vị hay khóa chính tài khoản của mình; hãy nhờ quản trị cấp trên."
MSG_PEER_ADMIN = (
    "Tài khoản này là quản trị của cùng đơn vị hoặc đơn vị cấp trên: chỉ quản trị đơn vị cấp trên mới được "
    "khóa, đặt lại mật khẩu hay sửa tài khoản này."
)
MSG_CURRENT_PASSWORD = "Mật khẩu hiện tại không đúng. Đổi mật khẩu của chính mình phải nhập mật khẩu hiện tại."


def _require_manager(admin: User) -> None:
    access.require_role(admin, selectors.MANAGER_ROLES)
    since = access.read_only_since(admin)
    if since is not None:
        raise PermissionDenied(access.read_only_message(since))


def _require_unit(admin: User, agency: Agency) -> None:
    if not selectors.assignable_units(admin).filter(pk=agency.pk).exists():
        raise ValidationError({"agency": MSG_NOT_YOUR_UNIT})


def _require_may_change(admin: User, account: User) -> None:
    if not selectors.may_change(admin, account):
        raise ValidationError({NON_FIELD_ERRORS: MSG_PEER_ADMIN})


def _notify_owner(admin: User, account: User, what: str) -> None:
    """Tell the account's owner (bell and e-mail, by ``notifications``) after the commit."""
    events.publish(events.ACCOUNT_NOTICE, user=account.pk, what=what, by=admin.display_name)


def _describe(account: User) -> str:
    return f"{account.username} ({account.get_role_display()}, {account.agency.name if account.agency else '—'})"


@transaction.atomic
def create_account(
    admin: User, *, username: str, full_name: str, email: str, agency: Agency, role: str, password: str
) -> tuple[User, str]:
    _require_manager(admin)
    _require_unit(admin, agency)
    account = User(username=username, full_name=full_name, email=email, agency=agency, role=role)
    validate_password(password, account)
    account.set_password(password)
    account.full_clean()
    account.save()
    return account, f"Tạo tài khoản {_describe(account)}"


@transaction.atomic
def update_account(
    admin: User,
    account: User,
    *,
    full_name: str,
    email: str,
    agency: Agency,
    role: str,
    is_active: bool,
    email_notifications: bool,
) -> str:
    _require_manager(admin)
    _require_may_change(admin, account)
    before = _describe(account) + ("" if account.is_active else ", đã khóa")
    was_active = account.is_active
    if account.pk == admin.pk and (agency.pk != account.agency_id or role != account.role or not is_active):
        raise ValidationError(MSG_OWN_ACCOUNT)
    if agency.pk != account.agency_id:
        _require_unit(admin, agency)
    account.full_name, account.email, account.agency, account.role = full_name, email, agency, role
    account.is_active, account.email_notifications = is_active, email_notifications
    account.full_clean()
    account.save()
    if was_active != account.is_active:
        _notify_owner(admin, account, "khóa tài khoản" if not account.is_active else "mở khóa tài khoản")
    after = _describe(account) + ("" if account.is_active else ", đã khóa")
    return f"Sửa tài khoản {before} → {after}" if before != after else f"Sửa thông tin tài khoản {account.username}"


@transaction.atomic
def set_password(admin: User, account: User, password: str, current_password: str | None = None) -> str:
    """A new password for ``account``. One's own needs the current one (a stolen session must not become
    a stolen account); another admin of the same unit's is refused. The owner is told by e-mail."""
    _require_manager(admin)
    _require_may_change(admin, account)
    if account.pk == admin.pk and not (current_password and account.check_password(current_password)):
        raise ValidationError({"current_password": MSG_CURRENT_PASSWORD})
    validate_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    _notify_owner(admin, account, "đổi mật khẩu" if account.pk == admin.pk else "đặt lại mật khẩu")
    return f"Đặt lại mật khẩu tài khoản {account.username}"


def renew_feed_token(user: User) -> str:
    """A new secret address for the user's calendar feed; the old one stops working at once."""
    user.feed_token = new_feed_token()
    user.save(update_fields=["feed_token"])
    return user.feed_token
