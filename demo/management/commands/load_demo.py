from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User
from demo import loader


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (cơ quan, cán bộ, người dùng, quy chế, hội nghị) và in tài khoản đăng nhập."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Chỉ in tài khoản đăng nhập (bin/run-dev.sh in chúng sau cùng), không nạp dữ liệu.",
        )

    def handle(self, *args, **options) -> None:
        if options["logins_only"]:
            logins = [
                (u.username, u.get_role_display(), u.agency.name if u.agency else "")
                for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])
                .select_related("agency")
                .order_by("id")
            ]
            self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        else:
            logins = loader.load()
            self.stdout.write(
                self.style.SUCCESS(f"Đã nạp dữ liệu mẫu. Tài khoản đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
            )
        for username, role, agency in logins:
            self.stdout.write(f"  {username:<24} {role:<28} {agency}")
