from django.core.management.base import BaseCommand

from originals import services


class Command(BaseCommand):
    help = "Đọc nội dung (lớp chữ, OCR, DOCX/ODT) của mọi tệp văn bản gốc chưa được đọc, ngay tại đây."

    def add_arguments(self, parser):
        parser.add_argument(
            "--words",
            action="store_true",
            help="Chỉ dựng lại bảng từ tìm kiếm của mọi quy chế từ nội dung đã đọc (không đọc tệp nào).",
        )

    def handle(self, *args, **options):
        if options["words"]:
            count = services.rebuild_words()
            self.stdout.write(self.style.SUCCESS(f"Đã dựng lại từ tìm kiếm của {count} quy chế."))
            return

        def report(text, outcome):
            line = f"{text.original_id}: {text.get_state_display()}, {text.pages_total} trang"
            self.stdout.write(line + (f" — {text.message}" if text.message else ""))

        counts = services.index_pending(report)
        done, failed = counts.get("done", 0), counts.get("failed", 0)
        self.stdout.write(self.style.SUCCESS(f"Đã đọc {done} tệp; {failed} tệp không đọc được."))
