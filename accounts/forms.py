"""Forms of the account pages of a unit's administrator (``accounts.views``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.models import Role, User
from portal.forms import SafeModelChoiceField
from portal.widgets import FastSelect

MSG_PASSWORDS_DIFFER = _("Hai lần nhập mật khẩu không khớp nhau.")
MSG_USERNAME_TAKEN = _("Tên đăng nhập này đã có người dùng; hãy chọn tên khác.")


class PasswordPair(forms.Form):
    """A new password typed twice, checked by the portal's password rules (AUTH_PASSWORD_VALIDATORS)
    against the account it is for (``account``, or the one the form is creating)."""

    password1 = forms.CharField(
        label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, account: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["password1"].help_text = " ".join(password_validation.password_validators_help_texts())

    def password_owner(self) -> User:
        return self.account or User()

    def clean(self) -> dict:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", MSG_PASSWORDS_DIFFER)
        elif first:
            try:
                password_validation.validate_password(first, self.password_owner())
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class AccountPasswordForm(PasswordPair):
    """The admin's "đặt lại mật khẩu". For the admin's own account it asks for the current password
    first, as Django's own change-password page does."""

    def __init__(self, *args, account: User, admin: User, **kwargs) -> None:
        super().__init__(*args, account=account, **kwargs)
        if account.pk == admin.pk:
            self.fields["current_password"] = forms.CharField(
                label=_("Mật khẩu hiện tại"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
            self.order_fields(["current_password", "password1", "password2"])


class AccountFields(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@vks.gov.vn).")},
        help_text=_("Để nhận nhắc việc và bản tin hằng ngày qua thư."),
    )
    agency = SafeModelChoiceField(label=_("Đơn vị"), queryset=None, empty_label=None, widget=FastSelect)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices, widget=FastSelect)

    def __init__(self, *args, admin: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.assignable_units(admin)


class AccountCreateForm(AccountFields, PasswordPair):
    username = UsernameField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Chữ, số và các ký tự @ . + - _ (không dấu cách)."),
    )
    field_order = ["username", "full_name", "email", "agency", "role", "password1", "password2"]

    def __init__(self, *args, admin: User, **kwargs) -> None:
        super().__init__(*args, admin=admin, **kwargs)
        if admin.agency_id and not self.is_bound:
            self.initial.setdefault("agency", admin.agency_id)
        self.initial.setdefault("role", Role.STAFF)

    def password_owner(self) -> User:
        # The rules compare the password with the new account's user name and full name.
        return User(
            username=self.cleaned_data.get("username", ""),
            full_name=self.cleaned_data.get("full_name", ""),
            email=self.cleaned_data.get("email", ""),
        )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(MSG_USERNAME_TAKEN)
        return username


class AccountEditForm(AccountFields):
    is_active = forms.BooleanField(label=_("Đang hoạt động (bỏ chọn để khóa tài khoản)"), required=False)
    email_notifications = forms.BooleanField(label=_("Nhận thông báo qua thư điện tử"), required=False)

    def __init__(self, *args, admin: User, account: User, **kwargs) -> None:
        super().__init__(*args, admin=admin, **kwargs)
        units = self.fields["agency"].queryset
        # A moved-away or dissolved unit stays choosable for an account already in it.
        if account.agency_id and not units.filter(pk=account.agency_id).exists():
            self.fields["agency"].queryset = units | type(account.agency).objects.filter(pk=account.agency_id)
        if account.pk == admin.pk:
            for name in ("agency", "role", "is_active"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Không tự đổi được; hãy nhờ quản trị cấp trên.")


MSG_LOCKED = _("Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên của đơn vị để mở lại.")


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form, except that a locked (inactive) account typed with its right password is
    told so, instead of "wrong user name or password", which would have the user retry forever."""

    def clean(self) -> dict:
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
                locked = User.objects.filter(username=username, is_active=False).first() if username else None
                if locked is not None and password and locked.check_password(password):
                    raise forms.ValidationError(MSG_LOCKED, code="inactive") from None
            raise
