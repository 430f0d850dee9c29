from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD
from portal import demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (cơ quan, cán bộ, người dùng, quy chế, hội nghị) và in tài khoản đăng nhập."

    def handle(self, *args, **options) -> None:
        logins = demo.load()
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu. Tài khoản đăng nhập (mật khẩu chung: "
                                             f"{DEMO_PASSWORD}):"))
        for username, role, agency in logins:
            self.stdout.write(f"  {username:<24} {role:<28} {agency}")
