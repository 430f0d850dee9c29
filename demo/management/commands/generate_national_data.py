from django.core.management.base import BaseCommand, CommandError

from dashboards import tallies
from demo import scale_data


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu giả lập quy mô toàn quốc (tất định): 1 tối cao, 34 tỉnh, ~355 khu vực, 50.000 quy chế, "
        "300.000 hội nghị, 200.000 nhiệm vụ, 5.000 người dùng (ở --scale 1.0). Dùng cho đo hiệu năng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Hệ số quy mô (0.01 cho kiểm thử).")
        parser.add_argument("--seed", type=int, default=42, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).")

    def handle(self, *args, scale: float, seed: int, **options) -> None:
        if not 0 < scale <= 5:
            raise CommandError("--scale phải lớn hơn 0 và không quá 5.")
        summary = scale_data.generate(scale=scale, seed=seed, log=self.stdout.write)
        if summary.reused:
            self.stdout.write(
                self.style.WARNING(
                    f"Dữ liệu quy mô đã có ({summary.agencies} cơ quan, {summary.regulations} quy chế): giữ nguyên."
                )
            )
            return
        # Bulk inserts announce nothing (no events): count the dashboard's summary tables once.
        tallies.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sinh {summary.agencies} cơ quan, {summary.users} người dùng, {summary.regulations} quy chế "
                f"({summary.parties} bên ký), {summary.meetings} hội nghị ({summary.review_links} liên kết quy chế), "
                f"{summary.directives} nhiệm vụ trong {summary.seconds:.1f} giây. Mật khẩu: {scale_data.PASSWORD}"
            )
        )
