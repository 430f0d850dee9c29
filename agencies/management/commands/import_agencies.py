from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.services import ImportFailed, import_csv


class Command(BaseCommand):
    help = "Nhập danh sách cơ quan và cán bộ từ tệp CSV (UTF-8). Có lỗi ở bất kỳ dòng nào thì không nhập gì."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agencies", type=Path, help="Tệp CSV cơ quan, đơn vị")
        parser.add_argument("--people", type=Path, help="Tệp CSV cán bộ")

    def handle(self, *args, agencies: Path | None, people: Path | None, **options) -> None:
        if not agencies and not people:
            raise CommandError("Cần ít nhất một tệp: --agencies hoặc --people.")
        texts: list[str | None] = []
        for path in (agencies, people):
            if path is None:
                texts.append(None)
                continue
            try:
                texts.append(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc
        try:
            result = import_csv(*texts)
        except ImportFailed as exc:
            raise CommandError("Không nhập dữ liệu nào vì có lỗi:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập: {result.agencies_created} cơ quan mới, {result.agencies_updated} cơ quan cập nhật, "
                f"{result.people_created} cán bộ mới."
            )
        )
