"""Create (or show) the API token of a service account tied to an agency and a role."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from agencies.models import Agency


class Command(BaseCommand):
    help = "Tạo tài khoản dịch vụ gắn với một đơn vị và vai trò, và in mã truy cập API của nó."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="tên tài khoản dịch vụ, ví dụ svc.baocao.khanhhoa")
        parser.add_argument("--agency", required=True, help="mã cơ quan, ví dụ VKS-KH")
        parser.add_argument(
            "--role",
            default=Role.LEADER,
            choices=Role.values,
            help="vai trò quyết định phạm vi xem (mặc định: leader, xem cả cấp dưới)",
        )
        parser.add_argument("--full-name", default="", help="tên hiển thị")
        parser.add_argument("--rotate", action="store_true", help="thu hồi mã cũ và cấp mã mới")

    def handle(self, *args, **options) -> None:
        try:
            agency = Agency.objects.get(code=options["agency"])
        except Agency.DoesNotExist:
            raise CommandError(f"Không có cơ quan mã “{options['agency']}”.") from None
        user, created = User.objects.get_or_create(
            username=options["username"],
            defaults={
                "agency": agency,
                "role": options["role"],
                "email_notifications": False,
                "full_name": options["full_name"] or f"Tài khoản dịch vụ {options['username']}",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif user.agency_id != agency.pk or user.role != options["role"]:
            user.agency, user.role = agency, options["role"]
            user.save(update_fields=["agency", "role"])
        if options["rotate"]:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
