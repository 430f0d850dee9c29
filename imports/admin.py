from django.contrib import admin

from imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "status", "total_rows", "created_by", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ImportJob._meta.fields]
