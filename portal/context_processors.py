from typing import TypedDict

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from portal import access


class NavItem(TypedDict):
    url: str
    label: str
    description: str
    active: bool


PORTAL_NAME = "Cổng quy chế phối hợp ngành Kiểm sát"

# (url name, label, description for the home page). Entries whose URL does not exist yet are skipped.
NAVIGATION: list[tuple[str, str, str]] = [
    ("dashboard:index", "Tổng quan", "Số liệu sơ kết, quá hạn và nhiệm vụ của đơn vị và cấp dưới."),
    ("regulations:list", "Quy chế phối hợp", "Sổ theo dõi quy chế, nghị quyết liên tịch đã ký kết."),
    ("meetings:list", "Hội nghị, cuộc họp", "Sơ kết, tổng kết, họp liên ngành, lễ ký kết; biên bản và thông báo."),
    ("meetings:calendar", "Lịch", "Lịch hội nghị, cuộc họp theo tháng và tuần."),
    ("meetings:directives", "Nhiệm vụ được giao", "Nhiệm vụ đang thực hiện và quá hạn."),
    ("agencies:tree", "Cơ quan, đơn vị", "Cây cơ quan, đơn vị, cán bộ lãnh đạo và quá trình sáp nhập."),
    ("signing:verify", "Kiểm tra chữ ký số", "Kiểm tra chữ ký số của một tệp PDF hoặc mã xác thực in trên văn bản."),
]
# Entries shown only to some roles.
NAVIGATION_ROLES: dict[str, frozenset[str]] = {
    "audit:list": access.ADMIN_ROLES,
    "notifications:status": access.ADMIN_ROLES,
    "accounts:list": access.ADMIN_ROLES,
    "signing:config": access.ADMIN_ROLES,
}
ADMIN_NAVIGATION: list[tuple[str, str, str]] = [
    ("accounts:list", "Tài khoản", "Tài khoản của đơn vị: tạo mới, đổi vai trò, khóa, đặt lại mật khẩu."),
    ("audit:list", "Nhật ký", "Đăng nhập, xuất dữ liệu, tải văn bản và các lần bị từ chối truy cập."),
    ("notifications:status", "Trạng thái nhắc việc", "Lần quét nhắc việc gần nhất, thư đang chờ gửi và thư gửi lỗi."),
    ("signing:config", "Ký số", "Khóa ký số, hình con dấu và chữ ký của từng đơn vị; chứng thư gốc tin cậy."),
    ("admin:index", "Trang quản trị", "Danh mục dữ liệu: lĩnh vực, cơ quan, tài khoản, hộp thư nhắc việc."),
]
# Entries that need more than a role: the Django admin lets in the supreme procuracy's staff only
# (portal.admin_site).
NAVIGATION_STAFF_ONLY = {"admin:index"}
# Entries for the supreme procuracy's admins only (system-wide settings).
NAVIGATION_SUPREME_ONLY = {"signing:config"}


def portal(request: HttpRequest) -> dict:
    items: list[NavItem] = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        for name, label, description in NAVIGATION + ADMIN_NAVIGATION:
            roles = NAVIGATION_ROLES.get(name)
            if roles and not (request.user.is_superuser or request.user.role in roles):
                continue
            if name in NAVIGATION_STAFF_ONLY and not admin.site.has_permission(request):
                continue
            if name in NAVIGATION_SUPREME_ONLY and not access.is_supreme_admin(request.user):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append(NavItem(url=url, label=label, description=description, active=False))
        # The current section is the item with the longest URL prefix of this page.
        matching = [item for item in items if request.path.startswith(item["url"]) and item["url"] != "/"]
        if matching:
            max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"PORTAL_NAME": PORTAL_NAME, "NAV_ITEMS": items}
