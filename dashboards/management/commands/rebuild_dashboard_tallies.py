import time

from django.core.management.base import BaseCommand

from dashboards import tallies


class Command(BaseCommand):
    help = "Đếm lại toàn bộ bảng số liệu tổng hợp của trang Tổng quan từ dữ liệu gốc."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        rows = tallies.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Đã đếm lại số liệu tổng hợp: {rows} dòng trong {time.monotonic() - started:.1f} giây.")
        )
