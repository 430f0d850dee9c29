import json

from django.apps import apps
from django.core.management.base import BaseCommand

PORTAL_APPS = {"accounts", "agencies", "regulations", "meetings", "notifications", "audit"}


class Command(BaseCommand):
    help = "In số bản ghi của từng bảng dữ liệu (dùng để kiểm tra sao lưu, khôi phục)."

    def handle(self, *args, **options) -> None:
        counts = {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in PORTAL_APPS
        }
        self.stdout.write(json.dumps(counts, sort_keys=True, indent=1))
