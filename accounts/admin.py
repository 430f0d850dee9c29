from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts import selectors
from accounts.models import User
from portal import events


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "agency", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["agency"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Cổng quy chế", {"fields": ("full_name", "agency", "role", "email_notifications")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Cổng quy chế", {"fields": ("full_name", "agency", "role", "email")}),
    )

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # The same rule as the portal's account pages: no admin changes another admin of its own unit.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or selectors.may_change(request.user, obj))  # type: ignore[arg-type]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # One's own password is changed only with the current one (Django's change-password page).
        if str(id) == str(request.user.pk):
            return HttpResponseRedirect(reverse("password_change"))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            events.publish(events.ACCOUNT_NOTICE, user=int(id), what="đặt lại mật khẩu", by=str(request.user))
        return response

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if change and was_active != obj.is_active:
            what = "mở khóa tài khoản" if obj.is_active else "khóa tài khoản"
            events.publish(events.ACCOUNT_NOTICE, user=obj.pk, what=what, by=str(request.user))
