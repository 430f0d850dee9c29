"""Demo users, one or more of each role, in the seeds' agencies."""

from accounts.models import Role, User
from agencies.models import Agency

DEMO_PASSWORD = "demo-VKS-2026"
SUPREME_CODE = "VKSTC"

# username, full name, agency code, role, e-mail
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("quantri", "Quản trị hệ thống", "VKSTC", Role.ADMIN),
    ("lanhdao.toicao", "Trần Văn Minh", "VKSTC", Role.LEADER),
    ("chuyenvien.toicao", "Phạm Thị Hoa", "VKSTC", Role.STAFF),
    ("vanthu.toicao", "Lê Thị Thu", "VP-VKSTC", Role.CLERK),
    ("lanhdao.khanhhoa", "Nguyễn Văn Hải", "VKS-KH", Role.LEADER),
    ("chuyenvien.khanhhoa", "Trần Thị Lan", "VKS-KH", Role.STAFF),
    ("quantri.khanhhoa", "Lê Quang Vinh", "VKS-KH", Role.ADMIN),
    ("chuyenvien.khanhson", "Bùi Văn Đức", "VKS-KV7-KH", Role.STAFF),
    ("vanthu.khanhson", "Hoàng Thị Mai", "VKS-KV7-KH", Role.CLERK),
    ("lanhdao.khanhson", "Đinh Văn Sơn", "VKS-KV7-KH", Role.LEADER),
    ("lanhdao.tuyenquang", "Vũ Văn Hùng", "VKS-TQ", Role.LEADER),
    ("chuyenvien.tuyenquang", "Ma Thị Hương", "VKS-TQ", Role.STAFF),
]


def load() -> list[tuple[str, str, str]]:
    """Create the demo users (idempotent) and return (username, role label, agency) rows."""
    rows = []
    for username, full_name, agency_code, role in DEMO_USERS:
        agency = Agency.objects.get(code=agency_code)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "agency": agency,
                "role": role,
                "email": f"{username}@vks.local",
                # Only the supreme procuracy's administrator uses the (unscoped) Django admin.
                "is_staff": role == Role.ADMIN and agency_code == SUPREME_CODE,
                "is_superuser": role == Role.ADMIN and agency_code == SUPREME_CODE,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        rows.append((username, str(Role(role).label), agency.name))
    return rows
