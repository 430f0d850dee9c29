from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


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
