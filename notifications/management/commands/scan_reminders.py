import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import scan


class Command(BaseCommand):
    help = "Quét và tạo nhắc việc (sơ kết, nhiệm vụ, biên bản) ngay, như lần quét 07:00 hằng ngày."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="Thời điểm quét, ISO 8601 (mặc định: bây giờ), ví dụ 2023-05-26T07:00+07:00")

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        counts = scan.scan_reminders(now)
        self.stdout.write(
            f"Nhắc việc mới: sơ kết {counts['review']}, nhiệm vụ {counts['directive']}, "
            f"biên bản {counts['minutes']}; thư gửi lại {counts['resent']}."
        )
