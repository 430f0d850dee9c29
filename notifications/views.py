from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.models import Notification
from portal import params
from portal.http import AuthenticatedHttpRequest

PAGE_SIZE = 20
MAX_ID = 2**63 - 1  # a larger id in the URL would overflow the database integer


def _safe_next(request: HttpRequest, fallback: str) -> str:
    return params.safe_next(request, request.POST.get("next"), fallback)


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("chua_doc") == "1"
    page = Paginator(selectors.notifications_of(request.user, unread_only), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page, "unread_only": unread_only})


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if pk > MAX_ID:
        raise Http404
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, notification)
    if request.POST.get("open") == "1" and notification.url:
        return redirect(notification.url)
    return redirect(_safe_next(request, reverse("notifications:list")))


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect(_safe_next(request, reverse("notifications:list")))


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.set_email_preference(request.user, form.cleaned_data["email_notifications"])
        messages.success(request, _("Đã lưu cài đặt thông báo."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _require_admin(request: AuthenticatedHttpRequest) -> None:
    if not (request.user.is_superuser or request.user.role == Role.ADMIN):
        raise PermissionDenied(_("Chỉ quản trị viên được xem trạng thái nhắc việc."))


@login_required
@require_POST
def scan_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a reminder scan at once (the same task as the 07:00 beat; a second one is harmless)."""
    _require_admin(request)
    if services.enqueue_scan():
        messages.success(request, _("Đã đưa lượt quét nhắc việc vào hàng đợi; kết quả hiện ở bảng dưới sau ít phút."))
    else:
        messages.error(request, _("Không kết nối được hàng đợi (Celery); chưa quét được. Vui lòng thử lại sau."))
    return redirect("notifications:status")


@login_required
def status(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    from django.conf import settings

    context = selectors.status_summary(request.user)
    context["broker"] = "Redis" if settings.REDIS_URL else _("thư mục trên máy chủ (filesystem)")
    context["stages"] = ", ".join(str(n) for n in settings.REMINDER_REVIEW_STAGES)
    return render(request, "notifications/status.html", context)
